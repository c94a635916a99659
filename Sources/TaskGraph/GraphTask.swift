/// One unit of work: a key, the keys whose results it needs, and the function that computes it.
///
/// The function receives the dependencies' results in the order of ``dependencies``.
public struct GraphTask: Sendable {
    /// The task's key.
    public let key: TaskKey
    /// The keys of the results this task consumes.
    public let dependencies: [TaskKey]
    /// A short description of the work, for graph pictures (for example `"sum-partial"`).
    public let label: String
    /// Computes the result from the dependencies' results.
    public let run: @Sendable ([any Sendable]) throws -> any Sendable
    /// What a distributed scheduler needs beyond the work itself; `nil` for most tasks, so a task
    /// stays small for the threaded schedulers.
    private let hints: DistributionHints?

    /// For each dependency, the one piece of a many-piece result (a shuffle split's) the task reads,
    /// or `nil` when it reads whole results; a distributed scheduler sends a rank only the pieces
    /// its tasks read.
    public var inputPieces: [Int]? { hints?.inputPieces }
    /// The rank of a distributed run that holds this task's data (a persisted block); `nil` lets
    /// the scheduler place the task.
    public var preferredRank: Int? { hints?.preferredRank }

    /// A task computing `key` from `dependencies` with `run`.
    ///
    /// - Parameters:
    ///   - inputPieces: For each dependency, the piece of its result the task reads (see
    ///     ``inputPieces``); `nil` when it reads whole results.
    ///   - preferredRank: The rank that must run the task in a distributed run (see ``preferredRank``).
    public init(_ key: TaskKey, dependencies: [TaskKey] = [], label: String? = nil, inputPieces: [Int]? = nil,
                preferredRank: Int? = nil, run: @escaping @Sendable ([any Sendable]) throws -> any Sendable) {
        self.key = key
        self.dependencies = dependencies
        self.label = label ?? key.name
        hints = inputPieces == nil && preferredRank == nil
            ? nil : DistributionHints(inputPieces: inputPieces, preferredRank: preferredRank)
        self.run = run
    }
}

/// ``GraphTask/inputPieces`` and ``GraphTask/preferredRank``, boxed so that tasks without them
/// carry one nil reference.
private final class DistributionHints: Sendable {
    let inputPieces: [Int]?
    let preferredRank: Int?

    init(inputPieces: [Int]?, preferredRank: Int?) {
        self.inputPieces = inputPieces
        self.preferredRank = preferredRank
    }
}

/// A task failed; carries the task's key and the original error.
public struct TaskError: Error, Sendable, CustomStringConvertible {
    /// The key of the task that failed.
    public let key: TaskKey
    /// The error the task threw.
    public let underlying: any Error

    /// Wraps `underlying` as the failure of `key`.
    public init(key: TaskKey, underlying: any Error) {
        self.key = key
        self.underlying = underlying
    }

    /// "Task ('name', 0) failed: <original message>".
    public var description: String { "Task \(key) failed: \(underlying)" }
}
