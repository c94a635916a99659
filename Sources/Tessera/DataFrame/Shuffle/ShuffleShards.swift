#if canImport(Glibc)
import Glibc
#endif
import Backends
import Foundation
import Synchronization

/// How shuffles of one computation exchange data, read from the configuration when the plan is
/// lowered (`dataframe.shuffle.*`, see docs/configuration.md).
struct ShuffleSettings: Sendable, Hashable {
    /// Spill every shard to disk (`method: "disk"`), or only past the budget (`"tasks"`).
    var alwaysSpill: Bool
    /// Bytes of shards held in memory, process-wide, before new shards go to disk.
    var memoryBudget: Int
    /// Where spilled shards are written.
    var spillDirectory: String
    /// The widest all-to-all exchange; wider hash shuffles go in stages.
    var maxBranch: Int

    /// The settings the configuration names now.
    static func current() -> ShuffleSettings {
        let method = Config.get("dataframe.shuffle.method")?.stringValue ?? "tasks"
        let budget = Config.get("dataframe.shuffle.memory-budget").flatMap(ByteSize.parse) ?? (2 << 30)
        let directory = Config.get("dataframe.shuffle.spill-directory")?.stringValue
            ?? (FileManager.default.temporaryDirectory.path + "/tessera-shuffle")
        let branch = Config.get("dataframe.shuffle.max-branch")?.intValue ?? 32
        return ShuffleSettings(alwaysSpill: method == "disk", memoryBudget: budget, spillDirectory: directory,
                               maxBranch: Swift.max(2, branch))
    }
}

/// The bytes of shuffle shards held in memory by the whole process, against which each split
/// task checks the budget before keeping its shards in memory.
enum ShuffleLedger {
    private static let held = Atomic<Int>(0)

    /// Reserves `bytes` if that keeps the total within `budget`.
    static func reserve(_ bytes: Int, budget: Int) -> Bool {
        var current = held.load(ordering: .relaxed)
        while true {
            guard current + bytes <= budget else { return false }
            let (exchanged, original) = held.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    /// Gives back a reservation.
    static func release(_ bytes: Int) { held.subtract(bytes, ordering: .relaxed) }

    /// The bytes reserved now (for tests and diagnostics).
    static var heldBytes: Int { held.load(ordering: .relaxed) }
}

/// The output of one shuffle split task: one piece per destination, in memory or in a file.
///
/// The scheduler drops a task's result when its last consumer has run; the shards' memory
/// reservation is given back and their file deleted then (also when the computation fails).
final class ShuffleShards: Sendable {
    private enum Storage: Sendable {
        case memory([any DataFrameChunk])
        case disk(path: String, ranges: [Range<Int>])
        /// Some of `count` pieces, received from another rank (the only ones its tasks read).
        case partial([Int: DataFrame], count: Int)
    }

    private let storage: Storage
    private let reservedBytes: Int

    /// Counts the shards spilled by the process (for tests and diagnostics).
    static let spillCount = Atomic<Int>(0)
    private static let fileCounter = Atomic<Int>(0)

    /// Holds `pieces`, in memory if the budget allows, else written to a file.
    init(_ pieces: [any DataFrameChunk], settings: ShuffleSettings) throws {
        let bytes = pieces.reduce(0) { $0 + $1.estimatedByteCount }
        if !settings.alwaysSpill, ShuffleLedger.reserve(bytes, budget: settings.memoryBudget) {
            storage = .memory(pieces)
            reservedBytes = bytes
            return
        }
        reservedBytes = 0
        storage = try Self.spill(pieces, directory: settings.spillDirectory)
        Self.spillCount.add(1, ordering: .relaxed)
    }

    /// Holds the pieces another rank sent, out of `count` (no memory reservation, never spilled).
    init(received pieces: [Int: DataFrame], count: Int) {
        storage = .partial(pieces, count: count)
        reservedBytes = 0
    }

    deinit {
        switch storage {
        case .memory: ShuffleLedger.release(reservedBytes)
        case let .disk(path, _): _ = unlink(path)
        case .partial: break
        }
    }

    /// The number of pieces.
    var count: Int {
        switch storage {
        case let .memory(pieces): pieces.count
        case let .disk(_, ranges): ranges.count
        case let .partial(_, count): count
        }
    }

    /// Piece `index`, read back from disk into `meta`'s backend when it was spilled.
    func piece(_ index: Int, meta: any DataFrameChunk) throws -> any DataFrameChunk {
        switch storage {
        case let .memory(pieces):
            return pieces[index]
        case let .disk(path, ranges):
            let range = ranges[index]
            let bytes = try Self.read(path, range)
            let frame = try bytes.withUnsafeBytes { try FrameShardCodec.decode($0) }
            return try meta.fromHost(frame)
        case let .partial(pieces, _):
            guard let piece = pieces[index] else {
                throw FrameOperationError.internalError("shuffle piece \(index) was not sent to this rank")
            }
            return try meta.fromHost(piece)
        }
    }

    /// The host form of the pieces at `indices` (for sending them to another rank).
    func hostPieces(_ indices: [Int]) throws -> [(index: Int, frame: DataFrame)] {
        try indices.map { index in
            guard index >= 0, index < count else {
                throw FrameOperationError.internalError("shuffle piece \(index) of \(count) requested")
            }
            switch storage {
            case let .memory(pieces): return (index, try pieces[index].toHost())
            case .disk, .partial:
                guard case let .partial(pieces, _) = storage else {
                    return (index, try piece(index, meta: DataFrame(emptyWith: Schema([]))).toHost())
                }
                guard let frame = pieces[index] else {
                    throw FrameOperationError.internalError("shuffle piece \(index) was not sent to this rank")
                }
                return (index, frame)
            }
        }
    }

    private static func spill(_ pieces: [any DataFrameChunk], directory: String) throws -> Storage {
        _ = mkdir(directory, 0o700)
        let path = "\(directory)/shards-\(getpid())-\(fileCounter.add(1, ordering: .relaxed).newValue).bin"
        let descriptor = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw ShuffleError.spill("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var ranges: [Range<Int>] = []
        var offset = 0
        do {
            for piece in pieces {
                let bytes = FrameShardCodec.encode(try piece.toHost())
                try bytes.withUnsafeBytes { buffer in
                    var written = 0
                    while written < buffer.count {
                        let result = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                        guard result > 0 else { throw ShuffleError.spill("cannot write \(path): \(String(cString: strerror(errno)))") }
                        written += result
                    }
                }
                ranges.append(offset..<(offset + bytes.count))
                offset += bytes.count
            }
        } catch {
            _ = unlink(path)
            throw error
        }
        return .disk(path: path, ranges: ranges)
    }

    private static func read(_ path: String, _ range: Range<Int>) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ShuffleError.spill("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: range.count)
        try bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < buffer.count {
                let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(range.lowerBound + done))
                guard result > 0 else { throw ShuffleError.spill("cannot read \(path): \(String(cString: strerror(errno)))") }
                done += result
            }
        }
        return bytes
    }
}

/// A failure of the shuffle's own machinery (its spill files).
public enum ShuffleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Writing or reading a spilled shard failed; the message names the file and the reason.
    case spill(String)

    /// The message.
    public var description: String {
        switch self {
        case let .spill(message): "Shuffle spill failed: \(message). Set dataframe.shuffle.spill-directory to a writable folder."
        }
    }
}
