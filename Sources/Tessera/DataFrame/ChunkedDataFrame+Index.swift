import Backends
import PandasBackend

/// The index a frame was given by ``ChunkedDataFrame/setIndex(_:sorted:divisions:npartitions:)``.
struct FrameIndex: Sendable {
    /// The index column.
    let name: String
    /// The partitions' boundaries (`npartitions + 1` values), or `nil` when unknown.
    let divisions: [FrameValue]?
    /// The plan the index was set on: it holds while only row-local operations follow.
    let base: FramePlan
}

extension ChunkedDataFrame {
    // MARK: The index

    /// The column that is the frame's index (Dask's `df.index.name`), or `nil` for the default
    /// range index.
    ///
    /// Tessera keeps the index as the frame's first column, named like the index, so a computed
    /// frame shows it as `reset_index()` would. It lasts through selections (which keep it),
    /// filters, `assign` of other columns, `dropna` and `persist`; an operation that moves rows
    /// between partitions (a groupby, merge, sort, shuffle, repartition, concat) or reassigns the
    /// index column gives a frame with the default index again.
    public var index: String? { validIndex?.name }

    /// The boundaries of the partitions along the index (Dask's `divisions`): `npartitions + 1`
    /// sorted values, partition `i` holding the rows whose index `v` has
    /// `divisions[i] <= v < divisions[i + 1]` (the last partition also `v == divisions.last`,
    /// and the rows with a null index). `nil` when they are not known.
    public var divisions: [FrameValue]? { validIndex?.divisions }

    /// Whether ``divisions`` are known (Dask's `known_divisions`).
    public var knownDivisions: Bool { divisions != nil }

    /// The index state when it still describes this frame's rows.
    var validIndex: FrameIndex? {
        guard let state = indexState else { return nil }
        var node = plan
        while node != state.base {
            switch node {
            case let .select(input, columns):
                guard columns.contains(state.name) else { return nil }
                node = input
            case let .filter(input, _), let .dropNulls(input, _):
                node = input
            case let .assign(input, name, _):
                guard name != state.name else { return nil }
                node = input
            default:
                return nil
            }
        }
        return state
    }

    /// The frame with `index` set (its base must be this frame's plan).
    func withIndex(_ index: FrameIndex?) -> ChunkedDataFrame { ChunkedDataFrame(plan: plan, meta: meta, index: index) }

    /// The frame indexed by `column`, its partitions cut along it with known divisions (Dask's
    /// `set_index`).
    ///
    /// ```swift
    /// let byTime = try df.setIndex("timestamp")
    /// let january = try byTime.loc(from: "2024-01-01", to: "2024-01-31 23:59:59")
    /// ```
    ///
    /// - `sorted: false` (the default): the rows are sorted by `column` with sampled boundaries, as
    ///   ``sortValues(_:ascending:naPosition:npartitions:)`` does, into `npartitions` partitions
    ///   (the input's count when `nil`), and computed: like Dask's `set_index`, this runs the
    ///   sort at once and keeps the result in memory (as ``persist()``). Empty partitions are
    ///   dropped. With `divisions`, the sorted rows are cut at those boundaries instead (a value
    ///   outside them is an error).
    /// - `sorted: true`: the column is already sorted within and across partitions; only each
    ///   partition's minimum and maximum are computed (no shuffle, nothing kept), as Dask's
    ///   `sorted=True`. Empty partitions are dropped.
    ///
    /// Rows with a null index go last (pandas' `na_position="last"`) and are found by no ``loc``.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)``; ``FrameOperationError/invalidArgument(_:)``
    ///   for a column that cannot be ordered (booleans, categoricals), `divisions` that are not
    ///   sorted or hold another type, a value outside them, partitions whose ranges overlap
    ///   under `sorted: true`, or a non-positive `npartitions`.
    public func setIndex(_ column: String, sorted: Bool = false, divisions: [FrameLiteral]? = nil,
                         npartitions: Int? = nil) throws -> ChunkedDataFrame {
        guard let type = schema.type(of: column) else { throw FrameError.unknownColumn(column, available: columns) }
        switch type {
        case .numeric(.bool), .categorical:
            throw FrameOperationError.invalidArgument("setIndex needs a column whose values can be ordered; '\(column)' is \(type).")
        default: break
        }
        if let npartitions, npartitions <= 0 {
            throw FrameOperationError.invalidArgument("npartitions must be positive, got \(npartitions).")
        }
        if let divisions {
            let values = try divisions.map { try label($0.value, of: column) }
            guard values.count >= 2 else { throw FrameOperationError.invalidArgument("divisions needs at least two values.") }
            for (a, b) in zip(values, values.dropFirst()) {
                guard let order = Self.compare(a, b, column: column) else {
                    throw FrameOperationError.invalidArgument("The divisions \(values) do not match the type of '\(column)' (\(type)).")
                }
                guard order <= 0 else { throw FrameOperationError.invalidArgument("The divisions \(values) are not sorted.") }
            }
            return try indexedByDivisions(column, values)
        }
        if sorted { return try indexedSorted(column) }
        let memory = try sortValues(column, npartitions: npartitions ?? Swift.max(1, self.npartitions)).persistedEverywhere()
        let kept = memory.partitions.filter { $0.rowCount > 0 }
        var bounds: [(FrameValue, FrameValue)] = []
        for part in kept {
            let series = try part.column(column)
            guard let first = Self.value(series, 0), let last = (0..<part.rowCount).reversed().lazy.compactMap({ Self.value(series, $0) }).first
            else { continue }
            bounds.append((first, last))
        }
        let source = InMemoryFrameSource(kind: "set-index", schema: schema, partitions: kept.isEmpty ? [DataFrame(emptyWith: schema)] : kept)
        let frame = ChunkedDataFrame.fromSource(source, meta: meta)
        // Known when every partition has a non-null value (a partition of nulls alone comes last).
        let known = bounds.count == kept.count && !bounds.isEmpty ? bounds.map(\.0) + [bounds[bounds.count - 1].1] : nil
        return frame.withIndex(FrameIndex(name: column, divisions: known, base: frame.plan))
    }

