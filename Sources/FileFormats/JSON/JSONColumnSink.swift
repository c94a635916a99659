#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backends

/// One column being filled by the parser: fixed-width values or string bytes, and the rows that
/// are null.
///
/// A trivial struct (pointers, counts and an unmanaged reference) kept in unsafe memory, so that
/// the hot loop updates it without reference counting or exclusivity checks. Fixed-width values
/// are written straight into the ``ArrayStorage`` the finished column keeps (no copy at the end);
/// nulls are recorded as a list of row numbers, which costs nothing for the rows that hold values,
/// and the bitmap is built at the end. Memory is freed by ``release()``.
struct JSONColumnSink {
    /// How the values are stored.
    enum Kind: UInt8 {
        /// Inferring, and only nulls so far: no storage yet.
        case pending
        /// One byte per row.
        case bool
        /// Signed integers.
        case int8, int16, int32, int64
        /// Unsigned integers.
        case uint8, uint16, uint32, uint64
        /// Floats.
        case float32, float64
        /// UTF-8 strings (any JSON value's text).
        case string
        /// `int64` counts of the column's time unit since the epoch.
        case timestamp
        /// `int32` days since the epoch.
        case date
        /// Strings, dictionary-encoded when the column is finished.
        case categorical

        /// The bytes per row of the values buffer (0 for strings and pending columns).
        var itemSize: Int {
            switch self {
            case .pending, .string, .categorical: 0
            case .bool, .int8, .uint8: 1
            case .int16, .uint16: 2
            case .int32, .uint32, .float32, .date: 4
            case .int64, .uint64, .float64, .timestamp: 8
            }
        }

        /// The kind that stores a column of `type`.
        init(_ type: ColumnType) {
            switch type {
            case let .numeric(dtype):
                switch dtype {
                case .bool: self = .bool
                case .int8: self = .int8
                case .int16: self = .int16
                case .int32: self = .int32
                case .int64: self = .int64
                case .uint8: self = .uint8
                case .uint16: self = .uint16
                case .uint32: self = .uint32
                case .uint64: self = .uint64
                case .float32: self = .float32
                case .float64: self = .float64
                }
            case .string: self = .string
            case .timestamp: self = .timestamp
            case .date: self = .date
            case .categorical: self = .categorical
            }
        }

        /// The column type an inferred column of this kind has.
        var inferredType: ColumnType {
            switch self {
            case .pending, .float64: .float64
            case .bool: .bool
            case .int8: .numeric(.int8)
            case .int16: .numeric(.int16)
            case .int32: .int32
            case .int64: .int64
            case .uint8: .numeric(.uint8)
            case .uint16: .numeric(.uint16)
            case .uint32: .numeric(.uint32)
            case .uint64: .numeric(.uint64)
            case .float32: .float32
            case .string: .string
            case .timestamp: .timestamp(.ns, timeZone: nil)
            case .date: .date
            case .categorical: .categorical
            }
        }
    }

    /// How the values are stored.
    var kind: Kind
    /// Whether the type was given (by a schema or `dtypes`): values that do not fit are errors
    /// rather than reasons to widen the type.
    var fixed: Bool
    /// Whether an `int64` column has stored a negative value (it can then not become `uint64`).
    var sawNegative = false
    /// For timestamp columns: units of the column per second.
    var perSecond: Int64 = 1
    /// The number of rows filled, values and nulls.
    var count = 0
    /// Fixed-width values, `capacity` rows: the bytes of `storage`.
    var values: UnsafeMutableRawPointer?
    /// The storage of fixed-width values (one strong reference, owned by this sink).
    private var storage: Unmanaged<ArrayStorage>?
    /// Rows allocated in `values` (or `offsets`, less one).
    var capacity = 0
    /// Rows to allocate at the first allocation (an estimate of the rows to come).
    var rowsHint = 1024
    /// Row numbers of the null rows, ascending.
    var nulls: UnsafeMutablePointer<Int>?
    /// The number of null rows.
    var nullCount = 0
    private var nullCapacity = 0
    /// For strings: `capacity + 1` offsets into `bytes`; row `i` is `offsets[i] ..< offsets[i + 1]`.
    var offsets: UnsafeMutablePointer<Int64>?
    /// For strings: the bytes.
    var bytes = JSONByteBuffer()

