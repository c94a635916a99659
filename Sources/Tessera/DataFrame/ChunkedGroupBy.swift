import Backends

/// A frame grouped by key columns, waiting for its aggregations (Dask's `DataFrameGroupBy`).
///
/// ```swift
/// let out = try df.groupby("key").agg(["x": .mean, "y": .sum])
/// ```
public struct ChunkedGroupBy: Sendable {
    let frame: ChunkedDataFrame
    /// The key columns.
    public let keys: [String]
    /// Whether rows with a null key are dropped (pandas' default) or form their own group.
    public let dropna: Bool
    /// The number of output partitions asked for: 1 gathers every group by a tree reduction
    /// (sorted by key, as pandas); more shuffles partial results by key hash into that many
    /// partitions; `nil` lets each aggregation choose from the estimated number of groups (see
    /// ``ChunkedDataFrame/groupby(_:dropna:splitOut:)-([String],_,_)``).
    public let splitOut: Int?

    /// Aggregations by output column, in the literal's order: the result has the key columns, then
    /// one column per entry, named after the input column, rows sorted by key (within each
    /// partition when `splitOut` is more than 1).
    ///
    /// - Throws: ``FrameError`` for an unknown column or an aggregation the column's type does not support.
    public func agg(_ aggregations: KeyValuePairs<String, Aggregation>) throws -> ChunkedDataFrame {
        try agg(aggregations.map { AggregationSpec(column: $0.key, aggregation: $0.value, outputName: $0.key) })
    }

    /// Several aggregations of each column, named `column_aggregation` (pandas' list form, flattened).
    public func agg(_ aggregations: KeyValuePairs<String, [Aggregation]>) throws -> ChunkedDataFrame {
        try agg(aggregations.flatMap { entry in
            entry.value.map { AggregationSpec(column: entry.key, aggregation: $0, outputName: "\(entry.key)_\($0.rawValue)") }
        })
    }

    /// Aggregations given as specs.
    public func agg(_ specs: [AggregationSpec]) throws -> ChunkedDataFrame {
        let schema = frame.schema
        var outputs = Set(keys)
        for spec in specs {
            guard let type = schema.type(of: spec.column) else { throw FrameError.unknownColumn(spec.column, available: schema.names) }
            try ChunkedScalar.check(spec.aggregation, type, column: spec.column)
            guard outputs.insert(spec.outputName).inserted else { throw FrameError.duplicateColumn(spec.outputName) }
        }
        let count = try splitOut ?? frame.automaticSplitOut(keys: keys)
        if count > 1 {
            return frame.with(.hashAggregate(frame.plan, keys: keys, specs: specs, dropna: dropna, splitOut: count))
        }
        return frame.with(.aggregate(frame.plan, keys: keys, specs: specs, dropna: dropna, splitEvery: ChunkedDataFrame.splitEvery))
    }

    /// One aggregation of every non-key column.
    public func aggregate(_ aggregation: Aggregation) throws -> ChunkedDataFrame {
        let columns = frame.schema.fields.filter { field in
            !keys.contains(field.name) && (aggregation == .count || aggregation == .size || aggregation == .nunique
                || aggregation == .first || aggregation == .last || aggregation == .min || aggregation == .max
                || field.type.numericDType != nil)
        }
        return try agg(columns.map { AggregationSpec(column: $0.name, aggregation: aggregation, outputName: $0.name) })
    }

    /// The sum of every numeric non-key column per group.
    public func sum() throws -> ChunkedDataFrame { try aggregate(.sum) }
    /// The mean of every numeric non-key column per group.
    public func mean() throws -> ChunkedDataFrame { try aggregate(.mean) }
    /// The non-null count of every non-key column per group.
    public func count() throws -> ChunkedDataFrame { try aggregate(.count) }
    /// The smallest value of every non-key column per group.
    public func min() throws -> ChunkedDataFrame { try aggregate(.min) }
    /// The largest value of every non-key column per group.
    public func max() throws -> ChunkedDataFrame { try aggregate(.max) }
    /// The number of rows per group, as a column `size`.
    public func size() throws -> ChunkedDataFrame {
        guard let first = keys.first else { throw FrameOperationError.invalidArgument("groupby needs at least one key.") }
        return try agg([AggregationSpec(column: first, aggregation: .size, outputName: "size")])
    }
}

extension ChunkedDataFrame {
    /// The frame grouped by one column.
    ///
    /// See ``groupby(_:dropna:splitOut:)-([String],_,_)`` for `splitOut`.
    public func groupby(_ key: String, dropna: Bool = true, splitOut: Int? = nil) throws -> ChunkedGroupBy {
        try groupby([key], dropna: dropna, splitOut: splitOut)
    }

