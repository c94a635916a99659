import Backends
import CUDARuntime
import CuPyBackend
import PandasBackend

extension FrameOps {
    /// Rows per tile of the sort's counting passes (256 counters per tile).
    static let sortTile = 2_048

    /// Whether the device range-partitions by columns of this type (numbers, booleans, timestamps,
    /// dates, categoricals).
    static func sortsOnDevice(_ type: ColumnType) -> Bool { type.storageDType != nil }

    /// `column` encoded for sorting (any column type).
    func encode(_ column: CuColumn, ascending: Bool) throws -> EncodedSortKey {
        let n = column.count
        switch column.storage {
        case let .strings(offsets, bytes):
            let nulls = try isNull(column)
            let longest = try zeroed(1, .uint64)
            try launch("cudf_max_length", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(longest.pointer)
                $0.append(offsets.pointer) }
            let length = n == 0 ? 0 : Int(try download(longest, count: 1, as: UInt64.self)[0])
            return EncodedSortKey(keys: nulls, isNull: nulls, bytes: 0, mayHaveNulls: column.validity != nil,
                                  strings: (offsets, bytes, length, !ascending))
        case let .dictionary(codes, categories):
            // Each category's rank in code-point order, computed on the host (categories are few).
            let sortedCodes = (0..<categories.count).sorted { a, b in
                categories.withUTF8(a) { x in categories.withUTF8(b) { y in x.lexicographicallyPrecedes(y) } }
            }
            var rank = [Int32](repeating: 0, count: categories.count)
            for (position, code) in sortedCodes.enumerated() { rank[code] = Int32(position) }
            let ranks = try upload(rank)
            let keys = try array(n, .uint64), nulls = try array(n, .uint8)
            try launch("cudf_sort_key_rank", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(keys.pointer)
                $0.append(nulls.pointer); $0.append(codes.pointer); $0.append(ranks.pointer); $0.append(Int64(categories.count))
                $0.append(column.validity?.pointer ?? 0); $0.append(UInt8(ascending ? 0 : 1)) }
            return EncodedSortKey(keys: keys, isNull: nulls, bytes: 4, mayHaveNulls: true)
        case .fixedWidth:
            break
        }
        guard let values = column.values else { throw FrameError.unsupportedType(operation: "A device sort", type: column.type) }
        let keys = try array(n, .uint64), isNull = try array(n, .uint8)
        let suffix: String
        switch values.dtype {
        case .bool, .uint8: suffix = "u8"
        case .int8: suffix = "i8"
        case .int16: suffix = "i16"
        case .uint16: suffix = "u16"
        case .int32: suffix = "i32"
        case .uint32: suffix = "u32"
        case .int64: suffix = "i64"
        case .uint64: suffix = "u64"
        case .float32: suffix = "f32"
        case .float64: suffix = "f64"
        }
        try launch("cudf_sort_key_\(suffix)", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(keys.pointer)
            $0.append(isNull.pointer); $0.append(values.pointer); $0.append(column.validity?.pointer ?? 0)
            $0.append(UInt8(ascending ? 0 : 1)) }
        return EncodedSortKey(keys: keys, isNull: isNull, bytes: values.dtype.itemSize,
                              mayHaveNulls: column.validity != nil || values.dtype.isFloatingPoint)
    }

    /// The permutation that sorts the rows by `keys` (most significant first), stably, missing
    /// values placed by `nulls`: a least-significant-digit radix sort, keys from the last.
    func sortOrder(_ keys: [EncodedSortKey], count n: Int, nulls: NullPlacement) throws -> CuArray {
        // Two order buffers used in turn: each pass gathers the current order through its step.
        var order = try iota(n)
        var spare = try array(n, .int64)
        let digits = try array(n, .int32)
        func pass(_ parts: Int) throws {
            let (step, _) = try partitionOrder(digits, count: n, parts: parts, tile: Self.sortTile, starts: false)
            let (source, target) = (order, spare)
            try launch("cudf_take_8", count: n) { $0.append(Int64(n)); $0.append(target.pointer); $0.append(source.pointer)
                $0.append(step.pointer) }
            (order, spare) = (target, source)
        }
        for key in keys.reversed() {
            if let strings = key.strings {
                for position in (0..<strings.longest).reversed() {
                    try launch("cudf_sort_string_digit", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(digits.pointer)
                        $0.append(strings.offsets.pointer); $0.append(strings.bytes.pointer); $0.append(order.pointer)
                        $0.append(Int64(position)); $0.append(UInt8(strings.descending ? 1 : 0)) }
                    try pass(257)
                }
            }
            for byte in 0..<key.bytes {
                try launch("cudf_sort_digit", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(digits.pointer)
                    $0.append(key.keys.pointer); $0.append(order.pointer); $0.append(Int32(8 * byte)) }
                try pass(256)
            }
            if key.mayHaveNulls {
                try launch("cudf_sort_class", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(digits.pointer)
                    $0.append(key.isNull.pointer); $0.append(order.pointer); $0.append(UInt8(nulls == .first ? 1 : 0)) }
                try pass(2)
            }
        }
        return order
    }

