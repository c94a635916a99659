import Testing
import Tessera
import TesseraTestSupport

@Suite("ChunkedArray creation on \"numpy\"")
struct ChunkedArrayCreationTests {
    private func check(_ array: ChunkedArray, against name: String) throws {
        let fixture = try #require(NumPyFixtures[name], "missing fixture \(name)")
        #expect(array.shape == fixture.shape)
        #expect(array.dtype.rawValue == fixture.dtype)
        #expect(allClose(try values(array), fixture.values, rtol: 1e-12))
    }

    @Test("Creation functions equal NumPy's")
    func creation() throws {
        try check(ChunkedArray.ones(shape: [3, 4], chunks: [2, 3]), against: "ones_3x4_float64")
        try check(ChunkedArray.zeros(shape: [5], chunks: [2], dtype: .int64), against: "zeros_5_int64")
        try check(ChunkedArray.full(shape: [3, 4], fillValue: 7.5, chunks: [2, 2]), against: "full_3x4_7.5")
        try check(ChunkedArray.arange(start: 0, stop: 10, step: 1, chunks: [4]), against: "arange_0_10_1")
        try check(ChunkedArray.arange(start: 10, stop: 0, step: -3, chunks: [2]), against: "arange_10_0_-3")
        try check(ChunkedArray.arange(start: 0.5, stop: 3.0, step: 0.25, chunks: [3]), against: "arange_0.5_3.0_0.25")
        try check(ChunkedArray.arange(start: 0.0, stop: 1.0, step: 0.1, chunks: [3]), against: "arange_0_1_0.1")
        try check(ChunkedArray.arange(start: 5, stop: 5, step: 1, chunks: [3]), against: "arange_5_5_1")
    }

    @Test("Metadata: backend, shape, chunks and dtype")
    func metadata() throws {
        let a = try ChunkedArray.ones(shape: [5, 4], chunks: [2, 4])
        #expect(a.backend == "numpy")
        #expect(a.chunks == [[2, 2, 1], [4]])
        #expect(a.dtype == .float64)
        #expect(try ChunkedArray.empty(shape: [1_000], chunks: [100], dtype: .float32).dtype == .float32)
        #expect(try ChunkedArray.ones(shape: [10], chunks: [-1]).chunks == [[10]])
        #expect(try ChunkedArray.ones(shape: [10], chunks: .explicit([[3, 7]])).chunks == [[3, 7]])
    }

    @Test("Automatic chunks follow array.chunk-size")
    func autoChunks() throws {
        let a = try ChunkedArray.ones(shape: [50_000, 50_000], chunks: .auto)
        #expect(a.chunkSize == [4096, 4096])
        try Config.set(["array.chunk-size": "8MiB"]) {
            let b = try ChunkedArray.ones(shape: [100_000_000], chunks: .auto)
            #expect(b.chunkSize == [1_048_576])
            let c = try ChunkedArray.ones(shape: [10, 1_000_000], chunks: .auto)
            #expect(c.chunks[0] == [10])
        }
    }

    @Test("Bad shapes and chunks throw clear errors")
    func badInput() throws {
        #expect(throws: ShapeError.negativeDimension(shape: [3, -1], value: -1)) {
            try ChunkedArray.ones(shape: [3, -1], chunks: [1, 1])
        }
        #expect(throws: ShapeError.self) { try ChunkedArray.ones(shape: [4], chunks: [0]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.ones(shape: [4, 4], chunks: [2]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.ones(shape: [4], chunks: .explicit([[1, 2]])) }
        #expect(throws: ShapeError.self) { try ChunkedArray.arange(start: 0, stop: 10, step: 0, chunks: [2]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.ones(shape: [1 << 40, 1 << 40], chunks: [1, 1]) }
    }

    @Test("Printing shows shape, dtype, chunks, tasks and backend")
    func printing() throws {
        let a = try ChunkedArray.ones(shape: [4, 4], chunks: [2, 2])
        #expect(a.description == "ChunkedArray<ones, shape=(4, 4), dtype=float64, chunksize=(2, 2), chunks=4, tasks=4, backend=numpy, chunktype=NDArray>")
        #expect(try a.toHost().description == "[[1. 1. 1. 1.]\n [1. 1. 1. 1.]\n [1. 1. 1. 1.]\n [1. 1. 1. 1.]]")
    }
}

@Suite("Random streams")
struct RandomTests {
    @Test("The same seed gives the same numbers whatever the chunking", arguments: [[1_000, 1_000], [250, 400], [999, 7], [1_000, 1]])
    func chunkingInvariant(_ chunks: [Int]) throws {
        let reference = try values(ChunkedArray.random.defaultRNG(seed: 7).standardNormal(shape: [1_000, 10], chunks: [1_000, 10]))
        let chunked = try values(ChunkedArray.random.defaultRNG(seed: 7).standardNormal(
            shape: [1_000, 10], chunks: .uniform([chunks[0], Swift.min(chunks[1], 10)])))
        #expect(chunked == reference)
    }

    @Test("Uniform, integers and normal have the right ranges and moments")
    func distributions() throws {
        let rng = try ChunkedArray.random.defaultRNG(seed: 42)
        let u = try values(rng.uniform(low: 2, high: 3, shape: [100_000], chunks: [30_000]))
        #expect(u.allSatisfy { $0 >= 2 && $0 < 3 })
        #expect(abs(u.reduce(0, +) / Double(u.count) - 2.5) < 0.01)
        let k = try values(rng.integers(low: 0, high: 10, shape: [100_000], chunks: [25_000]))
        #expect(Set(k) == Set((0..<10).map(Double.init)))
        let n = try rng.normal(loc: 5, scale: 2, shape: [200_000], chunks: [50_000])
        #expect(abs(try n.mean().item(Double.self) - 5) < 0.02)
        #expect(abs(try n.std().item(Double.self) - 2) < 0.02)
    }

    @Test("Successive calls and generator kinds give different streams")
    func streamsDiffer() throws {
        let rng = try ChunkedArray.random.defaultRNG(seed: 1)
        let first = try values(rng.random(shape: [8], chunks: [8]))
        let second = try values(rng.random(shape: [8], chunks: [8]))
        let legacy = try values(ChunkedArray.random.randomState(seed: 1).random(shape: [8], chunks: [8]))
        #expect(first != second)
        #expect(first != legacy)
    }

    @Test("A permutation holds every index once")
    func permutation() throws {
        let p = try values(ChunkedArray.random.defaultRNG(seed: 3).permutation(1_000, chunks: [300]))
        #expect(p.sorted() == (0..<1_000).map(Double.init))
        #expect(p != (0..<1_000).map(Double.init))
    }

    @Test("Bad arguments throw")
    func badArguments() throws {
        let rng = try ChunkedArray.random.defaultRNG(seed: 1)
        #expect(throws: ShapeError.self) { try rng.integers(low: 5, high: 5, shape: [3], chunks: [3]) }
        #expect(throws: ShapeError.self) { try rng.uniform(low: 2, high: 1, shape: [3], chunks: [3]) }
        #expect(throws: ShapeError.self) { try rng.normal(scale: -1, shape: [3], chunks: [3]) }
        #expect(throws: ShapeError.self) { try rng.standardNormal(shape: [3], chunks: [3], dtype: .int32) }
    }
}
