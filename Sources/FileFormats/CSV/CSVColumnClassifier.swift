import Backends

/// Infers the type of one CSV column from its non-missing fields, in order, as pandas' C parser
/// does (`TextReader._convert_tokens`):
///
/// 1. `int64` if every field is an integer that fits. At the first field that is not an integer
///    the column goes to step 3; at the first that overflows, a `uint64` pass over all fields
///    decides: `uint64` if every field is a non-negative integer that fits, step 3 if the first
///    failure is a field that is not an integer, and strings otherwise (negatives mixed with values
///    above `Int64.max`, or values beyond `UInt64.max`: pandas keeps those as Python ints).
/// 2. (`uint64`, above.)
/// 3. `float64` if every field is a float (pandas' syntax, infinities included, not `nan`).
/// 4. `bool` if every field is one of `True`, `TRUE`, `true`, `False`, `FALSE`, `false`.
/// 5. `string` otherwise.
///
/// A column with no fields at all (a file with a header only) is `string`; a column whose fields
/// are all missing is `float64`. For `parse_dates` columns ``dateType`` says whether every field
/// is an ISO 8601 date-time and whether any has a zone.
struct CSVColumnClassifier {
    private enum IntegerPass { case running, invalid, overflow }
    private enum UnsignedPass { case running, invalid, overflow }

    private var integerPass = IntegerPass.running
    private var unsignedPass = UnsignedPass.running
    private var sawNegative = false
    private var sawAboveInt64 = false
    private var allFloats = true
    private var allBools = true
    private var allTimestamps = true
    private var anyZone = false
    /// Whether any non-missing field was seen.
    private(set) var sawValue = false
    /// Whether any field (missing or not) was seen.
    private(set) var sawField = false

    /// Records a missing field.
    mutating func addMissing() { sawField = true }

    /// Records the non-missing field `p[0 ..< n]`.
    mutating func add(_ p: UnsafePointer<UInt8>, _ n: Int, checkTimestamps: Bool) {
        sawField = true
        sawValue = true
        if checkTimestamps, allTimestamps {
            if let instant = CSVTimestampParser.parse(p, n) {
                if instant.hasZone { anyZone = true }
            } else {
                allTimestamps = false
            }
        }
        if integerPass == .running {
            switch CSVDecimalParser.parseInt64(p, n) {
            case let .value(value):
                // An integer is also a float and never a boolean; without surrounding spaces it is
                // also an unsigned-pass integer.
                allBools = false
                if unsignedPass == .running {
                    if CSVDecimalParser.isSpace(p[0]) || CSVDecimalParser.isSpace(p[n - 1]) {
                        unsignedPass = .invalid
                    } else if value < 0 {
                        sawNegative = true
                    }
                }
                return
            case .invalid: integerPass = .invalid
            case .overflow: integerPass = .overflow
            }
        }
        // The unsigned pass only decides after the signed pass overflows.
        if unsignedPass == .running, integerPass != .invalid {
            switch CSVDecimalParser.parseUInt64(p, n) {
            case let .value(value): if value > UInt64(Int64.max) { sawAboveInt64 = true }
            case .negative: sawNegative = true
            case .invalid: unsignedPass = .invalid
            case .overflow: unsignedPass = .overflow
            }
        }
        if allFloats, CSVDecimalParser.parseDouble(p, n) == nil { allFloats = false }
        if allBools, CSVColumnClassifier.boolValue(p, n) == nil { allBools = false }
    }

    /// The inferred type.
    var inferredType: ColumnType {
        guard sawField else { return .string }
        guard sawValue else { return .float64 }
        switch integerPass {
        case .running:
            return .int64
        case .overflow:
            switch unsignedPass {
            case .running:
                if !sawNegative { return .numeric(.uint64) }
                return .string
            case .overflow:
                return .string
            case .invalid:
                break
            }
        case .invalid:
            break
        }
        if allFloats { return .float64 }
        if allBools { return .bool }
        return .string
    }

    /// The type of a `parse_dates` column: nanosecond timestamps (UTC if any field had a zone), or
    /// `nil` if some field is not an ISO 8601 date-time (pandas then leaves the strings).
    var dateType: ColumnType? {
        guard allTimestamps else { return nil }
        return .timestamp(.ns, timeZone: anyZone ? "UTC" : nil)
    }

    /// `true`/`false` for pandas' boolean spellings, `nil` otherwise.
    @inline(__always)
    static func boolValue(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool? {
        if n == 4 {
            let t = p[0], r = p[1], u = p[2], e = p[3]
            if t == UInt8(ascii: "T") && ((r == UInt8(ascii: "r") && u == UInt8(ascii: "u") && e == UInt8(ascii: "e"))
                || (r == UInt8(ascii: "R") && u == UInt8(ascii: "U") && e == UInt8(ascii: "E"))) { return true }
            if t == UInt8(ascii: "t") && r == UInt8(ascii: "r") && u == UInt8(ascii: "u") && e == UInt8(ascii: "e") { return true }
            return nil
        }
        if n == 5 {
            let f = p[0], a = p[1], l = p[2], s = p[3], e = p[4]
            if f == UInt8(ascii: "F") && ((a == UInt8(ascii: "a") && l == UInt8(ascii: "l") && s == UInt8(ascii: "s") && e == UInt8(ascii: "e"))
                || (a == UInt8(ascii: "A") && l == UInt8(ascii: "L") && s == UInt8(ascii: "S") && e == UInt8(ascii: "E"))) { return false }
            if f == UInt8(ascii: "f") && a == UInt8(ascii: "a") && l == UInt8(ascii: "l") && s == UInt8(ascii: "s") && e == UInt8(ascii: "e") { return false }
            return nil
        }
        return nil
    }
}
