import Backends
import CUDARuntime
import CuPyBackend
import PandasBackend

/// `CuDataFrame` is the "cudf" backend's partition type. Filters, assignments, the expression
/// kernels, head and tail, concatenation, dropna, groupby (partial, combine, finalize), hashing
/// and hash splits, inner and left merges, sorts, range partitions and drop_duplicates run on
/// the device; the cases docs/cudf.md lists as "runs on host for now" download the partition,
/// run the "pandas" kernel and upload the result.
extension CuDataFrame: DataFrameChunk {
    /// `"CuDataFrame"`.
    public var chunkType: String { "CuDataFrame" }

    /// The names and types of the columns.
    public var schema: Schema { Schema(zip(names, columns).map { Schema.Field(name: $0, type: $1.type) }) }

    /// A host copy.
    public func toHost() throws -> DataFrame { try download() }

    /// `frame` uploaded to this frame's device.
    public func fromHost(_ frame: DataFrame) throws -> any DataFrameChunk { try CuDataFrame(frame, on: device) }

    /// An empty frame of `schema` on this device.
    public func empty(schema: Schema) throws -> any DataFrameChunk { try CuDataFrame(emptyWith: schema, on: device) }

    /// The chunks' rows one after another: device copies when every chunk is on this device with
    /// the same columns (categoricals with the same categories); otherwise through the host.
    public func concatenate(_ chunks: [any DataFrameChunk]) throws -> any DataFrameChunk {
        guard !chunks.isEmpty else { return try CuDataFrame(emptyWith: schema, on: device) }
        let frames = chunks.compactMap { $0 as? CuDataFrame }
        if frames.count == chunks.count, let first = frames.first, frames.allSatisfy({ $0.device === device && $0.schema == first.schema }),
           let joined = try concatenateOnDevice(frames) {
            return joined
        }
        return try CuDataFrame(DataFrame.concatenate(chunks.map { try $0.toHost() }), on: device)
    }

    /// The named columns.
    public func selecting(_ columns: [String]) throws -> any DataFrameChunk {
        let picked = try columns.map { try column($0) }
        return CuDataFrame(device: device, names: columns, columns: picked, rowCount: rowCount, indexStart: indexStart)
    }

    /// The rows where `predicate` is true (see ``filter(where:)``).
    public func filtering(_ predicate: ColumnExpression) throws -> any DataFrameChunk { try filter(where: predicate) }

    /// The frame with `name` set to the expression's values (see ``evaluate(_:)``).
    public func assigning(_ name: String, _ expression: ColumnExpression) throws -> any DataFrameChunk {
        let column = try evaluate(expression)
        guard column.count == rowCount || names.isEmpty else {
            throw FrameError.lengthMismatch(column: name, count: column.count, expected: rowCount)
        }
        return assigning(name, column)
    }

    /// The first `n` rows (the last `-n` removed when negative).
    public func prefix(_ n: Int) throws -> any DataFrameChunk {
        try slice(0..<(n >= 0 ? n : Swift.max(0, rowCount + n)))
    }

    /// The last `n` rows.
    public func suffix(_ n: Int) throws -> any DataFrameChunk {
        try slice(Swift.max(0, rowCount - Swift.max(0, n))..<rowCount)
    }

    /// Rows without a missing value in `columns` (all when `nil`), relabelled from 0.
    public func droppingNulls(in columns: [String]?) throws -> any DataFrameChunk {
        let checked = try (columns ?? names).map { try column($0) }
        return try perform { ops in
            let n = rowCount
            let keep = try ops.zeroed(n, .uint8)
            // keep = 0 where any checked column is missing: OR the missing flags, then invert.
            for column in checked where column.validity != nil || (column.values?.dtype.isFloatingPoint ?? false) {
                let missing = try ops.isNull(column)
                try ops.launch("cudf_or_flags", count: n) { $0.append(Int64(n)); $0.append(keep.pointer); $0.append(missing.pointer) }
            }
            let present = try ops.evaluate(.unary(.logicalNot, .input(0, .bool)), [keep.reinterpreted(as: .bool)], count: n)
            let indices = try ops.compact(present, count: n)
            return try taking(indices, count: indices.count, ops: ops)
        }
    }

