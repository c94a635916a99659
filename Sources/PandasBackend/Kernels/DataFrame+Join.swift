import Backends

// pandas' `merge` on one pair of frames: a hash join through the groupby factorizer.
//
// The key columns of both sides are converted to the pair's common type, stacked (left rows, then
// right rows) and factorized together with nulls kept as a group, so equal keys, and null or NaN
// keys (pandas matches NaN with NaN), get one code. The build side's rows are bucketed by code
// (a counting sort, so each bucket keeps row order) and the probe side walks its rows in order.
//
// Row order: inner and left joins list left rows in order, each with its matches in right order;
// right joins the same with the sides exchanged; outer joins the left join's rows, then the
// unmatched right rows in order. (pandas sorts an outer join by key; Dask's order differs from
// both; compare joins after sorting.)
//
// Types: key pairs are matched as JoinLayout's common type (numbers promoted, strings with
// categoricals as strings). Columns of the side that has no match keep their type and hold nulls:
// an int64 column stays int64 with nulls (pandas' nullable Int64), where pandas' NumPy dtypes
// would turn it into float64 with NaN.

extension DataFrame {
    /// This frame joined with `right` as pandas' `merge(right, left_on:, right_on:, how:,
    /// suffixes:)` does, with the columns JoinLayout gives; see the file comment for row order and
    /// types.
    ///
    /// ```swift
    /// let left = try DataFrame(["k": [1, 2, 2], "a": [10, 20, 30]])
    /// let right = try DataFrame(["k": [2, 3], "b": [0.5, 1.5]])
    /// let joined = try left.merge(right, spec: JoinSpec(leftOn: ["k"], rightOn: ["k"], how: .left))
    /// // k: [1, 2, 2], a: [10, 20, 30], b: [nil, 0.5, 0.5]
    /// ```
    ///
    /// - Throws: as ``JoinLayout/init(left:right:spec:)`` for bad keys, ``FrameError/overflow(_:)``
    ///   when the result would exceed 2³¹ - 1 rows.
    public func merge(_ right: DataFrame, spec: JoinSpec) throws(FrameError) -> DataFrame {
        let layout = try JoinLayout(left: schema, right: right.schema, spec: spec)
        // Stack the keys of both sides in their common type and number them together.
        var stacked: [Column] = []
        for (index, (leftKey, rightKey)) in zip(spec.leftOn, spec.rightOn).enumerated() {
            let type = layout.keyTypes[index]
            let leftColumn = try column(leftKey).column.joinKey(as: type)
            let rightColumn = try right.column(rightKey).column.joinKey(as: type)
            stacked.append(try Column.groupingConcatenate([leftColumn, rightColumn], name: leftKey))
        }
        let leftCount = rowCount, rightCount = right.rowCount
        let groups = GroupFactorizer.factorize(stacked, rowCount: leftCount + rightCount, dropna: false)
        let matched: Result<JoinPairs, FrameError> = groups.withCodes { codes in
            let leftCodes = UnsafeBufferPointer(rebasing: codes[0..<leftCount])
            let rightCodes = UnsafeBufferPointer(rebasing: codes[leftCount...])
            switch spec.how {
            case .inner, .left, .outer:
                return Result { () throws(FrameError) in
                    try JoinPairs.match(probe: leftCodes, build: rightCodes, groupCount: groups.groupCount,
                                        keepUnmatchedProbe: spec.how != .inner, appendUnmatchedBuild: spec.how == .outer)
                }
            case .right:
                return Result { () throws(FrameError) in
                    let swapped = try JoinPairs.match(probe: rightCodes, build: leftCodes, groupCount: groups.groupCount,
                                                      keepUnmatchedProbe: true, appendUnmatchedBuild: false)
                    return JoinPairs(left: swapped.right, right: swapped.left)
                }
            }
        }
        let pairs = try matched.get()
        var output: [Series] = []
        for column in layout.outputs {
            switch column.origin {
            case let .sharedKey(index):
                // The stacked key holds left rows then right rows: take the left row where there is one.
                let rows = zip(pairs.left, pairs.right).map { $0 >= 0 ? $0 : ($1 >= 0 ? Int32(leftCount) + $1 : -1) }
                output.append(Series(name: column.name, column: stacked[index].groupingGather(rows)))
            case let .left(name):
                output.append(Series(name: column.name, column: try self.column(name).column.groupingGather(pairs.left)))
            case let .right(name):
                output.append(Series(name: column.name, column: try right.column(name).column.groupingGather(pairs.right)))
            }
        }
        return DataFrame(unchecked: output, rowCount: pairs.left.count)
    }

