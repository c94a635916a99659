import Backends
import PandasBackend
import TaskGraph

// Lowering of the plan nodes that move rows between partitions: hash shuffles, joins, the
// distributed sort, shuffled groupby and drop-duplicates. Each is built on ``Exchange``.

extension FramePlan {
    /// The layers of a shuffle-based node (`hashAggregate`, `shuffle`, `merge`, `sort`, `dropDuplicates`).
    func loweredShuffle(name: String, meta: any DataFrameChunk) -> LoweredPlan {
        let settings = ShuffleSettings.current()
        switch self {
        case let .shuffle(input, keys, count):
            let exchange = Exchange(name: name, input: input.lowered(meta: meta), outputCount: count,
                                    partitioner: .hash(keys), meta: meta, settings: settings,
                                    finish: Self.concatenation(meta: meta, schema: input.schema))
            return exchange.lowered(summary: "shuffle")

        case let .hashAggregate(input, keys, specs, dropna, splitOut):
            let inputSchema = input.schema
            // The columns a partition sends when it skips its partial aggregation.
            var shippedNames: [String] = []
            for name in keys + specs.map(\.column) where !shippedNames.contains(name) { shippedNames.append(name) }
            let rawNames = shippedNames
            let rawSchema = Schema(rawNames.compactMap { name in inputSchema.fields.first { $0.name == name } })
            // Not when a column is named like a state column (a piece of rows could look like a
            // state), nor in a staged exchange (its stages concatenate pieces of several inputs).
            let lowered = input.lowered(meta: meta)
            let mayShipRows = !inputSchema.names.contains { $0.hasPrefix("__") }
                && !Exchange.isStaged(.hash(keys), inputs: lowered.partitionCount, outputs: splitOut, settings: settings)
            var exchange = Exchange(name: name, input: lowered, outputCount: splitOut,
                                    partitioner: .hash(keys), meta: meta, settings: settings) { pieces in
                // Runs of shipped rows become one partial state each, in order (first and last
                // depend on the order of the states).
                var states: [any DataFrameChunk] = []
                var rows: [any DataFrameChunk] = []
                var allFromRows = true
                func flush() throws {
                    guard !rows.isEmpty else { return }
                    let run = rows.count == 1 ? rows[0] : try meta.concatenate(rows)
                    states.append(try run.partialAggregate(keys: keys, specs: specs, dropna: dropna))
                    rows = []
                }
                for piece in pieces {
                    if mayShipRows && piece.schema == rawSchema {
                        rows.append(piece)
                    } else {
                        try flush()
                        states.append(piece)
                        allFromRows = false
                    }
                }
                try flush()
                if states.isEmpty { states = [try meta.empty(schema: inputSchema).partialAggregate(keys: keys, specs: specs, dropna: dropna)] }
                // One state made here from rows is already merged; a received one may be a
                // concatenation of states (a staged exchange), which combine merges.
                let state = states.count == 1 && allFromRows ? states[0] : try meta.combineAggregates(states, keys: keys, specs: specs)
                return try state.finalizeAggregate(keys: keys, specs: specs)
            }
            exchange.prepare = { chunk in
                // Partial aggregation pays when it merges rows. A partition whose first rows are
                // mostly distinct keys ships its rows instead, to be aggregated once at the destination.
                let probe = Self.shipRowsProbe
                if mayShipRows, chunk.rowCount >= 2 * probe {
                    let sampled = try chunk.prefix(probe).partialAggregate(keys: keys, specs: specs, dropna: dropna)
                    if sampled.rowCount * 2 > probe { return try chunk.selecting(rawNames) }
                }
                return try chunk.partialAggregate(keys: keys, specs: specs, dropna: dropna)
            }
            return exchange.lowered(summary: "groupby-agg-shuffle")

        case let .dropDuplicates(input, subset, keep, count):
            let schema = input.schema
            let concatenate = Self.concatenation(meta: meta, schema: schema)
            var exchange = Exchange(name: name, input: input.lowered(meta: meta), outputCount: count,
                                    partitioner: .hash(subset ?? schema.names), meta: meta, settings: settings) { pieces in
                try concatenate(pieces).droppingDuplicates(subset: subset, keep: keep)
            }
            // A row a partition repeats is dropped there already (not for keep none: it must see every repeat).
            if keep != .none { exchange.prepare = { chunk in try chunk.droppingDuplicates(subset: subset, keep: keep) } }
            return exchange.lowered(summary: "drop-duplicates")

        case let .sort(input, keys, nulls, count):
            return sorted(input.lowered(meta: meta), schema: input.schema, keys: keys, nulls: nulls, count: count,
                          name: name, meta: meta, settings: settings)

        case let .merge(left, right, spec, strategy):
            return merged(left, right, spec: spec, strategy: strategy, name: name, meta: meta)

        default:
            return lowered(meta: meta)
        }
    }

