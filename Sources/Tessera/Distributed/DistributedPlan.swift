import TaskGraph

/// Where every task of one graph runs and what crosses ranks, worked out the same way on every
/// rank from the graph alone, so no rank needs to ask another.
///
/// Placement is *owner computes*, decided before anything runs:
/// - a task with a ``GraphTask/preferredRank`` (a persisted block) runs there;
/// - a task with no inputs (a reader's partition, a creation block) runs on the rank its position
///   in its layer falls to, the layer's tasks dealt out in contiguous blocks (so each rank reads
///   only its share of the files);
/// - any other task runs where most of its inputs are; when ranks tie (a tree-reduction combine,
///   a shuffle output reading every split) it goes to its own layer-block rank if that is among
///   them, otherwise to one of them in turn, which spreads shuffle outputs evenly.
///
/// Sizes are not known before the run, so "where the largest input lives" is approximated by
/// "where most inputs live": blocks of one layer are about the same size.
struct DistributedPlan {
    /// The tasks in priority order (Dask's depth-first `order`).
    let tasks: [GraphTask]
    /// For each task, the indices of its dependencies, in argument order.
    let dependencies: [[Int]]
    /// For each task, the indices of the tasks that read it, once per use.
    let consumers: [[Int]]
    /// The rank that runs each task.
    let owner: [Int]
    /// The requested keys and their task indices.
    let outputs: [(key: TaskKey, index: Int)]
    /// For each task, the other ranks its result goes to and, for a many-piece result, which pieces
    /// (`nil`: the whole result).
    let destinations: [[(rank: Int, pieces: [Int]?)]]
    /// A hash of the structure: layers (by order of appearance), block indices, dependencies,
    /// owners, outputs and destinations.
    let fingerprint: UInt64

    /// Where outputs go after the run.
    enum Delivery: Equatable {
        /// Every output to rank 0.
        case root
        /// Every output to every rank.
        case all
        /// Outputs stay on the rank that computed them (`persist()`).
        case keep
    }

    /// The plan of `graph` (already culled and fused) for `outputs` over `ranks` ranks.
    ///
    /// - Throws: ``GraphError`` for a missing dependency.
    init(graph: Graph, outputs requested: [TaskKey], ranks: Int, delivery: Delivery) throws {
        let byKey = graph.tasks
        let priorities = graph.priorities(outputs: requested)
        var ordered = [GraphTask?](repeating: nil, count: byKey.count)
        for (key, task) in byKey {
            guard let priority = priorities[key], priority >= 0, priority < ordered.count else { continue }
            ordered[priority] = task
        }
        let tasks = ordered.compactMap { $0 }
        var indexOf: [TaskKey: Int] = [:]
        indexOf.reserveCapacity(tasks.count)
        for (index, task) in tasks.enumerated() { indexOf[task.key] = index }
        var dependencies: [[Int]] = []
        dependencies.reserveCapacity(tasks.count)
        var consumers = [[Int]](repeating: [], count: tasks.count)
        for (index, task) in tasks.enumerated() {
            let resolved = try task.dependencies.map { key in
                guard let found = indexOf[key] else { throw GraphError.missingDependency(task: task.key, dependency: key) }
                return found
            }
            for dependency in resolved { consumers[dependency].append(index) }
            dependencies.append(resolved)
        }
        let outputs = try requested.map { key in
            guard let index = indexOf[key] else { throw GraphError.missingDependency(task: key, dependency: key) }
            return (key: key, index: index)
        }
        let owner = Self.place(tasks, dependencies: dependencies, ranks: ranks)

        // What crosses ranks: each result once to each other rank that reads it (only the pieces
        // read there, when every reader there names one), and outputs to where they are delivered.
        var destinations = [[(rank: Int, pieces: [Int]?)]](repeating: [], count: tasks.count)
        for index in tasks.indices {
            var pieces: [Int: Set<Int>?] = [:]
            for consumer in consumers[index] where owner[consumer] != owner[index] {
                let rank = owner[consumer]
                let task = tasks[consumer]
                var read: Set<Int>? = nil
                if let hints = task.inputPieces, hints.count == task.dependencies.count {
                    read = Set(zip(dependencies[consumer], hints).filter { $0.0 == index }.map(\.1))
                }
                switch (pieces[rank], read) {
                case (.none, _): pieces[rank] = .some(read)
                case let (.some(.some(existing)), .some(more)): pieces[rank] = .some(existing.union(more))
                default: pieces[rank] = .some(nil)
                }
            }
            destinations[index] = pieces.keys.sorted().map { rank in
                (rank, pieces[rank]!.map { $0.sorted() })
            }
        }
        var isOutput = [Bool](repeating: false, count: tasks.count)
        for output in outputs { isOutput[output.index] = true }
        for (index, output) in isOutput.enumerated() where output {
            let targets: [Int] = switch delivery {
            case .root: [0]
            case .all: Array(0..<ranks)
            case .keep: []
            }
            for rank in targets where rank != owner[index] {
                if let position = destinations[index].firstIndex(where: { $0.rank == rank }) {
                    destinations[index][position].pieces = nil
                } else {
                    destinations[index].append((rank, nil))
                }
            }
            destinations[index].sort { $0.rank < $1.rank }
        }

        self.tasks = tasks
        self.dependencies = dependencies
        self.consumers = consumers
        self.owner = owner
        self.outputs = outputs
        self.destinations = destinations
        // Layer names are compared by their order of first appearance, not their text: dataframe
        // layers are named after a per-process hash of their plan, so the same layer has another
        // name on each rank, while the structure (layers, block indices, edges, owners) is shared.
        var hash = GraphFingerprint()
        hash.add(UInt64(ranks))
        hash.add(UInt64(tasks.count))
        var layerNumber: [String: Int] = [:]
        for (index, task) in tasks.enumerated() {
            let number = layerNumber[task.key.name] ?? layerNumber.count
            layerNumber[task.key.name] = number
            hash.add(UInt64(number))
            hash.add(UInt64(task.key.index.count))
            for coordinate in task.key.index { hash.add(UInt64(bitPattern: Int64(coordinate))) }
            hash.add(UInt64(owner[index]))
            for dependency in dependencies[index] { hash.add(UInt64(dependency)) }
            for destination in destinations[index] {
                hash.add(UInt64(destination.rank))
                for piece in destination.pieces ?? [] { hash.add(UInt64(piece)) }
            }
        }
        for output in outputs { hash.add(UInt64(output.index)) }
        fingerprint = hash.value
    }