    /// The groupby state of this partition (see ``groupbyPartial(keys:specs:dropna:)``).
    public func partialAggregate(keys: [String], specs: [AggregationSpec], dropna: Bool) throws -> any DataFrameChunk {
        let partial: CuDataFrame = try groupbyPartial(keys: keys, specs: specs, dropna: dropna)
        return partial
    }

    /// Partial states merged (see ``groupbyCombine(_:keys:specs:)``).
    public func combineAggregates(_ partials: [any DataFrameChunk], keys: [String], specs: [AggregationSpec]) throws
        -> any DataFrameChunk {
        let states = try partials.map { chunk in
            try (chunk as? CuDataFrame).flatMap { $0.device === device ? $0 : nil } ?? CuDataFrame(chunk.toHost(), on: device)
        }
        return try CuDataFrame.groupbyCombine(states, keys: keys, specs: specs)
    }

    /// The final groupby result (see ``groupbyFinalize(keys:specs:)``).
    public func finalizeAggregate(keys: [String], specs: [AggregationSpec]) throws -> any DataFrameChunk {
        let result: CuDataFrame = try groupbyFinalize(keys: keys, specs: specs)
        return result
    }

    /// The row hashes, computed on the device (see ``rowHashes(_:)``).
    public func hashRows(_ columns: [String]) throws -> [UInt64] { try rowHashes(columns) }

    /// The rows split by hash on the device.
    public func hashPartitions(by columns: [String], into count: Int) throws -> [any DataFrameChunk] {
        guard count >= 1 else { throw FrameError.invalidValue("Cannot split a frame into \(count) parts; give 1 or more.") }
        return try splitByHash(of: columns, modulus: count, divisor: 1, base: count)
    }

    /// The rows split by a digit of their hash partition, on the device.
    public func hashPartitions(by columns: [String], modulus: Int, divisor: Int, base: Int) throws -> [any DataFrameChunk] {
        try splitByHash(of: columns, modulus: modulus, divisor: divisor, base: base)
    }

    /// The column's cells (downloaded).
    public func toList(_ name: String) throws -> [FrameValue] {
        let host = try column(name).download()
        return (0..<host.count).map { host[$0] }
    }

    /// The bytes of the columns' device buffers.
    public var estimatedByteCount: Int { columns.reduce(0) { $0 + $1.byteCount } }

    /// The rows sorted (see ``sorted(by:nulls:)``).
    public func sorting(by keys: [SortKey], nulls: NullPlacement) throws -> any DataFrameChunk {
        let result: CuDataFrame = try sorted(by: keys, nulls: nulls)
        return result
    }

    /// The rows split by key ranges (see ``split(byRanges:keys:nulls:)``).
    public func rangePartitions(by keys: [SortKey], nulls: NullPlacement, boundaries: DataFrame) throws -> [any DataFrameChunk] {
        let parts: [CuDataFrame] = try split(byRanges: boundaries, keys: keys, nulls: nulls)
        return parts
    }

    /// This frame joined with `right` (see ``merge(_:spec:)``).
    public func joining(_ right: any DataFrameChunk, spec: JoinSpec) throws -> any DataFrameChunk {
        let other = try (right as? CuDataFrame).flatMap { $0.device === device ? $0 : nil } ?? CuDataFrame(right.toHost(), on: device)
        return try merge(other, spec: spec)
    }

    /// Rows repeating others dropped (see ``droppingDuplicates(of:keep:)``).
    public func droppingDuplicates(subset: [String]?, keep: DuplicateKeep) throws -> any DataFrameChunk {
        let result: CuDataFrame = try droppingDuplicates(of: subset, keep: keep)
        return result
    }
}

