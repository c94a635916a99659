/// One column of a dataframe in host memory: a typed values buffer and a validity bitmap.
///
/// The layout follows Arrow: fixed-width values (numbers, booleans as one byte, timestamps, dates,
/// categorical codes) live in a 1-d ``NDArray``, strings in a ``StringBuffer``, and nulls in an
/// optional ``ValidityBitmap`` (`nil` when the column has none). The value under a null row is
/// unspecified (zero or empty). A float value that is NaN also counts as missing, as in pandas.
///
/// A `Column` is a value: kernels return new columns and never change their inputs.
public struct Column: Sendable {
    /// How the values are laid out.
    public enum Storage: Sendable {
        /// Fixed-width values, one per row.
        case fixedWidth(NDArray)
        /// Variable-length UTF-8 strings.
        case strings(StringBuffer)
        /// `int32` codes (one per row) into `categories`.
        case dictionary(codes: NDArray, categories: StringBuffer)
    }

    /// The logical type.
    public let type: ColumnType
    /// The values.
    public let storage: Storage
    /// Which rows hold a value; `nil` when every row does.
    public let validity: ValidityBitmap?
    /// The number of rows.
    public let count: Int

    /// A column from its parts.
    ///
    /// - Throws: ``FrameError/invalidColumn(_:)`` if the parts disagree on the type or the length.
    public init(type: ColumnType, storage: Storage, validity: ValidityBitmap? = nil) throws(FrameError) {
        let count: Int
        switch (type, storage) {
        case (.string, let .strings(buffer)):
            count = buffer.count
        case (.categorical, let .dictionary(codes, _)):
            guard codes.dtype == .int32, codes.ndim == 1 else { throw .invalidColumn("categorical codes must be a 1-d int32 array") }
            count = codes.count
        case (_, let .fixedWidth(values)):
            guard let expected = type.storageDType, type != .categorical, values.dtype == expected || (type.numericDType != nil && values.dtype == expected) else {
                throw .invalidColumn("a \(type) column cannot store \(values.dtype) values")
            }
            guard values.ndim == 1 else { throw .invalidColumn("column values must be 1-d, got shape \(values.shape)") }
            count = values.count
        default:
            throw .invalidColumn("the storage does not match the column type \(type)")
        }
        if let validity, validity.count != count {
            throw .invalidColumn("the validity bitmap covers \(validity.count) rows, the values \(count)")
        }
        self.init(unchecked: type, storage: storage, validity: validity, count: count)
    }

    /// A column whose parts the caller guarantees consistent (kernels' fast path).
    package init(unchecked type: ColumnType, storage: Storage, validity: ValidityBitmap?, count: Int) {
        self.type = type
        self.storage = storage
        self.validity = validity?.normalized
        self.count = count
    }

    /// A numeric column over a 1-d array, with optional nulls.
    public init(_ values: NDArray, validity: ValidityBitmap? = nil) throws(FrameError) {
        try self.init(type: .numeric(values.dtype), storage: .fixedWidth(values), validity: validity)
    }

    /// The number of null rows (NaN floats included).
    public var nullCount: Int {
        if case let .numeric(dtype) = type, dtype.isFloatingPoint {
            var nulls = 0
            for row in 0..<count where isNull(row) { nulls += 1 }
            return nulls
        }
        return validity?.nullCount ?? 0
    }

    /// Whether row `index` is missing: null, or a NaN float.
    public func isNull(_ index: Int) -> Bool {
        if let validity, !validity.isValid(index) { return true }
        if case let .fixedWidth(values) = storage {
            switch values.dtype {
            case .float64: return values.withUnsafeElements(as: Double.self) { $0[index].isNaN }
            case .float32: return values.withUnsafeElements(as: Float.self) { $0[index].isNaN }
            default: return false
            }
        }
        return false
    }

    /// The fixed-width values (numbers, timestamps, dates, categorical codes); `nil` for strings.
    public var values: NDArray? {
        switch storage {
        case let .fixedWidth(values): values
        case let .dictionary(codes, _): codes
        case .strings: nil
        }
    }

    /// The value at `index` as a dynamically typed cell (`.null` for a missing row).
    public subscript(index: Int) -> FrameValue {
        if isNull(index) { return .null }
        switch storage {
        case let .fixedWidth(values):
            let scalar = values.scalar(at: index)
            switch type {
            case let .timestamp(unit, zone): return .timestamp(scalar.int64Value, unit, timeZone: zone)
            case .date: return .date(Int32(truncatingIfNeeded: scalar.int64Value))
            default:
                switch scalar {
                case let .bool(value): return .bool(value)
                case let .int(value): return .int(value)
                case let .uint(value): return .uint(value)
                case let .double(value): return .double(value)
                }
            }
        case let .strings(buffer):
            return .string(buffer[index])
        case let .dictionary(codes, categories):
            let code = Int(codes.scalar(at: index).int64Value)
            return code >= 0 && code < categories.count ? .string(categories[code]) : .null
        }
    }

    /// Every value converted to `Double` (integers, booleans, floats), `nil` where missing or not numeric.
    public func doubles() -> [Double?] {
        guard let values, type.numericDType != nil else { return [Double?](repeating: nil, count: count) }
        var result = [Double?](repeating: nil, count: count)
        for row in 0..<count where !isNull(row) { result[row] = values.scalar(at: row).doubleValue }
        return result
    }

    /// Every value as a string (`nil` where missing); numbers and dates are formatted as pandas prints them.
    public func strings() -> [String?] {
        (0..<count).map { row in
            let value = self[row]
            if case .null = value { return nil }
            return value.description
        }
    }
}
