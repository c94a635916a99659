import Backends

// pandas' groupby-aggregate as a tree reduction over partitions, as Dask runs it
// (`dask.dataframe.groupby` through `apply_concat_apply`): a partial state per partition
// (`groupbyPartial`), merges of several states (`groupbyCombine`, associative, applied in a tree),
// and the result from one state (`groupbyFinalize`). The state layout is described in GroupByPlan.
//
// Semantics follow pandas 2/3 with `sort=True`:
// - rows whose key is null (NaN for float keys) are dropped unless `dropna` is false, in which case
//   null is a group of its own and sorts last; -0.0 and +0.0 are one key;
// - count, size and nunique give int64; sum gives int64 for signed integers and booleans, uint64 for
//   unsigned integers, the float type for floats (0 for a group without values), and throws
//   `FrameError.overflow` naming the column when an integer sum does not fit; mean, var and std
//   give float64 (float32 for float32 columns, as pandas), null for no values (var/std: fewer than
//   two; ddof 1); min, max, first and last keep the column type, null when the group has no value;
// - sum, mean, var and std apply to numeric and boolean columns, min and max to every type but
//   categorical (unordered, as pandas); others throw `FrameError.unsupportedType`. Summing strings
//   (pandas concatenates them) is not supported.
// - first and last follow row order within a partition and the order of the partial states given
//   to `groupbyCombine` across partitions: combine is associative but not commutative, so states
//   must be passed in partition order (as Dask's tree reduction does).

extension DataFrame {
    /// The partial groupby state of this frame (one partition): the key columns, then state
    /// columns (`__size`, and per value column `__count__c`, `__sum__c`, `__m2__c`, `__min__c`, …;
    /// distinct (key, value) rows for `nunique`), one row per group in order of first appearance.
    ///
    /// Merge states with ``groupbyCombine(_:keys:specs:)`` and turn one into the result with
    /// ``groupbyFinalize(keys:specs:)``.
    ///
    /// - Parameters:
    ///   - keys: the columns to group by; none reduces the whole frame to one group.
    ///   - specs: the aggregations.
    ///   - dropna: whether rows with a null key are dropped (pandas' default) or form a group.
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column,
    ///   ``FrameError/unsupportedType(operation:type:)`` for an aggregation that does not apply to
    ///   its column, ``FrameError/overflow(_:)`` when an integer sum does not fit.
    public func groupbyPartial(keys: [String], specs: [AggregationSpec], dropna: Bool = true) throws -> DataFrame {
        try groupingPartial(keys: keys, specs: specs, dropna: dropna)
    }

    /// Merges partial states (from ``groupbyPartial(keys:specs:dropna:)`` or from this function)
    /// into one partial state; associative, and to be given the states in partition order.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` when `partials` is empty, ``FrameError`` when the
    ///   states do not have the layout of `keys` and `specs`, ``FrameError/overflow(_:)`` when an
    ///   integer sum does not fit.
    public static func groupbyCombine(_ partials: [DataFrame], keys: [String], specs: [AggregationSpec]) throws -> DataFrame {
        try groupingCombine(partials, keys: keys, specs: specs)
    }

    /// The groupby result from a partial state: the key columns, then one column per spec named
    /// by its `outputName`, rows sorted by the keys ascending (nulls last), with a default index.
    ///
    /// - Throws: ``FrameError`` when this frame is not a state of `keys` and `specs`, or two result
    ///   columns share a name.
    public func groupbyFinalize(keys: [String], specs: [AggregationSpec]) throws -> DataFrame {
        try groupingFinalize(keys: keys, specs: specs)
    }

    /// pandas' `df.groupby(keys, dropna=dropna).agg(**{spec.outputName: (spec.column,
    /// spec.aggregation)}).reset_index()` on this frame: the partial state, finalized.
    ///
    /// With `keys` empty this is a whole-frame reduction with one result row (a sum of nothing is
    /// 0, a count 0, a mean, min or first of nothing null).
    ///
    /// ```swift
    /// let frame = try DataFrame(["key": [1, 2, 1], "x": [0.5, 1.5, 2.5]])
    /// let result = try frame.groupby(keys: ["key"], specs: [
    ///     AggregationSpec(column: "x", aggregation: .sum, outputName: "total"),
    /// ])
    /// // key: [1, 2], total: [3.0, 1.5]
    /// ```
    ///
    /// - Throws: as ``groupbyPartial(keys:specs:dropna:)`` and ``groupbyFinalize(keys:specs:)``.
    public func groupby(keys: [String], specs: [AggregationSpec], dropna: Bool = true) throws -> DataFrame {
        try groupingPartial(keys: keys, specs: specs, dropna: dropna).groupingFinalize(keys: keys, specs: specs)
    }

