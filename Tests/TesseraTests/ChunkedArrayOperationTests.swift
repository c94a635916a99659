import Foundation
import Synchronization
import Testing
import Tessera
import TesseraTestSupport

@Suite("ChunkedArray operations")
struct ChunkedArrayOperationTests {
    /// The 4×6 array 0..<24 of the fixtures, cut by `chunks`.
    private func x(_ chunks: [Int]) throws -> ChunkedArray {
        let host = try NDArray((0..<24).map(Double.init), shape: [4, 6])
        return try ChunkedArray.fromBlocks(shape: [4, 6], chunks: .uniform(chunks), dtype: .float64, backend: "numpy",
                                           meta: NDArray(scalar: 0.0)) { block in
            try host.slice(zip(block.offset, block.shape).map { StridedRange(start: $0, count: $1) })
        }
    }

    private func expect(_ array: ChunkedArray, _ name: String, rtol: Double = 1e-12,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let fixture = try #require(NumPyFixtures[name], "missing fixture \(name)", sourceLocation: sourceLocation)
        #expect(array.shape == fixture.shape, sourceLocation: sourceLocation)
        #expect(allClose(try values(array), fixture.values, rtol: rtol), "\(name)", sourceLocation: sourceLocation)
    }

    static let chunkings: [[Int]] = [[4, 6], [2, 3], [3, 4], [1, 1], [4, 1]]

    @Test("Results equal NumPy's and do not depend on chunking", arguments: chunkings)
    func operations(_ chunks: [Int]) throws {
        let a = try x(chunks)
        try expect((a + 1) * a - a / 2, "x_plus1_times_x_minus_x_div2")
        try expect(a.sum(), "x_sum")
        try expect(a.sum(axis: 0), "x_sum_axis0")
        try expect(a.sum(axis: 1), "x_sum_axis1")
        try expect(a.mean(axis: 0), "x_mean_axis0")
        try expect(a.std(), "x_std")
        try expect(a.var(axis: 1, ddof: 1), "x_var_ddof1_axis1")
        try expect(a.min(axis: 1), "x_min_axis1")
        try expect(a.max(), "x_max")
        try expect(a[0..<4, 0..<3].prod(axis: 0), "x_prod_axis0")
        try expect(a.transposed(), "x_T")
        try expect(a[1..<3, 2..<5], "x_slice_1_3_2_5")
        try expect(a.matmul(a.transposed()), "x_matmul_xT")
        try expect(ChunkedArray.concatenate([a, a], axis: 0), "concat_x_x_axis0")
        try expect(ChunkedArray.concatenate([a, a], axis: 1), "concat_x_x_axis1")
    }

    @Test("Rechunking never changes values", arguments: chunkings)
    func rechunk(_ chunks: [Int]) throws {
        let a = try x([2, 3])
        let b = try a.rechunk(chunks)
        #expect(b.chunkSize == chunks)
        #expect(try values(b) == values(a))
        #expect(try b.sum().item(Double.self) == 276)
    }

    @Test("split_every changes the tree, never the result", arguments: [2, 3, 4, 100])
    func splitEvery(_ fanIn: Int) throws {
        let a = try ChunkedArray.arange(start: 0, stop: 1_000, step: 1, chunks: [7])
        #expect(try a.sum(splitEvery: fanIn).item(Int.self) == 499_500)
        #expect(try a.mean(splitEvery: fanIn).item(Double.self) == 499.5)
    }

    @Test("Integer sums stay exact and keep NumPy's dtypes")
    func integers() throws {
        let a = try ChunkedArray.arange(start: 1, stop: 101, step: 1, chunks: [13])
        #expect(a.dtype == .int64)
        #expect(try a.sum().item(Int.self) == 5050)
        #expect(try a.mean().dtype == .float64)
        let small = try ChunkedArray.arange(start: 0, stop: 6, step: 1, chunks: [4], dtype: .int32)
        let plus = try small + 1
        #expect(plus.dtype == .int32)
        #expect(try values(plus) == [1, 2, 3, 4, 5, 6])
        #expect(try (small * 0.5).dtype == .float64)
    }

    @Test("ones().sum() needs no memory pass and is exact")
    func onesSum() throws {
        let a = try ChunkedArray.ones(shape: [20_000, 20_000], chunks: [2_000, 2_000])
        #expect(try a.sum().item(Double.self) == 4e8)
        #expect(try ((a + 1) * 2).mean().item(Double.self) == 4)
    }

