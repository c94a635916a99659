import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend
import PandasBackend

extension FrameOps {
    /// Groups the rows by the values of `keys` with a hash table on the device: each row inserts
    /// its key (compare-and-swap on a free slot) or finds the slot of an equal key; occupied
    /// slots, numbered by a scan, are the groups. Without keys every row is in group 0.
    func groups(of keys: [CuColumn], count n: Int, dropna: Bool) throws -> DeviceGroups {
        guard !keys.isEmpty else {
            let groupOfRow = try array(n, .int64)
            try launch("cudf_fill_i64", count: n) { $0.append(Int64(n)); $0.append(groupOfRow.pointer); $0.append(Int64(0)) }
            return DeviceGroups(groupOfRow: groupOfRow, count: 1, leaders: nil)
        }
        let hashes = try hashRows(keys, count: n)
        var skip: CuArray? = nil
        if dropna {
            for key in keys where key.validity != nil || (key.values?.dtype.isFloatingPoint ?? false) {
                let missing = try isNull(key)
                if let existing = skip {
                    try launch("cudf_or_flags", count: n) { $0.append(Int64(n)); $0.append(existing.pointer); $0.append(missing.pointer) }
                } else {
                    skip = missing
                }
            }
        }
        let (table, mask) = try emptyTable(rows: n)
        let slotOfRow = try array(n, .int64)
        let generator = KeyKernelGenerator(keys.map { KeyKernelGenerator.kind(storage: $0.values?.dtype) })
        try launch("cudf_group_insert", in: generator.source, count: n) { arguments in
            arguments.append(Int64(n)); arguments.append(hashes.pointer); arguments.append(skip?.pointer ?? 0)
            arguments.append(table.pointer); arguments.append(UInt64(mask)); arguments.append(slotOfRow.pointer)
            Self.appendKeys(keys, to: &arguments)
        }
        let slots = mask + 1
        let occupied = try array(slots, .int64)
        try launch("cudf_slot_flags", count: slots) { $0.append(Int64(slots)); $0.append(occupied.pointer); $0.append(table.pointer) }
        let (groupOfSlot, groupCount) = try exclusiveScan(occupied, count: slots)
        let leaders = try array(groupCount, .int64)
        try launch("cudf_leaders", count: slots) { $0.append(Int64(slots)); $0.append(leaders.pointer); $0.append(table.pointer)
            $0.append(groupOfSlot.pointer) }
        let groupOfRow = try array(n, .int64)
        try launch("cudf_group_of_row", count: n) { $0.append(Int64(n)); $0.append(groupOfRow.pointer); $0.append(slotOfRow.pointer)
            $0.append(groupOfSlot.pointer) }
        return DeviceGroups(groupOfRow: groupOfRow, count: groupCount, leaders: leaders)
    }

    /// A cleared hash table with at least twice `rows` slots (a power of two), and its mask.
    func emptyTable(rows: Int) throws -> (CuArray, Int) {
        var slots = 64
        while slots < 2 * rows { slots *= 2 }
        let table = try array(slots, .uint64)
        try launch("cudf_table_clear", count: slots) { $0.append(Int64(slots)); $0.append(table.pointer) }
        return (table, slots - 1)
    }

    /// The key columns' buffers as ``KeyKernelGenerator`` declares them.
    static func appendKeys(_ keys: [CuColumn], to arguments: inout KernelArguments) {
        for key in keys {
            switch key.storage {
            case let .fixedWidth(values): arguments.append(values.pointer)
            case let .dictionary(codes, _): arguments.append(codes.pointer)
            case let .strings(offsets, bytes):
                arguments.append(offsets.pointer)
                arguments.append(bytes.pointer)
            }
            arguments.append(key.validity?.pointer ?? 0)
        }
    }

    /// A numeric column converted to `type` (itself when it already is); nulls kept.
    func converted(_ column: CuColumn, to type: ColumnType) throws -> CuColumn {
        guard column.type != type, let values = column.values, let dtype = type.numericDType else { return column }
        return CuColumn(type: type, storage: .fixedWidth(try converted(values, to: dtype)), validity: column.validity, count: column.count)
    }

    /// `values` converted to `dtype` by a "cupy" elementwise kernel (itself when it already is).
    func converted(_ values: CuArray, to dtype: DType) throws -> CuArray {
        if values.dtype == dtype { return values }
        return try evaluate(.cast(.input(0, values.dtype), dtype), [values], count: values.count)
    }

