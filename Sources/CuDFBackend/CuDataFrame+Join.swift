import Backends
import CUDARuntime
import CuPyBackend
import PandasBackend

extension CuDataFrame {
    /// This frame joined with `right` as the "pandas" backend's ``Backends/DataFrame/merge(_:spec:)``
    /// joins them: the same columns (``JoinLayout``), and rows in its order — left rows in order,
    /// each with its matches in right row order, an unmatched left row once with nulls on the
    /// right in a left join. Missing keys match missing keys, as in pandas.
    ///
    /// Joins whose key pairs have equal types run on the device as a hash join: the build side's
    /// rows (the right frame's; the left's for a right join) go into a hash table (one slot each,
    /// compare-and-swap), each probe row counts its matches, a scan gives its output position,
    /// and a second probe writes the row pairs; an outer join then appends the build rows no
    /// probe matched; every column is one gather. Keys of different types or categoricals run
    /// on the host for now; numeric keys of two dtypes are converted to their common dtype first.
    ///
    /// - Throws: as ``JoinLayout/init(left:right:spec:)`` for bad keys.
    public func merge(_ right: CuDataFrame, spec: JoinSpec) throws -> CuDataFrame {
        let layout = try JoinLayout(left: schema, right: right.schema, spec: spec)
        let leftColumns = try spec.leftOn.map { try column($0) }
        let rightColumns = try spec.rightOn.map { try right.column($0) }
        // Key pairs of one type, or of two numeric types (both converted to the common one).
        let onDevice = right.device === device && zip(zip(leftColumns, rightColumns), layout.keyTypes).allSatisfy { pair, type in
            (pair.0.type == pair.1.type && type == pair.0.type && type != .categorical)
                || (type.isNumeric && pair.0.type.isNumeric && pair.1.type.isNumeric)
        }
        guard onDevice else {
            let other = try right.download()
            return try onHost { try $0.merge(other, spec: spec) }
        }
        return try perform { ops in
            let leftKeys = try zip(leftColumns, layout.keyTypes).map { try ops.converted($0, to: $1) }
            let rightKeys = try zip(rightColumns, layout.keyTypes).map { try ops.converted($0, to: $1) }
            let nl = rowCount
            let mirrored = spec.how == .right
            let (probeKeys, buildKeys) = mirrored ? (rightKeys, leftKeys) : (leftKeys, rightKeys)
            let (np, nb) = mirrored ? (right.rowCount, nl) : (nl, right.rowCount)
            let keepUnmatched: UInt8 = spec.how == .inner ? 0 : 1
            let probeHashes = try ops.hashRows(probeKeys, count: np)
            let buildHashes = try ops.hashRows(buildKeys, count: nb)
            let (table, mask) = try ops.emptyTable(rows: nb)
            try ops.launch("cudf_join_build", count: nb) { $0.append(Int64(nb)); $0.append(buildHashes.pointer); $0.append(UInt64(0))
                $0.append(table.pointer); $0.append(UInt64(mask)) }
            let generator = KeyKernelGenerator(leftKeys.map { KeyKernelGenerator.kind(storage: $0.values?.dtype) })
            let counts = try ops.array(np, .int64)
            try ops.launch("cudf_join_count", in: generator.source, count: np) { arguments in
                arguments.append(Int64(np)); arguments.append(probeHashes.pointer); arguments.append(buildHashes.pointer)
                arguments.append(table.pointer); arguments.append(UInt64(mask)); arguments.append(counts.pointer)
                arguments.append(keepUnmatched)
                FrameOps.appendKeys(probeKeys, to: &arguments)
                FrameOps.appendKeys(buildKeys, to: &arguments)
            }
            let (offsets, matched) = try ops.exclusiveScan(counts, count: np)
            var probeRows = try ops.array(matched, .int64), buildRows = try ops.array(matched, .int64)
            if matched > 0 {
                let (p, b) = (probeRows, buildRows)
                try ops.launch("cudf_join_write", in: generator.source, count: np) { arguments in
                    arguments.append(Int64(np)); arguments.append(probeHashes.pointer); arguments.append(buildHashes.pointer)
                    arguments.append(table.pointer); arguments.append(UInt64(mask)); arguments.append(offsets.pointer)
                    arguments.append(p.pointer); arguments.append(b.pointer); arguments.append(keepUnmatched)
                    FrameOps.appendKeys(probeKeys, to: &arguments)
                    FrameOps.appendKeys(buildKeys, to: &arguments)
                }
            }
            var total = matched
            if spec.how == .outer {
                // The build rows no probe row matched, in order, after the matched pairs.
                let unmatchedFlags = try ops.array(nb, .uint8)
                try ops.device.fill(unmatchedFlags.buffer, byte: 1, stream: ops.stream)
                let b = buildRows
                try ops.launch("cudf_clear_at", count: matched) { $0.append(Int64(matched)); $0.append(unmatchedFlags.pointer)
                    $0.append(b.pointer) }
                let unmatched = try ops.compact(unmatchedFlags, count: nb)
                total = matched + unmatched.count
                probeRows = try ops.concatenateValues([probeRows, try ops.filled(unmatched.count, -1)], count: total, dtype: .int64)
                buildRows = try ops.concatenateValues([buildRows, unmatched], count: total, dtype: .int64)
            }
            guard total <= Int(Int32.max) else {
                throw FrameError.overflow("The merge would have \(total) rows, more than 2^31 - 1.")
            }
            let (leftRows, rightRows) = mirrored ? (buildRows, probeRows) : (probeRows, buildRows)
            let leftMissing = spec.how == .right || spec.how == .outer, rightMissing = spec.how != .inner
            var names: [String] = []
            var columns: [CuColumn] = []
            for output in layout.outputs {
                names.append(output.name)
                switch output.origin {
                case let .sharedKey(index) where leftMissing:
                    // The left key where the row has a left side, else the right key: a gather from both stacked.
                    let stacked = try ops.concatenate(leftKeys[index], rightKeys[index])
                    let rows = try ops.array(total, .int64)
                    try ops.launch("cudf_coalesce_index", count: total) { $0.append(Int64(total)); $0.append(rows.pointer)
                        $0.append(leftRows.pointer); $0.append(rightRows.pointer); $0.append(Int64(nl)) }
                    columns.append(try ops.take(stacked, rows, count: total))
                case let .sharedKey(index):
                    columns.append(try ops.take(leftKeys[index], leftRows, count: total))
                case let .left(name):
                    columns.append(try ops.take(try column(name), leftRows, count: total, mayHaveMissing: leftMissing))
                case let .right(name):
                    columns.append(try ops.take(try right.column(name), rightRows, count: total, mayHaveMissing: rightMissing))
                }
            }
            return CuDataFrame(device: device, names: names, columns: columns, rowCount: total)
        }
    }
}
