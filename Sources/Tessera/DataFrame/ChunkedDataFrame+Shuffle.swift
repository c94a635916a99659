import Backends

extension ChunkedDataFrame {
    /// The rows hash-partitioned by `on` into `npartitions` partitions (the current count when
    /// `nil`): every row with given key values lands in one partition (Dask's `shuffle(on=)`).
    ///
    /// Within a partition rows keep their original order (partition by partition). The exchange
    /// keeps shards in memory up to `dataframe.shuffle.memory-budget` and spills the rest to
    /// disk; see docs/configuration.md.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column,
    ///   ``FrameOperationError/invalidArgument(_:)`` for no columns or a non-positive count.
    public func shuffle(on columns: [String], npartitions: Int? = nil) throws -> ChunkedDataFrame {
        guard !columns.isEmpty else { throw FrameOperationError.invalidArgument("shuffle needs at least one column.") }
        for column in columns where schema.type(of: column) == nil { throw FrameError.unknownColumn(column, available: self.columns) }
        let count = npartitions ?? Swift.max(1, self.npartitions)
        guard count > 0 else { throw FrameOperationError.invalidArgument("npartitions must be positive, got \(count).") }
        return with(.shuffle(plan, keys: columns, count: count))
    }

    /// The frame without rows that repeat the values of `subset` (all columns when `nil`)
    /// (pandas' `drop_duplicates(subset, keep)`); nulls equal nulls.
    ///
    /// Each partition drops its own repeats, the rest are hash-shuffled on `subset` into
    /// `splitOut` partitions (the current count when `nil`) and dropped there; `keep` picks the
    /// first or last occurrence in the frame's order, or drops every repeated row (`.none`). The
    /// surviving rows keep their relative order within each output partition, but not across
    /// partitions (as Dask).
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column,
    ///   ``FrameOperationError/invalidArgument(_:)`` for a non-positive `splitOut`.
    public func dropDuplicates(subset: [String]? = nil, keep: DuplicateKeep = .first, splitOut: Int? = nil) throws
        -> ChunkedDataFrame {
        for column in subset ?? [] where schema.type(of: column) == nil { throw FrameError.unknownColumn(column, available: columns) }
        if let subset, subset.isEmpty { throw FrameOperationError.invalidArgument("dropDuplicates needs a non-empty subset.") }
        let count = splitOut ?? Swift.max(1, npartitions)
        guard count > 0 else { throw FrameOperationError.invalidArgument("splitOut must be positive, got \(count).") }
        return with(.dropDuplicates(plan, subset: subset, keep: keep, count: count))
    }
}

extension ChunkedSeries {
    /// The number of distinct non-null values, counted through a hash shuffle into `splitOut`
    /// partitions, so the distinct values are never gathered in one place (for many distinct values).
    public func nunique(splitOut: Int) throws -> ChunkedScalar {
        guard splitOut > 0 else { throw FrameOperationError.invalidArgument("splitOut must be positive, got \(splitOut).") }
        let values = FramePlan.dropNulls(.select(.assign(frame.plan, name, expression), [name]), nil)
        let distinct = FramePlan.dropDuplicates(values, subset: [name], keep: .first, count: splitOut)
        let spec = AggregationSpec(column: name, aggregation: .size, outputName: name)
        let plan = FramePlan.aggregate(distinct, keys: [], specs: [spec], dropna: true, splitEvery: ChunkedDataFrame.splitEvery)
        return ChunkedScalar(frame: frame.with(plan), column: name)
    }

    /// How often each distinct value occurs, most frequent first (ties by value): columns `name`
    /// and `count`, counted in `splitOut` hash partitions and then sorted across partitions.
    public func valueCounts(splitOut: Int) throws -> ChunkedDataFrame {
        guard splitOut > 0 else { throw FrameOperationError.invalidArgument("splitOut must be positive, got \(splitOut).") }
        let spec = AggregationSpec(column: name, aggregation: .size, outputName: "count")
        let grouped = FramePlan.hashAggregate(.select(.assign(frame.plan, name, expression), [name]), keys: [name], specs: [spec],
                                              dropna: true, splitOut: splitOut)
        let keys = [SortKey(column: "count", ascending: false), SortKey(column: name, ascending: true)]
        return frame.with(.sort(grouped, keys: keys, nulls: .last, count: splitOut))
    }
}
