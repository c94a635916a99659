/// The element type of an array chunk, spelled as NumPy spells it.
///
/// Every backend stores elements in these types. `itemSize` is the width in bytes of one element in
/// host memory; `kind` groups the types as NumPy's `dtype.kind` does and drives type promotion.
public enum DType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case bool
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case float32, float64

    /// The broad family of a dtype, as NumPy's one-letter `dtype.kind`.
    public enum Kind: Sendable, Hashable {
        /// `b`: booleans.
        case boolean
        /// `i`: signed integers.
        case signedInteger
        /// `u`: unsigned integers.
        case unsignedInteger
        /// `f`: floating point.
        case floatingPoint
    }

    /// The number of bytes one element occupies.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// The dtype's family.
    public var kind: Kind {
        switch self {
        case .bool: .boolean
        case .int8, .int16, .int32, .int64: .signedInteger
        case .uint8, .uint16, .uint32, .uint64: .unsignedInteger
        case .float32, .float64: .floatingPoint
        }
    }

    /// Whether the dtype is `float32` or `float64`.
    public var isFloatingPoint: Bool { kind == .floatingPoint }

    /// Whether the dtype is a signed or unsigned integer.
    public var isInteger: Bool { kind == .signedInteger || kind == .unsignedInteger }

    /// The NumPy name, for example `"float64"`.
    public var description: String { rawValue }

    /// The dtype NumPy gives the result of combining two arrays of these dtypes (`np.result_type`).
    ///
    /// Follows NumPy 2's rules for arrays: the smallest type that holds both, with `int64` and
    /// `uint64` promoting to `float64`, and integers of 16 bits or fewer mixed with `float32`
    /// staying `float32`.
    public static func promote(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        switch (a.kind, b.kind) {
        case (.floatingPoint, .floatingPoint):
            return a.itemSize >= b.itemSize ? a : b
        case (.floatingPoint, _):
            return floatHolding(b, atLeast: a)
        case (_, .floatingPoint):
            return floatHolding(a, atLeast: b)
        case (.signedInteger, .signedInteger), (.unsignedInteger, .unsignedInteger):
            return a.itemSize >= b.itemSize ? a : b
        default:
            let (signed, unsigned) = a.kind == .signedInteger ? (a, b) : (b, a)
            if signed.itemSize > unsigned.itemSize { return signed }
            switch unsigned.itemSize {
            case 1: return .int16
            case 2: return .int32
            case 4: return .int64
            default: return .float64
            }
        }
    }

    /// The smallest float that holds every value of the integer `integer`, and is at least `float`.
    private static func floatHolding(_ integer: DType, atLeast float: DType) -> DType {
        if float == .float64 { return .float64 }
        return integer.itemSize <= 2 ? .float32 : .float64
    }

    /// The dtype of `true division` of two arrays of these dtypes: floating point, as NumPy's `/`.
    public static func divisionResult(_ a: DType, _ b: DType) -> DType {
        let promoted = promote(a, b)
        if promoted.isFloatingPoint { return promoted }
        return .float64
    }

    /// The dtype a sum of this dtype accumulates into, as NumPy's default (`np.add.reduce`).
    ///
    /// Booleans and signed integers narrower than 64 bits sum as `int64`, unsigned as `uint64`.
    public var sumResult: DType {
        switch kind {
        case .boolean, .signedInteger: .int64
        case .unsignedInteger: .uint64
        case .floatingPoint: self
        }
    }

    /// The dtype of a mean, variance or standard deviation over this dtype: `float64` for
    /// integers and booleans, the same float otherwise.
    public var meanResult: DType { isFloatingPoint ? self : .float64 }

    /// Parses a NumPy dtype name such as `"float64"`, `"f8"`, `"int32"` or `"bool"`.
    ///
    /// - Returns: `nil` for a name NumPy would not understand.
    public init?(numpyName name: String) {
        if let exact = DType(rawValue: name) {
            self = exact
            return
        }
        let aliases: [String: DType] = [
            "?": .bool, "b1": .bool, "bool_": .bool,
            "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64, "int": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64,
            "f4": .float32, "f8": .float64, "float": .float64, "double": .float64, "single": .float32,
        ]
        guard let alias = aliases[name] else { return nil }
        self = alias
    }
}
