/// A single number of some dtype, as a fill value, a scalar operand or a 0-d result.
///
/// Integers are kept exactly (unsigned 64-bit values by their bit pattern), floats as doubles.
public enum ScalarValue: Sendable, Hashable, CustomStringConvertible {
    /// A boolean.
    case bool(Bool)
    /// A signed integer of any width.
    case int(Int64)
    /// An unsigned integer of any width.
    case uint(UInt64)
    /// A floating-point number.
    case double(Double)

    /// The value as a double (exact for integers up to 2^53).
    public var doubleValue: Double {
        switch self {
        case let .bool(value): value ? 1 : 0
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        case let .double(value): value
        }
    }

    /// The value as a signed 64-bit integer, truncated toward zero and wrapped as a C cast would
    /// (NaN and out-of-range doubles give 0 or the wrapped value, never a trap).
    public var int64Value: Int64 {
        switch self {
        case let .bool(value): value ? 1 : 0
        case let .int(value): value
        case let .uint(value): Int64(bitPattern: value)
        case let .double(value): Int64(truncatingIfNeeded: value)
        }
    }

    /// The smallest dtype NumPy gives a Python scalar of this kind (`int64`, `float64`, `bool`).
    public var defaultDType: DType {
        switch self {
        case .bool: .bool
        case .int: .int64
        case .uint: .uint64
        case .double: .float64
        }
    }

    /// The value as NumPy prints it.
    public var description: String {
        switch self {
        case let .bool(value): value ? "True" : "False"
        case let .int(value): String(value)
        case let .uint(value): String(value)
        case let .double(value): formatDouble(value)
        }
    }
}

extension Int64 {
    /// Converts a double as a C cast would, without trapping on NaN or overflow.
    @inlinable
    public init(truncatingIfNeeded value: Double) {
        if value.isNaN { self = 0; return }
        if value >= 9_223_372_036_854_775_807.0 { self = .max; return }
        if value <= -9_223_372_036_854_775_808.0 { self = .min; return }
        self = Int64(value)
    }
}

/// Formats a double the way NumPy's repr does for simple values (`1.0`, `0.5`, `nan`, `inf`).
public func formatDouble(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == value.rounded(), abs(value) < 1e16 { return String(Int64(value)) + "." }
    return String(value)
}