    /// The rows left when later (`.first`), earlier (`.last`) or all (`.none`) repeats of the
    /// values in `subset` (every column when `nil`) are dropped, in their original order, with a
    /// default index (pandas' `drop_duplicates(subset, keep, ignore_index=True)`). Nulls equal
    /// nulls, and NaN equals NaN.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a column not in the frame.
    public func droppingDuplicates(subset: [String]?, keep: DuplicateKeep) throws(FrameError) -> DataFrame {
        let names = subset ?? columnNames
        var keys: [Column] = []
        for name in names { keys.append(try column(name).column) }
        guard rowCount > 0 else { return withIndexStart(0) }
        let groups = GroupFactorizer.factorize(keys, rowCount: rowCount, dropna: false)
        var rows: [Int32]
        switch keep {
        case .first:
            rows = groups.firstRows
        case .last:
            var last = [Int32](repeating: -1, count: groups.groupCount)
            groups.withCodes { codes in
                for row in 0..<codes.count { last[Int(codes[row])] = Int32(row) }
            }
            rows = last
        case .none:
            rows = []
            for group in 0..<groups.groupCount where groups.sizes[group] == 1 { rows.append(groups.firstRows[group]) }
        }
        rows.sort()
        return groupingGather(rows)
    }
}

extension Column {
    /// The column as a join key of `type`: numbers converted, categoricals as strings.
    func joinKey(as type: ColumnType) throws(FrameError) -> Column {
        if self.type == type { return self }
        return try converted(to: type)
    }
}

/// The row pairs of a join: `left[i]` and `right[i]` are the rows of output row `i` (-1: none).
struct JoinPairs {
    var left: [Int32]
    var right: [Int32]

    /// Pairs of probe rows (in order, each with its build matches in order) and build rows with
    /// equal codes; `groupCount` is the null-free code range (codes at or above it never match).
    static func match(probe: UnsafeBufferPointer<Int32>, build: UnsafeBufferPointer<Int32>, groupCount: Int,
                      keepUnmatchedProbe: Bool, appendUnmatchedBuild: Bool) throws(FrameError) -> JoinPairs {
        // Bucket the build rows by code: start offsets, then rows in order.
        var starts = [Int](repeating: 0, count: groupCount + 2)
        for code in build where Int(code) < groupCount { starts[Int(code) + 1] += 1 }
        for index in 0..<(groupCount + 1) { starts[index + 1] += starts[index] }
        var bucketRows = [Int32](repeating: 0, count: starts[groupCount])
        var fill = starts
        for (row, code) in build.enumerated() where Int(code) < groupCount {
            bucketRows[fill[Int(code)]] = Int32(row)
            fill[Int(code)] += 1
        }
        // Count the output, then fill it.
        var total = 0
        for code in probe {
            let matches = Int(code) < groupCount ? starts[Int(code) + 1] - starts[Int(code)] : 0
            total += matches > 0 ? matches : (keepUnmatchedProbe ? 1 : 0)
        }
        var matchedBuild: [Bool] = []
        var unmatchedBuild = 0
        if appendUnmatchedBuild {
            matchedBuild = [Bool](repeating: false, count: build.count)
            for code in probe where Int(code) < groupCount {
                for position in starts[Int(code)]..<starts[Int(code) + 1] { matchedBuild[Int(bucketRows[position])] = true }
            }
            unmatchedBuild = matchedBuild.reduce(0) { $0 + ($1 ? 0 : 1) }
            total += unmatchedBuild
        }
        guard total <= Int(Int32.max) else {
            throw .overflow("a join partition would have \(total) rows; use more partitions")
        }
        var left = [Int32](repeating: -1, count: total)
        var right = [Int32](repeating: -1, count: total)
        var position = 0
        left.withUnsafeMutableBufferPointer { left in
            right.withUnsafeMutableBufferPointer { right in
                bucketRows.withUnsafeBufferPointer { bucketRows in
                    for (row, code) in probe.enumerated() {
                        let first = Int(code) < groupCount ? starts[Int(code)] : 0
                        let end = Int(code) < groupCount ? starts[Int(code) + 1] : 0
                        if first == end {
                            if keepUnmatchedProbe {
                                left[position] = Int32(row)
                                position += 1
                            }
                            continue
                        }
                        for match in first..<end {
                            left[position] = Int32(row)
                            right[position] = bucketRows[match]
                            position += 1
                        }
                    }
                    if appendUnmatchedBuild {
                        for row in 0..<build.count where !matchedBuild[row] {
                            right[position] = Int32(row)
                            position += 1
                        }
                    }
                }
            }
        }
        return JoinPairs(left: left, right: right)
    }
}