    // MARK: - Steps

    private func groupingPartial(keys: [String], specs: [AggregationSpec], dropna: Bool) throws(FrameError) -> DataFrame {
        let plan = try GroupByPlan(input: self, keys: keys, specs: specs)
        var keyColumns: [Column] = []
        for key in keys { keyColumns.append(try column(key).column) }
        let groups = GroupFactorizer.factorize(keyColumns, rowCount: rowCount, dropna: dropna)
        let sizes = groups.sizes
        var state: [Series] = zip(keys, keyColumns).map { Series(name: $0, column: $1.groupingGather(groups.firstRows)) }
        state.append(Series(name: GroupByPlan.sizeColumn, column: Column.groupingColumn(.int64, Array(sizes[0..<groups.groupCount]))))
        var overflow = false
        for value in plan.valueColumns where !value.components.isEmpty {
            let input = try column(value.name).column
            let columns = GroupByAccumulator.accumulate(input, components: value.components, groups: groups, overflow: &overflow)
            if overflow { throw Self.sumOverflow(value.name) }
            for component in value.components {
                if let result = columns[component] {
                    state.append(Series(name: GroupByPlan.stateName(component, value.name), column: result))
                }
            }
        }
        var distinct: [DistinctRows] = []
        for (index, name) in plan.distinctColumns.enumerated() {
            let values = try column(name).column
            let pairs = GroupFactorizer.combine(groups, GroupFactorizer.factorize(values, dropna: true))
            distinct.append(DistinctRows(kind: index + 1, column: name, keys: keyColumns.map { $0.groupingGather(pairs.firstRows) },
                                         values: values.groupingGather(pairs.firstRows)))
        }
        return try Self.assembleState(keys: keys, groupColumns: state, groupCount: groups.groupCount, distinct: distinct, plan: plan)
    }

    private static func groupingCombine(_ partials: [DataFrame], keys: [String], specs: [AggregationSpec]) throws(FrameError) -> DataFrame {
        guard let first = partials.first else {
            throw .invalidValue("groupbyCombine needs at least one partial state.")
        }
        let plan = try GroupByPlan(state: first, keys: keys, specs: specs)
        var groupParts: [DataFrame] = []
        var distinctParts = [[DataFrame]](repeating: [], count: plan.distinctColumns.count)
        for partial in partials {
            let (groups, distinct) = try partial.groupingSplitKinds(plan: plan)
            groupParts.append(groups)
            for (index, rows) in distinct.enumerated() { distinctParts[index].append(rows) }
        }
        let groupRows = try DataFrame.groupingConcatenate(groupParts)
        var distinctRows: [DataFrame] = []
        for parts in distinctParts { distinctRows.append(try DataFrame.groupingConcatenate(parts)) }
        var keyColumns: [Column] = []
        for key in keys { keyColumns.append(try groupRows.column(key).column) }
        let groups = GroupFactorizer.factorize(keyColumns, rowCount: groupRows.rowCount, dropna: false)
        var state: [Series] = zip(keys, keyColumns).map { Series(name: $0, column: $1.groupingGather(groups.firstRows)) }
        var overflow = false
        let sizeColumn = try groupRows.column(GroupByPlan.sizeColumn).column
        let sizes = GroupByAccumulator.accumulate(sizeColumn, components: [.sum], groups: groups, overflow: &overflow)
        state.append(Series(name: GroupByPlan.sizeColumn, column: sizes[.sum] ?? sizeColumn))
        for value in plan.valueColumns where !value.components.isEmpty {
            let columns = try GroupByAccumulator.merge(groupRows, column: value.name, components: value.components,
                                                       groups: groups, overflow: &overflow)
            if overflow { throw sumOverflow(value.name) }
            for component in value.components {
                if let result = columns[component] {
                    state.append(Series(name: GroupByPlan.stateName(component, value.name), column: result))
                }
            }
        }
        var distinct: [DistinctRows] = []
        for (index, name) in plan.distinctColumns.enumerated() {
            let rows = distinctRows[index]
            var columns: [Column] = []
            for key in keys { columns.append(try rows.column(key).column) }
            let values = try rows.column(GroupByPlan.distinctName(name)).column
            let pairs = GroupFactorizer.factorize(columns + [values], rowCount: rows.rowCount, dropna: false)
            distinct.append(DistinctRows(kind: index + 1, column: name, keys: columns.map { $0.groupingGather(pairs.firstRows) },
                                         values: values.groupingGather(pairs.firstRows)))
        }
        return try assembleState(keys: keys, groupColumns: state, groupCount: groups.groupCount, distinct: distinct, plan: plan)
    }

