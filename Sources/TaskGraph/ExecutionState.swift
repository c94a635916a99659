import Backends
import Foundation

/// One graph run, shared by the workers: the tasks, their bookkeeping (``RunProgress``) behind a
/// lock, and the first error.
///
/// Tasks are numbered in priority order, so the hot path works on arrays of integers rather than
/// on keys, and a task's number is its priority. Keys are read only for callbacks and errors.
final class ExecutionState: @unchecked Sendable {
    // @unchecked: every mutable field is read and written only while `condition` is locked.

    /// The graph's tasks, by slot.
    private let tasks: [GraphTask]
    /// The slot of each task, in priority order.
    private let slotAt: [Int]
    /// The requested keys and the numbers of their tasks.
    private let outputs: [(key: TaskKey, index: Int)]
    // Unchecked exclusivity: the lock already serialises every access, so the runtime's
    // per-access bookkeeping would only repeat it on the hot path.
    @exclusivity(unchecked) private var progress: RunProgress
    @exclusivity(unchecked) private(set) var failure: TaskError?
    let condition = WorkLock()
    let callbacks: SchedulerCallbacks
    let configuration: Config.Snapshot

    /// Prepares `graph` for computing `outputs`.
    ///
    /// - Throws: ``GraphError/missingDependency(task:dependency:)`` if a needed key has no task.
    init(graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws {
        let resolved = graph.slots.resolved()
        let slots = resolved.keeping(try resolved.needed(by: outputs))
        let slotDependencies = SlotLists(dependenciesOf: slots)
        let order = slots.priorities(outputs: outputs, dependencies: slotDependencies,
                                     dependents: SlotLists(reversing: slotDependencies))
        var slotAt = [Int](repeating: 0, count: slots.count)
        for (slot, priority) in order.enumerated() where priority >= 0 { slotAt[priority] = slot }
        tasks = slots.tasks
        self.slotAt = slotAt
        self.outputs = outputs.compactMap { key in slots.filledSlot(of: key).map { (key, order[$0]) } }
        var isOutput = [Bool](repeating: false, count: slotAt.count)
        for output in self.outputs { isOutput[output.index] = true }
        progress = RunProgress(dependencies: SlotLists(renumbering: slotDependencies, oldSlot: slotAt, newSlot: order),
                               isOutput: isOutput)
        self.callbacks = callbacks
        configuration = Config.snapshot
    }

    /// The number of tasks.
    var taskCount: Int { slotAt.count }

    /// Runs tasks until none is left or one fails; any number of threads may call this at once.
    ///
    /// The caller's configuration is installed once for the whole loop rather than per task.
    func work() {
        Config.with(configuration) { runTasks() }
    }

    /// Takes, runs and completes tasks, one lock acquisition per task, until the run is over.
    private func runTasks() {
        // Kept across tasks so that the locked sections do not free memory: `released` holds the
        // results a completion let go of until the lock is released.
        var inputs: [any Sendable] = []
        var released: [(any Sendable)?] = []
        condition.lock()
        while true {
            while !progress.hasReady && failure == nil && !progress.isFinished { condition.wait() }
            guard failure == nil, !progress.isFinished, let index = progress.take(inputs: &inputs) else {
                condition.broadcast()
                condition.unlock()
                return
            }
            condition.unlock()
            if !released.isEmpty { released.removeAll(keepingCapacity: true) }

            // The task's fields are read where needed rather than copying the whole task.
            let slot = slotAt[index]
            if let taskStart = callbacks.taskStart { taskStart(tasks[slot].key) }
            let outcome: Result<any Sendable, any Error> = Result { try tasks[slot].run(inputs) }
            if !inputs.isEmpty { inputs.removeAll(keepingCapacity: true) }

            condition.lock()
            switch outcome {
            case let .success(value):
                progress.complete(index, with: value, releasing: &released)
                if progress.hasSeveralReady || progress.isFinished { condition.broadcast() }
                if let taskEnd = callbacks.taskEnd {
                    condition.unlock()
                    taskEnd(tasks[slot].key)
                    condition.lock()
                }
            case let .failure(error):
                if failure == nil {
                    failure = error as? TaskError ?? TaskError(key: tasks[slot].key, underlying: error)
                }
                condition.broadcast()
            }
        }
    }

    /// The results of the requested keys after ``work()`` has finished everywhere.
    func outputValues() throws -> [TaskKey: any Sendable] {
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
        var values: [TaskKey: any Sendable] = [:]
        for (key, index) in outputs {
            guard let value = progress.result(of: index) else {
                throw GraphError.missingDependency(task: key, dependency: key)
            }
            values[key] = value
        }
        return values
    }
}
