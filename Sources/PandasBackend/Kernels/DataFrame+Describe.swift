import Backends

extension DataFrame {
    /// The statistics pandas' `describe()` gives for numeric columns, as a frame: a `string`
    /// column `statistic` (`count`, `mean`, `std`, `min`, `25%`, `50%`, `75%`, `max`), then one
    /// `float64` column per numeric (integer or float, not boolean) column, in column order.
    ///
    /// Nulls and NaNs are skipped; `std` has ddof 1; percentiles interpolate linearly between
    /// the sorted values (NumPy's default `linear` method). A column without values has count 0
    /// and nulls elsewhere (`std` is null below two values). A frame without numeric columns gives
    /// the `statistic` column alone. Timestamps, dates, strings and booleans are not described.
    ///
    /// ```swift
    /// let frame = try DataFrame(["x": [1, 2, 3, 4]])
    /// let stats = try frame.describe()   // statistic: count, mean, …; x: 4.0, 2.5, …
    /// ```
    public func describe() throws -> DataFrame {
        let names = ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]
        var output = [Series(name: "statistic", column: Column.strings(names.map { Optional($0) }))]
        for series in columns where series.type.isNumeric {
            output.append(Series(name: series.name, column: Column.numbers(Self.describeStatistics(series.column))))
        }
        return try DataFrame(columns: output)
    }

    /// count, mean, std, min, 25%, 50%, 75%, max of a numeric column's valid values.
    private static func describeStatistics(_ column: Column) -> [Double?] {
        guard let array = column.values else { return [0, nil, nil, nil, nil, nil, nil, nil] }
        let validity = column.groupingValidity()
        let all = array.toArray(Double.self)
        var values: [Double] = []
        values.reserveCapacity(all.count)
        for (row, value) in all.enumerated() where validity?.isValid(row) ?? !value.isNaN { values.append(value) }
        let n = values.count
        guard n > 0 else { return [0, nil, nil, nil, nil, nil, nil, nil] }
        let mean = values.reduce(0, +) / Double(n)
        var std: Double? = nil
        if n > 1 {
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            std = (squares / Double(n - 1)).squareRoot()
        }
        values.sort()
        func quantile(_ q: Double) -> Double {
            // NumPy's linear method: virtual index q * (n - 1), and its lerp (exact at t >= 0.5 from above).
            let position = q * Double(n - 1)
            let below = Int(position.rounded(.down))
            let above = Swift.min(below + 1, n - 1)
            let t = position - Double(below)
            let a = values[below], b = values[above]
            let difference = b - a
            return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
        }
        return [Double(n), mean, std, values[0], quantile(0.25), quantile(0.5), quantile(0.75), values[n - 1]]
    }
}