    /// The index of `column` (`nil` for a null or NaN) at `row`.
    static func value(_ series: Series, _ row: Int) -> FrameValue? {
        guard row < series.count, !series.column.isNull(row) else { return nil }
        let value = series[row]
        if case let .double(number) = value, number.isNaN { return nil }
        return value == .null ? nil : value
    }

    /// `sorted: true`: divisions from each partition's minimum and maximum.
    private func indexedSorted(_ column: String) throws -> ChunkedDataFrame {
        guard let type = schema.type(of: column) else { throw FrameError.unknownColumn(column, available: columns) }
        let specs = [AggregationSpec(column: column, aggregation: .count, outputName: "count"),
                     AggregationSpec(column: column, aggregation: .min, outputName: "min"),
                     AggregationSpec(column: column, aggregation: .max, outputName: "max")]
        let statsSchema = Schema([Schema.Field(name: "count", type: .int64), Schema.Field(name: "min", type: type),
                                  Schema.Field(name: "max", type: type)])
        let function = PartitionFunction { frame in try frame.groupby(keys: [], specs: specs) }
        let stats = try Config.set(["mpi.results": "all"]) { try with(.mapPartitions(plan, function, statsSchema)).compute() }
        var kept: [Int] = []
        var bounds: [(FrameValue, FrameValue)] = []
        for partition in 0..<stats.rowCount {
            guard case let .int(count) = try stats.column("count")[partition], count > 0,
                  let low = Self.value(try stats.column("min"), partition),
                  let high = Self.value(try stats.column("max"), partition) else { continue }
            if let previous = bounds.last, let order = Self.compare(previous.1, low, column: column), order > 0 {
                throw FrameOperationError.invalidArgument("The partitions of '\(column)' overlap (one ends at \(previous.1), the "
                    + "next starts at \(low)), so it is not sorted across partitions: call setIndex without sorted: true.")
            }
            kept.append(partition)
            bounds.append((low, high))
        }
        var base = plan
        if kept.count != npartitions {
            base = kept.isEmpty ? .partition(plan, 0) : .concat(kept.map { FramePlan.partition(plan, $0) })
        }
        let known = bounds.isEmpty ? nil : bounds.map(\.0) + [bounds[bounds.count - 1].1]
        return ChunkedDataFrame(plan: base, meta: meta, index: FrameIndex(name: column, divisions: known, base: base))
    }

