/// A low-level task graph: tasks by key.
///
/// Collections build ``HighLevelGraph``s of layers; a high-level graph is materialised into this
/// form, culled to what the requested outputs need, fused, and handed to a scheduler.
public struct Graph: Sendable {
    /// The tasks, by key.
    public private(set) var tasks: [TaskKey: GraphTask]

    /// A graph of `tasks` (later tasks with the same key replace earlier ones).
    public init(_ tasks: [GraphTask] = []) {
        self.tasks = Dictionary(tasks.map { ($0.key, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The number of tasks.
    public var count: Int { tasks.count }

    /// Adds or replaces a task.
    public mutating func insert(_ task: GraphTask) { tasks[task.key] = task }

    /// The graph restricted to the tasks `outputs` need, directly or indirectly.
    ///
    /// - Throws: ``GraphError/missingDependency(task:dependency:)`` if a needed key has no task.
    public func culled(keeping outputs: [TaskKey]) throws -> Graph {
        var kept: [TaskKey: GraphTask] = [:]
        kept.reserveCapacity(tasks.count)
        var stack = outputs
        while let key = stack.popLast() {
            if kept[key] != nil { continue }
            guard let task = tasks[key] else {
                throw GraphError.missingDependency(task: key, dependency: key)
            }
            kept[key] = task
            for dependency in task.dependencies where kept[dependency] == nil {
                guard tasks[dependency] != nil else {
                    throw GraphError.missingDependency(task: key, dependency: dependency)
                }
                stack.append(dependency)
            }
        }
        var graph = Graph()
        graph.tasks = kept
        return graph
    }

    /// The graph with linear chains fused: a task whose only consumer is one other task, and which
    /// is not an output, is merged into that consumer, so a chain of blockwise steps becomes one
    /// task per block.
    public func fusingLinearChains(keeping outputs: Set<TaskKey>) -> Graph {
        var consumers: [TaskKey: [TaskKey]] = [:]
        for task in tasks.values {
            for dependency in task.dependencies { consumers[dependency, default: []].append(task.key) }
        }
        // A task is absorbed when it has one consumer, is not an output, and that consumer has no
        // other dependency.
        func isAbsorbed(_ key: TaskKey) -> Bool {
            guard !outputs.contains(key), let users = consumers[key], users.count == 1,
                  let consumer = tasks[users[0]] else { return false }
            return consumer.dependencies.count == 1
        }
        var graph = Graph()
        for task in tasks.values where !isAbsorbed(task.key) {
            graph.tasks[task.key] = absorbChain(into: task, isAbsorbed: isAbsorbed)
        }
        return graph
    }

    private func absorbChain(into task: GraphTask, isAbsorbed: (TaskKey) -> Bool) -> GraphTask {
        guard task.dependencies.count == 1, let only = task.dependencies.first, isAbsorbed(only),
              let inner = tasks[only] else { return task }
        let innerFused = absorbChain(into: inner, isAbsorbed: isAbsorbed)
        let outer = task.run
        let innerRun = innerFused.run
        let innerKey = innerFused.key
        return GraphTask(task.key, dependencies: innerFused.dependencies, label: innerFused.label + "+" + task.label) {
            inputs in
            let intermediate: any Sendable
            do {
                intermediate = try innerRun(inputs)
            } catch let error as TaskError {
                throw error
            } catch {
                // Report the task that failed, not the one it was fused into.
                throw TaskError(key: innerKey, underlying: error)
            }
            return try outer([intermediate])
        }
    }

    /// A priority for every task: the position in a depth-first walk from the outputs that visits
    /// dependencies first, as Dask's `order` does, so that a scheduler taking the lowest priority
    /// finishes one branch (and frees its inputs) before starting the next.
    public func priorities(outputs: [TaskKey]) -> [TaskKey: Int] {
        var order: [TaskKey: Int] = [:]
        order.reserveCapacity(tasks.count)
        var dependents: [TaskKey: [TaskKey]] = [:]
        for task in tasks.values {
            for dependency in task.dependencies { dependents[dependency, default: []].append(task.key) }
        }
        // Gives `key` the next position, then does the same for every consumer whose inputs are now
        // all placed: a value shared by several consumers (a block read by both a mean and a
        // standard deviation) is used by all of them before the walk moves on, so it can be freed.
        func place(_ key: TaskKey) {
            var ready = [key]
            while let next = ready.popLast() {
                guard order[next] == nil else { continue }
                order[next] = order.count
                for consumer in dependents[next] ?? [] where order[consumer] == nil {
                    if let task = tasks[consumer], task.dependencies.allSatisfy({ order[$0] != nil }) {
                        ready.append(consumer)
                    }
                }
            }
        }
        var visiting = Set<TaskKey>()
        for output in outputs {
            var stack: [(TaskKey, Int)] = [(output, 0)]
            while let (key, next) = stack.popLast() {
                if order[key] != nil { continue }
                guard let task = tasks[key] else { continue }
                if next < task.dependencies.count {
                    stack.append((key, next + 1))
                    let dependency = task.dependencies[next]
                    if order[dependency] == nil && !visiting.contains(dependency) {
                        visiting.insert(dependency)
                        stack.append((dependency, 0))
                    }
                } else {
                    place(key)
                }
            }
        }
        for key in tasks.keys.sorted() where order[key] == nil { order[key] = order.count }
        return order
    }
}

/// An error in the structure of a graph.
public enum GraphError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A task needs a key that no task computes.
    case missingDependency(task: TaskKey, dependency: TaskKey)
    /// The graph has a cycle through this key.
    case cycle(TaskKey)

    /// A sentence naming the keys.
    public var description: String {
        switch self {
        case let .missingDependency(task, dependency) where task == dependency:
            "The graph has no task for the requested key \(task)."
        case let .missingDependency(task, dependency):
            "Task \(task) needs \(dependency), which no task in the graph computes."
        case let .cycle(key):
            "The graph has a cycle through \(key)."
        }
    }
}
