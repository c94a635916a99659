import Backends
import Foundation
import MPIRuntime
import TaskGraph

/// Runs a graph across the ranks of an MPI job (`scheduler: "mpi"`), SPMD and owner computes.
///
/// Every rank calls ``run(_:outputs:callbacks:)`` with the same graph. The ranks first compare a
/// fingerprint of their plans (a nonblocking all-gather, so a rank that never arrives is an error
/// after `mpi.timeout`, not a hang). Each rank then runs the tasks it owns (``DistributedPlan``) on
/// `workers` threads in priority order, while the calling thread does all MPI calls: it sends each
/// result that another rank reads as soon as it is computed (only the shuffle pieces that rank's
/// tasks read), receives what this rank's tasks need, exchanges heartbeats, and watches for a rank
/// that stops answering. A task error is sent to every rank, and every rank throws
/// ``DistributedError/taskFailed(key:rank:message:)``.
public struct MPIScheduler: Scheduler {
    /// The job's communicator.
    public let communicator: MPICommunicator
    /// Threads running tasks on this rank.
    public let workers: Int
    /// Seconds without a word from a rank before it counts as gone.
    public let timeout: Double
    /// Whether every rank receives the outputs (otherwise only rank 0).
    public let resultsOnAllRanks: Bool
    /// Whether outputs stay where they were computed (`persist()`).
    let keepOutputs: Bool

    /// A scheduler over `communicator`'s ranks.
    public init(communicator: MPICommunicator, workers: Int, timeout: Double, resultsOnAllRanks: Bool) {
        self.init(communicator: communicator, workers: workers, timeout: timeout, resultsOnAllRanks: resultsOnAllRanks,
                  keepOutputs: false)
    }

    init(communicator: MPICommunicator, workers: Int, timeout: Double, resultsOnAllRanks: Bool, keepOutputs: Bool) {
        self.communicator = communicator
        self.workers = max(1, workers)
        self.timeout = max(0.1, timeout)
        self.resultsOnAllRanks = resultsOnAllRanks
        self.keepOutputs = keepOutputs
    }

    /// Computes `outputs`; returns the outputs this rank holds afterwards (all of them on rank 0,
    /// or on every rank with ``resultsOnAllRanks``; with kept outputs, those this rank computed).
    public func run(_ graph: Graph, outputs: [TaskKey], callbacks: SchedulerCallbacks) throws -> [TaskKey: any Sendable] {
        let delivery: DistributedPlan.Delivery = keepOutputs ? .keep : resultsOnAllRanks ? .all : .root
        let plan = try DistributedPlan(graph: graph, outputs: outputs, ranks: communicator.size, delivery: delivery)
        let run = DistributedRun(plan: plan, communicator: communicator, workers: workers, timeout: timeout,
                                 number: Distributed.nextRunNumber(), callbacks: callbacks)
        do {
            let values = try run.execute()
            callbacks.finish?(nil)
            return values
        } catch {
            callbacks.finish?(error)
            throw error
        }
    }
}