    /// Given divisions: the rows sorted, computed, and cut at the boundaries.
    func indexedByDivisions(_ column: String, _ divisions: [FrameValue]) throws -> ChunkedDataFrame {
        // Every rank computes the same frame (under `scheduler: "mpi"` the plans must agree).
        let whole = try Config.set(["mpi.results": "all"]) { try sortValues(column, npartitions: 1).compute() }
        let series = try whole.column(column)
        // The first row at or after `value` (or after it, when `after`), by binary search over the
        // non-null prefix (nulls are sorted last).
        var nonNull = whole.rowCount
        while nonNull > 0, Self.value(series, nonNull - 1) == nil { nonNull -= 1 }
        func position(_ value: FrameValue, after: Bool) -> Int {
            var low = 0, high = nonNull
            while low < high {
                let middle = (low + high) / 2
                let order = Self.value(series, middle).flatMap { Self.compare($0, value, column: column) } ?? 1
                if order < 0 || (after && order == 0) { low = middle + 1 } else { high = middle }
            }
            return low
        }
        if nonNull > 0 {
            guard let first = Self.value(series, 0), let last = Self.value(series, nonNull - 1),
                  let below = Self.compare(first, divisions[0], column: column),
                  let above = Self.compare(last, divisions[divisions.count - 1], column: column) else {
                throw FrameOperationError.invalidArgument("The divisions do not match the type of '\(column)'.")
            }
            guard below >= 0, above <= 0 else {
                throw FrameOperationError.invalidArgument("The values of '\(column)' run from \(first) to \(last), outside the "
                    + "divisions \(divisions.first!) ... \(divisions.last!).")
            }
        }
        var cuts = divisions.dropLast().map { position($0, after: false) }
        cuts[0] = 0
        cuts.append(whole.rowCount)
        let parts = (0..<(cuts.count - 1)).map { whole.slice(cuts[$0]..<Swift.max(cuts[$0], cuts[$0 + 1])) }
        let source = InMemoryFrameSource(kind: "set-index", schema: schema, partitions: parts)
        let frame = ChunkedDataFrame.fromSource(source, meta: meta)
        return frame.withIndex(FrameIndex(name: column, divisions: divisions, base: frame.plan))
    }

    /// The frame with the default index again (Dask's `reset_index`): the index column stays
    /// first, or is removed when `drop` is true. The default index is already the case: then the
    /// frame itself (or, with `drop`, the same frame: there is no index column to drop).
    public func resetIndex(drop: Bool = false) throws -> ChunkedDataFrame {
        guard let index else { return ChunkedDataFrame(plan: plan, meta: meta) }
        let plain = ChunkedDataFrame(plan: plan, meta: meta)
        return drop ? plain.with(.select(plan, columns.filter { $0 != index })) : plain
    }

    // MARK: Label selection

    /// The rows whose index equals `label` (Dask's `df.loc[label]`): only the partitions whose
    /// divisions can hold it are read.
    ///
    /// - Throws: ``FrameOperationError/invalidArgument(_:)`` without an index with known divisions,
    ///   or for a label of another type than the index.
    public func loc(_ label: FrameLiteral) throws -> ChunkedDataFrame {
        try loc(from: label, to: label)
    }

