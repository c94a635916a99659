/// A Swift type that stores the elements of one ``DType``.
public protocol NDArrayElement: Sendable, Hashable {
    /// The dtype stored as this type.
    static var dtype: DType { get }
    /// Converts from a double, as a C cast does (truncating floats to integers; never traps).
    init(convertingFrom value: Double)
    /// Converts from a signed integer, wrapping as NumPy's `astype` does.
    init(convertingFrom value: Int64)
    /// The value as a double.
    var doubleValue: Double { get }
    /// The value as a signed integer (wrapped or truncated as a C cast).
    var int64Value: Int64 { get }
}

extension Bool: NDArrayElement {
    /// `.bool`.
    public static var dtype: DType { .bool }
    /// Nonzero is true.
    public init(convertingFrom value: Double) { self = value != 0 }
    /// Nonzero is true.
    public init(convertingFrom value: Int64) { self = value != 0 }
    /// 1 or 0.
    public var doubleValue: Double { self ? 1 : 0 }
    /// 1 or 0.
    public var int64Value: Int64 { self ? 1 : 0 }
}

extension Double: NDArrayElement {
    /// `.float64`.
    public static var dtype: DType { .float64 }
    /// The value itself.
    public init(convertingFrom value: Double) { self = value }
    /// The nearest double.
    public init(convertingFrom value: Int64) { self = Double(value) }
    /// The value itself.
    public var doubleValue: Double { self }
    /// Truncated toward zero (0 for NaN, clamped at the ends).
    public var int64Value: Int64 { Int64(truncatingIfNeeded: self) }
}

extension Float: NDArrayElement {
    /// `.float32`.
    public static var dtype: DType { .float32 }
    /// The nearest float.
    public init(convertingFrom value: Double) { self = Float(value) }
    /// The nearest float.
    public init(convertingFrom value: Int64) { self = Float(value) }
    /// The exact double.
    public var doubleValue: Double { Double(self) }
    /// Truncated toward zero (0 for NaN, clamped at the ends).
    public var int64Value: Int64 { Int64(truncatingIfNeeded: Double(self)) }
}

/// Integer element conversions shared by every width.
public protocol NDArrayIntegerElement: NDArrayElement, FixedWidthInteger {}

extension NDArrayIntegerElement {
    /// Truncates toward zero and wraps to the width.
    public init(convertingFrom value: Double) { self.init(truncatingIfNeeded: Int64(truncatingIfNeeded: value)) }
    /// Wraps to the width.
    public init(convertingFrom value: Int64) { self.init(truncatingIfNeeded: value) }
    /// The nearest double.
    public var doubleValue: Double { Double(self) }
    /// The value, wrapped to 64 bits.
    public var int64Value: Int64 { Int64(truncatingIfNeeded: self) }
}

extension Int8: NDArrayIntegerElement { /// `.int8`.
    public static var dtype: DType { .int8 } }
extension Int16: NDArrayIntegerElement { /// `.int16`.
    public static var dtype: DType { .int16 } }
extension Int32: NDArrayIntegerElement { /// `.int32`.
    public static var dtype: DType { .int32 } }
extension Int64: NDArrayIntegerElement { /// `.int64`.
    public static var dtype: DType { .int64 } }
extension Int: NDArrayIntegerElement { /// `.int64` (Swift's `Int` is 64 bits on every supported platform).
    public static var dtype: DType { .int64 } }
extension UInt8: NDArrayIntegerElement { /// `.uint8`.
    public static var dtype: DType { .uint8 } }
extension UInt16: NDArrayIntegerElement { /// `.uint16`.
    public static var dtype: DType { .uint16 } }
extension UInt32: NDArrayIntegerElement { /// `.uint32`.
    public static var dtype: DType { .uint32 } }
extension UInt64: NDArrayIntegerElement { /// `.uint64`.
    public static var dtype: DType { .uint64 } }

/// Calls `body` with the Swift element type that stores `dtype`.
///
/// This is how a kernel written once as a generic function is run on an array of any dtype: the
/// switch happens once per chunk, never per element.
@inlinable
public func withElementType<R>(_ dtype: DType, _ body: (any NDArrayElement.Type) throws -> R) rethrows -> R {
    switch dtype {
    case .bool: try body(Bool.self)
    case .int8: try body(Int8.self)
    case .int16: try body(Int16.self)
    case .int32: try body(Int32.self)
    case .int64: try body(Int64.self)
    case .uint8: try body(UInt8.self)
    case .uint16: try body(UInt16.self)
    case .uint32: try body(UInt32.self)
    case .uint64: try body(UInt64.self)
    case .float32: try body(Float.self)
    case .float64: try body(Double.self)
    }
}