    /// The rows a shuffled groupby samples to decide whether a partition's partial aggregation pays.
    static let shipRowsProbe = 1 << 14

    /// A finish that concatenates an output's pieces (an empty partition of `schema` for none).
    static func concatenation(meta: any DataFrameChunk, schema: Schema) -> @Sendable ([any DataFrameChunk]) throws -> any DataFrameChunk {
        { pieces in
            if pieces.isEmpty { return try meta.empty(schema: schema) }
            if pieces.count == 1 { return pieces[0] }
            return try meta.concatenate(pieces)
        }
    }

    // MARK: - Sort

    /// The rows sampled per partition for choosing sort boundaries, per output partition.
    static let samplesPerOutput = 32

    private func sorted(_ input: LoweredPlan, schema: Schema, keys: [SortKey], nulls: NullPlacement, count: Int,
                        name: String, meta: any DataFrameChunk, settings: ShuffleSettings) -> LoweredPlan {
        let concatenate = Self.concatenation(meta: meta, schema: schema)
        let sortPieces: @Sendable ([any DataFrameChunk]) throws -> any DataFrameChunk = { pieces in
            try concatenate(pieces).sorting(by: keys, nulls: nulls)
        }
        if count == 1 && input.partitionCount <= 1 {
            return partitionwise(name, count: 1, inputs: [input]) { _, values in try sortPieces([try FramePlan.chunk(values[0])]) }
        }
        // Samples of each partition's keys, weighted by the rows each stands for; boundaries at
        // the weighted quantiles of all samples (Dask's partition_quantiles, by sampling).
        let keyNames = keys.map(\.column)
        let perPartition = Swift.max(Self.samplesPerOutput * count, 64)
        var extra: [GraphTask] = []
        var samples: [TaskKey] = []
        for index in 0..<input.partitionCount {
            let key = TaskKey("\(name)-sample", [index])
            extra.append(GraphTask(key, dependencies: [input.key(index)], label: "sort-sample") { values in
                try SortBoundaries.sample(try FramePlan.chunk(values[0]), keys: keyNames, rows: perPartition)
            })
            samples.append(key)
        }
        let boundariesKey = TaskKey("\(name)-boundaries", [0])
        let keySchema = Schema(keyNames.compactMap { key in schema.fields.first { $0.name == key } })
        extra.append(GraphTask(boundariesKey, dependencies: samples, label: "sort-boundaries") { values in
            try SortBoundaries.choose(values.map { value in
                guard let frame = value as? DataFrame else {
                    throw FrameOperationError.internalError("a sort sample task returned \(type(of: value))")
                }
                return frame
            }, keySchema: keySchema, keys: keys, nulls: nulls, count: count)
        })
        var exchange = Exchange(name: name, input: input, outputCount: count,
                                partitioner: .range(keys: keys, nulls: nulls, boundaries: boundariesKey), meta: meta,
                                settings: settings, finish: sortPieces)
        exchange.extraTasks = extra
        return exchange.lowered(summary: "sort-values")
    }

    // MARK: - Merge