    /// The rows whose index lies in `from ... to`, both ends included as in pandas (an open end
    /// when `nil`), read only from the partitions whose divisions overlap the range.
    ///
    /// - Throws: ``FrameOperationError/invalidArgument(_:)`` without an index with known divisions,
    ///   or for bounds of another type than the index.
    public func loc(from lower: FrameLiteral? = nil, to upper: FrameLiteral? = nil) throws -> ChunkedDataFrame {
        guard let state = validIndex else {
            throw FrameOperationError.invalidArgument("loc needs an index: call setIndex first.")
        }
        guard let divisions = state.divisions else {
            throw FrameOperationError.invalidArgument("loc needs known divisions on the index '\(state.name)' (setIndex computes them).")
        }
        let column = state.name
        let low = try lower.map { try label($0.value, of: column) }, high = try upper.map { try label($0.value, of: column) }
        for bound in [low, high].compactMap({ $0 }) where Self.compare(bound, divisions[0], column: column) == nil {
            throw FrameOperationError.invalidArgument("The label \(bound) does not have the type of the index '\(column)'.")
        }
        // Partition i holds [d_i, d_{i+1}), the last [d_{n-1}, d_n].
        let count = divisions.count - 1
        var chosen: [Int] = []
        for partition in 0..<count {
            let start = divisions[partition], end = divisions[partition + 1]
            let last = partition == count - 1
            if let high, let order = Self.compare(start, high, column: column), order > 0 { continue }
            if let low, let order = Self.compare(low, end, column: column), last ? order > 0 : order >= 0 { continue }
            chosen.append(partition)
        }
        var predicate: ColumnExpression?
        if let low { predicate = .binary(.greaterEqual, .column(column), .literal(low)) }
        if let high {
            let upperTest = ColumnExpression.binary(.lessEqual, .column(column), .literal(high))
            predicate = predicate.map { .binary(.logicalAnd, $0, upperTest) } ?? upperTest
        }
        var base: FramePlan = chosen.isEmpty ? .filter(.partition(plan, 0), .literal(.bool(false)))
            : chosen.count == count ? plan : .concat(chosen.map { FramePlan.partition(plan, $0) })
        if let predicate, !chosen.isEmpty { base = .filter(base, predicate) }
        var bounds: [FrameValue]? = chosen.isEmpty ? nil : chosen.map { divisions[$0] } + [divisions[chosen[chosen.count - 1] + 1]]
        if var clipped = bounds {
            if let low, let order = Self.compare(low, clipped[0], column: column), order > 0 { clipped[0] = low }
            if let high, let order = Self.compare(high, clipped[clipped.count - 1], column: column), order < 0 {
                clipped[clipped.count - 1] = high
            }
            bounds = clipped
        }
        return ChunkedDataFrame(plan: base, meta: meta, index: FrameIndex(name: column, divisions: bounds, base: base))
    }

    // MARK: Ordering labels

    /// A label as a value of the index column's type: a string given for a date or a
    /// time-zone-naive timestamp index is parsed (`"2024-01-31"`, `"2024-01-31 12:00"`,
    /// `"2024-01-31T12:00:05.25"`).
    private func label(_ value: FrameValue, of column: String) throws -> FrameValue {
        guard case let .string(text) = value, let type = schema.type(of: column) else { return value }
        switch type {
        case let .timestamp(unit, zone):
            guard zone == nil else {
                throw FrameOperationError.invalidArgument("String labels are read for time-zone-naive indexes only; '\(column)' "
                    + "is in \(zone ?? "").")
            }
            guard let nanoseconds = Self.parseTimestamp(text) else {
                throw FrameOperationError.invalidArgument("'\(text)' is not a date or time label for the index '\(column)'.")
            }
            return .timestamp(nanoseconds / (1_000_000_000 / unit.perSecond), unit, timeZone: nil)
        case .date:
            guard let nanoseconds = Self.parseTimestamp(text), nanoseconds % 86_400_000_000_000 == 0 else {
                throw FrameOperationError.invalidArgument("'\(text)' is not a date label for the index '\(column)'.")
            }
            return .date(Int32(nanoseconds / 86_400_000_000_000))
        default:
            return value
        }
    }

    /// Nanoseconds since the epoch of `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]]`, or `nil`.
    static func parseTimestamp(_ text: String) -> Int64? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard (1...2).contains(parts.count) else { return nil }
        let date = parts[0].split(separator: "-")
        guard date.count == 3, let year = Int(date[0]), let month = Int(date[1]), let day = Int(date[2]),
              CivilTime.isValid(year: year, month: month, day: day) else { return nil }
        var nanoseconds = Int64(CivilTime.days(year: year, month: month, day: day)) * 86_400_000_000_000
        guard parts.count == 2 else { return nanoseconds }
        let time = parts[1].split(separator: ":")
        guard (2...3).contains(time.count), let hour = Int64(time[0]), let minute = Int64(time[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        nanoseconds += (hour * 3600 + minute * 60) * 1_000_000_000
        if time.count == 3 {
            let second = time[2].split(separator: ".", maxSplits: 1)
            guard let whole = Int64(second[0]), (0..<60).contains(whole) else { return nil }
            nanoseconds += whole * 1_000_000_000
            if second.count == 2 {
                let digits = second[1].prefix(9)
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber), let fraction = Int64(digits) else { return nil }
                var scale: Int64 = 1
                for _ in 0..<(9 - digits.count) { scale *= 10 }
                nanoseconds += fraction * scale
            }
        }
        return nanoseconds
    }

