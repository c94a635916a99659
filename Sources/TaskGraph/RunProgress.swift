/// The bookkeeping of one graph run over tasks numbered `0..<count` in priority order: which are
/// ready, which results are held and for how many more consumers, and how many tasks are done.
///
/// A plain value with no locking of its own: ``ExecutionState`` keeps it behind its lock and calls
/// one mutating method per locked section.
struct RunProgress {
    /// The number of tasks.
    let count: Int
    /// The tasks each task consumes, in argument order.
    private let dependencies: SlotLists
    /// The tasks that consume each task, once per use.
    private let dependents: SlotLists
    /// Whether each task's result is requested (and so kept to the end).
    private let isOutput: [Bool]
    /// For each task, how many of its dependencies have not finished.
    private var remainingDependencies: [Int]
    /// For each task, how many of its consumers have not finished.
    private var remainingConsumers: [Int]
    /// The results still needed, by task.
    private var results: [(any Sendable)?]
    /// The tasks whose dependencies have all finished and that nobody has taken yet.
    private var ready: ReadySet
    /// The number of finished tasks.
    private(set) var completed = 0

    /// A run of `count` tasks where task `i` consumes `dependencies[i]` and the tasks marked in
    /// `isOutput` are kept; every task without dependencies is ready.
    init(dependencies: SlotLists, isOutput: [Bool]) {
        count = isOutput.count
        self.dependencies = dependencies
        self.isOutput = isOutput
        dependents = SlotLists(reversing: dependencies)
        remainingDependencies = (0..<count).map(dependencies.count)
        remainingConsumers = (0..<count).map(dependents.count)
        results = [(any Sendable)?](repeating: nil, count: count)
        ready = ReadySet(capacity: count)
        for task in 0..<count where remainingDependencies[task] == 0 { ready.insert(task) }
    }

    /// Whether every task has finished.
    var isFinished: Bool { completed == count }

    /// Whether a task is waiting to be taken.
    var hasReady: Bool { !ready.isEmpty }

    /// Whether more than one task is waiting to be taken.
    var hasSeveralReady: Bool { ready.count > 1 }

    /// Takes the ready task of lowest priority and appends its dependencies' results to `inputs`.
    mutating func take(inputs: inout [any Sendable]) -> Int? {
        guard let task = ready.popFirst() else { return nil }
        for dependency in dependencies[task] { inputs.append(results[dependency] ?? ()) }
        return task
    }

    /// Records `value` as the result of `task`, moves the results that `task` was the last
    /// consumer of to `released` (so the caller frees them later), and readies the consumers
    /// that `task` was the last dependency of.
    mutating func complete(_ task: Int, with value: any Sendable, releasing released: inout [(any Sendable)?]) {
        results[task] = value
        completed += 1
        for dependency in dependencies[task] {
            remainingConsumers[dependency] -= 1
            if remainingConsumers[dependency] == 0 && !isOutput[dependency] {
                released.append(results[dependency].take())
            }
        }
        for dependent in dependents[task] {
            remainingDependencies[dependent] -= 1
            if remainingDependencies[dependent] == 0 { ready.insert(dependent) }
        }
    }

    /// The result of `task`, if it finished and is still held.
    func result(of task: Int) -> (any Sendable)? { results[task] }
}
