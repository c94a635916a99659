/// An n-dimensional array in host memory: the chunk type of the "numpy" backend.
///
/// Elements are stored contiguously in row-major (C) order. An `NDArray` is a value: operations
/// return new arrays and never change their inputs, so chunks can be shared between tasks.
///
/// `NDArray` is also the host form every backend converts through (`toBackend`, `toHost`), the
/// role NumPy arrays play for Dask, which is why its storage is defined here and its kernels in
/// the `NumPyBackend` module.
public struct NDArray: Sendable {
    /// The length of each axis.
    public let shape: [Int]

    /// The element type.
    public let dtype: DType

    /// The bytes of the elements.
    public let storage: ArrayStorage

    /// The number of elements (1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// The number of axes.
    public var ndim: Int { shape.count }

    /// Wraps existing storage holding `shape.reduce(1, *)` elements of `dtype`.
    package init(shape: [Int], dtype: DType, storage: ArrayStorage) {
        self.shape = shape
        self.dtype = dtype
        self.storage = storage
    }

    /// Allocates an array whose elements the caller fills before publishing it.
    package init(uninitializedShape shape: [Int], dtype: DType) {
        self.init(shape: shape, dtype: dtype,
                  storage: ArrayStorage(byteCount: shape.reduce(1, *) * dtype.itemSize))
    }

    /// An array of `shape` filled with zeros.
    public init(zeros shape: [Int], dtype: DType = .float64) throws {
        try Self.checkShape(shape)
        self.init(shape: shape, dtype: dtype, storage: ArrayStorage(zeroedByteCount: shape.reduce(1, *) * dtype.itemSize))
    }

    /// An array holding `values` in row-major order, with the given shape (a 1-d array if `nil`).
    ///
    /// - Throws: ``ShapeError`` if the shape is invalid or does not hold `values.count` elements.
    public init<Element: NDArrayElement>(_ values: [Element], shape: [Int]? = nil) throws {
        let shape = shape ?? [values.count]
        try Self.checkShape(shape)
        guard shape.reduce(1, *) == values.count else {
            throw ShapeError.sizeMismatch(shape: shape, count: values.count)
        }
        self.init(uninitializedShape: shape, dtype: Element.dtype)
        let target = storage.bytes.bindMemory(to: Element.self, capacity: values.count)
        values.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { target.initialize(from: base, count: values.count) }
        }
    }

    /// A 0-d array holding `value`.
    public init<Element: NDArrayElement>(scalar value: Element) {
        self.init(uninitializedShape: [], dtype: Element.dtype)
        storage.bytes.bindMemory(to: Element.self, capacity: 1).initialize(to: value)
    }

    /// Row-major strides, in elements.
    public var strides: [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// Calls `body` with the elements as `Element`, which must be the dtype's Swift type.
    ///
    /// ```swift
    /// let total = try host.withUnsafeBufferPointer(as: Double.self) { $0.reduce(0, +) }
    /// ```
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` if `Element` does not store ``dtype``.
    public func withUnsafeBufferPointer<Element: NDArrayElement, R>(
        as type: Element.Type, _ body: (UnsafeBufferPointer<Element>) throws -> R
    ) throws -> R {
        guard Element.dtype == dtype || (dtype == .uint64 && Element.self == Int64.self) else {
            throw ShapeError.invalidArgument("The array holds \(dtype), not \(Element.dtype); convert it with astype first.")
        }
        return try withUnsafeElements(as: type, body)
    }

    /// Calls `body` with the elements, which must be of type `Element`.
    ///
    /// - Precondition: `Element` has the dtype's width. An internal invariant, unreachable from user
    ///   input: only Tessera's kernels call this, after switching on the dtype.
    @inlinable
    package func withUnsafeElements<Element: NDArrayElement, R>(
        as _: Element.Type, _ body: (UnsafeBufferPointer<Element>) throws -> R
    ) rethrows -> R {
        precondition(Element.dtype.itemSize == dtype.itemSize, "element type does not match dtype")
        let pointer = storage.bytes.assumingMemoryBound(to: Element.self)
        return try body(UnsafeBufferPointer(start: pointer, count: count))
    }

    /// Calls `body` with the elements for writing; only for arrays being built.
    @inlinable
    package func withUnsafeMutableElements<Element: NDArrayElement, R>(
        as _: Element.Type, _ body: (UnsafeMutableBufferPointer<Element>) throws -> R
    ) rethrows -> R {
        precondition(Element.dtype.itemSize == dtype.itemSize, "element type does not match dtype")
        let pointer = storage.bytes.bindMemory(to: Element.self, capacity: count)
        return try body(UnsafeMutableBufferPointer(start: pointer, count: count))
    }

    /// The element at a flat row-major position, as a ``ScalarValue``.
    public func scalar(at index: Int) -> ScalarValue {
        let raw = storage.bytes
        switch dtype {
        case .bool: return .bool(raw.load(fromByteOffset: index, as: Bool.self))
        case .int8: return .int(Int64(raw.load(fromByteOffset: index, as: Int8.self)))
        case .int16: return .int(Int64(raw.load(fromByteOffset: index * 2, as: Int16.self)))
        case .int32: return .int(Int64(raw.load(fromByteOffset: index * 4, as: Int32.self)))
        case .int64: return .int(raw.load(fromByteOffset: index * 8, as: Int64.self))
        case .uint8: return .uint(UInt64(raw.load(fromByteOffset: index, as: UInt8.self)))
        case .uint16: return .uint(UInt64(raw.load(fromByteOffset: index * 2, as: UInt16.self)))
        case .uint32: return .uint(UInt64(raw.load(fromByteOffset: index * 4, as: UInt32.self)))
        case .uint64: return .uint(raw.load(fromByteOffset: index * 8, as: UInt64.self))
        case .float32: return .double(Double(raw.load(fromByteOffset: index * 4, as: Float.self)))
        case .float64: return .double(raw.load(fromByteOffset: index * 8, as: Double.self))
        }
    }

    /// The elements in row-major order, converted to `Element` as NumPy's `astype` converts.
    ///
    /// ```swift
    /// host.toArray(Double.self)   // [Double]
    /// ```
    public func toArray<Element: NDArrayElement>(_: Element.Type) -> [Element] {
        let n = count
        return [Element](unsafeUninitializedCapacity: n) { target, initialized in
            let raw = UnsafeRawPointer(storage.bytes)
            func copy<Source: NDArrayElement>(_: Source.Type) {
                let source = raw.assumingMemoryBound(to: Source.self)
                if Source.self == Element.self {
                    target.baseAddress?.initialize(from: UnsafePointer(OpaquePointer(source)), count: n)
                } else if Source.dtype.isFloatingPoint || Element.dtype.isFloatingPoint {
                    for i in 0..<n { target.initializeElement(at: i, to: Element(convertingFrom: source[i].doubleValue)) }
                } else {
                    for i in 0..<n { target.initializeElement(at: i, to: Element(convertingFrom: source[i].int64Value)) }
                }
            }
            switch dtype {
            case .bool: copy(Bool.self)
            case .int8: copy(Int8.self)
            case .int16: copy(Int16.self)
            case .int32: copy(Int32.self)
            case .int64: copy(Int64.self)
            case .uint8: copy(UInt8.self)
            case .uint16: copy(UInt16.self)
            case .uint32: copy(UInt32.self)
            case .uint64: copy(UInt64.self)
            case .float32: copy(Float.self)
            case .float64: copy(Double.self)
            }
            initialized = n
        }
    }

    /// The single element of a 0-d or one-element array.
    ///
    /// - Throws: ``ShapeError/notScalar(shape:)`` if the array has more than one element.
    public func item() throws -> ScalarValue {
        guard count == 1 else { throw ShapeError.notScalar(shape: shape) }
        return scalar(at: 0)
    }

    /// Throws if `shape` has a negative length.
    package static func checkShape(_ shape: [Int]) throws(ShapeError) {
        if let bad = shape.first(where: { $0 < 0 }) {
            throw .negativeDimension(shape: shape, value: bad)
        }
        var total = 1
        for length in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: length)
            guard !overflow, product <= 1 << 48 else { throw .tooLarge(shape: shape) }
            total = product
        }
    }
}

