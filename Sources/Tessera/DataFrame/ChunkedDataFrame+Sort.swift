import Backends

extension ChunkedDataFrame {
    /// The rows sorted by `column` (pandas' `sort_values`).
    ///
    /// ```swift
    /// let sorted = try df.sortValues("x")
    /// ```
    ///
    /// See ``sortValues(_:ascending:naPosition:npartitions:)-([String],[Bool]?,_,_)`` for the semantics.
    public func sortValues(_ column: String, ascending: Bool = true, naPosition: NullPlacement = .last, npartitions: Int? = nil)
        throws -> ChunkedDataFrame {
        try sortValues([column], ascending: [ascending], naPosition: naPosition, npartitions: npartitions)
    }

    /// The rows sorted by several columns, all in one direction.
    public func sortValues(_ columns: [String], ascending: Bool, naPosition: NullPlacement = .last, npartitions: Int? = nil)
        throws -> ChunkedDataFrame {
        try sortValues(columns, ascending: [Bool](repeating: ascending, count: columns.count), naPosition: naPosition,
                       npartitions: npartitions)
    }

    /// The rows sorted by `columns` (the first most significant), each in the direction of
    /// `ascending` at its position (all ascending when `nil`), with missing values (null, NaN)
    /// first or last whatever the direction (pandas' `sort_values(by, ascending, na_position)`).
    ///
    /// ```swift
    /// let sorted = try df.sortValues(["a", "b"], ascending: [true, false])
    /// ```
    ///
    /// The sort is stable, as pandas' `kind="stable"`: rows with equal keys keep their order
    /// (partition by partition, then row by row). Strings compare by code points (as Python),
    /// categoricals by their text, -0.0 equals +0.0. The result has a default index.
    ///
    /// Distributed as Dask sorts: each partition's keys are sampled, the boundaries of
    /// `npartitions` (the input's count when `nil`) output ranges are chosen at the samples'
    /// quantiles, rows are shuffled to their range (equal keys always to one partition), and each
    /// output partition is sorted. Partitions can be uneven when keys are skewed.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column,
    ///   ``FrameOperationError/invalidArgument(_:)`` when `columns` is empty, repeats a column, or
    ///   `ascending` has another length, or `npartitions` is not positive.
    public func sortValues(_ columns: [String], ascending: [Bool]? = nil, naPosition: NullPlacement = .last,
                           npartitions: Int? = nil) throws -> ChunkedDataFrame {
        guard !columns.isEmpty else { throw FrameOperationError.invalidArgument("sortValues needs at least one column.") }
        for column in columns where schema.type(of: column) == nil { throw FrameError.unknownColumn(column, available: self.columns) }
        guard Set(columns).count == columns.count else {
            throw FrameOperationError.invalidArgument("sortValues was given a column twice: \(columns).")
        }
        let directions = ascending ?? [Bool](repeating: true, count: columns.count)
        guard directions.count == columns.count else {
            throw FrameOperationError.invalidArgument(
                "Length of ascending (\(directions.count)) != length of by (\(columns.count)).")
        }
        let count = npartitions ?? Swift.max(1, self.npartitions)
        guard count > 0 else { throw FrameOperationError.invalidArgument("npartitions must be positive, got \(count).") }
        let keys = zip(columns, directions).map { SortKey(column: $0, ascending: $1) }
        return with(.sort(plan, keys: keys, nulls: naPosition, count: count))
    }
}
