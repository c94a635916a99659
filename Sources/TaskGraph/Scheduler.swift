import Backends

/// Hooks a scheduler calls as it runs a graph, for progress bars and diagnostics.
///
/// Every hook runs on the thread that triggered it (task hooks on worker threads), so they must be
/// quick and thread-safe.
public struct SchedulerCallbacks: Sendable {
    /// Called once before any task runs, with the number of tasks.
    public var start: (@Sendable (_ taskCount: Int) -> Void)?
    /// Called before a task runs.
    public var taskStart: (@Sendable (_ key: TaskKey) -> Void)?
    /// Called after a task finished successfully.
    public var taskEnd: (@Sendable (_ key: TaskKey) -> Void)?
    /// Called once at the end, with the error if the graph failed.
    public var finish: (@Sendable (_ error: (any Error)?) -> Void)?

    /// Callbacks with the given hooks (each optional).
    public init(start: (@Sendable (Int) -> Void)? = nil, taskStart: (@Sendable (TaskKey) -> Void)? = nil,
                taskEnd: (@Sendable (TaskKey) -> Void)? = nil, finish: (@Sendable ((any Error)?) -> Void)? = nil) {
        self.start = start
        self.taskStart = taskStart
        self.taskEnd = taskEnd
        self.finish = finish
    }

    /// Combines several sets of callbacks into one that calls each in turn.
    public static func combining(_ all: [SchedulerCallbacks]) -> SchedulerCallbacks {
        SchedulerCallbacks(
            start: { n in all.forEach { $0.start?(n) } },
            taskStart: { k in all.forEach { $0.taskStart?(k) } },
            taskEnd: { k in all.forEach { $0.taskEnd?(k) } },
            finish: { e in all.forEach { $0.finish?(e) } }
        )
    }
}

/// Runs a graph of tasks and returns the results of the requested keys.
public protocol Scheduler: Sendable {
    /// Computes `outputs` from `graph`, releasing every other result as soon as its last consumer
    /// has run.
    ///
    /// - Throws: ``TaskError`` naming the first task that failed, carrying its error; no further
    ///   tasks start after a failure.
    func run(_ graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws -> [TaskKey: any Sendable]
}

/// The callbacks registered process-wide (for example by a progress bar), used by every compute.
public enum GlobalCallbacks {
    private static let registered = LockedBox<[Int: SchedulerCallbacks]>([:])
    private static let counter = AtomicCounter()

    /// Registers callbacks for every later compute; returns a token for ``unregister(_:)``.
    public static func register(_ callbacks: SchedulerCallbacks) -> Int {
        let token = counter.next()
        registered.withLock { $0[token] = callbacks }
        return token
    }

    /// Removes callbacks registered with ``register(_:)``.
    public static func unregister(_ token: Int) {
        registered.withLock { $0[token] = nil }
    }

    /// The registered callbacks combined with `extra`.
    public static func combined(with extra: SchedulerCallbacks?) -> SchedulerCallbacks {
        let all = registered.withLock { Array($0.sorted { $0.key < $1.key }.map(\.value)) } + (extra.map { [$0] } ?? [])
        return all.isEmpty ? SchedulerCallbacks() : .combining(all)
    }
}
