/// The strings (and numbers) a CSV read treats as missing, as pandas' `na_values` and
/// `keep_default_na` define them.
struct CSVMissingValues: Sendable {
    /// pandas' default missing-value strings (`pandas._libs.parsers.STR_NA_VALUES`).
    static let pandasDefaults: [String] = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// The strings, as UTF-8.
    let strings: [[UInt8]]
    /// Whether an empty field is missing.
    let containsEmpty: Bool
    /// Numbers that are missing in numeric columns (pandas' `na_fvalues`).
    let numbers: [Double]
    private let maxLength: Int
    private let firstBytes: [UInt64]

    /// The missing values `options` define.
    init(options: CSVOptions) {
        var set = Set<String>(options.keepDefaultNA ? Self.pandasDefaults : [])
        var numbers: [Double] = []
        for value in options.naValues {
            set.insert(value)
            if let number = Double(value), !number.isNaN {
                numbers.append(number)
                // pandas also matches the spelling Python gives an integral float and its int.
                if number.isFinite, number == number.rounded(), abs(number) < 1e18 {
                    set.insert("\(Int64(number))")
                    set.insert("\(Int64(number)).0")
                }
            }
        }
        strings = set.sorted().map { Array($0.utf8) }
        containsEmpty = set.contains("")
        self.numbers = numbers
        maxLength = strings.map(\.count).max() ?? 0
        var firstBytes = [UInt64](repeating: 0, count: 4)
        for string in strings where !string.isEmpty {
            firstBytes[Int(string[0] >> 6)] |= 1 << UInt64(string[0] & 63)
        }
        self.firstBytes = firstBytes
    }

    /// Whether the field `p[0 ..< n]` is missing.
    @inline(__always)
    func contains(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return containsEmpty }
        if n > maxLength { return false }
        let first = p[0]
        if firstBytes[Int(first >> 6)] & (1 << UInt64(first & 63)) == 0 { return false }
        return containsSlow(p, n)
    }

    private func containsSlow(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        for string in strings where string.count == n {
            var equal = true
            for k in 0..<n where string[k] != p[k] {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    /// Whether a parsed number is one of the missing numbers.
    @inline(__always)
    func containsNumber(_ value: Double) -> Bool {
        if numbers.isEmpty { return false }
        return numbers.contains(value)
    }

    /// Whether some missing-value string passes `accepts` (then every field must be checked
    /// against the strings before it is converted).
    func anyString(where accepts: (UnsafePointer<UInt8>, Int) -> Bool) -> Bool {
        for string in strings where !string.isEmpty {
            let accepted = string.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { accepts($0, buffer.count) } ?? false
            }
            if accepted { return true }
        }
        return false
    }
}
