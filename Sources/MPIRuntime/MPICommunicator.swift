#if canImport(Glibc)
import Glibc
#endif
import CMPI
import Foundation
import Synchronization

/// `MPI_COMM_WORLD` of an initialised MPI library: point-to-point messages of any size (split into
/// pieces below `Int32.max` bytes), probing, and the few collectives Tessera needs, all nonblocking
/// so that a caller can give up on a rank that stopped answering.
///
/// Calls are serialised by a lock (`MPI_THREAD_SERIALIZED` is requested), so any thread may use it.
public final class MPICommunicator: @unchecked Sendable {
    // @unchecked: the MPI calls are serialised by `lock`; the stored properties are immutable.

    /// The library.
    public let library: MPILibrary
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    /// The thread level the library provided (`MPI_THREAD_*`: 0 single … 3 multiple).
    public let threadLevel: Int
    /// The largest message sent in one piece; longer ones are split.
    public let maxPieceBytes: Int
    private let lock = NSLock()

    /// `MPI_THREAD_SERIALIZED`.
    static let serialized: Int32 = 2

    /// Initialises MPI (unless the program already did), makes errors return codes instead of
    /// aborting, and reads the rank and size; `MPI_Finalize` is called when the process exits.
    ///
    /// - Parameter maxPieceBytes: The largest piece of a split message (at most `Int32.max`).
    public init(library: MPILibrary, maxPieceBytes: Int = 1 << 30) throws {
        self.library = library
        self.maxPieceBytes = min(max(1, maxPieceBytes), Int(Int32.max))
        var flag: Int32 = 0
        try library.check(library.initialized(&flag), "MPI_Initialized")
        var provided: Int32 = Self.serialized
        if flag == 0 {
            try library.check(library.initThread(nil, nil, Self.serialized, &provided), "MPI_Init_thread")
            atexit { MPICommunicator.finalizeAtExit() }
        }
        MPICommunicator.finalizer.withLock { $0 = library }
        threadLevel = Int(provided)
        var rank: Int32 = 0
        var size: Int32 = 0
        switch library.table {
        case let .openMPI(t):
            try library.check(t.setErrorHandler(t.commWorld, t.errorsReturn), "MPI_Comm_set_errhandler")
            try library.check(t.commRank(t.commWorld, &rank), "MPI_Comm_rank")
            try library.check(t.commSize(t.commWorld, &size), "MPI_Comm_size")
        case let .mpich(t):
            let world = MPIFamily.MPICHHandle.commWorld
            try library.check(t.setErrorHandler(world, MPIFamily.MPICHHandle.errorsReturn), "MPI_Comm_set_errhandler")
            try library.check(t.commRank(world, &rank), "MPI_Comm_rank")
            try library.check(t.commSize(world, &size), "MPI_Comm_size")
        }
        self.rank = Int(rank)
        self.size = Int(size)
    }

    private static let finalizer = Mutex<MPILibrary?>(nil)

    /// Finalises MPI at exit if it is still running (a rank leaving without `MPI_Finalize` makes the
    /// launcher report the job as failed).
    private static func finalizeAtExit() {
        guard let library = finalizer.withLock({ $0 }) else { return }
        var done: Int32 = 0
        _ = library.finalized(&done)
        if done == 0 { _ = library.finalize() }
    }

    /// Ends every rank of the job (`MPI_Abort`) with `code`; does not return.
    public func abort(code: Int32) -> Never {
        switch library.table {
        case let .openMPI(t): _ = t.abort(t.commWorld, code)
        case let .mpich(t): _ = t.abort(MPIFamily.MPICHHandle.commWorld, code)
        }
        exit(code)
    }

    // MARK: - Point to point

    /// One posted nonblocking operation and the buffer it reads or writes, kept alive until it completes.
    public final class Request: @unchecked Sendable {
        // @unchecked: touched only by the communicator under its lock.
        fileprivate let handle = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
        fileprivate var done = false
        fileprivate let keepAlive: AnyObject?

        fileprivate init(keepAlive: AnyObject?) {
            handle.storeBytes(of: 0, as: UInt64.self)
            self.keepAlive = keepAlive
        }

        deinit { handle.deallocate() }
    }

    /// A message being sent: its pieces' requests and the bytes they read.
    public struct Outgoing: Sendable {
        /// The requests, header first.
        let requests: [Request]
        /// The number of payload bytes.
        public let byteCount: Int
    }

