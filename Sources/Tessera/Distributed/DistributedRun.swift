import Backends
import Foundation
import MPIRuntime
import TaskGraph

/// One distributed run on one rank: the worker threads and the communication loop.
final class DistributedRun: @unchecked Sendable {
    // @unchecked: the mutable fields are touched only while `condition` is locked, except those
    // the communication loop (the calling thread) owns alone, marked below.

    /// Message tags.
    enum Tag {
        static let data: Int32 = 101
        static let heartbeat: Int32 = 102
        static let done: Int32 = 103
        static let failure: Int32 = 104
        static let arrival: Int32 = 105
    }

    let plan: DistributedPlan
    let communicator: MPICommunicator
    let workers: Int
    let timeout: Double
    let number: UInt64
    let callbacks: SchedulerCallbacks
    let me: Int
    let configuration = Config.snapshot
    let condition = NSCondition()

    // Guarded by `condition`.
    private var results: [(any Sendable)?]
    private var remainingDependencies: [Int]
    private var remainingUses: [Int]
    private var keep: [Bool]
    private var ready = PriorityQueue()
    private var outbox: [(rank: Int, buffer: MPICommunicator.Buffer)] = []
    private var localRemaining = 0
    private var failure: (key: TaskKey, message: String)?
    private var stopping = false
    private var statistics = DistributedRunStatistics()

    init(plan: DistributedPlan, communicator: MPICommunicator, workers: Int, timeout: Double, number: UInt64,
         callbacks: SchedulerCallbacks) {
        self.plan = plan
        self.communicator = communicator
        self.workers = workers
        self.timeout = timeout
        self.number = number
        self.callbacks = callbacks
        me = communicator.rank
        let count = plan.tasks.count
        results = [(any Sendable)?](repeating: nil, count: count)
        remainingDependencies = plan.dependencies.map(\.count)
        remainingUses = plan.consumers.map { consumers in consumers.count { plan.owner[$0] == communicator.rank } }
        keep = [Bool](repeating: false, count: count)
        for output in plan.outputs { keep[output.index] = true }
        for index in 0..<count where plan.owner[index] == me {
            localRemaining += 1
            if remainingDependencies[index] == 0 { ready.insert(index) }
        }
        statistics.rank = me
        statistics.ranks = communicator.size
        statistics.totalTasks = count
    }

