import Backends
import Foundation

/// The bookkeeping of one graph run, shared by the workers: which tasks are ready, which results
/// are still needed, and the first error.
///
/// Tasks are numbered, so the hot path works on arrays of integers rather than on keys.
final class ExecutionState: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while `condition` is locked.

    let tasks: [GraphTask]
    private let dependencyIndices: [[Int]]
    private let dependents: [[Int]]
    private let priorities: [Int]
    private let isOutput: [Bool]
    private var remainingDependencies: [Int]
    private var remainingConsumers: [Int]
    private var results: [(any Sendable)?]
    private var ready = PriorityQueue()
    private var completed = 0
    private(set) var failure: TaskError?
    let condition = NSCondition()
    let callbacks: SchedulerCallbacks
    let configuration: Config.Snapshot

    /// Prepares `graph` for computing `outputs`.
    init(graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws {
        let culled = try graph.culled(keeping: outputs)
        let order = culled.priorities(outputs: outputs)
        let sorted = culled.tasks.values.sorted { (order[$0.key] ?? 0) < (order[$1.key] ?? 0) }
        var position: [TaskKey: Int] = [:]
        position.reserveCapacity(sorted.count)
        for (index, task) in sorted.enumerated() { position[task.key] = index }
        tasks = sorted
        priorities = Array(0..<sorted.count)
        let dependencyIndices = sorted.map { task in task.dependencies.compactMap { position[$0] } }
        var dependents = [[Int]](repeating: [], count: sorted.count)
        for (index, dependencies) in dependencyIndices.enumerated() {
            for dependency in dependencies { dependents[dependency].append(index) }
        }
        self.dependencyIndices = dependencyIndices
        self.dependents = dependents
        remainingDependencies = dependencyIndices.map(\.count)
        remainingConsumers = dependencyIndices.reduce(into: [Int](repeating: 0, count: sorted.count)) { counts, deps in
            for dependency in deps { counts[dependency] += 1 }
        }
        var isOutput = [Bool](repeating: false, count: sorted.count)
        for output in outputs { if let index = position[output] { isOutput[index] = true } }
        self.isOutput = isOutput
        results = [(any Sendable)?](repeating: nil, count: sorted.count)
        self.callbacks = callbacks
        configuration = Config.snapshot
        for index in sorted.indices where remainingDependencies[index] == 0 { ready.push(index, priority: index) }
    }

    /// The number of tasks.
    var taskCount: Int { tasks.count }

    /// Runs tasks until none is left or one fails; any number of threads may call this at once.
    func work() {
        condition.lock()
        while true {
            while ready.isEmpty && failure == nil && completed < tasks.count { condition.wait() }
            guard failure == nil, completed < tasks.count, let index = ready.pop() else {
                condition.broadcast()
                condition.unlock()
                return
            }
            let inputs = dependencyIndices[index].map { results[$0] ?? () }
            condition.unlock()

            let task = tasks[index]
            callbacks.taskStart?(task.key)
            let outcome: Result<any Sendable, any Error> = Result {
                try Config.with(configuration) { try task.run(inputs) }
            }

            condition.lock()
            switch outcome {
            case let .success(value):
                results[index] = value
                completed += 1
                for dependency in dependencyIndices[index] {
                    remainingConsumers[dependency] -= 1
                    if remainingConsumers[dependency] == 0 && !isOutput[dependency] { results[dependency] = nil }
                }
                for dependent in dependents[index] {
                    remainingDependencies[dependent] -= 1
                    if remainingDependencies[dependent] == 0 { ready.push(dependent, priority: priorities[dependent]) }
                }
                if ready.count > 1 || completed == tasks.count { condition.broadcast() }
                condition.unlock()
                callbacks.taskEnd?(task.key)
                condition.lock()
            case let .failure(error):
                if failure == nil {
                    failure = error as? TaskError ?? TaskError(key: task.key, underlying: error)
                }
                condition.broadcast()
            }
        }
    }

    /// The results of `outputs` after ``work()`` has finished everywhere.
    func outputs(_ keys: [TaskKey]) throws -> [TaskKey: any Sendable] {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        var values: [TaskKey: any Sendable] = [:]
        for (index, task) in tasks.enumerated() where isOutput[index] {
            if let value = results[index] { values[task.key] = value }
        }
        for key in keys where values[key] == nil {
            throw GraphError.missingDependency(task: key, dependency: key)
        }
        return values
    }
}

/// A binary min-heap of task indices by priority.
struct PriorityQueue {
    private var heap: [(priority: Int, index: Int)] = []

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    mutating func push(_ index: Int, priority: Int) {
        heap.append((priority, index))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if heap[parent].priority <= heap[child].priority { break }
            heap.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count && heap[left].priority < heap[smallest].priority { smallest = left }
                if right < heap.count && heap[right].priority < heap[smallest].priority { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return top.index
    }
}
