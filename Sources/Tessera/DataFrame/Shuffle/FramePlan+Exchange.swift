import Backends
import TaskGraph

/// How a shuffle deals each input partition's rows out to the output partitions.
enum ShufflePartitioner: Sendable {
    /// By the hash of the key columns modulo the output count (`DataFrameChunk.hashPartitions`).
    case hash([String])
    /// By ranges of sort keys between boundary rows, which a task computes
    /// (`DataFrameChunk.rangePartitions`); the split tasks depend on that task.
    case range(keys: [SortKey], nulls: NullPlacement, boundaries: TaskKey)
}

/// The tasks of one exchange: the split tasks, then for every output partition one task that
/// receives its piece of every split (in input partition order) and finishes them.
///
/// Dask's tasks-based shuffle (`rearrange_by_column_tasks`): an all-to-all exchange, direct when
/// the input or the output has at most `max-branch` partitions, otherwise (hash partitioning only)
/// in stages of `max-branch`-wide exchanges, each routing rows by one digit of their destination.
/// Pieces stay in memory while the process-wide `memory-budget` allows, and are spilled to files
/// past it (``ShuffleShards``). Every stage keeps rows in input partition order, so the pieces an
/// output receives list rows in their original order.
struct Exchange {
    /// The output layer's name (output `j` is `(name, j)`); helper tasks use it as a prefix.
    let name: String
    /// The input.
    let input: LoweredPlan
    /// The number of output partitions.
    let outputCount: Int
    /// How rows are routed.
    let partitioner: ShufflePartitioner
    /// The backend's meta chunk.
    let meta: any DataFrameChunk
    /// Memory, spill and staging settings.
    let settings: ShuffleSettings
    /// Tasks and graphs the exchange also needs (a boundaries task and its samples).
    var extraTasks: [GraphTask] = []
    /// Called on each input partition before it is split (a partial aggregation, a local dedupe).
    var prepare: (@Sendable (any DataFrameChunk) throws -> any DataFrameChunk)? = nil
    /// Turns one output's pieces, in input order, into the output partition; it is given no
    /// pieces when the input has no partitions.
    var finish: @Sendable ([any DataFrameChunk]) throws -> any DataFrameChunk