    @Test("Elementwise chains fuse into one task per block")
    func fusion() throws {
        let a = try x([2, 3])
        let chain = try ((a + 1) * a - a / 2) * 3
        let graph = try chain.optimizedGraph()
        #expect(graph.count == a.blockCount)   // each source block fused with its whole chain
        let reduced = try chain.sum()
        #expect(try reduced.item(Double.self) == 3 * 4462.0)
    }

    @Test("compute, toHost, item and persist")
    func computing() async throws {
        let a = try x([2, 3])
        let host = try a.toHost()
        #expect(host.shape == [4, 6])
        #expect(try a.compute(callbacks: nil) is NDArray)
        let asyncResult = try await a.sum().compute()
        #expect(try asyncResult.toNDArray().item() == .double(276))
        let kept = try a.persist()
        #expect(try values(kept + 0) == values(a))
        #expect(throws: ShapeError.notScalar(shape: [4, 6])) { let _: Double = try a.item() }
    }

    @Test("The synchronous scheduler gives the same results")
    func synchronous() throws {
        try Config.set(["scheduler": "sync"]) {
            let a = try x([2, 3])
            #expect(try a.sum().item(Double.self) == 276)
        }
    }

    @Test("A failing task names its key and keeps the original error")
    func failingTask() throws {
        struct Broken: Error {}
        let a = try ChunkedArray.fromBlocks(shape: [4], chunks: [2], dtype: .float64, backend: "numpy",
                                            meta: NDArray(scalar: 0.0), name: "broken") { block in
            if block.index == [1] { throw Broken() }
            return try NDArray([1.0, 1.0], shape: [2])
        }
        do {
            _ = try a.sum().compute()
            Issue.record("expected a failure")
        } catch let error as TaskError {
            #expect(error.key.name.hasPrefix("broken"))
            #expect(error.underlying is Broken)
        }
    }

    @Test("Bad operations throw clear errors")
    func badOperations() throws {
        let a = try x([2, 3])
        let b = try ChunkedArray.ones(shape: [3, 3], chunks: [3, 3])
        #expect(throws: ShapeError.self) { try a + b }
        #expect(throws: ShapeError.self) { try a.matmul(b) }
        #expect(throws: ShapeError.axisOutOfRange(axis: 2, ndim: 2)) { try a.sum(axis: 2) }
        #expect(throws: ShapeError.self) { try a[0..<5] }
        #expect(throws: ShapeError.self) { try ChunkedArray.concatenate([a, b], axis: 0) }
        #expect(throws: ShapeError.self) { try a.sum(splitEvery: 1) }
        #expect(throws: ShapeError.self) { try a.transposed([0, 0]) }
        #expect(throws: ShapeError.self) { try a.rechunk([0, 1]) }
    }

    @Test("The graph picture has one node per task")
    func visualize() throws {
        let dot = try ChunkedArray.ones(shape: [4], chunks: [2]).sum().visualize()
        #expect(dot.hasPrefix("digraph"))
        #expect(dot.contains("sum"))
        let layers = try ChunkedArray.ones(shape: [4], chunks: [2]).sum().visualize(layers: true)
        #expect(layers.contains("sum-partial"))
    }
}

@Suite("Computing several arrays at once")
struct MultiComputeTests {
    @Test("Shared inputs are generated once and each result is right")
    func shared() throws {
        let calls = Mutex<Int>(0)
        let x = try ChunkedArray.fromBlocks(shape: [6], chunks: [2], dtype: .float64, backend: "numpy",
                                            meta: NDArray(scalar: 0.0)) { block in
            calls.withLock { $0 += 1 }
            return try NDArray((0..<2).map { Double(block.offset[0] + $0) }, shape: [2])
        }
        let results = try ChunkedArray.compute([x.sum(), x.max(), x * 2])
        #expect(try results[0].toNDArray().toArray(Double.self) == [15])
        #expect(try results[1].toNDArray().toArray(Double.self) == [5])
        #expect(try results[2].toNDArray().toArray(Double.self) == [0, 2, 4, 6, 8, 10])
        #expect(calls.withLock { $0 } == 3)
    }
}
