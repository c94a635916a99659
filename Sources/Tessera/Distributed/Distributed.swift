#if canImport(Glibc)
import Glibc
#endif
import Backends
import Foundation
import MPIRuntime
import Synchronization
import TaskGraph

/// The MPI job this process belongs to, when it was started by `mpirun`, `srun` or another MPI
/// launcher (docs/distributed.md).
///
/// Every rank runs the same program; with `scheduler: "mpi"`, `compute()` is collective: every
/// rank calls it, each runs the tasks it owns, and the result is returned on rank 0 (on every rank
/// with `mpi.results: all`). Without a launcher, or without an MPI library, there is one rank and
/// everything runs in this process.
public enum Distributed {
    private enum State {
        case notStarted
        case single
        case running(MPICommunicator)
    }

    private static let state = Mutex<State>(.notStarted)
    private static let statistics = Mutex<DistributedRunStatistics?>(nil)
    private static let runs = Mutex<UInt64>(0)

    /// The environment variables MPI launchers set in the processes they start.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE", "PMIX_RANK"]

    /// Joins the MPI job if this process was started by an MPI launcher (or `mpi.library` names a
    /// library): loads MPI, initialises it and returns the communicator; `nil` when there is no
    /// job, and the program runs as one process. Idempotent; `compute()` calls it.
    ///
    /// Call it first thing in `main` so MPI is initialised before any thread starts.
    ///
    /// - Throws: ``DistributedError/mpi(_:)`` when launched by MPI but the library cannot be used.
    @discardableResult
    public static func start() throws -> MPICommunicator? {
        try state.withLock { state in
            switch state {
            case .single: return nil
            case let .running(communicator): return communicator
            case .notStarted: break
            }
            let environment = ProcessInfo.processInfo.environment
            let configured = Config.get("mpi.library")?.stringValue
            let launched = launcherVariables.contains { environment[$0] != nil }
            guard launched || configured != nil else {
                state = .single
                return nil
            }
            do {
                let library = try MPILibrary(candidates: configured.map { [$0] }
                                             ?? MPILibrary.defaultCandidates(environment: environment))
                let maxPiece = Config.get("mpi.max-message").flatMap(ByteSize.parse) ?? (1 << 30)
                let communicator = try MPICommunicator(library: library, maxPieceBytes: maxPiece)
                state = .running(communicator)
                return communicator
            } catch let error as MPIError {
                if !launched {
                    state = .single
                    return nil
                }
                throw DistributedError.mpi(error)
            }
        }
    }

    /// This process's rank (0 without an MPI job).
    public static var rank: Int { (try? start())?.rank ?? 0 }

    /// The number of ranks (1 without an MPI job).
    public static var size: Int { (try? start())?.size ?? 1 }

    /// "Open MPI v4.1.4 …, 4 ranks", or "no MPI job" — for logs.
    public static var summary: String {
        guard let communicator = try? start() else { return "no MPI job: one process" }
        return "\(communicator.library.family.rawValue) (\(communicator.library.versionLine)), rank \(communicator.rank) of \(communicator.size)"
    }

    /// Prints `error` with this rank's number to standard error and ends the whole job with
    /// `MPI_Abort` (or `exit` without a job). Does not return.
    public static func abort(_ error: any Error, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("rank \(rank): error: \(error)\n".utf8))
        abort(code: code)
    }

    /// Ends every rank of the job with `MPI_Abort` (or `exit` without a job), printing nothing.
    public static func abort(code: Int32) -> Never {
        guard let communicator = try? start() else { exit(code) }
        communicator.abort(code: code)
    }

    /// What the last distributed `compute()` of this process did (nil before one ran).
    public static var lastRun: DistributedRunStatistics? { statistics.withLock { $0 } }

    static func record(_ run: DistributedRunStatistics) { statistics.withLock { $0 = run } }

    /// The latest run number each rank announced it reached.
    private static let arrivals = Mutex<[Int: UInt64]>([:])

    static func noteArrival(rank: Int, run: UInt64) {
        arrivals.withLock { $0[rank] = max($0[rank] ?? 0, run) }
    }

    static func hasArrived(rank: Int, run: UInt64) -> Bool {
        arrivals.withLock { ($0[rank] ?? 0) >= run }
    }

    /// The next run's number, the same on every rank as they compute in the same order.
    static func nextRunNumber() -> UInt64 {
        runs.withLock { value in
            value += 1
            return value
        }
    }
}

/// What one distributed `compute()` did on this rank.
public struct DistributedRunStatistics: Sendable {
    /// This rank and the number of ranks.
    public var rank = 0, ranks = 1
    /// Tasks in the graph, and the tasks this rank ran.
    public var totalTasks = 0, tasksRun = 0
    /// Payload bytes this rank sent and received (task results only, not control messages).
    public var bytesSent = 0, bytesReceived = 0
    /// Results this rank sent and received.
    public var messagesSent = 0, messagesReceived = 0
    /// Seconds spent running tasks (summed over worker threads).
    public var computeSeconds = 0.0
    /// Seconds spent encoding, decoding and in MPI calls (summed over threads).
    public var communicationSeconds = 0.0
    /// Seconds from the graph check to the end of the run.
    public var wallSeconds = 0.0
    /// The rank that computed each output.
    public var outputOwners: [TaskKey: Int] = [:]

    /// Zeros.
    public init() {}
}
