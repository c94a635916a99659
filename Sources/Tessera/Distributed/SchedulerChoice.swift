import Backends
import MPIRuntime
import TaskGraph

/// The scheduler the configuration names: `threads`, `sync`, or `mpi` (which is the threaded
/// scheduler when there is no MPI job or it has one rank).
enum SchedulerChoice {
    /// The scheduler for `config`; with `keepOutputs`, an MPI run leaves each output on the rank
    /// that computed it (`persist()`).
    ///
    /// - Throws: ``DistributedError/mpi(_:)`` when launched by MPI but MPI cannot be used.
    static func scheduler(_ config: ResolvedConfig, keepOutputs: Bool = false) throws -> any Scheduler {
        if config.scheduler == "mpi" {
            if let communicator = try Distributed.start(), communicator.size > 1 {
                return MPIScheduler(communicator: communicator, workers: config.numWorkers,
                                    timeout: Double(Config.get("mpi.timeout")?.intValue ?? 60),
                                    resultsOnAllRanks: Config.get("mpi.results")?.stringValue == "all",
                                    keepOutputs: keepOutputs)
            }
            return ThreadedScheduler(workers: config.numWorkers)
        }
        return config.isSynchronous ? SynchronousScheduler() : ThreadedScheduler(workers: config.numWorkers)
    }

    /// Whether `scheduler` is a distributed one that leaves this rank without some outputs.
    static func mayLackOutputs(_ scheduler: any Scheduler) -> Bool {
        guard let mpi = scheduler as? MPIScheduler else { return false }
        return mpi.keepOutputs || (!mpi.resultsOnAllRanks && mpi.communicator.rank != 0)
    }
}