    /// The owner of every task (see the type's documentation).
    static func place(_ tasks: [GraphTask], dependencies: [[Int]], ranks: Int) -> [Int] {
        guard ranks > 1 else { return [Int](repeating: 0, count: tasks.count) }
        // Each task's rank by its position in its layer (keys of one layer sorted by block index).
        var layers: [String: [Int]] = [:]
        for (index, task) in tasks.enumerated() { layers[task.key.name, default: []].append(index) }
        var layerRank = [Int](repeating: 0, count: tasks.count)
        for (_, members) in layers {
            let sorted = members.sorted { tasks[$0].key.index.lexicographicallyPrecedes(tasks[$1].key.index) }
            for (position, index) in sorted.enumerated() { layerRank[index] = position * ranks / sorted.count }
        }
        // Dependencies come before their consumers in priority order, so one pass suffices.
        var owner = [Int](repeating: 0, count: tasks.count)
        var votes = [Int](repeating: 0, count: ranks)
        for index in tasks.indices {
            if let preferred = tasks[index].preferredRank, preferred >= 0, preferred < ranks {
                owner[index] = preferred
                continue
            }
            let inputs = dependencies[index]
            guard !inputs.isEmpty else {
                owner[index] = layerRank[index]
                continue
            }
            for rank in votes.indices { votes[rank] = 0 }
            for input in inputs { votes[owner[input]] += 1 }
            let most = votes.max() ?? 0
            let tied = votes.indices.filter { votes[$0] == most }
            if tied.count == 1 {
                owner[index] = tied[0]
            } else if tied.contains(layerRank[index]) {
                owner[index] = layerRank[index]
            } else {
                owner[index] = tied[layerRank[index] % tied.count]
            }
        }
        return owner
    }
}

/// FNV-1a over 64 bits: the same on every rank and every run (Swift's `Hasher` is seeded per
/// process, so it cannot compare graphs across processes).
struct GraphFingerprint {
    /// The hash so far.
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// Mixes in a byte.
    mutating func add(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    /// Mixes in an integer's eight bytes.
    mutating func add(_ number: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { add(byte: UInt8(truncatingIfNeeded: number >> UInt64(shift))) }
    }

    /// Mixes in a string's UTF-8 bytes and its length.
    mutating func add(_ text: String) {
        for byte in text.utf8 { add(byte: byte) }
        add(UInt64(text.utf8.count))
    }
}