    private func groupingFinalize(keys: [String], specs: [AggregationSpec]) throws(FrameError) -> DataFrame {
        let plan = try GroupByPlan(state: self, keys: keys, specs: specs)
        let (groupRows, distinctRows) = try groupingSplitKinds(plan: plan)
        let groupCount = groupRows.rowCount
        var keyColumns: [Column] = []
        for key in keys { keyColumns.append(try groupRows.column(key).column) }
        let order = GroupOrdering.sortedRows(keyColumns, count: groupCount)

        // nunique: count each group's distinct rows.
        var distinctCounts: [String: [Int64]] = [:]
        for (index, name) in plan.distinctColumns.enumerated() {
            let rows = distinctRows[index]
            var counts = [Int64](repeating: 0, count: groupCount)
            if rows.rowCount > 0 {
                var columns: [Column] = []
                for key in keys {
                    columns.append(try Column.groupingConcatenate([try groupRows.column(key).column, try rows.column(key).column], name: key))
                }
                let groups = GroupFactorizer.factorize(columns, rowCount: groupCount + rows.rowCount, dropna: false)
                // Group rows come first and have distinct keys, so a group's first row is its group row.
                groups.withCodes { codes in
                    for row in groupCount..<(groupCount + rows.rowCount) {
                        let code = Int(codes[row])
                        guard code < groups.groupCount else { continue }
                        let groupRow = Int(groups.firstRows[code])
                        if groupRow < groupCount { counts[groupRow] += 1 }
                    }
                }
            }
            distinctCounts[name] = counts
        }

        var output: [Series] = zip(keys, keyColumns).map { Series(name: $0, column: $1.groupingGather(order)) }
        for spec in specs {
            let column = try groupRows.groupingResult(spec, plan: plan, distinctCounts: distinctCounts)
            output.append(Series(name: spec.outputName, column: column.groupingGather(order)))
        }
        return try DataFrame(columns: output)
    }

    // MARK: - Helpers

    private struct DistinctRows {
        let kind: Int
        let column: String
        let keys: [Column]
        let values: Column
    }

    private static func sumOverflow(_ column: String) -> FrameError {
        .overflow("the sum of column '\(column)' does not fit its 64-bit result type")
    }

    /// The state frame: group rows (keys, state columns), then the distinct rows of each kind.
    private static func assembleState(keys: [String], groupColumns: [Series], groupCount: Int, distinct: [DistinctRows],
                                      plan: GroupByPlan) throws(FrameError) -> DataFrame {
        if plan.distinctColumns.isEmpty { return DataFrame(unchecked: groupColumns, rowCount: groupCount) }
        let distinctCount = distinct.reduce(0) { $0 + $1.values.count }
        var columns: [Series] = []
        for series in groupColumns {
            if let keyIndex = keys.firstIndex(of: series.name) {
                let parts = [series.column] + distinct.map { $0.keys[keyIndex] }
                columns.append(Series(name: series.name, column: try Column.groupingConcatenate(parts, name: series.name)))
            } else {
                columns.append(Series(name: series.name, column: series.column.groupingAppendingNulls(distinctCount)))
            }
        }
        var kinds = [Int32](repeating: 0, count: groupCount)
        for rows in distinct { kinds += [Int32](repeating: Int32(rows.kind), count: rows.values.count) }
        columns.append(Series(name: GroupByPlan.kindColumn, column: Column.groupingColumn(.int32, kinds)))
        for rows in distinct {
            var parts: [Column] = [Column.nulls(rows.values.type, count: groupCount)]
            for other in distinct {
                parts.append(other.kind == rows.kind ? rows.values : Column.nulls(rows.values.type, count: other.values.count))
            }
            let name = GroupByPlan.distinctName(rows.column)
            columns.append(Series(name: name, column: try Column.groupingConcatenate(parts, name: name)))
        }
        return DataFrame(unchecked: columns, rowCount: groupCount + distinctCount)
    }

