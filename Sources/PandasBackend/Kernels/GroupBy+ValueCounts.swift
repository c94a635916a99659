import Backends

extension DataFrame {
    /// pandas' `df[column].value_counts(dropna=dropna).reset_index()`: each distinct value of
    /// `column` and the number of rows holding it, as columns `[column, "count"]` (`count` is
    /// `int64`), sorted by count descending, ties by value ascending (nulls last).
    ///
    /// pandas orders tied counts by first appearance, which depends on how rows are split into
    /// partitions; the value order used here does not, and is what Dask's result usually shows.
    ///
    /// ```swift
    /// let frame = try DataFrame(["x": ["b", "a", "b", "c"]])
    /// let counts = try frame.valueCounts("x")   // x: ["b", "a", "c"], count: [2, 1, 1]
    /// ```
    ///
    /// - Parameter dropna: whether nulls are left out (pandas' default) or counted as a value.
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column,
    ///   ``FrameError/duplicateColumn(_:)`` if the column is itself named `count`.
    public func valueCounts(_ column: String, dropna: Bool = true) throws -> DataFrame {
        let grouped = try groupby(keys: [column], specs: [AggregationSpec(column: column, aggregation: .size, outputName: "count")],
                                  dropna: dropna)
        // The groupby result is sorted by value (nulls last); sort by count, keeping that order on ties.
        let counts = try grouped.column("count").column.groupingInt64Values()
        var order = (0..<grouped.rowCount).map { Int32($0) }
        order.sort { a, b in
            let countA = counts[Int(a)], countB = counts[Int(b)]
            return countA != countB ? countA > countB : a < b
        }
        return grouped.groupingGather(order)
    }
}