    /// The frame grouped by several columns.
    ///
    /// With `splitOut` 1 aggregations are tree reductions into one partition, rows sorted by key
    /// as pandas sorts them. With more (Dask's `split_out`, for many groups: a million groups
    /// should not meet in one task) each partition's partial result is hash-shuffled by key into
    /// `splitOut` partitions, where groups are combined and finalized in parallel; each output
    /// partition is sorted by key, the whole is not (call `sortValues(keys)` for one order).
    ///
    /// With `splitOut` `nil` (the default) each aggregation chooses by the estimated number of
    /// groups (see ``automaticSplitOut(keys:)``): one partition below
    /// `dataframe.groupby.split-out-groups` (a million by default), a shuffle into every
    /// partition above it.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing key,
    ///   ``FrameOperationError/invalidArgument(_:)`` for no keys or a non-positive `splitOut`.
    public func groupby(_ keys: [String], dropna: Bool = true, splitOut: Int? = nil) throws -> ChunkedGroupBy {
        guard !keys.isEmpty else { throw FrameOperationError.invalidArgument("groupby needs at least one key.") }
        for key in keys where schema.type(of: key) == nil { throw FrameError.unknownColumn(key, available: columns) }
        if let splitOut, splitOut <= 0 { throw FrameOperationError.invalidArgument("splitOut must be positive, got \(splitOut).") }
        return ChunkedGroupBy(frame: self, keys: keys, dropna: dropna, splitOut: splitOut)
    }

    /// One reduction of every column it applies to, as a one-row frame (pandas' `df.sum()`, transposed).
    public func reduce(_ aggregation: Aggregation) throws -> ChunkedDataFrame {
        let fields = schema.fields.filter { field in
            switch aggregation {
            case .sum, .mean, .std, .var: field.type.numericDType != nil
            default: true
            }
        }
        let specs = fields.map { AggregationSpec(column: $0.name, aggregation: aggregation, outputName: $0.name) }
        return with(.aggregate(plan, keys: [], specs: specs, dropna: true, splitEvery: Self.splitEvery))
    }

    /// Column sums (numeric columns), as a one-row frame.
    public func sum() throws -> ChunkedDataFrame { try reduce(.sum) }
    /// Column means (numeric columns), as a one-row frame.
    public func mean() throws -> ChunkedDataFrame { try reduce(.mean) }
    /// Non-null counts, as a one-row frame.
    public func count() throws -> ChunkedDataFrame { try reduce(.count) }
    /// Column minima, as a one-row frame.
    public func min() throws -> ChunkedDataFrame { try reduce(.min) }
    /// Column maxima, as a one-row frame.
    public func max() throws -> ChunkedDataFrame { try reduce(.max) }
    /// Sample standard deviations (numeric columns), as a one-row frame.
    public func std() throws -> ChunkedDataFrame { try reduce(.std) }
    /// Sample variances (numeric columns), as a one-row frame.
    public func `var`() throws -> ChunkedDataFrame { try reduce(.var) }
    /// Distinct non-null counts, as a one-row frame.
    public func nunique() throws -> ChunkedDataFrame { try reduce(.nunique) }

    /// Summary statistics of the numeric columns, computed (pandas' `describe`).
    public func describe() throws -> DataFrame {
        let numeric = schema.fields.filter { $0.type.isNumeric }.map(\.name)
        return try select(numeric).compute().describe()
    }
}

extension ChunkedDataFrame {
    /// The rows of the first partition that ``automaticSplitOut(keys:)`` samples.
    static let groupSampleRows = 100_000

    /// The `splitOut` a groupby on `keys` takes when none is given: 1 (a tree reduction) unless
    /// the estimated number of groups reaches `dataframe.groupby.split-out-groups`, then the
    /// frame's partition count (a shuffle into as many partitions as the input has).
    ///
    /// The estimate reads only the key columns of the first partition, at most
    /// ``groupSampleRows`` rows of it (computed now, as Dask's `set_index` computes its
    /// quantiles): `d` distinct keys in a sample of `n` rows, of an estimated `N` rows in all
    /// (the first partition's rows times the partition count). Keys that repeat within the
    /// sample (`d < n / 20`) are taken to be all the groups there are (`d`); otherwise the
    /// groups grow with the rows, `d / n × N`. A frame of one partition never shuffles.
    public func automaticSplitOut(keys: [String]) throws -> Int {
        let count = npartitions
        guard count > 1 else { return 1 }
        let threshold = Config.get("dataframe.groupby.split-out-groups")?.intValue ?? 1_000_000
        // Every rank samples the same rows (under `scheduler: "mpi"` the plans must agree).
        let first = try Config.set(["mpi.results": "all"]) { try with(.select(.partition(plan, 0), keys)).compute() }
        let sample = first.head(Self.groupSampleRows)
        guard sample.rowCount > 0 else { return 1 }
        let groups = try sample.groupby(keys: keys, specs: [AggregationSpec(column: keys[0], aggregation: .size, outputName: "__n")],
                                        dropna: false).rowCount
        let rows = Double(first.rowCount) * Double(count)
        let estimate = groups * 20 < sample.rowCount ? Double(groups) : Double(groups) / Double(sample.rowCount) * rows
        return estimate >= Double(threshold) ? count : 1
    }
}
