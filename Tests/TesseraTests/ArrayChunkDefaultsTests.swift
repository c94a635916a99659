import Testing
import Tessera

/// A chunk type of another backend that implements only some requirements: the protocol's
/// defaults compose the rest from them.
private struct WrappedChunk: ArrayChunk {
    let host: NDArray
    var shape: [Int] { host.shape }
    var dtype: DType { host.dtype }
    var backendLabel: String { "wrapped" }
    var description: String { "WrappedChunk(\(host.shape))" }
    func toNDArray() throws -> NDArray { host }
    func slice(_ ranges: [StridedRange]) throws -> any ArrayChunk { WrappedChunk(host: try host.slice(ranges).toNDArray()) }
    func concatenate(_ chunks: [any ArrayChunk], axis: Int) throws -> any ArrayChunk {
        WrappedChunk(host: try host.concatenate(chunks.map { try $0.toNDArray() }, axis: axis).toNDArray())
    }
    func tensordot(_ a: any ArrayChunk, _ b: any ArrayChunk, axes: ([Int], [Int])) throws -> any ArrayChunk {
        WrappedChunk(host: try host.tensordot(a.toNDArray(), b.toNDArray(), axes: axes).toNDArray())
    }
    func evaluate(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int]) throws -> any ArrayChunk {
        WrappedChunk(host: try host.evaluate(expression, inputs: inputs.map { try $0.toNDArray() }, shape: shape).toNDArray())
    }
}

@Suite("ArrayChunk defaults")
struct ArrayChunkDefaultsTests {
    @Test("assemble joins a grid of pieces through slice and concatenate")
    func assemble() throws {
        let source = WrappedChunk(host: try NDArray((0..<20).map(Double.init), shape: [4, 5]))
        let pieces = [
            ChunkPiece(chunk: source, ranges: [StridedRange(start: 0, count: 2), StridedRange(start: 0, count: 3)], offset: [0, 0]),
            ChunkPiece(chunk: source, ranges: [StridedRange(start: 0, count: 2), StridedRange(start: 3, count: 2)], offset: [0, 3]),
            ChunkPiece(chunk: source, ranges: [StridedRange(start: 2, count: 2), StridedRange(start: 0, count: 3)], offset: [2, 0]),
            ChunkPiece(chunk: source, ranges: [StridedRange(start: 2, count: 2), StridedRange(start: 3, count: 2)], offset: [2, 3]),
        ]
        let whole = try source.assemble(pieces, shape: [4, 5])
        #expect(whole is WrappedChunk)
        #expect(try whole.toNDArray().toArray(Double.self) == (0..<20).map(Double.init))
        #expect(throws: ShapeError.self) { try source.assemble([], shape: [4, 5]) }
    }

    @Test("tensordotSum adds the products of every pair")
    func tensordotSum() throws {
        let a = WrappedChunk(host: try NDArray([1.0, 2, 3, 4], shape: [2, 2]))
        let sum = try a.tensordotSum([(a, a), (a, a)], axes: ([1], [0]))
        #expect(try sum.toNDArray().toArray(Double.self) == [14, 20, 30, 44])
        #expect(throws: ShapeError.self) { try a.tensordotSum([], axes: ([1], [0])) }
        #expect(throws: BackendError.notImplemented(function: "sort", backend: "wrapped")) { try a.sorted(axis: 0) }
    }
}