    /// Checks the plans agree, runs this rank's share and returns the outputs held here.
    func execute() throws -> [TaskKey: any Sendable] {
        let started = Date()
        try checkFingerprints()
        callbacks.start?(localRemaining)
        for _ in 0..<min(workers, max(1, localRemaining)) {
            let thread = Thread { [self] in Config.with(configuration) { work() } }
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer {
            condition.lock()
            stopping = true
            condition.broadcast()
            condition.unlock()
        }
        try communicate()
        condition.lock()
        defer { condition.unlock() }
        var values: [TaskKey: any Sendable] = [:]
        for (key, index) in plan.outputs {
            if let value = results[index] { values[key] = value }
            statistics.outputOwners[key] = plan.owner[index]
        }
        statistics.wallSeconds = Date().timeIntervalSince(started)
        Distributed.record(statistics)
        return values
    }

    // MARK: - The graph check

    /// All-gathers the plan's fingerprint and throws ``DistributedError/graphMismatch(fingerprints:)``
    /// on every rank if they differ, or ``DistributedError/unresponsive(ranks:seconds:phase:)`` if
    /// some rank does not join within the timeout.
    ///
    /// Each rank also tells the others it arrived (a small message), so a timeout names the ranks
    /// that did not.
    private func checkFingerprints() throws {
        let others = (0..<communicator.size).filter { $0 != me }
        var pending: [MPICommunicator.Outgoing] = []
        for rank in others {
            pending.append(try mpi { try communicator.sendSmall(Self.controlMessage(number, ""), to: rank, tag: Tag.arrival) })
        }
        let gathered = try mpi { try communicator.startAllGather(plan.fingerprint) }
        let deadline = Date().addingTimeInterval(timeout)
        var pause = 0.000_05
        while try !mpi({ try communicator.isComplete(gathered) }) {
            while let (source, _) = try mpi({ try communicator.probe(tag: Tag.arrival) }) {
                let bytes = try mpi { try communicator.receiveSmall(from: source, tag: Tag.arrival, capacity: 64) }
                if let (run, _) = Self.control(bytes) { Distributed.noteArrival(rank: source, run: run) }
            }
            pending = try pending.filter { outgoing in try !mpi({ try communicator.isComplete(outgoing) }) }
            if Date() > deadline {
                let missing = others.filter { !Distributed.hasArrived(rank: $0, run: number) }
                throw DistributedError.unresponsive(ranks: missing, seconds: Int(timeout),
                                                    phase: "waiting for every rank to reach compute() (the graph check)")
            }
            Thread.sleep(forTimeInterval: pause)
            pause = min(pause * 2, 0.002)
        }
        let fingerprints = gathered.values
        if Set(fingerprints).count > 1 { throw DistributedError.graphMismatch(fingerprints: fingerprints) }
    }

    // MARK: - Workers

    /// Takes ready tasks in priority order and runs them until this rank's share is done or the
    /// run stops.
    private func work() {
        var inputs: [any Sendable] = []
        condition.lock()
        while true {
            while ready.isEmpty && !stopping && localRemaining > 0 { condition.wait() }
            guard !stopping, let index = ready.popMin() else {
                condition.unlock()
                return
            }
            for dependency in plan.dependencies[index] { inputs.append(results[dependency] ?? ()) }
            condition.unlock()

            let task = plan.tasks[index]
            callbacks.taskStart?(task.key)
            let clock = ContinuousClock.now
            let outcome = Result { try task.run(inputs) }
            let computed = ContinuousClock.now - clock
            inputs.removeAll(keepingCapacity: true)
            var encoded: [(rank: Int, buffer: MPICommunicator.Buffer)] = []
            var encodeError: (any Error)?
            let encodeClock = ContinuousClock.now
            if case let .success(value) = outcome {
                do {
                    for destination in plan.destinations[index] {
                        var writer = ByteWriter()
                        writer.write(number)
                        writer.write(UInt64(index))
                        try TransferCodec.encode(value, pieces: destination.pieces, into: &writer)
                        encoded.append((destination.rank, MPICommunicator.Buffer(writer.bytes)))
                    }
                } catch {
                    encodeError = error
                }
            }
            let encoding = ContinuousClock.now - encodeClock

            condition.lock()
            statistics.computeSeconds += computed.seconds
            statistics.communicationSeconds += encoding.seconds
            switch outcome {
            case let .success(value) where encodeError == nil:
                complete(index, with: value)
                outbox.append(contentsOf: encoded)
                statistics.tasksRun += 1
                localRemaining -= 1
                if let taskEnd = callbacks.taskEnd {
                    condition.unlock()
                    taskEnd(task.key)
                    condition.lock()
                }
            case let .failure(error):
                if failure == nil {
                    let original = (error as? TaskError).map { ($0.key, String(describing: $0.underlying)) }
                        ?? (task.key, String(describing: error))
                    failure = (original.0, original.1)
                }
                stopping = true
            case .success:
                if failure == nil { failure = (task.key, String(describing: encodeError.map { $0 } ?? ChunkCodecError.malformed("?"))) }
                stopping = true
            }
            condition.broadcast()
        }
    }

    /// Stores `index`'s result (while this rank still needs it), releases inputs nobody here needs
    /// any more and readies this rank's consumers whose inputs are all in. Called locked.
    private func complete(_ index: Int, with value: any Sendable) {
        if remainingUses[index] > 0 || keep[index] { results[index] = value }
        if plan.owner[index] == me {
            for dependency in plan.dependencies[index] {
                remainingUses[dependency] -= 1
                if remainingUses[dependency] == 0 && !keep[dependency] { results[dependency] = nil }
            }
        }
        for consumer in plan.consumers[index] where plan.owner[consumer] == me {
            remainingDependencies[consumer] -= 1
            if remainingDependencies[consumer] == 0 { ready.insert(consumer) }
        }
    }

    // MARK: - Communication (the calling thread only)

    /// Sends, receives, heartbeats and watches until every rank has finished, or throws the
    /// run's failure.
    private func communicate() throws {
        let others = (0..<communicator.size).filter { $0 != me }
        var pending: [MPICommunicator.Outgoing] = []
        var lastHeard = [Date](repeating: Date(), count: communicator.size)
        var finished = Set<Int>()
        var sentDone = false
        var lastBeat = Date.distantPast
        var pause = 0.000_02
        let beatInterval = min(1.0, timeout / 4)
        while true {
            var active = false
            condition.lock()
            let sends = outbox
            outbox.removeAll()
            let localFailure = failure
            let localDone = localRemaining == 0
            condition.unlock()

            if let localFailure {
                let message = "\(localFailure.key)\u{1F}\(localFailure.message.prefix(8_000))"
                try broadcastAndDrain(Array(message.utf8), tag: Tag.failure, to: others, pending: &pending)
                throw DistributedError.taskFailed(key: localFailure.key.description, rank: me, message: localFailure.message)
            }
            let clock = ContinuousClock.now
            for (rank, buffer) in sends {
                pending.append(try mpi { try communicator.sendMessage(buffer, to: rank, tag: Tag.data) })
                note { $0.bytesSent += buffer.bytes.count - 16; $0.messagesSent += 1 }
                active = true
            }
            pending = try pending.filter { outgoing in try !mpi({ try communicator.isComplete(outgoing) }) }
            while let (source, tag) = try mpi({ try communicator.probe() }) {
                active = true
                lastHeard[source] = Date()
                switch tag {
                case Tag.data:
                    let bytes = try mpi { try communicator.receiveMessage(from: source, tag: tag) }
                    try receive(bytes, from: source)
                case Tag.failure:
                    let bytes = try mpi { try communicator.receiveSmall(from: source, tag: tag, capacity: 1 << 16) }
                    guard let (run, text) = Self.control(bytes), run == number else { continue }
                    let parts = text.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
                    throw DistributedError.taskFailed(key: parts.first ?? "?", rank: source, message: parts.count > 1 ? parts[1] : "")
                default:
                    let bytes = try mpi { try communicator.receiveSmall(from: source, tag: tag, capacity: 1 << 16) }
                    guard let (run, _) = Self.control(bytes) else { continue }
                    if tag == Tag.done && run == number { finished.insert(source) }
                    if tag == Tag.arrival { Distributed.noteArrival(rank: source, run: run) }
                }
            }
            // Only passes that moved something count: idle polling is waiting, not communicating.
            if active { note { $0.communicationSeconds += (ContinuousClock.now - clock).seconds } }

            if localDone && !sentDone && pending.isEmpty {
                for rank in others {
                    pending.append(try mpi { try communicator.sendSmall(Self.controlMessage(number, ""), to: rank, tag: Tag.done) })
                }
                sentDone = true
                active = true
            }
            if sentDone && finished.count == others.count && pending.isEmpty { return }

            let now = Date()
            if now.timeIntervalSince(lastBeat) >= beatInterval {
                for rank in others where !finished.contains(rank) || !sentDone {
                    pending.append(try mpi { try communicator.sendSmall(Self.controlMessage(number, ""), to: rank, tag: Tag.heartbeat) })
                }
                lastBeat = now
            }
            let silent = others.filter { !finished.contains($0) && now.timeIntervalSince(lastHeard[$0]) > timeout }
            if !silent.isEmpty {
                throw DistributedError.unresponsive(ranks: silent, seconds: Int(timeout), phase: "computing the graph")
            }
            if active {
                pause = 0.000_02
            } else {
                condition.lock()
                if outbox.isEmpty && failure == nil && !(localRemaining == 0 && !localDone) {
                    _ = condition.wait(until: Date().addingTimeInterval(pause))
                }
                condition.unlock()
                pause = min(pause * 2, 0.001)
            }
        }
    }

    /// Decodes a result another rank sent and hands it to this rank's consumers.
    private func receive(_ bytes: [UInt8], from source: Int) throws {
        var reader = ByteReader(bytes)
        let run = try reader.read(UInt64.self)
        let rawIndex = try reader.read(UInt64.self)
        guard run == number else { return }
        guard rawIndex < UInt64(plan.tasks.count) else {
            throw DistributedError.mpi(MPIError(code: .malformedMessage, call: "MPI_Recv",
                                                message: "rank \(source) sent a result for task \(rawIndex) of \(plan.tasks.count)"))
        }
        let index = Int(rawIndex)
        let clock = ContinuousClock.now
        let value = try TransferCodec.decode(from: &reader)
        let decoding = ContinuousClock.now - clock
        condition.lock()
        defer { condition.unlock() }
        statistics.bytesReceived += bytes.count - 16
        statistics.messagesReceived += 1
        statistics.communicationSeconds += decoding.seconds
        complete(index, with: value)
        condition.broadcast()
    }

    /// Sends `payload` on `tag` to every rank in `others` and waits (up to a second) for the sends
    /// to leave, so a failure reaches the others before this rank throws.
    private func broadcastAndDrain(_ payload: [UInt8], tag: Int32, to others: [Int], pending: inout [MPICommunicator.Outgoing]) throws {
        var message = Self.controlMessage(number, "")
        message = MPICommunicator.Buffer(message.bytes + payload)
        for rank in others { pending.append(try mpi { try communicator.sendSmall(message, to: rank, tag: tag) }) }
        let deadline = Date().addingTimeInterval(1)
        while Date() < deadline {
            pending = try pending.filter { outgoing in try !mpi({ try communicator.isComplete(outgoing) }) }
            if pending.isEmpty { return }
            _ = try mpi { try communicator.probe() }
            Thread.sleep(forTimeInterval: 0.000_2)
        }
    }

    /// A control message: the run's number, then UTF-8 text.
    static func controlMessage(_ run: UInt64, _ text: String) -> MPICommunicator.Buffer {
        var writer = ByteWriter()
        writer.write(run)
        return MPICommunicator.Buffer(writer.bytes + Array(text.utf8))
    }

    /// The run number and text of a control message.
    static func control(_ bytes: [UInt8]) -> (UInt64, String)? {
        var reader = ByteReader(bytes)
        guard let run = try? reader.read(UInt64.self) else { return nil }
        return (run, String(decoding: bytes.dropFirst(8), as: UTF8.self))
    }

    /// Runs an MPI call, turning its error into ``DistributedError/mpi(_:)``.
    private func mpi<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as MPIError {
            throw DistributedError.mpi(error)
        }
    }

    private func note(_ update: (inout DistributedRunStatistics) -> Void) {
        condition.lock()
        update(&statistics)
        condition.unlock()
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
