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
    /// Inner and left joins whose key pairs have equal types run on the device as a hash join:
    /// the right rows go into a hash table (one slot each, compare-and-swap), each left row counts
    /// its matches, a scan gives its output position, and a second probe writes the row pairs;
    /// then every column is one gather. Right and outer joins, and keys of different types or
    /// categoricals, run on the host for now.
    ///
    /// - Throws: as ``JoinLayout/init(left:right:spec:)`` for bad keys.
    public func merge(_ right: CuDataFrame, spec: JoinSpec) throws -> CuDataFrame {
        let layout = try JoinLayout(left: schema, right: right.schema, spec: spec)
        let leftKeys = try spec.leftOn.map { try column($0) }
        let rightKeys = try spec.rightOn.map { try right.column($0) }
        let onDevice = (spec.how == .inner || spec.how == .left) && right.device === device
            && zip(leftKeys, rightKeys).allSatisfy { $0.type == $1.type && $0.type != .categorical }
        guard onDevice else {
            let other = try right.download()
            return try onHost { try $0.merge(other, spec: spec) }
        }
        return try perform { ops in
            let nl = rowCount, nr = right.rowCount
            let keepUnmatched: UInt8 = spec.how == .left ? 1 : 0
            let leftHashes = try ops.hashRows(leftKeys, count: nl)
            let rightHashes = try ops.hashRows(rightKeys, count: nr)
            let (table, mask) = try ops.emptyTable(rows: nr)
            try ops.launch("cudf_join_build", count: nr) { $0.append(Int64(nr)); $0.append(rightHashes.pointer); $0.append(UInt64(0))
                $0.append(table.pointer); $0.append(UInt64(mask)) }
            let generator = KeyKernelGenerator(leftKeys.map { KeyKernelGenerator.kind(storage: $0.values?.dtype) })
            let counts = try ops.array(nl, .int64)
            try ops.launch("cudf_join_count", in: generator.source, count: nl) { arguments in
                arguments.append(Int64(nl)); arguments.append(leftHashes.pointer); arguments.append(rightHashes.pointer)
                arguments.append(table.pointer); arguments.append(UInt64(mask)); arguments.append(counts.pointer)
                arguments.append(keepUnmatched)
                FrameOps.appendKeys(leftKeys, to: &arguments)
                FrameOps.appendKeys(rightKeys, to: &arguments)
            }
            let (offsets, total) = try ops.exclusiveScan(counts, count: nl)
            guard total <= Int(Int32.max) else {
                throw FrameError.overflow("The merge would have \(total) rows, more than 2^31 - 1.")
            }
            let leftRows = try ops.array(total, .int64), rightRows = try ops.array(total, .int64)
            if total > 0 {
                try ops.launch("cudf_join_write", in: generator.source, count: nl) { arguments in
                    arguments.append(Int64(nl)); arguments.append(leftHashes.pointer); arguments.append(rightHashes.pointer)
                    arguments.append(table.pointer); arguments.append(UInt64(mask)); arguments.append(offsets.pointer)
                    arguments.append(leftRows.pointer); arguments.append(rightRows.pointer); arguments.append(keepUnmatched)
                    FrameOps.appendKeys(leftKeys, to: &arguments)
                    FrameOps.appendKeys(rightKeys, to: &arguments)
                }
            }
            var names: [String] = []
            var columns: [CuColumn] = []
            for output in layout.outputs {
                names.append(output.name)
                switch output.origin {
                case let .sharedKey(index):
                    columns.append(try ops.take(leftKeys[index], leftRows, count: total))
                case let .left(name):
                    columns.append(try ops.take(try column(name), leftRows, count: total))
                case let .right(name):
                    columns.append(try ops.take(try right.column(name), rightRows, count: total, mayHaveMissing: spec.how == .left))
                }
            }
            return CuDataFrame(device: device, names: names, columns: columns, rowCount: total)
        }
    }
}
