import Foundation

/// Runs a graph on a pool of threads (`scheduler: "threads"`, `num-workers` threads).
///
/// Ready tasks are taken in depth-first priority order, so a branch of the graph finishes and its
/// inputs are freed before the next branch starts; each result is released as soon as its last
/// consumer has run. The calling thread works too. The scoped configuration of the caller is
/// re-installed on every worker before a task runs.
public struct ThreadedScheduler: Scheduler {
    /// The number of threads that run tasks, the caller's included.
    public let workers: Int

    /// A scheduler with `workers` threads (at least one).
    public init(workers: Int) { self.workers = max(1, workers) }

    /// Computes `outputs`.
    public func run(_ graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws
        -> [TaskKey: any Sendable] {
        let state = try ExecutionState(graph: graph, outputs: outputs, callbacks: callbacks)
        callbacks.start?(state.taskCount)
        let helpers = min(workers, state.taskCount) - 1
        let group = DispatchGroup()
        for _ in 0..<max(0, helpers) {
            group.enter()
            let thread = Thread {
                state.work()
                group.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        state.work()
        group.wait()
        do {
            let values = try state.outputValues()
            callbacks.finish?(nil)
            return values
        } catch {
            callbacks.finish?(error)
            throw error
        }
    }
}

/// Runs a graph one task at a time on the calling thread (`scheduler: "sync"`), for debugging
/// and for profiling without threads.
public struct SynchronousScheduler: Scheduler {
    /// The synchronous scheduler.
    public init() {}

    /// Computes `outputs`.
    public func run(_ graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws
        -> [TaskKey: any Sendable] {
        let state = try ExecutionState(graph: graph, outputs: outputs, callbacks: callbacks)
        callbacks.start?(state.taskCount)
        state.work()
        do {
            let values = try state.outputValues()
            callbacks.finish?(nil)
            return values
        } catch {
            callbacks.finish?(error)
            throw error
        }
    }
}
