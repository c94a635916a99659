/// One layer of a high-level graph: the tasks of one collection operation, kept symbolic (a
/// function that makes them) until the graph is materialised.
public struct Layer: Sendable {
    /// The layer's name; its tasks' keys carry it.
    public let name: String
    /// The names of the layers whose tasks this layer's tasks consume.
    public let dependencies: [String]
    /// The number of tasks the layer makes.
    public let taskCount: Int
    /// What the layer does, for pictures (for example `"ones"`, `"elementwise (x0 + 1.0)"`).
    public let summary: String
    /// Makes the layer's tasks.
    public let materialize: @Sendable () -> [GraphTask]

    /// A layer named `name` whose `taskCount` tasks `materialize` makes.
    public init(name: String, dependencies: [String], taskCount: Int, summary: String,
                materialize: @escaping @Sendable () -> [GraphTask]) {
        self.name = name
        self.dependencies = dependencies
        self.taskCount = taskCount
        self.summary = summary
        self.materialize = materialize
    }
}

/// A graph of layers, one per collection operation, as Dask's `HighLevelGraph`.
///
/// Collections share layers: combining two collections merges their graphs, so a layer is
/// materialised once however many collections use it.
public struct HighLevelGraph: Sendable {
    /// The layers, by name.
    public private(set) var layers: [String: Layer]

    /// An empty graph.
    public init() { layers = [:] }

    /// A graph of one layer on top of the layers of `inputs`.
    public init(adding layer: Layer, to inputs: [HighLevelGraph]) {
        var merged: [String: Layer] = [:]
        for input in inputs { merged.merge(input.layers) { existing, _ in existing } }
        merged[layer.name] = layer
        layers = merged
    }

    /// The union of several graphs' layers.
    public init(merging graphs: [HighLevelGraph]) {
        var merged: [String: Layer] = [:]
        for graph in graphs { merged.merge(graph.layers) { existing, _ in existing } }
        layers = merged
    }

    /// The total number of tasks over all layers.
    public var taskCount: Int { layers.values.reduce(0) { $0 + $1.taskCount } }

    /// The names of the layers `outputLayers` need, directly or indirectly.
    public func neededLayers(for outputLayers: [String]) -> [String] {
        var seen = Set<String>()
        var stack = outputLayers
        while let name = stack.popLast() {
            guard seen.insert(name).inserted, let layer = layers[name] else { continue }
            stack.append(contentsOf: layer.dependencies)
        }
        return seen.sorted()
    }

    /// The tasks of the layers `outputLayers` need (layer-level culling first).
    public func materialize(for outputLayers: [String]) -> Graph {
        let needed = neededLayers(for: outputLayers).compactMap { layers[$0] }
        var tasks: [GraphTask] = []
        tasks.reserveCapacity(needed.reduce(0) { $0 + $1.taskCount })
        for layer in needed { tasks.append(contentsOf: layer.materialize()) }
        return Graph(tasks)
    }
}
