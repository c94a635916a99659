import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend
import PandasBackend

extension CuDataFrame {
    /// Partial groupby states merged into one on the device (the "pandas" backend's
    /// ``Backends/DataFrame/groupbyCombine(_:keys:specs:)``): the states are concatenated, grouped
    /// by key with the hash table, and each component merged — counts and sums added, minima and
    /// maxima by atomics, variance states by Chan's formula. States with first, last or nunique
    /// components merge on the host for now. Integer sums wrap around instead of reporting an overflow.
    public static func groupbyCombine(_ partials: [CuDataFrame], keys: [String], specs: [AggregationSpec]) throws -> CuDataFrame {
        guard let first = partials.first else { throw FrameError.invalidValue("groupbyCombine needs at least one partial state.") }
        func onHost() throws -> CuDataFrame {
            try CuDataFrame(DataFrame.groupbyCombine(partials.map { try $0.download() }, keys: keys, specs: specs), on: first.device)
        }
        guard let layout = DeviceStateLayout(state: first, keys: keys),
              partials.allSatisfy({ $0.device === first.device && $0.schema == first.schema }),
              let joined = try first.concatenateOnDevice(partials) else { return try onHost() }
        return try joined.perform { ops in
            let n = joined.rowCount
            let keyColumns = try keys.map { try joined.column($0) }
            let groups = try ops.groups(of: keyColumns, count: n, dropna: false)
            let g = groups.count
            var columns: [String: CuColumn] = [:]
            if let leaders = groups.leaders {
                for (name, key) in zip(keys, keyColumns) { columns[name] = try ops.take(key, leaders, count: g) }
            }
            func added(_ name: String) throws -> CuColumn {
                let column = try joined.column(name)
                guard let values = column.values else { throw FrameError.invalidColumn("state column '\(name)' has no values") }
                let missing = try ops.isNull(column)
                if values.dtype == .float64 {
                    let sums = try ops.filled(g, 0.0)
                    try ops.launch("cudf_agg_sum_f64", count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer)
                        $0.append(missing.pointer); $0.append(values.pointer); $0.append(sums.pointer) }
                    return Self.float64Column(sums, count: g)
                }
                let sums = try ops.filled(g, 0, dtype: .uint64)
                try ops.launch("cudf_agg_sum_i64", count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer)
                    $0.append(missing.pointer); $0.append(values.pointer); $0.append(sums.pointer) }
                return CuColumn(type: column.type, storage: .fixedWidth(sums.reinterpreted(as: values.dtype)), validity: nil, count: g)
            }
            columns["__size"] = try added("__size")
            for entry in layout.entries where entry.component != .m2 && entry.component != .min && entry.component != .max {
                columns[entry.name] = try added(entry.name)
            }
            for entry in layout.entries {
                switch entry.component {
                case .m2:
                    guard let countName = layout.name(.count, of: entry.column),
                          let sumName = [DeviceStateComponent.fsum, .sumFloat32, .sum].lazy.compactMap({ layout.name($0, of: entry.column) }).first,
                          let totalSum = columns[sumName]?.values, let totalCount = columns[countName]?.values,
                          let count = try joined.column(countName).values, let sum = try joined.column(sumName).values,
                          sum.dtype == .float64, let m2 = try joined.column(entry.name).values else {
                        throw FrameError.invalidColumn("the variance state of column '\(entry.column)' is not (count, float64 sum, m2)")
                    }
                    let out = try ops.filled(g, 0.0)
                    try ops.launch("cudf_merge_m2", count: n) { $0.append(Int64(n)); $0.append(groups.groupOfRow.pointer)
                        $0.append(count.pointer); $0.append(sum.pointer); $0.append(m2.pointer); $0.append(totalSum.pointer)
                        $0.append(totalCount.pointer); $0.append(out.pointer) }
                    columns[entry.name] = Self.float64Column(out, count: g)
                case .min, .max:
                    let column = try joined.column(entry.name)
                    guard let values = column.values, let dtype = column.type.numericDType,
                          let countName = layout.name(.count, of: entry.column), let counts = columns[countName]?.values else {
                        throw FrameError.invalidColumn("the \(entry.component) state of column '\(entry.column)' is not numeric with a count")
                    }
                    columns[entry.name] = try joined.extreme(entry.component == .min, values: values, dtype: dtype, missing: try ops.isNull(column),
                                                             counts: counts.reinterpreted(as: .uint64), groups: groups, ops: ops)
                default:
                    break
                }
            }
            let names = joined.names
            return CuDataFrame(device: joined.device, names: names, columns: try names.map { name in
                guard let column = columns[name] else { throw FrameError.invalidColumn("state column '\(name)' was not merged") }
                return column
            }, rowCount: g)
        }
    }

    /// The groupby result from a partial state, on the device (the "pandas" backend's
    /// ``Backends/DataFrame/groupbyFinalize(keys:specs:)``): the groups sorted by key (the device
    /// sort, nulls last), then each spec's column by one elementwise kernel. First, last or
    /// nunique specs finalize on the host for now.
    public func groupbyFinalize(keys: [String], specs: [AggregationSpec]) throws -> CuDataFrame {
        let outputNames = keys + specs.map(\.outputName)
        guard let layout = DeviceStateLayout(state: self, keys: keys), Set(outputNames).count == outputNames.count,
              specs.allSatisfy({ ![.first, .last, .nunique].contains($0.aggregation) }) else {
            return try onHost { try $0.groupbyFinalize(keys: keys, specs: specs) }
        }
        return try perform { ops in
            let g = rowCount
            let order: CuArray
            if keys.isEmpty {
                order = try ops.iota(g)
            } else {
                let encoded = try keys.map { try ops.encode(try column($0), ascending: true) }
                order = try ops.sortOrder(encoded, count: g, nulls: .last)
            }
            func state(_ component: DeviceStateComponent, _ spec: AggregationSpec) throws -> CuColumn {
                guard let name = layout.name(component, of: spec.column) else {
                    throw FrameError.unknownColumn("__\(component.rawValue)__\(spec.column)", available: names)
                }
                return try column(name)
            }
            func values(_ column: CuColumn) throws -> CuArray {
                guard let values = column.values else { throw FrameError.invalidColumn("a state column has no values") }
                return values
            }
            var results: [CuColumn] = try keys.map { try column($0) }
            for spec in specs {
                let float32 = layout.name(.sumFloat32, of: spec.column) != nil
                let numeratorName = layout.name(.fsum, of: spec.column) ?? layout.name(.sumFloat32, of: spec.column)
                    ?? layout.name(.sum, of: spec.column)
                switch spec.aggregation {
                case .size:
                    results.append(try column("__size"))
                case .count:
                    results.append(try state(.count, spec))
                case .sum where float32:
                    let narrowed = try ops.evaluate(.cast(.input(0, .float64), .float32), [try values(state(.sumFloat32, spec))], count: g)
                    results.append(CuColumn(type: .float32, storage: .fixedWidth(narrowed), validity: nil, count: g))
                case .sum:
                    results.append(try state(.sum, spec))
                case .mean, .std, .var:
                    guard let numeratorName else { throw FrameError.unknownColumn("__sum__\(spec.column)", available: names) }
                    let counts = ElementwiseExpression.input(0, .int64)
                    let sums = ElementwiseExpression.input(1, .float64)
                    let m2 = ElementwiseExpression.input(2, .float64)
                    let countsAsDouble = ElementwiseExpression.cast(counts, .float64)
                    let minimum = spec.aggregation == .mean ? 0 : 1
                    let has = ElementwiseExpression.binary(.greater, counts, .constant(.int(Int64(minimum)), .int64))
                    var value: ElementwiseExpression
                    if spec.aggregation == .mean {
                        value = .binary(.divide, sums, countsAsDouble)
                    } else {
                        value = .binary(.divide, .binary(.maximum, m2, .constant(.double(0), .float64)),
                                        .binary(.subtract, countsAsDouble, .constant(.double(1), .float64)))
                        if spec.aggregation == .std { value = .unary(.sqrt, value) }
                    }
                    var result = ElementwiseExpression.select(has, value, .constant(.double(0), .float64))
                    if float32 { result = .cast(result, .float32) }
                    let m2Values = spec.aggregation == .mean ? try values(column(numeratorName)) : try values(state(.m2, spec))
                    let inputs = [try values(state(.count, spec)), try values(column(numeratorName)), m2Values]
                    let computed = try ops.evaluate(result, inputs, count: g)
                    let flags = try ops.evaluate(has, [inputs[0]], count: g)
                    results.append(CuColumn(type: float32 ? .float32 : .float64, storage: .fixedWidth(computed),
                                            validity: try ops.pack(flags, count: g), count: g))
                case .min:
                    results.append(try state(.min, spec))
                case .max:
                    results.append(try state(.max, spec))
                case .first, .last, .nunique:
                    throw FrameError.invalidValue("\(spec.aggregation) is finalized on the host")
                }
            }
            let sorted = try results.map { try ops.take($0, order, count: g) }
            return CuDataFrame(device: device, names: outputNames, columns: sorted, rowCount: g)
        }
    }
}
