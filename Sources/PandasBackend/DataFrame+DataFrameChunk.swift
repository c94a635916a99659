import Backends

/// `DataFrame` is the "pandas" backend's partition type: every requirement runs a host kernel.
extension DataFrame: DataFrameChunk {
    /// `"DataFrame"`.
    public var chunkType: String { "DataFrame" }

    /// The frame itself.
    public func toHost() throws -> DataFrame { self }

    /// `frame` itself: host frames are this backend's chunks.
    public func fromHost(_ frame: DataFrame) throws -> any DataFrameChunk { frame }

    /// A frame with `schema` and no rows.
    public func empty(schema: Schema) throws -> any DataFrameChunk { DataFrame(emptyWith: schema) }

    /// The frames' rows one after another.
    public func concatenate(_ chunks: [any DataFrameChunk]) throws -> any DataFrameChunk {
        if chunks.isEmpty { return DataFrame(emptyWith: schema) }
        return try DataFrame.concatenate(chunks.map { try $0.toHost() })
    }

    /// The named columns.
    public func selecting(_ columns: [String]) throws -> any DataFrameChunk {
        let selected: DataFrame = try selecting(columns)
        return selected
    }

    /// The rows where `predicate` holds.
    public func filtering(_ predicate: ColumnExpression) throws -> any DataFrameChunk { try filter(where: predicate) }

    /// The frame with `name` set to the expression's values.
    public func assigning(_ name: String, _ expression: ColumnExpression) throws -> any DataFrameChunk {
        let column = try evaluate(expression)
        if column.count == 1 && rowCount != 1 {
            let indices = [Int](repeating: 0, count: rowCount)
            return try assigning(name, indices.withUnsafeBufferPointer { column.take($0) })
        }
        let assigned: DataFrame = try assigning(name, column)
        return assigned
    }

    /// The first `n` rows.
    public func prefix(_ n: Int) throws -> any DataFrameChunk {
        let rows: DataFrame = head(n)
        return rows
    }

    /// The last `n` rows.
    public func suffix(_ n: Int) throws -> any DataFrameChunk {
        let rows: DataFrame = tail(n)
        return rows
    }

    /// Rows without nulls in `columns` (all when `nil`).
    public func droppingNulls(in columns: [String]?) throws -> any DataFrameChunk {
        let names = columns ?? columnNames
        var keep: [Int] = []
        let checked = try names.map { try column($0).column }
        for row in 0..<rowCount where !checked.contains(where: { $0.isNull(row) }) { keep.append(row) }
        return take(keep)
    }

    /// Per-partition groupby state (see ``groupbyPartial(keys:specs:dropna:)``).
    public func partialAggregate(keys: [String], specs: [AggregationSpec], dropna: Bool) throws -> any DataFrameChunk {
        let partial: DataFrame = try groupbyPartial(keys: keys, specs: specs, dropna: dropna)
        return partial
    }

    /// The partial aggregate of the rows where `predicate` holds after `steps`: one fused pass
    /// over the columns it reads when the reductions and columns allow (see
    /// ``fusedFilteredPartial(where:steps:specs:)``); the filter, the steps and the aggregation
    /// one by one otherwise.
    public func filteredPartialAggregate(where predicate: ColumnExpression, steps: [FrameStep], specs: [AggregationSpec],
                                         dropna: Bool) throws -> any DataFrameChunk {
        if let partial = try fusedFilteredPartial(where: predicate, steps: steps, specs: specs) { return partial }
        return try filteredThenAggregated(where: predicate, steps: steps, specs: specs, dropna: dropna)
    }

    /// Merged groupby states (see ``groupbyCombine(_:keys:specs:)``).
    public func combineAggregates(_ partials: [any DataFrameChunk], keys: [String], specs: [AggregationSpec]) throws
        -> any DataFrameChunk {
        try DataFrame.groupbyCombine(partials.map { try $0.toHost() }, keys: keys, specs: specs)
    }

    /// The final groupby result (see ``groupbyFinalize(keys:specs:)``).
    public func finalizeAggregate(keys: [String], specs: [AggregationSpec]) throws -> any DataFrameChunk {
        let result: DataFrame = try groupbyFinalize(keys: keys, specs: specs)
        return result
    }

    /// The rows split by hash (see ``split(byHashOf:into:)``).
    public func hashPartitions(by columns: [String], into count: Int) throws -> [any DataFrameChunk] {
        try split(byHashOf: columns, into: count)
    }

    /// The rows split by a digit of their hash (see ``split(byHashOf:modulus:divisor:base:)``).
    public func hashPartitions(by columns: [String], modulus: Int, divisor: Int, base: Int) throws -> [any DataFrameChunk] {
        try split(byHashOf: columns, modulus: modulus, divisor: divisor, base: base)
    }

    /// The column's cells.
    public func toList(_ name: String) throws -> [FrameValue] {
        let series = try column(name)
        return (0..<series.count).map { series[$0] }
    }

    /// The bytes of the columns' buffers: values, string offsets and bytes, bitmaps.
    public var estimatedByteCount: Int {
        var total = 0
        for series in columns {
            let column = series.column
            switch column.storage {
            case let .fixedWidth(values): total += values.count * values.dtype.itemSize
            case let .strings(buffer): total += buffer.bytes.count + buffer.offsets.count * 8
            case let .dictionary(codes, categories): total += codes.count * 4 + categories.bytes.count + categories.offsets.count * 8
            }
            total += (column.validity?.words.count ?? 0) * 8
        }
        return total
    }

    /// The rows sorted (see ``sorted(by:nulls:)``).
    public func sorting(by keys: [SortKey], nulls: NullPlacement) throws -> any DataFrameChunk {
        let result: DataFrame = try sorted(by: keys, nulls: nulls)
        return result
    }

    /// The rows split by ranges of the keys (see ``split(byRanges:keys:nulls:)``).
    public func rangePartitions(by keys: [SortKey], nulls: NullPlacement, boundaries: DataFrame) throws -> [any DataFrameChunk] {
        try split(byRanges: boundaries, keys: keys, nulls: nulls)
    }

    /// The frame joined with `right`'s host form (see ``merge(_:spec:)``).
    public func joining(_ right: any DataFrameChunk, spec: JoinSpec) throws -> any DataFrameChunk {
        try merge(try right.toHost(), spec: spec)
    }

    /// The rows without duplicates (see ``droppingDuplicates(subset:keep:)``).
    public func droppingDuplicates(subset: [String]?, keep: DuplicateKeep) throws -> any DataFrameChunk {
        let result: DataFrame = try droppingDuplicates(subset: subset, keep: keep)
        return result
    }
}
