import Testing
import Tessera
import TesseraTestSupport

/// Chunking never changes a result beyond floating-point reassociation: every operation, on random
/// data cut into random uneven chunks, equals the same operation on one block.
@Suite("Chunking never changes results")
struct ChunkedArrayPropertyTests {
    /// Random uneven block sizes adding up to `length`.
    static func randomBlocks(_ length: Int, _ generator: inout SplitMix) -> [Int] {
        var blocks: [Int] = []
        var left = length
        while left > 0 {
            let size = Swift.min(left, Int(generator.next() % UInt64(Swift.max(2, length / 2))) + 1)
            blocks.append(size)
            left -= size
        }
        return blocks.isEmpty ? [0] : blocks
    }

    static func data(_ shape: [Int], _ generator: inout SplitMix) throws -> NDArray {
        let count = shape.reduce(1, *)
        return try NDArray((0..<count).map { _ in Double(Int64(generator.next() % 2_001) - 1_000) / 37 }, shape: shape)
    }

    static let operations: [(String, @Sendable (ChunkedArray) throws -> ChunkedArray)] = [
        ("sum", { try $0.sum() }),
        ("sum axis 0 keepdims", { try $0.sum(axis: 0, keepdims: true) }),
        ("mean axes 1,2", { try $0.mean(axes: [1, 2]) }),
        ("std axis 2 ddof 1", { try $0.std(axis: 2, ddof: 1) }),
        ("var", { try $0.var() }),
        ("min axis 1", { try $0.min(axis: 1) }),
        ("max", { try $0.max() }),
        ("argmin", { try $0.argmin() }),
        ("argmax axis 1", { try $0.argmax(axis: 1) }),
        ("prod axis 0", { try ($0 / 40 + 1).prod(axis: 0) }),
        ("nanmean axis 2", { try ChunkedArray.where($0 .> 10, Double.nan, $0).nanmean(axis: 2) }),
        ("cumsum axis 1", { try $0.cumsum(axis: 1) }),
        ("cumprod axis 2", { try ($0 / 100 + 1).cumprod(axis: 2) }),
        ("reshape", { try $0.reshaped([-1, $0.shape[2]]) }),
        ("flatten and back", { try $0.flattened().reshaped($0.shape) }),
        ("transpose + self", { try $0 + $0.transposed([0, 2, 1]).transposed([0, 2, 1]) }),
        ("broadcast row", { try $0 - $0.mean(axis: 0) }),
        ("slice step", { try $0[ArrayIndex.slice(step: -2), ArrayIndex.all, ArrayIndex.slice(1, step: 2)] }),
        ("take", { try $0.take([2, 0, 2, 1], axis: 1) }),
        ("matmul", { try $0.matmul($0.transposed([0, 2, 1])) }),
        ("tensordot", { try $0.tensordot($0, axes: ([0, 1], [0, 1])) }),
        ("einsum trace-like", { try ChunkedArray.einsum("ijk,ijk->i", $0, $0) }),
        ("percentile axis 1", { try $0.percentile([10, 50, 95], axis: 1) }),
        ("rechunk + exp", { try ($0 / 40).exp().rechunk(.auto) }),
    ]

    @Test("Random uneven chunkings give the one-block result", arguments: 0..<6)
    func randomChunkings(_ seed: Int) throws {
        var generator = SplitMix(seed: UInt64(seed) + 100)
        let shape = (0..<3).map { _ in Int(generator.next() % 6) + 3 }
        let host = try Self.data(shape, &generator)
        let whole = try ChunkedArray.fromArray(host, chunks: .uniform([-1, -1, -1]))
        let cut = try ChunkedArray.fromArray(host, chunks: .explicit(shape.map { Self.randomBlocks($0, &generator) }))
        for (name, operation) in Self.operations {
            let expected = try operation(whole).toHost()
            let got = try operation(cut)
            #expect(got.shape == expected.shape, "\(name) \(shape) \(cut.chunks)")
            let actual = try got.toHost()
            #expect(actual.dtype == expected.dtype, "\(name)")
            #expect(allClose(actual.toArray(Double.self), expected.toArray(Double.self), rtol: 1e-10, atol: 1e-9),
                    "\(name) \(shape) \(cut.chunks)")
        }
    }

    @Test("split_every changes the tree, never the result", arguments: [2, 3, 5, 64])
    func splitEvery(_ fanIn: Int) throws {
        var generator = SplitMix(seed: 9)
        let host = try Self.data([30, 7], &generator)
        let x = try ChunkedArray.fromArray(host, chunks: [2, 3])
        let reference = try ChunkedArray.fromArray(host, chunks: [-1, -1])
        for operation in [ReductionOperation.sum, .mean, .std, .min, .argmax, .nanmax, .count] {
            for axes in [nil, [0], [1]] as [[Int]?] {
                if operation == .argmax && axes == nil { continue }
                let a = try x.reduce(operation, axes: axes, splitEvery: fanIn).toHost().toArray(Double.self)
                let b = try reference.reduce(operation, axes: axes).toHost().toArray(Double.self)
                #expect(allClose(a, b, rtol: 1e-10, atol: 1e-12), "\(operation) \(String(describing: axes))")
            }
        }
        #expect(try x.argmax(splitEvery: fanIn).item(Int.self) == reference.argmax().item(Int.self))
    }
}