    /// An elementwise expression over device arrays of `count` elements (a generated "cupy" kernel).
    func evaluate(_ expression: ElementwiseExpression, _ inputs: [CuArray], count: Int) throws -> CuArray {
        // The "cupy" evaluation runs on a stream of its own: this stream's work is finished first.
        try synchronize()
        let anchor = try array(0, .float64)
        guard let result = try anchor.evaluate(expression, inputs: inputs, shape: [count]) as? CuArray else {
            throw FrameError.invalidValue("the elementwise kernel gave no device array")
        }
        stream.hold(result.buffer)
        return result
    }

    /// An array of zero bytes.
    func zeroed(_ count: Int, _ dtype: DType) throws -> CuArray {
        let out = try array(count, dtype)
        try device.fill(out.buffer, byte: 0, stream: stream)
        return out
    }

    /// An array of 8-byte elements (`int64` or `uint64`), each `value`.
    func filled(_ count: Int, _ value: Int64, dtype: DType = .int64) throws -> CuArray {
        precondition(dtype.itemSize == 8, "filled(_:_:dtype:) writes 8-byte elements")
        let out = try array(count, dtype)
        try launch("cudf_fill_i64", count: count) { $0.append(Int64(count)); $0.append(out.pointer); $0.append(value) }
        return out
    }

    /// A `float64` array of `value`.
    func filled(_ count: Int, _ value: Double) throws -> CuArray {
        let out = try array(count, .float64)
        try launch("cudf_fill_f64", count: count) { $0.append(Int64(count)); $0.append(out.pointer); $0.append(value) }
        return out
    }
}