    /// A column of `kind` (given and fixed, or a starting point for inference).
    init(kind: Kind, fixed: Bool) {
        self.kind = kind
        self.fixed = fixed
    }

    // MARK: - Rows

    /// Makes room for row `row`.
    @inline(__always)
    mutating func reserveRow(_ row: Int) {
        if row >= capacity { growRows(row + 1) }
    }

    /// Allocates room for at least `needed` rows, keeping the rows so far.
    mutating func growRows(_ needed: Int) {
        let newCapacity = max(needed, capacity + capacity / 2, rowsHint, 64)
        if kind == .string || kind == .categorical {
            guard let raw = realloc(offsets, (newCapacity + 1) * 8) else { fatalError("Out of memory reading JSON.") }
            offsets = raw.assumingMemoryBound(to: Int64.self)
            if capacity == 0 { raw.assumingMemoryBound(to: Int64.self).pointee = 0 }
        } else if kind != .pending {
            let bigger = ArrayStorage(byteCount: newCapacity * kind.itemSize)
            if let values, count > 0 { bigger.bytes.copyMemory(from: values, byteCount: count * kind.itemSize) }
            storage?.release()
            storage = Unmanaged.passRetained(bigger)
            values = bigger.bytes
        }
        capacity = newCapacity
    }

    /// Marks row `row` (the next one) null.
    @inline(__always)
    mutating func appendNull(_ row: Int) {
        if nullCount == nullCapacity {
            nullCapacity = max(64, nullCapacity * 2)
            guard let raw = realloc(nulls, nullCapacity * 8) else { fatalError("Out of memory reading JSON.") }
            nulls = raw.assumingMemoryBound(to: Int.self)
        }
        nulls.unsafelyUnwrapped[nullCount] = row
        nullCount += 1
        switch kind {
        case .pending:
            break
        case .string, .categorical:
            reserveRow(row)
            offsets.unsafelyUnwrapped[row + 1] = Int64(bytes.count)
        default:
            reserveRow(row)
            values.unsafelyUnwrapped.advanced(by: row * kind.itemSize).initializeMemory(as: UInt8.self, repeating: 0, count: kind.itemSize)
        }
        count = row + 1
    }

    /// Nulls up to (not including) row `row`.
    mutating func pad(to row: Int) {
        while count < row { appendNull(count) }
    }

    /// Forgets row `row`, the last one filled (a key repeated in one object: the last value wins).
    mutating func forgetLastRow(_ row: Int) {
        guard count == row + 1 else { return }
        if nullCount > 0, nulls.unsafelyUnwrapped[nullCount - 1] == row { nullCount -= 1 }
        if kind == .string || kind == .categorical { bytes.count = Int(offsets.unsafelyUnwrapped[row]) }
        count = row
    }

