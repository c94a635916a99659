import Backends
import Foundation
import PandasBackend
import TaskGraph

extension ChunkedDataFrame {
    /// The tree width of dataframe reductions (Dask's `split_every` default for dataframes).
    static var splitEvery: Int { 8 }

    /// The plan after optimisation, lowered to layers.
    func lowered() -> LoweredPlan { plan.optimized().lowered(meta: meta.chunk) }

    /// The low-level graph that computes every partition: materialised, culled and fused.
    public func optimizedGraph() throws -> Graph {
        let lowered = lowered()
        let keys = lowered.keys
        return try lowered.graph.materialize(for: [lowered.name]).culled(keeping: keys).fusingLinearChains(keeping: Set(keys))
    }

    /// Computes the partitions with the scheduler the configuration names now.
    func computePartitions(callbacks: SchedulerCallbacks? = nil) throws -> [any DataFrameChunk] {
        let config = try Config.resolved()
        let scheduler = try SchedulerChoice.scheduler(config)
        let lowered = lowered()
        let keys = lowered.keys
        let graph = try lowered.graph.materialize(for: [lowered.name]).culled(keeping: keys).fusingLinearChains(keeping: Set(keys))
        let results = try scheduler.run(graph, outputs: keys, callbacks: GlobalCallbacks.combined(with: callbacks))
        // Under `scheduler: "mpi"`, ranks other than 0 receive no partitions (unless `mpi.results: all`).
        if SchedulerChoice.mayLackOutputs(scheduler) && keys.contains(where: { results[$0] == nil }) { return [] }
        return try keys.map { key in
            guard let value = results[key] else { throw FrameOperationError.internalError("no result for \(key)") }
            return try FramePlan.chunk(value)
        }
    }

    /// Computes the frame and returns it as one partition of its backend, rows in partition order.
    ///
    /// - Throws: `TaskError` naming the task that failed and carrying its error (a file's parse
    ///   error, a type error in an expression), or the errors of reading the configuration.
    public func computeChunk(callbacks: SchedulerCallbacks? = nil) throws -> any DataFrameChunk {
        let partitions = try computePartitions(callbacks: callbacks)
        if partitions.count == 1 { return partitions[0] }
        if partitions.isEmpty { return try meta.chunk.empty(schema: schema) }
        return try meta.chunk.concatenate(partitions)
    }

    /// Computes the frame into a host ``DataFrame``.
    public func compute(callbacks: SchedulerCallbacks? = nil) throws -> DataFrame {
        try computeChunk(callbacks: callbacks).toHost().withIndexStart(0)
    }