    /// Device arrays of the key columns' buffer addresses, and of their null-class arrays
    /// (0 before values, 1 values, 2 after values), for the range partition kernel.
    func rangeKeys(_ keys: [EncodedSortKey], count n: Int, nulls: NullPlacement) throws -> (CuArray, CuArray) {
        var classes: [UInt64] = []
        for key in keys {
            // class = 1 + (null ? (first ? -1 : +1) : 0), from the null flag: 2 * flag or flag * 0 + ...
            let flag = key.isNull.reinterpreted(as: .bool)
            let expression: ElementwiseExpression = nulls == .first
                ? .select(.input(0, .bool), .constant(.int(0), .uint8), .constant(.int(1), .uint8))
                : .select(.input(0, .bool), .constant(.int(2), .uint8), .constant(.int(1), .uint8))
            let classArray = try evaluate(expression, [flag], count: n)
            classes.append(classArray.pointer)
        }
        return (try upload(keys.map { $0.keys.pointer }), try upload(classes))
    }
}

extension CuDataFrame {
    /// The rows ordered by `keys`, stably, missing values (null or NaN) placed by `nulls`: the
    /// "pandas" backend's ``Backends/DataFrame/sorted(by:nulls:)`` on the device, a radix sort of
    /// order-preserving keys then one gather per column.
    ///
    /// Strings sort by bytes (code-point order), one counting pass per byte position of the
    /// longest string; categoricals by their text (each code's rank among the sorted categories).
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing key column.
    public func sorted(by keys: [SortKey], nulls: NullPlacement) throws -> CuDataFrame {
        let columns = try keys.map { try column($0.column) }
        return try perform { ops in
            let encoded = try zip(columns, keys).map { try ops.encode($0, ascending: $1.ascending) }
            let order = try ops.sortOrder(encoded, count: rowCount, nulls: nulls)
            return try taking(order, count: rowCount, ops: ops)
        }
    }

    /// The rows split by the order of `keys` against sorted `boundaries` (the "pandas" backend's
    /// ``Backends/DataFrame/split(byRanges:keys:nulls:)``): each row's chunk by a binary search
    /// on the device, then a stable counting sort by chunk and a gather per chunk.
    public func split(byRanges boundaries: DataFrame, keys: [SortKey], nulls: NullPlacement) throws -> [CuDataFrame] {
        let columns = try keys.map { try column($0.column) }
        let bounds = try CuDataFrame(boundaries, on: device)
        let boundColumns = try keys.map { try bounds.column($0.column) }
        guard zip(columns, boundColumns).allSatisfy({ FrameOps.sortsOnDevice($0.type) && $0.type == $1.type && $0.type != .categorical })
        else {
            return try download().split(byRanges: boundaries, keys: keys, nulls: nulls).map { try CuDataFrame($0, on: device) }
        }
        return try perform { ops in
            let n = rowCount, b = boundaries.rowCount
            let rowKeys = try zip(columns, keys).map { try ops.encode($0, ascending: $1.ascending) }
            let boundKeys = try zip(boundColumns, keys).map { try ops.encode($0, ascending: $1.ascending) }
            let (rowPointers, rowClasses) = try ops.rangeKeys(rowKeys, count: n, nulls: nulls)
            let (boundPointers, boundClasses) = try ops.rangeKeys(boundKeys, count: b, nulls: nulls)
            let part = try ops.array(n, .int32)
            try ops.launch("cudf_range_partition", in: SortKernels.source, count: n) { $0.append(Int64(n)); $0.append(part.pointer)
                $0.append(Int64(keys.count)); $0.append(rowPointers.pointer); $0.append(rowClasses.pointer)
                $0.append(boundPointers.pointer); $0.append(boundClasses.pointer); $0.append(Int64(b)) }
            let (order, starts) = try ops.partitionOrder(part, count: n, parts: b + 1)
            return try (0...b).map { chunk in
                let count = starts[chunk + 1] - starts[chunk]
                let indices = try ops.slice(order, from: starts[chunk], count: count, itemSize: 8)
                return try taking(indices, count: count, ops: ops)
            }
        }
    }
}