    private func merged(_ left: FramePlan, _ right: FramePlan, spec: JoinSpec, strategy: JoinStrategy, name: String,
                        meta: any DataFrameChunk) -> LoweredPlan {
        switch strategy {
        case .broadcastRight, .broadcastLeft:
            let broadcastRight = strategy == .broadcastRight
            let big = (broadcastRight ? left : right).lowered(meta: meta)
            let small = (broadcastRight ? right : left).lowered(meta: meta)
            let smallSchema = (broadcastRight ? right : left).schema
            let smallName = small.name, bigName = big.name
            let smallKeys = small.keys
            let layer = Layer(name: name, dependencies: [bigName, smallName], taskCount: big.partitionCount + 1, summary: "merge") {
                var tasks: [GraphTask] = []
                // The small side as one partition (its only partition when it has one).
                let whole: TaskKey
                if smallKeys.count == 1 {
                    whole = smallKeys[0]
                } else {
                    whole = TaskKey("\(name)-broadcast", [0])
                    tasks.append(GraphTask(whole, dependencies: smallKeys, label: "merge-broadcast") { values in
                        if values.isEmpty { return try meta.empty(schema: smallSchema) }
                        return try meta.concatenate(values.map(FramePlan.chunk))
                    })
                }
                for index in 0..<big.partitionCount {
                    tasks.append(GraphTask(TaskKey(name, [index]), dependencies: [TaskKey(bigName, [index]), whole], label: "merge") {
                        values in
                        let part = try FramePlan.chunk(values[0]), all = try FramePlan.chunk(values[1])
                        return broadcastRight ? try part.joining(all, spec: spec) : try all.joining(part, spec: spec)
                    })
                }
                return tasks
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [big.graph, small.graph]), name: name,
                               partitionCount: big.partitionCount)

        case let .hash(count):
            guard let layout = try? JoinLayout(left: left.schema, right: right.schema, spec: spec) else {
                return failing(name, count: count, FrameOperationError.internalError("a merge's keys no longer match its inputs"))
            }
            let leftSide = Self.hashPartitioned(left, keys: spec.leftOn, types: layout.keyTypes, count: count).lowered(meta: meta)
            let rightSide = Self.hashPartitioned(right, keys: spec.rightOn, types: layout.keyTypes, count: count).lowered(meta: meta)
            let leftName = leftSide.name, rightName = rightSide.name
            let layer = Layer(name: name, dependencies: [leftName, rightName], taskCount: count, summary: "merge") {
                (0..<count).map { index in
                    GraphTask(TaskKey(name, [index]), dependencies: [TaskKey(leftName, [index]), TaskKey(rightName, [index])],
                              label: "merge") { values in
                        try FramePlan.chunk(values[0]).joining(try FramePlan.chunk(values[1]), spec: spec)
                    }
                }
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [leftSide.graph, rightSide.graph]), name: name,
                               partitionCount: count)