    /// Computes the frame without blocking the caller's thread; the caller's scoped configuration
    /// holds on the threads that run the graph.
    public func compute() async throws -> DataFrame {
        let snapshot = Config.snapshot
        let frame = self
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try Config.with(snapshot) { try frame.compute() } })
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Computes the frame into a host ``DataFrame`` (same as ``compute(callbacks:)``).
    public func toHost() throws -> DataFrame { try compute() }

    /// Computes the partitions now and returns a frame that holds them in memory.
    ///
    /// Under `scheduler: "mpi"` with several ranks the partitions stay distributed, as a persisted
    /// array's blocks do: each rank keeps the partitions it computed, and later computations on
    /// the frame run the tasks that read a partition on the rank holding it (nothing moves at
    /// persist time).
    public func persist() throws -> ChunkedDataFrame {
        let config = try Config.resolved()
        let scheduler = try SchedulerChoice.scheduler(config, keepOutputs: true)
        let lowered = lowered()
        let keys = lowered.keys
        let graph = try lowered.graph.materialize(for: [lowered.name]).culled(keeping: keys).fusingLinearChains(keeping: Set(keys))
        let results = try scheduler.run(graph, outputs: keys, callbacks: GlobalCallbacks.combined(with: nil))
        let persisted: ChunkedDataFrame
        if SchedulerChoice.mayLackOutputs(scheduler) {
            let owners = Distributed.lastRun?.outputOwners ?? [:]
            var local: [Int: DataFrame] = [:]
            var ranks: [Int] = []
            for (index, key) in keys.enumerated() {
                if let value = results[key] { local[index] = try FramePlan.chunk(value).toHost() }
                guard let owner = owners[key] ?? (results[key] != nil ? Distributed.rank : nil) else {
                    throw FrameOperationError.internalError("no rank holds partition \(index) of the persisted frame")
                }
                ranks.append(owner)
            }
            let source = DistributedFrameSource(kind: "persisted", schema: schema, local: local, owners: ranks)
            persisted = ChunkedDataFrame.fromSource(source, meta: meta)
        } else {
            let partitions = try keys.map { key in
                guard let value = results[key] else { throw FrameOperationError.internalError("no result for \(key)") }
                return try FramePlan.chunk(value).toHost()
            }
            persisted = ChunkedDataFrame.fromSource(InMemoryFrameSource(kind: "persisted", schema: schema, partitions: partitions),
                                                    meta: meta)
        }
        guard let index = validIndex else { return persisted }
        return persisted.withIndex(FrameIndex(name: index.name, divisions: index.divisions, base: persisted.plan))
    }

    /// The partitions computed and held in memory on this rank, every one of them (under
    /// `scheduler: "mpi"` every rank receives all of them), in an in-memory source.
    func persistedEverywhere() throws -> InMemoryFrameSource {
        let partitions = try Config.set(["mpi.results": "all"]) { try computePartitions() }.map { try $0.toHost() }
        return InMemoryFrameSource(kind: "persisted", schema: schema, partitions: partitions)
    }

    /// The first `n` rows, computed (Dask's `head`: from the first partition, and from later ones
    /// only while it has too few rows).
    public func head(_ n: Int = 5) throws -> DataFrame {
        guard n >= 0 else { throw FrameOperationError.invalidArgument("head needs a non-negative row count, got \(n).") }
        var collected: [DataFrame] = []
        var remaining = n
        let count = npartitions
        var start = 0
        var batch = 1
        while remaining > 0 && start < count {
            let end = Swift.min(count, start + batch)
            let part = try with(.concat((start..<end).map { index in FramePlan.partitionSlice(plan, index) })).compute()
            let taken = part.head(remaining)
            collected.append(taken)
            remaining -= taken.rowCount
            start = end
            batch *= 2
        }
        if collected.isEmpty { return DataFrame(emptyWith: schema) }
        return try DataFrame.concatenate(collected).withIndexStart(0)
    }

    /// The last `n` rows, computed from the last partitions.
    public func tail(_ n: Int = 5) throws -> DataFrame {
        guard n >= 0 else { throw FrameOperationError.invalidArgument("tail needs a non-negative row count, got \(n).") }
        var collected: [DataFrame] = []
        var remaining = n
        var index = npartitions - 1
        while remaining > 0 && index >= 0 {
            let part = try with(FramePlan.partitionSlice(plan, index)).compute().tail(remaining)
            collected.insert(part, at: 0)
            remaining -= part.rowCount
            index -= 1
        }
        if collected.isEmpty { return DataFrame(emptyWith: schema) }
        return try DataFrame.concatenate(collected).withIndexStart(0)
    }

    /// The graph as Graphviz DOT text (the low-level tasks after optimisation).
    public func visualize() throws -> String { try optimizedGraph().dot(name: "frame") }
}

extension FramePlan {
    /// A plan for partition `index` of `plan` alone.
    static func partitionSlice(_ plan: FramePlan, _ index: Int) -> FramePlan { .partition(plan, index) }
}

extension ChunkedDataFrame: CustomStringConvertible {
    /// The frame as Dask prints one, without computing: the schema, the partition count, the
    /// backend and the number of plan nodes.
    public var description: String {
        let names = columns
        let types = schema.fields.map(\.type.description)
        let label = "npartitions=\(npartitions)"
        let widths = zip(names, types).map { Swift.max($0.count, $1.count, 3) }
        func row(_ first: String, _ cells: [String]) -> String {
            ([first.padding(toLength: label.count, withPad: " ", startingAt: 0)]
                + zip(cells, widths).map { cell, width in String(repeating: " ", count: width - cell.count) + cell })
                .joined(separator: "  ")
        }
        return [
            "Tessera DataFrame Structure (backend=\(backend), chunktype=\(meta.chunk.chunkType)):",
            row("", names),
            label,
            row("", types),
            row("", widths.map { _ in "..." }),
            "Tessera Name: \(plan.operationName), \(plan.nodeCount) expression\(plan.nodeCount == 1 ? "" : "s")",
        ].joined(separator: "\n")
    }
}