/// An error in the shape of an array or in an index, axis or chunking that depends on it.
public enum ShapeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A dimension is negative.
    case negativeDimension(shape: [Int], value: Int)
    /// The shape holds more elements than can be addressed.
    case tooLarge(shape: [Int])
    /// A shape does not hold the number of values given.
    case sizeMismatch(shape: [Int], count: Int)
    /// Two shapes that must match (or broadcast) do not.
    case incompatible(operation: String, shapes: [[Int]])
    /// An axis is outside `-ndim..<ndim`.
    case axisOutOfRange(axis: Int, ndim: Int)
    /// A value was asked of an array with more than one element.
    case notScalar(shape: [Int])
    /// An index or range is outside an axis.
    case indexOutOfRange(axis: Int, index: String, length: Int)
    /// Chunk sizes are invalid for the shape.
    case invalidChunks(shape: [Int], chunks: String, reason: String)
    /// Any other invalid argument.
    case invalidArgument(String)

    /// A sentence naming the shapes and what is wrong.
    public var description: String {
        switch self {
        case let .negativeDimension(shape, value):
            "Negative dimension \(value) in shape \(shape); dimensions must be zero or more."
        case let .tooLarge(shape):
            "Shape \(shape) has more elements than Tessera can address."
        case let .sizeMismatch(shape, count):
            "Cannot make an array of shape \(shape) (\(shape.reduce(1, *)) elements) from \(count) values."
        case let .incompatible(operation, shapes):
            "\(operation): shapes \(shapes.map { "\($0)" }.joined(separator: " and ")) are not compatible."
        case let .axisOutOfRange(axis, ndim):
            "Axis \(axis) is out of range for an array with \(ndim) dimension\(ndim == 1 ? "" : "s")."
        case let .notScalar(shape):
            "Only an array with one element can be converted to a scalar; this one has shape \(shape)."
        case let .indexOutOfRange(axis, index, length):
            "Index \(index) is out of range for axis \(axis) with length \(length)."
        case let .invalidChunks(shape, chunks, reason):
            "Chunks \(chunks) do not fit shape \(shape): \(reason)."
        case let .invalidArgument(message):
            message
        }
    }
}