    /// The order of two index values (negative, zero, positive), or `nil` when they cannot be
    /// compared (different kinds). Numbers compare by value across integer and float; strings by
    /// code points, as Python does.
    static func compare(_ a: FrameValue, _ b: FrameValue, column: String) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.uint(x), .uint(y)): return x < y ? -1 : (x == y ? 0 : 1)
        case let (.string(x), .string(y)):
            if x == y { return 0 }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : 1
        case let (.timestamp(x, unitX, _), .timestamp(y, unitY, _)):
            let (p, q) = (Double(x) / Double(unitX.perSecond), Double(y) / Double(unitY.perSecond))
            if unitX == unitY { return x < y ? -1 : (x == y ? 0 : 1) }
            return p < q ? -1 : (p == q ? 0 : 1)
        case let (.date(x), .date(y)): return x < y ? -1 : (x == y ? 0 : 1)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN,
                  a != .null, b != .null, !isBool(a), !isBool(b) else { return nil }
            return x < y ? -1 : (x == y ? 0 : 1)
        }
    }

    private static func isBool(_ value: FrameValue) -> Bool {
        if case .bool = value { return true }
        return false
    }
}

extension ChunkedDataFrame {
    // MARK: Joins on the index

    /// Joins with `other` on the two frames' indexes (pandas' `merge(left_index=True,
    /// right_index=True)`, Dask's `join`): equal index values meet, a null index matching a null
    /// index as in pandas' merge. Both frames need an index (``setIndex(_:sorted:divisions:npartitions:)``).
    ///
    /// When both have known divisions the join is partition-wise, as Dask's: if the divisions
    /// differ, both sides are first cut at the union of the two (computed, as
    /// `setIndex(divisions:)`), then partition `i` meets partition `i`; no hash shuffle. The
    /// result is indexed by the index when both indexes have the same name, with those
    /// divisions. Without known divisions the join is the hash merge of
    /// ``merge(_:leftOn:rightOn:how:suffixes:broadcast:npartitions:)`` on the index columns.
    ///
    /// - Throws: ``FrameOperationError/invalidArgument(_:)`` when a frame has no index or the
    ///   indexes cannot be compared; the errors of `merge`.
    public func merge(_ other: ChunkedDataFrame, leftIndex: Bool, rightIndex: Bool, how: JoinKind = .inner,
                      suffixes: (String, String) = ("_x", "_y")) throws -> ChunkedDataFrame {
        guard leftIndex, rightIndex else {
            throw FrameOperationError.invalidArgument("Joining on one index and a column is not supported: pass leftIndex and rightIndex "
                + "true, or merge on columns.")
        }
        guard let left = validIndex, let right = other.validIndex else {
            throw FrameOperationError.invalidArgument("Joining on the index needs an index on both frames: call setIndex first.")
        }
        guard let leftDivisions = left.divisions, let rightDivisions = right.divisions else {
            return try merge(other, leftOn: [left.name], rightOn: [right.name], how: how, suffixes: suffixes)
        }
        guard other.backend == backend else {
            throw FrameOperationError.invalidArgument(
                "Cannot merge frames of backends '\(backend)' and '\(other.backend)'; move one with toBackend first.")
        }
        var union = leftDivisions
        for value in rightDivisions {
            guard Self.compare(value, leftDivisions[0], column: left.name) != nil else {
                throw FrameOperationError.invalidArgument("The indexes '\(left.name)' and '\(right.name)' hold values of different types.")
            }
            if !union.contains(where: { Self.compare($0, value, column: left.name) == 0 }) { union.append(value) }
        }
        union.sort { Self.compare($0, $1, column: left.name) ?? 0 < 0 }
        let leftSide = leftDivisions == union ? self : try resetIndex().indexedByDivisions(left.name, union)
        let rightSide = rightDivisions == union ? other : try other.resetIndex().indexedByDivisions(right.name, union)
        let spec = JoinSpec(leftOn: [left.name], rightOn: [right.name], how: how, suffixes: suffixes)
        _ = try JoinLayout(left: leftSide.schema, right: rightSide.schema, spec: spec)
        let joined = FramePlan.merge(leftSide.plan, rightSide.plan, spec, .aligned)
        let index = left.name == right.name ? FrameIndex(name: left.name, divisions: union, base: joined) : nil
        return ChunkedDataFrame(plan: joined, meta: meta, index: index)
    }
}