extension CuDataFrame {
    /// The rows left when rows repeating the values of `subset` (every column when `nil`) are
    /// dropped, in their original order (pandas' `drop_duplicates`; missing values equal each
    /// other): the rows are grouped by the hash table, each group keeps its first or last row
    /// (an atomic minimum or maximum of row numbers) or, for `.none`, rows alone in their
    /// group stay; a compaction and gathers follow.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func droppingDuplicates(of subset: [String]?, keep: DuplicateKeep) throws -> CuDataFrame {
        let keys = try (subset ?? names).map { try column($0) }
        return try perform { ops in
            let n = rowCount
            let groups = try ops.groups(of: keys, count: n, dropna: false)
            let flags = try ops.array(n, .uint8)
            if keep == .none {
                let sizes = try ops.filled(groups.count, 0, dtype: .uint64)
                try ops.launch("cudf_agg_size", count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer); $0.append(sizes.pointer) }
                try ops.launch("cudf_keep_single", count: n) { $0.append(Int64(n)); $0.append(flags.pointer)
                    $0.append(groups.groupOfRow.pointer); $0.append(sizes.pointer) }
            } else {
                let rows = try ops.iota(n)
                let present = try ops.zeroed(n, .uint8)
                let chosen = try ops.filled(groups.count, keep == .first ? Int64.max : Int64.min)
                try ops.launch(keep == .first ? "cudf_agg_min_i64" : "cudf_agg_max_i64", count: n) { $0.append(Int64(n))
                    $0.append(groups.groupOfRow.pointer); $0.append(present.pointer); $0.append(rows.pointer); $0.append(chosen.pointer) }
                try ops.launch("cudf_keep_chosen", count: n) { $0.append(Int64(n)); $0.append(flags.pointer)
                    $0.append(groups.groupOfRow.pointer); $0.append(chosen.pointer) }
            }
            let indices = try ops.compact(flags, count: n)
            return try taking(indices, count: indices.count, ops: ops)
        }
    }

    /// Rows `range` (clamped), keeping their index labels: device copies of each buffer.
    func slice(_ range: Range<Int>) throws -> CuDataFrame {
        let clamped = range.clamped(to: 0..<rowCount)
        let start = clamped.lowerBound, n = clamped.count
        return try perform { ops in
            let sliced = try columns.map { column -> CuColumn in
                let validity = try column.validity.map { words in try ops.pack(try ops.unpack(words, start: start, count: n), count: n) }
                switch column.storage {
                case let .fixedWidth(values):
                    let part = try ops.slice(values, from: start, count: n, itemSize: values.dtype.itemSize)
                    return CuColumn(type: column.type, storage: .fixedWidth(part), validity: validity, count: n)
                case let .dictionary(codes, categories):
                    let part = try ops.slice(codes, from: start, count: n, itemSize: 4)
                    return CuColumn(type: column.type, storage: .dictionary(codes: part, categories: categories), validity: validity, count: n)
                case .strings:
                    let indices = try ops.iota(n, start: start)
                    let taken = try ops.take(column, indices, count: n)
                    return CuColumn(type: column.type, storage: taken.storage, validity: validity, count: n)
                }
            }
            return CuDataFrame(device: device, names: names, columns: sliced, rowCount: n, indexStart: indexStart + start)
        }
    }

    /// The frames' rows one after another by device copies; `nil` when categoricals' categories differ.
    func concatenateOnDevice(_ frames: [CuDataFrame]) throws -> CuDataFrame? {
        guard let first = frames.first else { return nil }
        let names = first.names, columns = first.columns
        let total = frames.reduce(0) { $0 + $1.rowCount }
        for position in names.indices {
            if case let .dictionary(_, categories) = columns[position].storage {
                for frame in frames {
                    guard case let .dictionary(_, other) = frame.columns[position].storage, other == categories else { return nil }
                }
            }
        }
        return try perform { ops in
            var joined: [CuColumn] = []
            for position in names.indices {
                let parts = frames.map { $0.columns[position] }
                var validity: CuArray? = nil
                if parts.contains(where: { $0.validity != nil }) {
                    let flags = try ops.array(total, .uint8)
                    var row = 0
                    for part in parts {
                        let n = part.count, at = row
                        try ops.launch("cudf_unpack_validity", count: n) { $0.append(Int64(n)); $0.append(flags.pointer + UInt64(at))
                            $0.append(part.validity?.pointer ?? 0); $0.append(Int64(0)) }
                        row += n
                    }
                    validity = try ops.pack(flags, count: total)
                }
                let type = parts[0].type
                switch parts[0].storage {
                case let .fixedWidth(first):
                    let out = try ops.concatenateValues(parts.map { $0.values ?? first }, count: total, dtype: first.dtype)
                    joined.append(CuColumn(type: type, storage: .fixedWidth(out), validity: validity, count: total))
                case let .dictionary(first, categories):
                    let out = try ops.concatenateValues(parts.map { $0.values ?? first }, count: total, dtype: .int32)
                    joined.append(CuColumn(type: type, storage: .dictionary(codes: out, categories: categories), validity: validity, count: total))
                case .strings:
                    joined.append(try ops.concatenateStrings(parts, count: total, validity: validity))
                }
            }
            return CuDataFrame(device: device, names: names, columns: joined, rowCount: total, indexStart: frames[0].indexStart)
        }
    }
}

