import Backends
import PandasBackend
import TaskGraph

/// A plan turned into task-graph layers: tasks `(name, i)` produce the output partitions.
struct LoweredPlan: Sendable {
    let graph: HighLevelGraph
    let name: String
    let partitionCount: Int

    func key(_ partition: Int) -> TaskKey { TaskKey(name, [partition]) }
    var keys: [TaskKey] { (0..<partitionCount).map(key) }
}

extension FramePlan {
    /// Layers computing the plan's partitions as chunks of `meta`'s backend.
    ///
    /// Layer names are derived from the plan itself, so a sub-plan used twice (a frame merged with
    /// itself, two reductions of one frame) becomes one set of tasks.
    func lowered(meta: any DataFrameChunk) -> LoweredPlan {
        let name = "\(operationName)-\(String(UInt(bitPattern: hashValue), radix: 16))"
        switch self {
        case let .source(reference, columns, predicate):
            let source = reference.source
            let count = source.partitionCount
            let layer = Layer(name: name, dependencies: [], taskCount: count, summary: operationName) {
                (0..<count).map { index in
                    GraphTask(TaskKey(name, [index]), label: name, preferredRank: source.owner(of: index)) { _ in
                        try meta.fromHost(source.read(partition: index, columns: columns, predicate: predicate))
                    }
                }
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: []), name: name, partitionCount: count)
        case let .select(input, columns):
            return mapping(input, name, meta) { try $0.selecting(columns) }
        case let .filter(input, predicate):
            return mapping(input, name, meta) { try $0.filtering(predicate) }
        case let .assign(input, column, expression):
            return mapping(input, name, meta) { try $0.assigning(column, expression) }
        case let .dropNulls(input, columns):
            return mapping(input, name, meta) { try $0.droppingNulls(in: columns) }
        case let .mapPartitions(input, function, _):
            return mapping(input, name, meta) { try meta.fromHost(function.apply($0.toHost())) }
        case let .concat(inputs):
            let lowered = inputs.map { $0.lowered(meta: meta) }
            var sources: [TaskKey] = []
            for part in lowered { sources.append(contentsOf: part.keys) }
            let keys = sources
            let layer = Layer(name: name, dependencies: lowered.map(\.name), taskCount: keys.count, summary: "concat") {
                keys.enumerated().map { index, source in
                    GraphTask(TaskKey(name, [index]), dependencies: [source], label: "concat") { inputs in inputs[0] }
                }
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: lowered.map(\.graph)), name: name, partitionCount: keys.count)
        case let .partition(input, index):
            let lowered = input.lowered(meta: meta)
            let source = lowered.key(index)
            let layer = Layer(name: name, dependencies: [lowered.name], taskCount: 1, summary: "partition") {
                [GraphTask(TaskKey(name, [0]), dependencies: [source], label: "partition") { inputs in inputs[0] }]
            }
            return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [lowered.graph]), name: name, partitionCount: 1)
        case let .repartition(input, count):
            return repartitioned(input.lowered(meta: meta), into: count, name: name, meta: meta)
        case let .aggregate(input, keys, specs, dropna, splitEvery):
            if keys.isEmpty, let chain = input.filteredChain {
                // A whole-frame reduction over a filter: each partition is filtered and reduced in
                // one call, so a backend can skip materialising the filtered rows.
                let (predicate, steps) = (chain.predicate, chain.steps)
                return aggregated(chain.base.lowered(meta: meta), inputSchema: input.schema, keys: keys, specs: specs,
                                  dropna: dropna, splitEvery: max(2, splitEvery), name: name, meta: meta) { chunk in
                    try chunk.filteredPartialAggregate(where: predicate, steps: steps, specs: specs, dropna: dropna)
                }
            }
            return aggregated(input.lowered(meta: meta), inputSchema: input.schema, keys: keys, specs: specs, dropna: dropna,
                              splitEvery: max(2, splitEvery), name: name, meta: meta) { chunk in
                try chunk.partialAggregate(keys: keys, specs: specs, dropna: dropna)
            }
        case .hashAggregate, .shuffle, .merge, .sort, .dropDuplicates:
            return loweredShuffle(name: name, meta: meta)
        }
    }

    func partitionwise(_ name: String, count: Int, inputs: [LoweredPlan],
                               _ compute: @escaping @Sendable (Int, [any Sendable]) throws -> any DataFrameChunk) -> LoweredPlan {
        let dependencyNames = inputs.map(\.name)
        let layer = Layer(name: name, dependencies: dependencyNames, taskCount: count, summary: operationName) {
            (0..<count).map { index in
                GraphTask(TaskKey(name, [index]), dependencies: dependencyNames.map { TaskKey($0, [index]) }, label: name) { values in
                    try compute(index, values)
                }
            }
        }
        return LoweredPlan(graph: HighLevelGraph(adding: layer, to: inputs.map(\.graph)), name: name, partitionCount: count)
    }

    private func mapping(_ input: FramePlan, _ name: String, _ meta: any DataFrameChunk,
                         _ transform: @escaping @Sendable (any DataFrameChunk) throws -> any DataFrameChunk) -> LoweredPlan {
        let lowered = input.lowered(meta: meta)
        return partitionwise(name, count: lowered.partitionCount, inputs: [lowered]) { _, values in
            try transform(try FramePlan.chunk(values[0]))
        }
    }

    /// A task's result as a dataframe chunk.
    static func chunk(_ value: any Sendable) throws -> any DataFrameChunk {
        guard let chunk = value as? any DataFrameChunk else {
            throw FrameOperationError.internalError("a task returned \(type(of: value)), not a dataframe chunk")
        }
        return chunk
    }

    private func repartitioned(_ input: LoweredPlan, into count: Int, name: String, meta: any DataFrameChunk) -> LoweredPlan {
        let inputCount = input.partitionCount
        let inputName = input.name
        // Each output partition takes a run of whole input partitions (fewer outputs) or one
        // slice of one input partition (more outputs).
        struct Piece: Sendable { let sources: [Int]; let slice: (index: Int, of: Int)? }
        var pieces: [Piece] = []
        if count <= inputCount {
            for output in 0..<count {
                let start = output * inputCount / count, end = (output + 1) * inputCount / count
                pieces.append(Piece(sources: Array(start..<end), slice: nil))
            }
        } else {
            for source in 0..<inputCount {
                let share = (source + 1) * count / inputCount - source * count / inputCount
                for k in 0..<share { pieces.append(Piece(sources: [source], slice: (k, share))) }
            }
        }
        let plan = pieces
        let layer = Layer(name: name, dependencies: [inputName], taskCount: plan.count, summary: "repartition") {
            plan.enumerated().map { index, piece in
                GraphTask(TaskKey(name, [index]), dependencies: piece.sources.map { TaskKey(inputName, [$0]) }, label: "repartition") {
                    values in
                    let chunks = try values.map(FramePlan.chunk)
                    guard let slice = piece.slice else { return try meta.concatenate(chunks) }
                    let host = try chunks[0].toHost()
                    let start = slice.index * host.rowCount / slice.of, end = (slice.index + 1) * host.rowCount / slice.of
                    return try meta.fromHost(host.slice(start..<end))
                }
            }
        }
        return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [input.graph]), name: name, partitionCount: plan.count)
    }

    /// Select and assign steps over a filter, from the top (`self`) down: the filter's input, its
    /// predicate and the steps in the order they apply. A filter pushed into an in-memory source
    /// counts (the source then reads every row); one pushed into a file reader does not, since the
    /// reader uses it to skip data.
    var filteredChain: (base: FramePlan, predicate: ColumnExpression, steps: [FrameStep])? {
        var steps: [FrameStep] = []
        var node = self
        while true {
            switch node {
            case let .select(input, columns):
                steps.append(.select(columns))
                node = input
            case let .assign(input, name, expression):
                steps.append(.assign(name, expression))
                node = input
            case let .filter(input, predicate):
                return (input, predicate, steps.reversed())
            case let .source(reference, columns, .some(predicate)) where reference.source is InMemoryFrameSource:
                // The predicate's columns are read too (the source read them only to filter).
                let read = columns.map { columns in columns + predicate.columnNames.sorted().filter { !columns.contains($0) } }
                return (.source(reference, columns: read, predicate: nil), predicate, steps.reversed())
            default:
                return nil
            }
        }
    }

    private func aggregated(_ input: LoweredPlan, inputSchema: Schema, keys: [String], specs: [AggregationSpec], dropna: Bool,
                            splitEvery: Int, name: String, meta: any DataFrameChunk,
                            partial: @escaping @Sendable (any DataFrameChunk) throws -> any DataFrameChunk) -> LoweredPlan {
        let inputName = input.name
        let inputCount = input.partitionCount
        let layer = Layer(name: name, dependencies: [inputName], taskCount: inputCount + 1, summary: operationName) {
            var tasks: [GraphTask] = []
            var level: [TaskKey] = []
            for index in 0..<inputCount {
                let key = TaskKey("\(name)-partial", [index])
                tasks.append(GraphTask(key, dependencies: [TaskKey(inputName, [index])], label: "partial") { values in
                    try partial(FramePlan.chunk(values[0]))
                })
                level.append(key)
            }
            if level.isEmpty {
                let key = TaskKey("\(name)-partial", [0])
                tasks.append(GraphTask(key, label: "partial") { _ in
                    try meta.empty(schema: inputSchema).partialAggregate(keys: keys, specs: specs, dropna: dropna)
                })
                level.append(key)
            }
            var depth = 0
            while level.count > 1 {
                depth += 1
                var next: [TaskKey] = []
                for group in stride(from: 0, to: level.count, by: splitEvery) {
                    let members = Array(level[group..<min(group + splitEvery, level.count)])
                    let key = TaskKey("\(name)-combine-\(depth)", [next.count])
                    tasks.append(GraphTask(key, dependencies: members, label: "combine") { values in
                        try meta.combineAggregates(try values.map(FramePlan.chunk), keys: keys, specs: specs)
                    })
                    next.append(key)
                }
                level = next
            }
            tasks.append(GraphTask(TaskKey(name, [0]), dependencies: level, label: "finalize") { values in
                try FramePlan.chunk(values[0]).finalizeAggregate(keys: keys, specs: specs)
            })
            return tasks
        }
        return LoweredPlan(graph: HighLevelGraph(adding: layer, to: [input.graph]), name: name, partitionCount: 1)
    }
}

/// Errors of dataframe operations that are not about one column or file.
public enum FrameOperationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument out of its range (for example `npartitions: 0`).
    case invalidArgument(String)
    /// Two series that do not come from the same frame were combined.
    case unaligned(String)
    /// An operation planned for a later release.
    case notYetSupported(String)
    /// A broken internal invariant; a bug in Tessera.
    case internalError(String)

    /// The message.
    public var description: String {
        switch self {
        case let .invalidArgument(message): message
        case let .unaligned(message): message
        case let .notYetSupported(message): message
        case let .internalError(message): "Internal error: \(message). Please report it."
        }
    }
}
