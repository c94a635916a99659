import Backends

/// The non-null values of some rows of a frame column, in PLAIN layout, with one definition
/// level per row: what a column chunk writer encodes. NaN floats are written as nulls, as pandas
/// writes them.
struct ParquetColumnValues {
    /// 1 for a row with a value, 0 for a null, per row.
    var levels: [UInt32]
    /// The number of values (rows with level 1).
    var count: Int
    /// Fixed-width values, `width` bytes each (booleans one byte each).
    var fixed: [UInt8]
    /// For byte arrays: start and length of each value in `buffer`.
    var starts: [Int]
    var lengths: [Int]
    var buffer: [UInt8]
    /// For categoricals: each value's code.
    var codes: [Int32]

    /// The values of `rows` of `column`, as `plan` stores them.
    ///
    /// - Throws: for a seconds timestamp that does not fit milliseconds.
    init(_ column: Column, rows: Range<Int>, plan: ParquetColumnPlan) throws(ParquetFormatError) {
        levels = []
        levels.reserveCapacity(rows.count)
        count = 0
        fixed = []
        starts = []
        lengths = []
        buffer = []
        codes = []
        let validity = column.validity
        switch column.storage {
        case let .strings(strings):
            buffer = strings.bytes
            for row in rows {
                if let validity, !validity.isValid(row) {
                    levels.append(0)
                    continue
                }
                levels.append(1)
                starts.append(Int(strings.offsets[row]))
                lengths.append(strings.byteCount(row))
            }
            count = starts.count
        case let .dictionary(codeArray, categories):
            buffer = categories.bytes
            codeArray.withUnsafeElements(as: Int32.self) { all in
                for row in rows {
                    let code = all[row]
                    if let validity, !validity.isValid(row) { levels.append(0); continue }
                    if code < 0 || Int(code) >= categories.count { levels.append(0); continue }
                    levels.append(1)
                    codes.append(code)
                    starts.append(Int(categories.offsets[Int(code)]))
                    lengths.append(categories.byteCount(Int(code)))
                }
            }
            count = codes.count
        case let .fixedWidth(array):
            let itemSize = array.dtype.itemSize
            fixed.reserveCapacity(rows.count * plan.width)
            let raw = UnsafeRawPointer(array.storage.bytes)
            var secondsOverflow = false
            for row in rows {
                if let validity, !validity.isValid(row) { levels.append(0); continue }
                let address = raw + row * itemSize
                switch array.dtype {
                case .float64:
                    let value = address.load(as: Double.self)
                    if value.isNaN { levels.append(0); continue }
                    append(value.bitPattern)
                case .float32:
                    let value = address.load(as: Float.self)
                    if value.isNaN { levels.append(0); continue }
                    append(value.bitPattern)
                case .bool, .int8: plan.physicalType == .boolean ? fixed.append(address.load(as: UInt8.self) != 0 ? 1 : 0)
                    : append(Int32(address.load(as: Int8.self)))
                case .uint8: append(Int32(address.load(as: UInt8.self)))
                case .int16: append(Int32(address.load(as: Int16.self)))
                case .uint16: append(Int32(address.load(as: UInt16.self)))
                case .int32, .uint32: append(address.load(as: UInt32.self))
                case .int64, .uint64:
                    var value = address.load(as: Int64.self)
                    if case .timestamp(.s, _) = plan.type {
                        let (scaled, overflow) = value.multipliedReportingOverflow(by: 1000)
                        secondsOverflow = secondsOverflow || overflow
                        value = scaled
                    }
                    append(value)
                }
                levels.append(1)
                count += 1
            }
            if secondsOverflow {
                throw ParquetFormatError("column '\(plan.name)': a timestamp in seconds does not fit milliseconds, Parquet's coarsest unit")
            }
        }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { fixed.append(contentsOf: $0) }
    }

    /// Whether any row is null.
    var hasNulls: Bool { count < levels.count }

    /// The bytes of byte-array value `index`.
    func withValue<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[starts[index]..<(starts[index] + lengths[index])])) }
    }
}
