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
        var leftKeys: [Column] = []
        var rightKeys: [Column] = []
        for (index, (leftKey, rightKey)) in zip(spec.leftOn, spec.rightOn).enumerated() {
            leftKeys.append(try column(leftKey).column.joinKey(as: layout.keyTypes[index]))
            rightKeys.append(try right.column(rightKey).column.joinKey(as: layout.keyTypes[index]))
        }
        let leftCount = rowCount, rightCount = right.rowCount
        // One integer key without nulls: codes are ranks among the build side's keys.
        let codes: (left: [Int32], right: [Int32], groupCount: Int)
        if leftKeys.count == 1, let dense = JoinPairs.denseCodes(leftKeys[0], rightKeys[0], buildIsRight: spec.how != .right) {
            codes = dense
        } else {
            // Stack the keys of both sides and number them together (nulls as a group of their own).
            var stacked: [Column] = []
            for (leftKey, rightKey) in zip(leftKeys, rightKeys) {
                stacked.append(try Column.groupingConcatenate([leftKey, rightKey], name: leftKey.type.description))
            }
            let groups = GroupFactorizer.factorize(stacked, rowCount: leftCount + rightCount, dropna: false)
            codes = groups.withCodes { codes in
                (Array(codes[0..<leftCount]), Array(codes[leftCount...]), groups.groupCount)
            }
        }
        let matched: Result<JoinPairs, FrameError> = codes.left.withUnsafeBufferPointer { leftCodes in
            codes.right.withUnsafeBufferPointer { rightCodes in
                Result { () throws(FrameError) in
                    switch spec.how {
                    case .inner, .left, .outer:
                        return try JoinPairs.match(probe: leftCodes, build: rightCodes, groupCount: codes.groupCount,
                                                   keepUnmatchedProbe: spec.how != .inner, appendUnmatchedBuild: spec.how == .outer)
                    case .right:
                        let swapped = try JoinPairs.match(probe: rightCodes, build: leftCodes, groupCount: codes.groupCount,
                                                          keepUnmatchedProbe: true, appendUnmatchedBuild: false)
                        return JoinPairs(left: swapped.right, right: swapped.left, rightIsIdentity: swapped.leftIsIdentity)
                    }
                }
            }
        }
        let pairs = try matched.get()
        let leftComplete = spec.how == .inner || spec.how == .left
        let rightComplete = spec.how == .inner || spec.how == .right
        var output: [Series] = []
        for column in layout.outputs {
            switch column.origin {
            case let .sharedKey(index):
                // The left value where the row has a left side, else the right value.
                let key: Column
                if leftComplete {
                    key = pairs.leftIsIdentity ? leftKeys[index] : leftKeys[index].joinGather(pairs.left, complete: true)
                } else if rightComplete {
                    key = pairs.rightIsIdentity ? rightKeys[index] : rightKeys[index].joinGather(pairs.right, complete: true)
                } else {
                    let stacked = try Column.groupingConcatenate([leftKeys[index], rightKeys[index]], name: column.name)
                    let rows = zip(pairs.left, pairs.right).map { $0 >= 0 ? $0 : ($1 >= 0 ? Int32(leftCount) + $1 : -1) }
                    key = stacked.groupingGather(rows)
                }
                output.append(Series(name: column.name, column: key))
            case let .left(name):
                let source = try self.column(name).column
                output.append(Series(name: column.name,
                                     column: pairs.leftIsIdentity ? source : source.joinGather(pairs.left, complete: leftComplete)))
            case let .right(name):
                let source = try right.column(name).column
                output.append(Series(name: column.name,
                                     column: pairs.rightIsIdentity ? source : source.joinGather(pairs.right, complete: rightComplete)))
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

    /// Rows `rows` of the column (-1 gives a null); `complete` promises there is no -1, which
    /// lets a fixed-width column without nulls be gathered by a plain loop.
    func joinGather(_ rows: [Int32], complete: Bool) -> Column {
        guard complete, validity == nil, case let .fixedWidth(values) = storage else { return groupingGather(rows) }
        let result = NDArray(uninitializedShape: [rows.count], dtype: values.dtype)
        func gather<W: FixedWidthInteger>(_: W.Type) {
            let source = UnsafeRawPointer(values.storage.bytes).assumingMemoryBound(to: W.self)
            let target = result.storage.bytes.bindMemory(to: W.self, capacity: Swift.max(rows.count, 1))
            rows.withUnsafeBufferPointer { rows in
                for index in 0..<rows.count { target[index] = source[Int(rows[index])] }
            }
        }
        switch values.dtype.itemSize {
        case 1: gather(UInt8.self)
        case 2: gather(UInt16.self)
        case 4: gather(UInt32.self)
        default: gather(UInt64.self)
        }
        return Column(unchecked: type, storage: .fixedWidth(result), validity: nil, count: rows.count)
    }
}

/// The row pairs of a join: `left[i]` and `right[i]` are the rows of output row `i` (-1: none).
struct JoinPairs {
    var left: [Int32]
    var right: [Int32]
    /// Whether `left` is `0 ..< probe count` (every probe row once, in order): its columns can be
    /// taken as they are.
    var leftIsIdentity = false
    /// Whether `right` is `0 ..< build count` in order.
    var rightIsIdentity = false

    init(left: [Int32], right: [Int32], leftIsIdentity: Bool = false, rightIsIdentity: Bool = false) {
        self.left = left
        self.right = right
        self.leftIsIdentity = leftIsIdentity
        self.rightIsIdentity = rightIsIdentity
    }

    /// Codes of a single integer key pair without nulls, when the build side's keys span a range
    /// at most 32 times their count: a key's code is its rank among the build side's distinct
    /// keys, read from a bitmap of the range and per-word rank prefixes (a rank dictionary: an
    /// eighth of a byte per possible key, so lookups stay in cache where a table indexed by the
    /// key would not); probe keys the build side lacks get the no-match code `groupCount`.
    /// `nil` when the keys have nulls, are not integers, or spread too wide.
    static func denseCodes(_ left: Column, _ right: Column, buildIsRight: Bool)
        -> (left: [Int32], right: [Int32], groupCount: Int)? {
        guard left.validity == nil, right.validity == nil, left.type == right.type, left.type != .categorical,
              case let .fixedWidth(leftValues) = left.storage, case let .fixedWidth(rightValues) = right.storage,
              !leftValues.dtype.isFloatingPoint, leftValues.dtype == rightValues.dtype else { return nil }
        func codes<T: FixedWidthInteger>(_: T.Type) -> (left: [Int32], right: [Int32], groupCount: Int)? {
            let a = UnsafeBufferPointer(start: UnsafeRawPointer(leftValues.storage.bytes).assumingMemoryBound(to: T.self),
                                        count: left.count)
            let b = UnsafeBufferPointer(start: UnsafeRawPointer(rightValues.storage.bytes).assumingMemoryBound(to: T.self),
                                        count: right.count)
            let build = buildIsRight ? b : a
            guard !build.isEmpty else {
                return ([Int32](repeating: 0, count: a.count), [Int32](repeating: 0, count: b.count), 0)
            }
            var low = T.max, high = T.min
            for value in build {
                low = Swift.min(low, value)
                high = Swift.max(high, value)
            }
            let (difference, overflow) = Int64(truncatingIfNeeded: high).subtractingReportingOverflow(Int64(truncatingIfNeeded: low))
            guard !overflow, T.isSigned || high <= T(truncatingIfNeeded: Int64.max), difference >= 0 else { return nil }
            let span = Int(difference) + 1
            guard span <= Swift.max(32 * build.count, 1 << 16), span < Int(Int32.max) else { return nil }
            let base = Int64(truncatingIfNeeded: low)
            // The build keys' bitmap, then the rank of the first key of each word.
            var bits = [UInt64](repeating: 0, count: (span + 63) >> 6)
            bits.withUnsafeMutableBufferPointer { bits in
                for value in build {
                    let offset = Int(Int64(truncatingIfNeeded: value) &- base)
                    bits[offset >> 6] |= 1 << UInt64(offset & 63)
                }
            }
            var ranks = [Int32](repeating: 0, count: bits.count)
            var distinct: Int32 = 0
            for index in 0..<bits.count {
                ranks[index] = distinct
                distinct &+= Int32(bits[index].nonzeroBitCount)
            }
            let groupCount = Int(distinct)
            func ranked(_ values: UnsafeBufferPointer<T>) -> [Int32] {
                bits.withUnsafeBufferPointer { bits in
                    ranks.withUnsafeBufferPointer { ranks in
                        [Int32](unsafeUninitializedCapacity: values.count) { target, initialized in
                            for index in 0..<values.count {
                                let offset = Int64(truncatingIfNeeded: values[index]) &- base
                                guard offset >= 0, offset < Int64(span) else {
                                    target[index] = Int32(groupCount)
                                    continue
                                }
                                let word = bits[Int(offset >> 6)]
                                let bit: UInt64 = 1 << UInt64(offset & 63)
                                target[index] = word & bit != 0
                                    ? ranks[Int(offset >> 6)] &+ Int32((word & (bit &- 1)).nonzeroBitCount)
                                    : Int32(groupCount)
                            }
                            initialized = values.count
                        }
                    }
                }
            }
            return (ranked(a), ranked(b), groupCount)
        }
        switch leftValues.dtype {
        case .bool, .uint8: return codes(UInt8.self)
        case .int8: return codes(Int8.self)
        case .int16: return codes(Int16.self)
        case .uint16: return codes(UInt16.self)
        case .int32: return codes(Int32.self)
        case .uint32: return codes(UInt32.self)
        case .int64: return codes(Int64.self)
        case .uint64: return codes(UInt64.self)
        case .float32, .float64: return nil
        }
    }

    /// Pairs of probe rows (in order, each with its build matches in order) and build rows with
    /// equal codes; `groupCount` is the code range (codes at or above it never match).
    ///
    /// The build rows are bucketed by a counting sort: afterwards bucket `c` is
    /// `ends[c] ..< ends[c + 1]`, so a probe reads two neighbouring entries. Probe rows go in blocks:
    /// first every row's bucket bounds (independent loads, so cache misses on a large table
    /// overlap), then the output, written into buffers grown a block at a time.
    static func match(probe: UnsafeBufferPointer<Int32>, build: UnsafeBufferPointer<Int32>, groupCount: Int,
                      keepUnmatchedProbe: Bool, appendUnmatchedBuild: Bool) throws(FrameError) -> JoinPairs {
        var ends = [Int32](repeating: 0, count: groupCount + 1)
        var bucketRows = [Int32](repeating: 0, count: build.count)
        ends.withUnsafeMutableBufferPointer { ends in
            // ends[c + 1] counts code c, then holds its start, then (after filling) its end.
            for code in build where Int(code) < groupCount { ends[Int(code) + 1] &+= 1 }
            var total: Int32 = 0
            for index in 1..<ends.count {
                let count = ends[index]
                ends[index] = total
                total &+= count
            }
            bucketRows.withUnsafeMutableBufferPointer { bucketRows in
                for row in 0..<build.count {
                    let code = Int(build[row])
                    guard code < groupCount else { continue }
                    bucketRows[Int(ends[code + 1])] = Int32(row)
                    ends[code + 1] &+= 1
                }
            }
        }
        var left = [Int32](repeating: 0, count: probe.count)
        var right = [Int32](repeating: 0, count: probe.count)
        var count = 0
        var identity = true
        var matched = appendUnmatchedBuild ? [Bool](repeating: false, count: groupCount) : []
        let block = 256
        var bounds = [(Int32, Int32)](repeating: (0, 0), count: block)
        var blockStart = 0
        while blockStart < probe.count {
            let blockEnd = Swift.min(blockStart + block, probe.count)
            var needed = 0
            ends.withUnsafeBufferPointer { ends in
                bounds.withUnsafeMutableBufferPointer { bounds in
                    for row in blockStart..<blockEnd {
                        let code = Int(probe[row])
                        let bound = code < groupCount ? (ends[code], ends[code + 1]) : (0, 0)
                        bounds[row - blockStart] = bound
                        let matches = Int(bound.1 &- bound.0)
                        needed += matches > 0 ? matches : (keepUnmatchedProbe ? 1 : 0)
                    }
                }
            }
            if needed != blockEnd - blockStart { identity = false }
            guard count + needed <= Int(Int32.max) else {
                throw .overflow("a join partition would have more than \(Int32.max) rows; use more partitions")
            }
            if count + needed > left.count {
                let grown = Swift.max(count + needed, 2 * left.count)
                left.append(contentsOf: repeatElement(0, count: grown - left.count))
                right.append(contentsOf: repeatElement(0, count: grown - right.count))
            }
            left.withUnsafeMutableBufferPointer { left in
                right.withUnsafeMutableBufferPointer { right in
                    bucketRows.withUnsafeBufferPointer { bucketRows in
                        bounds.withUnsafeBufferPointer { bounds in
                            for row in blockStart..<blockEnd {
                                let (first, end) = bounds[row - blockStart]
                                if first == end {
                                    if keepUnmatchedProbe {
                                        left[count] = Int32(row)
                                        right[count] = -1
                                        count += 1
                                    } else {
                                        identity = false
                                    }
                                    continue
                                }
                                if end - first > 1 { identity = false }
                                for position in Int(first)..<Int(end) {
                                    left[count] = Int32(row)
                                    right[count] = bucketRows[position]
                                    count += 1
                                }
                                if appendUnmatchedBuild { matched[Int(probe[row])] = true }
                            }
                        }
                    }
                }
            }
            blockStart = blockEnd
        }
        left.removeLast(left.count - count)
        right.removeLast(right.count - count)
        if appendUnmatchedBuild {
            // `matched` is indexed by code: a build row is unmatched when its code was never probed.
            for row in 0..<build.count where !(Int(build[row]) < groupCount && matched[Int(build[row])]) {
                left.append(-1)
                right.append(Int32(row))
                identity = false
            }
        }
        return JoinPairs(left: left, right: right, leftIsIdentity: identity && count == probe.count)
    }
}