        case .aligned:
            let leftSide = left.lowered(meta: meta), rightSide = right.lowered(meta: meta)
            let count = leftSide.partitionCount
            guard rightSide.partitionCount == count else {
                return failing(name, count: count, FrameOperationError.internalError("an aligned merge's sides differ in partitions"))
            }
            let leftKeys = leftSide.keys, rightKeys = rightSide.keys
            let layer = Layer(name: name, dependencies: [leftSide.name, rightSide.name], taskCount: count, summary: "merge") {
                (0..<count).map { index in
                    GraphTask(TaskKey(name, [index]), dependencies: [leftKeys[index], rightKeys[index]], label: "merge") { values in
                        try FramePlan.chunk(values[0]).joining(try FramePlan.chunk(values[1]), spec: spec)
                    }
                }
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [leftSide.graph, rightSide.graph]), name: name,
                               partitionCount: count)
        }
    }

    /// `plan` hash-partitioned by `keys` into `count` partitions, hashing each key as `types`
    /// (so both sides of a join hash equal keys alike); a plan already partitioned so is kept.
    static func hashPartitioned(_ plan: FramePlan, keys: [String], types: [ColumnType], count: Int) -> FramePlan {
        let schema = plan.schema
        let needsCast = zip(keys, types).contains { key, type in schema.type(of: key) != type }
        if !needsCast && plan.isHashPartitioned(by: keys, count: count) { return plan }
        guard needsCast else { return .shuffle(plan, keys: keys, count: count) }
        // Hash converted copies of the keys, then drop them.
        var withKeys = plan
        var hashed: [String] = []
        for (index, (key, type)) in zip(keys, types).enumerated() {
            if schema.type(of: key) == type {
                hashed.append(key)
            } else {
                let temporary = "__tessera_join_key_\(index)"
                withKeys = .assign(withKeys, temporary, .cast(.column(key), type))
                hashed.append(temporary)
            }
        }
        return .select(.shuffle(withKeys, keys: hashed, count: count), schema.names)
    }

    /// Whether every row with given values of `keys` is in partition `hash(keys) % count`.
    func isHashPartitioned(by keys: [String], count: Int) -> Bool {
        switch self {
        case let .shuffle(_, shuffled, partitions): shuffled == keys && partitions == count
        case let .hashAggregate(_, grouped, _, _, partitions): grouped == keys && partitions == count
        case let .dropDuplicates(input, subset, _, partitions):
            (subset ?? input.schema.names) == keys && partitions == count
        case let .filter(input, _), let .dropNulls(input, _):
            input.isHashPartitioned(by: keys, count: count)
        case let .select(input, columns):
            Set(keys).isSubset(of: columns) && input.isHashPartitioned(by: keys, count: count)
        case let .assign(input, column, _):
            !keys.contains(column) && input.isHashPartitioned(by: keys, count: count)
        default: false
        }
    }

    /// A layer whose every task throws `error` (for plans that became inconsistent).
    private func failing(_ name: String, count: Int, _ error: FrameOperationError) -> LoweredPlan {
        let layer = Layer(name: name, dependencies: [], taskCount: count, summary: "error") {
            (0..<count).map { index in GraphTask(TaskKey(name, [index]), label: "error") { _ in throw error } }
        }
        return LoweredPlan(graph: HighLevelGraph(adding: layer, to: []), name: name, partitionCount: count)
    }
}

/// Choosing the boundaries of a distributed sort from per-partition samples.
enum SortBoundaries {
    /// The name of the weight column added to samples.
    static let weightColumn = "__tessera_sample_weight"

    /// Up to `rows` evenly spaced rows of `chunk`'s `keys`, each weighted by the rows it stands for.
    static func sample(_ chunk: any DataFrameChunk, keys: [String], rows: Int) throws -> DataFrame {
        let frame = try chunk.selecting(keys).toHost()
        let n = frame.rowCount
        let taken = Swift.min(n, rows)
        guard taken > 0 else {
            return try frame.assigning(weightColumn, Column.numbers([Double]()))
        }
        // The middle row of each of `taken` equal slices.
        let positions = (0..<taken).map { ($0 * n + n / 2) / taken }
        let sample = frame.take(positions)
        let weight = Double(n) / Double(taken)
        return try sample.assigning(weightColumn, Column.numbers([Double](repeating: weight, count: taken)))
    }

    /// `count - 1` boundary rows (the key columns) splitting the weighted samples into `count`
    /// parts of about equal weight.
    static func choose(_ samples: [DataFrame], keySchema: Schema, keys: [SortKey], nulls: NullPlacement, count: Int) throws -> DataFrame {
        let nonEmpty = samples.filter { $0.rowCount > 0 }
        guard count > 1, !nonEmpty.isEmpty else { return DataFrame(emptyWith: keySchema) }
        let all = try DataFrame.concatenate(nonEmpty).sorted(by: keys, nulls: nulls)
        let weights = all[weightColumn].toArray(Double.self).map { $0 ?? 0 }
        let total = weights.reduce(0, +)
        var picks: [Int] = []
        var cumulative = 0.0
        var row = 0
        for part in 1..<count {
            let target = total * Double(part) / Double(count)
            while row < all.rowCount - 1 && cumulative + weights[row] < target {
                cumulative += weights[row]
                row += 1
            }
            picks.append(row)
        }
        return try all.take(picks).selecting(keySchema.names)
    }
}