    /// Owns bytes handed to MPI until the send completes.
    public final class Buffer: @unchecked Sendable {
        // @unchecked: written before the send is posted, only read by MPI afterwards.
        /// The bytes.
        public let bytes: [UInt8]
        /// Wraps `bytes`.
        public init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// Sends `buffer` to `destination` on `tag`: a 16-byte header (length, piece count), then the
    /// bytes in pieces of at most ``maxPieceBytes``, all on `tag`, so the receiver reads them in
    /// order with ``receiveMessage(from:tag:)``.
    public func sendMessage(_ buffer: Buffer, to destination: Int, tag: Int32) throws -> Outgoing {
        let total = buffer.bytes.count
        let pieces = total == 0 ? 0 : (total + maxPieceBytes - 1) / maxPieceBytes
        let header = Buffer([UInt8](repeating: 0, count: 16))
        var headerBytes = header.bytes
        withUnsafeBytes(of: UInt64(total).littleEndian) { headerBytes.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: UInt64(pieces).littleEndian) { headerBytes.replaceSubrange(8..<16, with: $0) }
        let headerBuffer = Buffer(headerBytes)
        var requests: [Request] = []
        try headerBuffer.bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            requests.append(try isend(raw.baseAddress!, count: 16, to: destination, tag: tag, keepAlive: headerBuffer))
        }
        try buffer.bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            for piece in 0..<pieces {
                let start = piece * maxPieceBytes
                let count = min(maxPieceBytes, total - start)
                requests.append(try isend(raw.baseAddress! + start, count: count, to: destination, tag: tag, keepAlive: buffer))
            }
        }
        return Outgoing(requests: requests, byteCount: total)
    }

    /// Sends a small message in one piece (no header), for control messages.
    public func sendSmall(_ buffer: Buffer, to destination: Int, tag: Int32) throws -> Outgoing {
        let request = try buffer.bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) throws in
            try isend(raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, count: raw.count, to: destination, tag: tag,
                      keepAlive: buffer)
        }
        return Outgoing(requests: [request], byteCount: buffer.bytes.count)
    }

    private func isend(_ start: UnsafeRawPointer, count: Int, to destination: Int, tag: Int32,
                       keepAlive: AnyObject) throws -> Request {
        let request = Request(keepAlive: keepAlive)
        lock.lock()
        defer { lock.unlock() }
        let status: Int32
        switch library.table {
        case let .openMPI(t):
            status = t.isend(start, Int32(count), t.byte, Int32(destination), tag, t.commWorld, request.handle)
        case let .mpich(t):
            status = t.isend(start, Int32(count), MPIFamily.MPICHHandle.byte, Int32(destination), tag,
                             MPIFamily.MPICHHandle.commWorld, request.handle)
        }
        try library.check(status, "MPI_Isend")
        return request
    }

    /// Whether every request of `outgoing` has completed (tests each that has not).
    public func isComplete(_ outgoing: Outgoing) throws -> Bool {
        for request in outgoing.requests where !request.done {
            guard try test(request) else { return false }
        }
        return true
    }

    private func test(_ request: Request) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        var flag: Int32 = 0
        var status = StatusBuffer()
        try withUnsafeMutableBytes(of: &status) { (raw: UnsafeMutableRawBufferPointer) throws in
            try library.check(library.test(request.handle, &flag, raw.baseAddress), "MPI_Test")
        }
        if flag != 0 { request.done = true }
        return flag != 0
    }

    /// Room for either family's `MPI_Status` (Open MPI 24 bytes, MPICH 20).
    private struct StatusBuffer {
        var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// The source and tag of a message waiting to be received (on `tag`, or any tag), if any.
    public func probe(tag wanted: Int32? = nil) throws -> (source: Int, tag: Int32)? {
        lock.lock()
        defer { lock.unlock() }
        var flag: Int32 = 0
        var status = StatusBuffer()
        let family = library.family
        return try withUnsafeMutableBytes(of: &status) { (raw: UnsafeMutableRawBufferPointer) throws in
            let code: Int32
            switch library.table {
            case let .openMPI(t):
                code = t.iprobe(family.anySource, wanted ?? family.anyTag, t.commWorld, &flag, raw.baseAddress)
            case let .mpich(t):
                code = t.iprobe(family.anySource, wanted ?? family.anyTag, MPIFamily.MPICHHandle.commWorld, &flag,
                                raw.baseAddress)
            }
            try library.check(code, "MPI_Iprobe")
            guard flag != 0 else { return nil }
            let offsets = family.statusSourceAndTagOffsets
            let source = raw.load(fromByteOffset: offsets.source, as: Int32.self)
            let tag = raw.load(fromByteOffset: offsets.tag, as: Int32.self)
            return (Int(source), tag)
        }
    }

    /// Receives one piece of `count` bytes from `source` on `tag` into `start` (blocking).
    private func receive(into start: UnsafeMutableRawPointer, count: Int, from source: Int, tag: Int32) throws {
        lock.lock()
        defer { lock.unlock() }
        var status = StatusBuffer()
        try withUnsafeMutableBytes(of: &status) { (raw: UnsafeMutableRawBufferPointer) throws in
            let code: Int32
            switch library.table {
            case let .openMPI(t):
                code = t.recv(start, Int32(count), t.byte, Int32(source), tag, t.commWorld, raw.baseAddress)
            case let .mpich(t):
                code = t.recv(start, Int32(count), MPIFamily.MPICHHandle.byte, Int32(source), tag,
                              MPIFamily.MPICHHandle.commWorld, raw.baseAddress)
            }
            try library.check(code, "MPI_Recv")
        }
    }

    /// Receives a message sent with ``sendMessage(_:to:tag:)``: the header, then its pieces.
    ///
    /// - Throws: ``MPIError`` `.malformedMessage` if the header's length and piece count disagree.
    public func receiveMessage(from source: Int, tag: Int32) throws -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 16)
        try header.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) throws in
            try receive(into: raw.baseAddress!, count: 16, from: source, tag: tag)
        }
        let (total, pieces) = header.withUnsafeBytes { raw in
            (Int(UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))),
             Int(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))))
        }
        guard total >= 0, pieces >= 0, pieces == (total == 0 ? 0 : (total + maxPieceBytes - 1) / maxPieceBytes) else {
            throw MPIError(code: .malformedMessage, call: "MPI_Recv",
                           message: "a message from rank \(source) announced \(total) bytes in \(pieces) pieces; the ranks must use the same mpi.max-message")
        }
        var bytes = [UInt8](repeating: 0, count: total)
        try bytes.withUnsafeMutableBytes { (raw: UnsafeMutableRawBufferPointer) throws in
            for piece in 0..<pieces {
                let start = piece * maxPieceBytes
                try receive(into: raw.baseAddress! + start, count: min(maxPieceBytes, total - start), from: source, tag: tag)
            }
        }
        return bytes
    }

    /// Receives a message sent with ``sendSmall(_:to:tag:)`` of at most `capacity` bytes.
    public func receiveSmall(from source: Int, tag: Int32, capacity: Int) throws -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        var bytes = [UInt8](repeating: 0, count: capacity)
        var status = StatusBuffer()
        var count: Int32 = 0
        try withUnsafeMutableBytes(of: &status) { (raw: UnsafeMutableRawBufferPointer) throws in
            try bytes.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) throws in
                switch library.table {
                case let .openMPI(t):
                    try library.check(t.recv(target.baseAddress!, Int32(capacity), t.byte, Int32(source), tag, t.commWorld,
                                             raw.baseAddress), "MPI_Recv")
                    try library.check(t.getCount(raw.baseAddress, t.byte, &count), "MPI_Get_count")
                case let .mpich(t):
                    let world = MPIFamily.MPICHHandle.commWorld
                    try library.check(t.recv(target.baseAddress!, Int32(capacity), MPIFamily.MPICHHandle.byte, Int32(source),
                                             tag, world, raw.baseAddress), "MPI_Recv")
                    try library.check(t.getCount(raw.baseAddress, MPIFamily.MPICHHandle.byte, &count), "MPI_Get_count")
                }
            }
        }
        return Array(bytes.prefix(Int(max(0, count))))
    }

    // MARK: - Collectives

    /// A nonblocking all-gather of one 64-bit value per rank; poll it with ``isComplete(_:)``
    /// and read the values with ``GatheredValues/values``.
    public final class GatheredValues: @unchecked Sendable {
        // @unchecked: MPI writes `received` until the request completes; read only after.
        fileprivate let sent: UnsafeMutablePointer<UInt64>
        fileprivate let received: UnsafeMutablePointer<UInt64>
        fileprivate let count: Int
        fileprivate let request = Request(keepAlive: nil)

        fileprivate init(value: UInt64, count: Int) {
            sent = .allocate(capacity: 1)
            sent.initialize(to: value)
            received = .allocate(capacity: count)
            received.initialize(repeating: 0, count: count)
            self.count = count
        }

        deinit {
            sent.deallocate()
            received.deallocate()
        }

        /// Every rank's value, by rank (valid once complete).
        public var values: [UInt64] { Array(UnsafeBufferPointer(start: received, count: count)) }
    }

    /// Starts `MPI_Iallgather` of `value`.
    public func startAllGather(_ value: UInt64) throws -> GatheredValues {
        let gathered = GatheredValues(value: value, count: size)
        lock.lock()
        defer { lock.unlock() }
        let status: Int32
        switch library.table {
        case let .openMPI(t):
            status = t.iallgather(gathered.sent, 1, t.uint64, gathered.received, 1, t.uint64, t.commWorld, gathered.request.handle)
        case let .mpich(t):
            status = t.iallgather(gathered.sent, 1, MPIFamily.MPICHHandle.uint64, gathered.received, 1, MPIFamily.MPICHHandle.uint64,
                                  MPIFamily.MPICHHandle.commWorld, gathered.request.handle)
        }
        try library.check(status, "MPI_Iallgather")
        return gathered
    }

    /// Whether the all-gather has completed.
    public func isComplete(_ gathered: GatheredValues) throws -> Bool {
        if gathered.request.done { return true }
        return try test(gathered.request)
    }
}