    /// This state's group rows, and its distinct rows of each kind (`__kind` 1, 2, …).
    private func groupingSplitKinds(plan: GroupByPlan) throws(FrameError) -> (groups: DataFrame, distinct: [DataFrame]) {
        if plan.distinctColumns.isEmpty { return (self, []) }
        let kinds = try column(GroupByPlan.kindColumn).column.groupingInt64Values()
        let kindCount = plan.distinctColumns.count + 1
        // Each part keeps only the columns it uses: group rows their state, distinct rows of kind
        // k the keys and the k-th distinct column.
        let distinctNames = Set(plan.distinctColumns.map(GroupByPlan.distinctName))
        let stateFrame = DataFrame(unchecked: columns.filter { $0.name != GroupByPlan.kindColumn && !distinctNames.contains($0.name) },
                                   rowCount: rowCount)
        var distinctFrames: [DataFrame] = []
        for name in plan.distinctColumns {
            var selected: [Series] = []
            for key in plan.keys { selected.append(try column(key)) }
            selected.append(try column(GroupByPlan.distinctName(name)))
            distinctFrames.append(DataFrame(unchecked: selected, rowCount: rowCount))
        }
        if zip(kinds, kinds.dropFirst()).allSatisfy({ $0 <= $1 }), kinds.allSatisfy({ $0 >= 0 && $0 < kindCount }) {
            // Kinds in blocks (as states are laid out): slice each block.
            var bounds = [Int](repeating: 0, count: kindCount + 1)
            for kind in kinds { bounds[Int(kind) + 1] += 1 }
            for index in 0..<kindCount { bounds[index + 1] += bounds[index] }
            return (stateFrame.groupingSlice(0..<bounds[1]),
                    distinctFrames.enumerated().map { $1.groupingSlice(bounds[$0 + 1]..<bounds[$0 + 2]) })
        }
        var rowsByKind = [[Int32]](repeating: [], count: kindCount)
        for (row, kind) in kinds.enumerated() where kind >= 0 && Int(kind) < kindCount {
            rowsByKind[Int(kind)].append(Int32(row))
        }
        return (stateFrame.groupingGather(rowsByKind[0]),
                distinctFrames.enumerated().map { $1.groupingGather(rowsByKind[$0 + 1]) })
    }

    /// The result column of `spec` from this frame's group rows (in state order).
    private func groupingResult(_ spec: AggregationSpec, plan: GroupByPlan,
                                distinctCounts: [String: [Int64]]) throws(FrameError) -> Column {
        func state(_ component: GroupStateComponent) throws(FrameError) -> Column {
            try column(GroupByPlan.stateName(component, spec.column)).column
        }
        let components = plan.components(of: spec.column)
        func numerator() throws(FrameError) -> (values: [Double], float32: Bool) {
            if components.contains(.fsum) { return (try state(.fsum).groupingDoubleValues(), false) }
            if components.contains(.sumFloat32) { return (try state(.sumFloat32).groupingDoubleValues(), true) }
            return (try state(.sum).groupingDoubleValues(), false)
        }
        func floats(_ values: [Double], valid: [Bool], float32: Bool) -> Column {
            float32 ? Column.groupingColumn(.float32, values.map { Float($0) }, valid: valid) : Column.groupingColumn(.float64, values, valid: valid)
        }
        switch spec.aggregation {
        case .size:
            return try column(GroupByPlan.sizeColumn).column
        case .count:
            return try state(.count)
        case .sum:
            if components.contains(.sumFloat32) {
                return Column.groupingColumn(.float32, try state(.sumFloat32).groupingDoubleValues().map { Float($0) })
            }
            return try state(.sum)
        case .mean:
            let counts = try state(.count).groupingInt64Values()
            let (sums, float32) = try numerator()
            let means = zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
            return floats(means, valid: counts.map { $0 > 0 }, float32: float32)
        case .var, .std:
            let counts = try state(.count).groupingInt64Values()
            let (_, float32) = try numerator()
            let m2 = try state(.m2).groupingDoubleValues()
            var results = zip(m2, counts).map { $1 > 1 ? Swift.max($0, 0) / Double($1 - 1) : 0 }
            if spec.aggregation == .std { results = results.map { $0.squareRoot() } }
            return floats(results, valid: counts.map { $0 > 1 }, float32: float32)
        case .min:
            return try state(.min)
        case .max:
            return try state(.max)
        case .first:
            return try state(.first)
        case .last:
            return try state(.last)
        case .nunique:
            return Column.groupingColumn(.int64, distinctCounts[spec.column] ?? [Int64](repeating: 0, count: rowCount))
        }
    }
}

extension Column {
    /// The values of an `int64` or `int32` column (0 where null).
    func groupingInt64Values() throws(FrameError) -> [Int64] {
        guard case let .fixedWidth(values) = storage else { throw .unsupportedType(operation: "reading integers", type: type) }
        switch values.dtype {
        case .int64: return values.withUnsafeElements(as: Int64.self) { Array($0) }
        case .int32: return values.withUnsafeElements(as: Int32.self) { $0.map { Int64($0) } }
        default: throw .unsupportedType(operation: "reading integers", type: type)
        }
    }

    /// The values of a `float64` column.
    func groupingDoubleValues() throws(FrameError) -> [Double] {
        guard case let .fixedWidth(values) = storage, values.dtype == .float64 else {
            throw .unsupportedType(operation: "reading a float64 state", type: type)
        }
        return values.withUnsafeElements(as: Double.self) { Array($0) }
    }
}
