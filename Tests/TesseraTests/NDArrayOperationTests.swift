import Testing
import Tessera
import TesseraTestSupport

/// The eager NumPy-style operations on host arrays match the chunked ones.
@Suite("NDArray operations")
struct NDArrayOperationTests {
    private let x: NDArray

    init() throws { x = try NDArray((0..<12).map(Double.init), shape: [3, 4]) }

    @Test("Arithmetic, comparisons and functions")
    func elementwise() throws {
        #expect(try (x + 1).toArray(Double.self) == (1..<13).map(Double.init))
        #expect(try (x * x - x).sum().item() == .double(440))
        #expect(try (x .> 5).toArray(Bool.self) == (0..<12).map { $0 > 5 })
        #expect(try (x + NDArray([10.0, 20, 30, 40])).toArray(Double.self).prefix(4) == [10, 21, 32, 43])
        #expect(try x.sqrt().toArray(Double.self)[4] == 2)
        #expect(try NDArray.where(x .> 5, x, -x).toArray(Double.self)[0..<2] == [0, -1])
        #expect(try x.astype(.int32).dtype == .int32)
        #expect(try (x.astype(.int32) + 1).dtype == .int32)
        #expect(try x.clip(min: 2, max: 9).min().item() == .double(2))
    }

    @Test("Reductions, cumulative sums, sorting")
    func reductions() throws {
        #expect(try x.sum(axis: 0).toArray(Double.self) == [12, 15, 18, 21])
        #expect(try x.mean(axis: 1, keepdims: true).shape == [3, 1])
        #expect(try x.argmax().item() == .int(11))
        #expect(try x.cumsum(axis: 1).toArray(Double.self)[0..<4] == [0, 1, 3, 6])
        #expect(try (-x).sorted(axis: 1).toArray(Double.self)[0..<4] == [-3, -2, -1, 0])
        #expect(try NDArray([3, 1, 3, 2] as [Int64]).unique().toArray(Int.self) == [1, 2, 3])
        #expect(try x.percentile([50]).toArray(Double.self) == [5.5])
        #expect(try x.std(ddof: 1).item().doubleValue == (143.0 / 11).squareRoot())
    }

    @Test("Shapes, indexing and products")
    func shapesAndProducts() throws {
        #expect(try x.reshaped([4, -1]).shape == [4, 3])
        #expect(try x.transposed().shape == [4, 3])
        #expect(try x[1].toArray(Double.self) == [4, 5, 6, 7])
        #expect(try x[ArrayIndex.all, ArrayIndex.slice(step: -1)].toArray(Double.self)[0..<4] == [3, 2, 1, 0])
        #expect(try x.expandDims(axis: 0).squeezed().shape == [3, 4])
        #expect(try NDArray.stack([x, x], axis: 0).shape == [2, 3, 4])
        #expect(try NDArray.concatenate([x, x], axis: 1).shape == [3, 8])
        let gram = try x.matmul(x.transposed())
        #expect(gram.toArray(Double.self) == [14, 38, 62, 38, 126, 214, 62, 214, 366])
        #expect(try NDArray.einsum("ij,kj->ik", x, x).toArray(Double.self) == gram.toArray(Double.self))
        #expect(try x.tensordot(x, axes: ([1], [1])).toArray(Double.self) == gram.toArray(Double.self))
        #expect(try x[0].dot(x[0]).item() == .double(14))
    }

    @Test("fromArray cuts host data into blocks and round-trips")
    func fromArray() throws {
        let chunked = try ChunkedArray.fromArray([1, 2, 3, 4, 5, 6], shape: [2, 3], chunks: [1, 2])
        #expect(chunked.dtype == .int64)
        #expect(chunked.chunks == [[1, 1], [2, 1]])
        #expect(try chunked.toHost().toArray(Int.self) == [1, 2, 3, 4, 5, 6])
        #expect(try ChunkedArray.fromArray(x, chunks: .auto).toHost().toArray(Double.self) == x.toArray(Double.self))
        #expect(throws: ShapeError.self) { try ChunkedArray.fromArray([1.0, 2], shape: [3]) }
    }
}