extension FrameOps {
    /// Two columns of one type (not categorical) one after another.
    func concatenate(_ first: CuColumn, _ second: CuColumn) throws -> CuColumn {
        let total = first.count + second.count
        var validity: CuArray? = nil
        if first.validity != nil || second.validity != nil {
            let flags = try array(total, .uint8)
            for (part, at) in [(first, 0), (second, first.count)] {
                let n = part.count
                try launch("cudf_unpack_validity", count: n) { $0.append(Int64(n)); $0.append(flags.pointer + UInt64(at))
                    $0.append(part.validity?.pointer ?? 0); $0.append(Int64(0)) }
            }
            validity = try pack(flags, count: total)
        }
        switch (first.storage, second.storage) {
        case let (.fixedWidth(a), .fixedWidth(b)):
            let values = try concatenateValues([a, b], count: total, dtype: a.dtype)
            return CuColumn(type: first.type, storage: .fixedWidth(values), validity: validity, count: total)
        case (.strings, .strings):
            return try concatenateStrings([first, second], count: total, validity: validity)
        default:
            throw FrameError.invalidValue("Cannot stack a \(first.type) column with a \(second.type) column on the device.")
        }
    }

    /// Fixed-width arrays one after another.
    func concatenateValues(_ parts: [CuArray], count: Int, dtype: DType) throws -> CuArray {
        let out = try array(count, dtype)
        var offset = 0
        for part in parts {
            try device.copy(part.count * dtype.itemSize, from: part.buffer, offset: 0, to: out.buffer, offset: offset * dtype.itemSize, stream: stream)
            offset += part.count
        }
        return out
    }

    /// String columns one after another: offsets shifted by the bytes before them, bytes copied.
    func concatenateStrings(_ parts: [CuColumn], count: Int, validity: CuArray?) throws -> CuColumn {
        let offsets = try array(count + 1, .int64)
        var row = 0, byteTotal = 0
        var byteParts: [(CuArray, Int)] = []
        for part in parts {
            guard case let .strings(partOffsets, partBytes) = part.storage else { continue }
            let n = part.count, at = row, delta = byteTotal
            try launch("cudf_add_i64", count: n) { $0.append(Int64(n)); $0.append(offsets.pointer + UInt64(at * 8))
                $0.append(partOffsets.pointer); $0.append(Int64(delta)) }
            let partByteCount = n == 0 ? 0 : Int(try download(try slice(partOffsets, from: n, count: 1, itemSize: 8), count: 1, as: Int64.self)[0])
            byteParts.append((partBytes, partByteCount))
            row += n
            byteTotal += partByteCount
        }
        try store(Int64(byteTotal), into: offsets, at: count)
        let bytes = try array(byteTotal, .uint8)
        var at = 0
        for (part, length) in byteParts {
            try device.copy(length, from: part.buffer, offset: 0, to: bytes.buffer, offset: at, stream: stream)
            at += length
        }
        return CuColumn(type: parts[0].type, storage: .strings(offsets: offsets, bytes: bytes), validity: validity, count: count)
    }
}
