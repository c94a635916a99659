import Backends

/// Sorting of group rows by their keys, as pandas' `sort=True`: ascending, nulls last; strings by
/// UTF-8 bytes (code point order, as Python), categoricals by category order, booleans false first.
enum GroupOrdering {
    /// The rows `0 ..< count` ordered by `columns` (lexicographically; ties keep row order).
    static func sortedRows(_ columns: [Column], count: Int) -> [Int32] {
        var rows = (0..<count).map { Int32($0) }
        guard !columns.isEmpty, count > 1 else { return rows }
        if columns.count == 1, let keys = integerKeys(columns[0]) {
            var pairs = zip(keys, rows).map { ($0, $1) }
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            return pairs.map(\.1)
        }
        let comparators = columns.map(comparator)
        rows.sort { a, b in
            for compare in comparators {
                let order = compare(Int(a), Int(b))
                if order != 0 { return order < 0 }
            }
            return a < b
        }
        return rows
    }

    /// Order-preserving 64-bit keys of an integer-like column without nulls (nil otherwise).
    private static func integerKeys(_ column: Column) -> [UInt64]? {
        guard column.groupingValidity() == nil, let values = column.values, !values.dtype.isFloatingPoint else { return nil }
        let n = column.count
        let raw = UnsafeRawPointer(values.storage.bytes)
        func keys<T: FixedWidthInteger>(_: T.Type) -> [UInt64] {
            let buffer = raw.assumingMemoryBound(to: T.self)
            return (0..<n).map { row in
                T.isSigned ? UInt64(bitPattern: Int64(truncatingIfNeeded: buffer[row])) ^ (1 << 63) : UInt64(truncatingIfNeeded: buffer[row])
            }
        }
        switch values.dtype {
        case .bool, .uint8: return keys(UInt8.self)
        case .int8: return keys(Int8.self)
        case .int16: return keys(Int16.self)
        case .uint16: return keys(UInt16.self)
        case .int32: return keys(Int32.self)
        case .uint32: return keys(UInt32.self)
        case .int64: return keys(Int64.self)
        case .uint64: return keys(UInt64.self)
        case .float32, .float64: return nil
        }
    }

    /// A three-way comparison of two rows of `column` (-1, 0, 1), nulls last.
    static func comparator(_ column: Column) -> (Int, Int) -> Int {
        let validity = column.groupingValidity()
        func withNulls(_ compare: @escaping (Int, Int) -> Int) -> (Int, Int) -> Int {
            guard let validity else { return compare }
            return { a, b in
                let validA = validity.isValid(a), validB = validity.isValid(b)
                if validA && validB { return compare(a, b) }
                return validA == validB ? 0 : (validA ? -1 : 1)
            }
        }
        func ordered<T: Comparable>(_ values: [T]) -> (Int, Int) -> Int {
            withNulls { a, b in values[a] < values[b] ? -1 : (values[b] < values[a] ? 1 : 0) }
        }
        switch column.storage {
        case let .fixedWidth(array):
            switch array.dtype {
            case .float32, .float64: return ordered(array.toArray(Double.self))
            case .uint64: return ordered(array.toArray(UInt64.self))
            default: return ordered(array.toArray(Int64.self))
            }
        case let .dictionary(codes, _):
            return ordered(codes.toArray(Int32.self))
        case let .strings(buffer):
            return withNulls { a, b in
                buffer.bytes.withUnsafeBufferPointer { bytes in
                    let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    let startA = Int(buffer.offsets[a]), startB = Int(buffer.offsets[b])
                    return compareBytes(base + startA, Int(buffer.offsets[a + 1]) - startA,
                                        base + startB, Int(buffer.offsets[b + 1]) - startB)
                }
            }
        }
    }
}
