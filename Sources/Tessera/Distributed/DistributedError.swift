import MPIRuntime

/// Why a distributed `compute()` stopped; thrown on every rank.
public enum DistributedError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A task failed on `rank`; `message` is its error as that rank described it.
    case taskFailed(key: String, rank: Int, message: String)
    /// The ranks built different graphs (keys, configuration or random seeds differ); the
    /// fingerprint each rank computed, by rank.
    case graphMismatch(fingerprints: [UInt64])
    /// These ranks sent nothing for `seconds` (`mpi.timeout`): they crashed, exited early, or
    /// are not calling `compute()` with the others.
    case unresponsive(ranks: [Int], seconds: Int, phase: String)
    /// The MPI layer failed.
    case mpi(MPIError)

    /// The message, naming the task and rank or the ranks involved.
    public var description: String {
        switch self {
        case let .taskFailed(key, rank, message):
            return "Task \(key) failed on rank \(rank): \(message)"
        case let .graphMismatch(fingerprints):
            let groups = Dictionary(grouping: fingerprints.indices, by: { fingerprints[$0] })
                .sorted { $0.value[0] < $1.value[0] }
                .map { hash, ranks in "ranks \(ranks.map(String.init).joined(separator: ",")): \(String(hash, radix: 16))" }
            return "The ranks built different graphs (" + groups.joined(separator: "; ")
                + "). Every rank must run the same program with the same configuration and random seeds."
        case let .unresponsive(ranks, seconds, phase) where ranks.isEmpty:
            return "Some ranks sent nothing for \(seconds) s while \(phase) (mpi.timeout); they crashed, exited early "
                + "or stopped calling compute() with the others."
        case let .unresponsive(ranks, seconds, phase):
            return "Rank\(ranks.count == 1 ? "" : "s") \(ranks.map(String.init).joined(separator: ", ")) sent nothing for "
                + "\(seconds) s while \(phase) (mpi.timeout); \(ranks.count == 1 ? "it" : "they") crashed, exited early "
                + "or stopped calling compute() with the others."
        case let .mpi(error):
            return "MPI failed: \(error)"
        }
    }
}