    /// The lowered exchange.
    func lowered(summary: String) -> LoweredPlan {
        let exchange = self
        let taskCount = input.partitionCount + outputCount + extraTasks.count
        let layer = Layer(name: name, dependencies: [input.name], taskCount: taskCount, summary: summary) {
            exchange.tasks()
        }
        return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [input.graph]), name: name, partitionCount: outputCount)
    }

    /// Whether the exchange goes in stages: intermediate stages concatenate pieces of several
    /// inputs, so what is exchanged must stay meaningful when concatenated.
    static func isStaged(_ partitioner: ShufflePartitioner, inputs: Int, outputs: Int, settings: ShuffleSettings) -> Bool {
        guard case .hash = partitioner else { return false }
        return inputs > settings.maxBranch && outputs > settings.maxBranch
    }

    private func tasks() -> [GraphTask] {
        var tasks = extraTasks
        let inputs = (0..<input.partitionCount).map { input.key($0) }
        if case let .hash(keys) = partitioner,
           Self.isStaged(partitioner, inputs: inputs.count, outputs: outputCount, settings: settings) {
            tasks += stagedTasks(inputs: inputs, keys: keys)
        } else {
            tasks += directTasks(inputs: inputs)
        }
        return tasks
    }

    private func directTasks(inputs: [TaskKey]) -> [GraphTask] {
        let (meta, settings, count, partitioner, prepare) = (self.meta, self.settings, outputCount, self.partitioner, self.prepare)
        var tasks: [GraphTask] = []
        var splits: [TaskKey] = []
        for (index, source) in inputs.enumerated() {
            let key = TaskKey("\(name)-split", [index])
            var dependencies = [source]
            if case let .range(_, _, boundaries) = partitioner { dependencies.append(boundaries) }
            tasks.append(GraphTask(key, dependencies: dependencies, label: "shuffle-split") { values in
                var chunk = try FramePlan.chunk(values[0])
                if let prepare { chunk = try prepare(chunk) }
                let pieces: [any DataFrameChunk]
                switch partitioner {
                case let .hash(keys):
                    pieces = try chunk.hashPartitions(by: keys, into: count)
                case let .range(keys, nulls, _):
                    guard let boundaries = values[1] as? DataFrame else {
                        throw FrameOperationError.internalError("a sort's boundaries task returned \(type(of: values[1]))")
                    }
                    var ranges = try chunk.rangePartitions(by: keys, nulls: nulls, boundaries: boundaries)
                    // Fewer boundaries than outputs (an input with no rows to sample): the rest are empty.
                    while ranges.count < count { ranges.append(try meta.empty(schema: chunk.schema)) }
                    pieces = ranges
                }
                guard pieces.count == count else {
                    throw FrameOperationError.internalError("a shuffle split gave \(pieces.count) pieces for \(count) outputs")
                }
                return try ShuffleShards(pieces, settings: settings)
            })
            splits.append(key)
        }
        tasks += outputTasks(from: splits.map { ($0, nil) }, count: count, meta: meta)
        return tasks
    }

    /// One task per output: piece `j` (or the piece a routing table names) of every source.
    private func outputTasks(from sources: [(key: TaskKey, piece: Int?)], count: Int, meta: any DataFrameChunk) -> [GraphTask] {
        let finish = self.finish
        return (0..<count).map { output in
            GraphTask(TaskKey(name, [output]), dependencies: sources.map(\.key), label: "shuffle-concat",
                      inputPieces: sources.map { $0.piece ?? output }) { values in
                var pieces: [any DataFrameChunk] = []
                pieces.reserveCapacity(values.count)
                for (value, source) in zip(values, sources) {
                    guard let shards = value as? ShuffleShards else {
                        throw FrameOperationError.internalError("a shuffle split returned \(type(of: value))")
                    }
                    pieces.append(try shards.piece(source.piece ?? output, meta: meta))
                }
                return try finish(pieces)
            }
        }
    }

    /// Stages of `base`-wide exchanges over a grid of `base^stages` positions: at stage `s` each
    /// position splits its rows by digit `s` of their destination and position `q` gathers, from
    /// the positions that differ from it in digit `s` only (in position order), the piece for its
    /// own digit. After the last stage position `q` holds exactly the rows of output `q`.
    private func stagedTasks(inputs: [TaskKey], keys: [String]) -> [GraphTask] {
        let (meta, settings, prepare) = (self.meta, self.settings, self.prepare)
        let width = Swift.max(inputs.count, outputCount)
        var stages = 1
        while Self.power(settings.maxBranch, stages) < width { stages += 1 }
        var branch = 2
        while Self.power(branch, stages) < width { branch += 1 }
        let base = branch
        let positions = Self.power(base, stages)
        let modulus = outputCount
        var tasks: [GraphTask] = []
        // The data at each position before stage 0: the inputs, nothing past them.
        var current: [TaskKey?] = (0..<positions).map { $0 < inputs.count ? inputs[$0] : nil }
        for stage in 0..<stages {
            let divisor = Self.power(base, stage)
            var splits: [TaskKey?] = []
            for position in 0..<positions {
                guard let source = current[position] else {
                    splits.append(nil)
                    continue
                }
                let key = TaskKey("\(name)-split-\(stage)", [position])
                let isFirst = stage == 0
                tasks.append(GraphTask(key, dependencies: [source], label: "shuffle-split") { values in
                    var chunk = try FramePlan.chunk(values[0])
                    if isFirst, let prepare { chunk = try prepare(chunk) }
                    let pieces = try chunk.hashPartitions(by: keys, modulus: modulus, divisor: divisor, base: base)
                    return try ShuffleShards(pieces, settings: settings)
                })
                splits.append(key)
            }
            var next: [TaskKey?] = []
            let last = stage == stages - 1
            for position in 0..<positions {
                let digit = position / divisor % base
                let senders = (0..<base).compactMap { value -> TaskKey? in splits[position + (value - digit) * divisor] }
                if senders.isEmpty {
                    next.append(nil)
                    continue
                }
                let key = last ? TaskKey(name, [position]) : TaskKey("\(name)-stage-\(stage)", [position])
                let concatenate: @Sendable ([any DataFrameChunk]) throws -> any DataFrameChunk = { pieces in
                    try meta.concatenate(pieces)
                }
                let finish = last ? self.finish : concatenate
                tasks.append(GraphTask(key, dependencies: senders, label: "shuffle-concat",
                                       inputPieces: [Int](repeating: digit, count: senders.count)) { values in
                    var pieces: [any DataFrameChunk] = []
                    for value in values {
                        guard let shards = value as? ShuffleShards else {
                            throw FrameOperationError.internalError("a shuffle split returned \(type(of: value))")
                        }
                        pieces.append(try shards.piece(digit, meta: meta))
                    }
                    return try finish(pieces)
                })
                next.append(key)
            }
            current = next
        }
        // Outputs whose position received nothing (possible only past the inputs) are empty.
        let finish = self.finish
        for output in 0..<outputCount where current[output] == nil {
            tasks.append(GraphTask(TaskKey(name, [output]), label: "shuffle-concat") { _ in try finish([]) })
        }
        return tasks
    }

    private static func power(_ base: Int, _ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent { result = result.multipliedReportingOverflow(by: base).overflow ? Int.max : result * base }
        return result
    }
}