extension CuDataFrame {
    /// The per-partition state of a groupby, computed on the device: the same columns, types and
    /// values (sums to rounding) as the "pandas" backend's ``Backends/DataFrame/groupbyPartial(keys:specs:dropna:)``,
    /// so the host's combine and finalize read it. Groups come in the hash table's order.
    ///
    /// count, size, sum, mean, min, max, var and std of numeric columns run on the device; other
    /// aggregations (first, last, nunique, non-numeric values) run on the host for now.
    ///
    /// - Throws: ``FrameError`` for unknown columns or aggregations that do not apply.
    public func groupbyPartial(keys: [String], specs: [AggregationSpec], dropna: Bool) throws -> CuDataFrame {
        guard let plan = DeviceGroupByPlan(frame: self, keys: keys, specs: specs) else {
            return try onHost { try $0.groupbyPartial(keys: keys, specs: specs, dropna: dropna) }
        }
        return try perform { ops in
            let n = rowCount
            let keyColumns = try keys.map { try column($0) }
            let groups = try ops.groups(of: keyColumns, count: n, dropna: dropna)
            let g = groups.count
            var names: [String] = []
            var state: [CuColumn] = []
            if let leaders = groups.leaders {
                for (name, key) in zip(keys, keyColumns) {
                    names.append(name)
                    state.append(try ops.take(key, leaders, count: g))
                }
            }
            let sizes = try ops.filled(g, 0, dtype: .uint64)
            try ops.launch("cudf_agg_size", count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer); $0.append(sizes.pointer) }
            names.append("__size")
            state.append(Self.int64Column(sizes, count: g))
            for value in plan.values where !value.components.isEmpty {
                let columns = try accumulate(value, groups: groups, ops: ops)
                for component in value.components {
                    guard let column = columns[component] else { continue }
                    names.append("__\(component.rawValue)__\(value.name)")
                    state.append(column)
                }
            }
            return CuDataFrame(device: device, names: names, columns: state, rowCount: g)
        }
    }

    static func int64Column(_ values: CuArray, count: Int) -> CuColumn {
        CuColumn(type: .int64, storage: .fixedWidth(values.reinterpreted(as: .int64)), validity: nil, count: count)
    }

    static func float64Column(_ values: CuArray, count: Int) -> CuColumn {
        CuColumn(type: .float64, storage: .fixedWidth(values), validity: nil, count: count)
    }

    /// The state components of one numeric value column.
    private func accumulate(_ value: DeviceGroupByPlan.Value, groups: DeviceGroups, ops: FrameOps) throws
        -> [DeviceStateComponent: CuColumn] {
        let n = rowCount, g = groups.count
        guard let values = value.column.values, let dtype = value.column.type.numericDType else { return [:] }
        let missing = try ops.isNull(value.column)
        let group = groups.groupOfRow
        var result: [DeviceStateComponent: CuColumn] = [:]
        let counts = try ops.filled(g, 0, dtype: .uint64)
        try ops.launch("cudf_agg_count", count: n) { $0.append(Int64(n)); $0.append(group.pointer); $0.append(missing.pointer)
            $0.append(counts.pointer) }
        if value.components.contains(.count) { result[.count] = Self.int64Column(counts, count: g) }

        var doubleSum: CuArray? = nil
        func sumOfDoubles() throws -> CuArray {
            if let doubleSum { return doubleSum }
            let doubles = try ops.converted(values, to: .float64)
            let sums = try ops.filled(g, 0.0)
            try ops.launch("cudf_agg_sum_f64", count: n) { $0.append(Int64(n)); $0.append(group.pointer); $0.append(missing.pointer)
                $0.append(doubles.pointer); $0.append(sums.pointer) }
            doubleSum = sums
            return sums
        }
        for component in value.components {
            switch component {
            case .count:
                break
            case .sum where !dtype.isFloatingPoint:
                let wide = try ops.converted(values, to: (dtype.kind == .signedInteger) ? .int64 : .uint64)
                let sums = try ops.filled(g, 0, dtype: .uint64)
                try ops.launch("cudf_agg_sum_i64", count: n) { $0.append(Int64(n)); $0.append(group.pointer); $0.append(missing.pointer)
                    $0.append(wide.pointer); $0.append(sums.pointer) }
                let type: DType = (dtype.kind == .signedInteger) ? .int64 : .uint64
                result[.sum] = CuColumn(type: .numeric(type), storage: .fixedWidth(sums.reinterpreted(as: type)), validity: nil, count: g)
            case .sum, .sumFloat32, .fsum:
                result[component] = Self.float64Column(try sumOfDoubles(), count: g)
            case .m2:
                let sums = try sumOfDoubles()
                let doubles = try ops.converted(values, to: .float64)
                let m2 = try ops.filled(g, 0.0)
                try ops.launch("cudf_agg_m2", count: n) { $0.append(Int64(n)); $0.append(group.pointer); $0.append(missing.pointer)
                    $0.append(doubles.pointer); $0.append(sums.pointer); $0.append(counts.pointer); $0.append(m2.pointer) }
                result[.m2] = Self.float64Column(m2, count: g)
            case .min, .max:
                result[component] = try extreme(component == .min, values: values, dtype: dtype, missing: missing, counts: counts,
                                                groups: groups, ops: ops)
            }
        }
        return result
    }

    /// The smallest or largest valid value of each group, in the column's type (null for a group
    /// without one): accumulated as `int64`, `uint64` or `float64` with atomics, converted back.
    func extreme(_ isMin: Bool, values: CuArray, dtype: DType, missing: CuArray, counts: CuArray, groups: DeviceGroups,
                         ops: FrameOps) throws -> CuColumn {
        let n = rowCount, g = groups.count
        let wideType: DType = dtype.isFloatingPoint ? .float64 : ((dtype.kind == .signedInteger) ? .int64 : .uint64)
        let wide = try ops.converted(values, to: wideType)
        let accumulator: CuArray
        let kernel: String
        switch wideType {
        case .float64:
            accumulator = try ops.filled(g, isMin ? Double.infinity : -Double.infinity)
            kernel = isMin ? "cudf_agg_min_f64" : "cudf_agg_max_f64"
        case .int64:
            accumulator = try ops.filled(g, isMin ? Int64.max : Int64.min)
            kernel = isMin ? "cudf_agg_min_i64" : "cudf_agg_max_i64"
        default:
            accumulator = try ops.filled(g, isMin ? -1 : 0, dtype: .uint64)
            kernel = isMin ? "cudf_agg_min_u64" : "cudf_agg_max_u64"
        }
        try ops.launch(kernel, count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer); $0.append(missing.pointer)
            $0.append(wide.pointer); $0.append(accumulator.pointer) }
        let has = ElementwiseExpression.binary(.greater, .input(1, .int64), .constant(.int(0), .int64))
        let narrowed = try ops.evaluate(.select(has, .cast(.input(0, wideType), dtype), .constant(.int(0), dtype)),
                                        [accumulator, counts.reinterpreted(as: .int64)], count: g)
        let flags = try ops.evaluate(.binary(.greater, .input(0, .int64), .constant(.int(0), .int64)),
                                     [counts.reinterpreted(as: .int64)], count: g)
        let validity = try ops.pack(flags, count: g)
        return CuColumn(type: .numeric(dtype), storage: .fixedWidth(narrowed), validity: validity, count: g)
    }
}