    /// Stores a fixed-width value in row `row` (the next one).
    @inline(__always)
    mutating func set<Element>(_ row: Int, _ value: Element) {
        reserveRow(row)
        values.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: row * MemoryLayout<Element>.stride, as: Element.self)
        count = row + 1
    }

    /// Ends row `row` (the next one) of a string column after its bytes were appended to ``bytes``.
    @inline(__always)
    mutating func endString(_ row: Int) {
        reserveRow(row)
        offsets.unsafelyUnwrapped[row + 1] = Int64(bytes.count)
        count = row + 1
    }

    // MARK: - Changing the type while inferring

    /// Gives a pending column storage of `newKind`, the rows so far null.
    mutating func start(_ newKind: Kind) {
        kind = newKind
        let rows = count
        capacity = 0
        growRows(max(rows + 1, rowsHint))
        if newKind == .string || newKind == .categorical {
            offsets.unsafelyUnwrapped.initialize(repeating: 0, count: rows + 1)
        } else if rows > 0 {
            values.unsafelyUnwrapped.initializeMemory(as: UInt8.self, repeating: 0, count: rows * newKind.itemSize)
        }
    }

    /// Converts the stored `int64` or `uint64` values to `float64`, as pandas does for a column that
    /// mixes integers and floats (each integer rounded to the nearest double).
    mutating func widenToFloat64() {
        guard let values else { kind = .float64; return }
        switch kind {
        case .int64:
            let source = values.assumingMemoryBound(to: Int64.self)
            for row in 0..<count { values.storeBytes(of: Double(source[row]), toByteOffset: row * 8, as: Double.self) }
        case .uint64:
            let source = values.assumingMemoryBound(to: UInt64.self)
            for row in 0..<count { values.storeBytes(of: Double(source[row]), toByteOffset: row * 8, as: Double.self) }
        default:
            break
        }
        kind = .float64
    }

    // MARK: - Finishing

    /// The finished column of `type`, `rowCount` rows (the caller padded every sink to it).
    func makeColumn(_ type: ColumnType, rowCount: Int) -> Column {
        if kind == .pending { return Column.nulls(type, count: rowCount) }
        var validity: ValidityBitmap? = nil
        if nullCount > 0, let nulls {
            var bitmap = ValidityBitmap(count: rowCount, allValid: true)
            for index in 0..<nullCount { bitmap.set(nulls[index], valid: false) }
            validity = bitmap
        }
        switch kind {
        case .string, .categorical:
            let offsetArray = [Int64](unsafeUninitializedCapacity: rowCount + 1) { target, initialized in
                if let offsets, let base = target.baseAddress { base.initialize(from: offsets, count: rowCount + 1) } else { target[0] = 0 }
                initialized = rowCount + 1
            }
            let byteArray = Array(bytes.bytes)
            let strings = StringBuffer(unchecked: offsetArray, bytes: byteArray)
            if kind == .categorical { return Self.categorical(strings, validity: validity, rowCount: rowCount) }
            return Column(unchecked: .string, storage: .strings(strings), validity: validity, count: rowCount)
        default:
            let dtype = type.storageDType ?? .float64
            let array: NDArray
            if let storage, capacity - rowCount <= rowCount / 8 + 4096 {
                // Keep the storage filled in place; its unused tail (an estimate's margin) was never
                // touched, so it costs address space only.
                array = NDArray(shape: [rowCount], dtype: dtype, storage: storage.takeUnretainedValue())
            } else {
                array = NDArray(uninitializedShape: [rowCount], dtype: dtype)
                if let values, rowCount > 0 {
                    array.storage.bytes.copyMemory(from: values, byteCount: rowCount * dtype.itemSize)
                }
            }
            return Column(unchecked: type, storage: .fixedWidth(array), validity: validity, count: rowCount)
        }
    }

    /// Dictionary-encodes strings: categories sorted (as pandas sorts inferred categories), codes
    /// into them, -1 under nulls.
    private static func categorical(_ strings: StringBuffer, validity: ValidityBitmap?, rowCount: Int) -> Column {
        var lookup: [String: Int32] = [:]
        for row in 0..<rowCount where validity?.isValid(row) ?? true { lookup[strings[row], default: 0] = 0 }
        let categories = lookup.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        for (code, category) in categories.enumerated() { lookup[category] = Int32(code) }
        let codes = NDArray(uninitializedShape: [rowCount], dtype: .int32)
        codes.withUnsafeMutableElements(as: Int32.self) { target in
            for row in 0..<rowCount {
                target[row] = validity?.isValid(row) ?? true ? lookup[strings[row]] ?? -1 : -1
            }
        }
        return Column(unchecked: .categorical, storage: .dictionary(codes: codes, categories: StringBuffer(categories.map { Optional($0) })),
                      validity: validity, count: rowCount)
    }

    /// Frees the memory.
    mutating func release() {
        storage?.release()
        storage = nil
        free(nulls)
        free(offsets)
        values = nil
        nulls = nil
        offsets = nil
        bytes.release()
        capacity = 0
        nullCount = 0
        count = 0
    }
}
