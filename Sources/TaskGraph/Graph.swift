/// A low-level task graph: tasks by key.
///
/// Collections build ``HighLevelGraph``s of layers; a high-level graph is materialised into this
/// form, culled to what the requested outputs need, fused, and handed to a scheduler.
///
/// The tasks are kept in numbered slots with their dependencies resolved to slots, so culling,
/// fusion, ordering and scheduling hash each key once rather than once per pass.
public struct Graph: Sendable {
    /// The tasks in slots.
    private(set) var slots: TaskSlots

    /// A graph of `tasks` (later tasks with the same key replace earlier ones).
    public init(_ tasks: [GraphTask] = []) { slots = TaskSlots(tasks) }

    /// A graph of the filled slots of `slots`.
    init(slots: TaskSlots) { self.slots = slots }

    /// The tasks, by key (a dictionary made on each access).
    public var tasks: [TaskKey: GraphTask] {
        var tasks: [TaskKey: GraphTask] = [:]
        tasks.reserveCapacity(slots.count)
        for task in slots.filledTasks { tasks[task.key] = task }
        return tasks
    }

    /// The number of tasks.
    public var count: Int { slots.count }

    /// Adds or replaces a task.
    public mutating func insert(_ task: GraphTask) { slots.insert(task) }

    /// The graph restricted to the tasks `outputs` need, directly or indirectly.
    ///
    /// - Throws: ``GraphError/missingDependency(task:dependency:)`` if a needed key has no task.
    public func culled(keeping outputs: [TaskKey]) throws -> Graph {
        let slots = self.slots.resolved()
        return Graph(slots: slots.keeping(try slots.needed(by: outputs)))
    }

    /// The graph with linear chains fused: a task whose only consumer is one other task, and which
    /// is not an output, is merged into that consumer, so a chain of blockwise steps becomes one
    /// task per block.
    ///
    /// Consuming: fusing a graph nothing else holds (a temporary) rewrites its storage in place
    /// instead of copying every task.
    public consuming func fusingLinearChains(keeping outputs: Set<TaskKey>) -> Graph {
        var slots = (consume self).slots
        slots.resolve()
        let plan = FusionPlan(slots, outputs: outputs)
        for slot in plan.absorbed { slots.remove(slot) }
        for chain in plan.chains {
            guard let innermost = chain.last else { continue }
            var task = slots.tasks[innermost]
            for outer in chain.dropLast().reversed() { task = Self.fuse(task, into: slots.tasks[outer]) }
            slots.replace(chain[0], with: task, dependencies: slots.dependencySlots[innermost])
        }
        return Graph(slots: slots)
    }

    /// One task that runs `inner` and then `outer` on its result, with `inner`'s dependencies
    /// and `outer`'s key; an error of `inner` still names `inner`'s key.
    private static func fuse(_ inner: GraphTask, into outer: GraphTask) -> GraphTask {
        let outerRun = outer.run
        let innerRun = inner.run
        let innerKey = inner.key
        return GraphTask(outer.key, dependencies: inner.dependencies, label: inner.label + "+" + outer.label,
                         inputPieces: inner.inputPieces, preferredRank: inner.preferredRank ?? outer.preferredRank) {
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
            return try outerRun([intermediate])
        }
    }

    /// A priority for every task: the position in a depth-first walk from the outputs that visits
    /// dependencies first, as Dask's `order` does, so that a scheduler taking the lowest priority
    /// finishes one branch (and frees its inputs) before starting the next.
    public func priorities(outputs: [TaskKey]) -> [TaskKey: Int] {
        let slots = self.slots.resolved()
        let order = slots.priorities(outputs: outputs)
        var priorities: [TaskKey: Int] = [:]
        priorities.reserveCapacity(slots.count)
        for slot in 0..<slots.slotCount where slots.isFilled[slot] {
            priorities[slots.tasks[slot].key] = order[slot]
        }
        return priorities
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
