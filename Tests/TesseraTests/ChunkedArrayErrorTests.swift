import Testing
import Tessera
import TesseraTestSupport

/// Bad input is a thrown error with a clear message, on every path; never a trap.
@Suite("ChunkedArray errors")
struct ChunkedArrayErrorTests {
    private let x: ChunkedArray
    private let v: ChunkedArray

    init() throws {
        x = try ChunkedArray.fromArray(NDArray((0..<24).map(Double.init), shape: [4, 6]), chunks: [3, 4])
        v = try ChunkedArray.fromArray(NDArray((0..<5).map(Double.init), shape: [5]), chunks: [2])
    }

    @Test("Shapes that do not broadcast are refused when the operation is built, naming both shapes")
    func incompatibleBroadcast() throws {
        #expect(throws: ShapeError.incompatible(operation: "+", shapes: [[4, 6], [5]])) { try x + v }
        #expect(throws: ShapeError.incompatible(operation: "where", shapes: [[4, 6], [4, 6], [5]])) {
            try ChunkedArray.where(x .> 1, x, v)
        }
        let error = #expect(throws: ShapeError.self) { try x * v }
        #expect(error?.description == "*: shapes [4, 6] and [5] are not compatible.")
    }

    @Test("Operations NumPy rejects for a dtype are rejected")
    func rejectedDTypes() throws {
        let b = try x .> 3
        #expect(throws: ShapeError.self) { try b - b }
        #expect(throws: ShapeError.self) { try -b }
        #expect(throws: ShapeError.self) { try x & x }
        #expect(throws: ShapeError.self) { try ~x }
        let small = try x.astype(.int8)
        #expect(throws: ShapeError.invalidArgument("Python integer 300 out of bounds for int8.")) { try small + 300 }
        #expect(throws: Never.self) { try small .< 300 }
        let negativePower = try x.astype(.int64).power(-1)
        #expect(throws: (any Error).self) { try negativePower.compute() }
    }

    @Test("Axes out of range, duplicated, or unsupported")
    func axes() throws {
        #expect(throws: ShapeError.axisOutOfRange(axis: 2, ndim: 2)) { try x.sum(axis: 2) }
        #expect(throws: ShapeError.axisOutOfRange(axis: -3, ndim: 2)) { try x.mean(axis: -3) }
        #expect(throws: ShapeError.self) { try x.sum(axes: [0, 0]) }
        #expect(throws: ShapeError.self) { try x.reduce(.argmin, axes: [0, 1]) }
        #expect(throws: ShapeError.axisOutOfRange(axis: 3, ndim: 2)) { try x.cumsum(axis: 3) }
        #expect(throws: ShapeError.self) { try x.transposed([0, 0]) }
        #expect(throws: ShapeError.self) { try x.squeezed(axes: [0]) }
        #expect(throws: ShapeError.axisOutOfRange(axis: 5, ndim: 3)) { try x.expandDims(axis: 5) }
        #expect(throws: ShapeError.self) { try x.sum(splitEvery: 1) }
        #expect(throws: ShapeError.self) { try x.var(ddof: -1) }
    }

    @Test("Reductions without an identity refuse empty input")
    func emptyReductions() throws {
        let empty = try x[0..<0]
        #expect(throws: ShapeError.self) { try empty.min() }
        #expect(throws: ShapeError.self) { try empty.argmax(axis: 0) }
        #expect(try empty.sum().item(Double.self) == 0)
        #expect(try empty.max(axis: 1).shape == [0])
    }

    @Test("Indices and ranges outside the array are refused")
    func indexing() throws {
        #expect(throws: ShapeError.indexOutOfRange(axis: 0, index: "4", length: 4)) { try x[4] }
        #expect(throws: ShapeError.indexOutOfRange(axis: 0, index: "-5", length: 4)) { try x[-5] }
        #expect(throws: ShapeError.indexOutOfRange(axis: 1, index: "2..<7", length: 6)) { try x[0..<2, 2..<7] }
        #expect(throws: ShapeError.self) { try x[0, 0, 0] }
        #expect(throws: ShapeError.self) { try x[ArrayIndex.slice(step: 0)] }
        #expect(throws: ShapeError.self) { try x[ArrayIndex.ellipsis, ArrayIndex.ellipsis] }
        #expect(throws: ShapeError.self) { try x[[true, false]] }
        #expect(throws: ShapeError.indexOutOfRange(axis: 0, index: "9", length: 4)) { try x[[1, 9]] }
        #expect(throws: ShapeError.self) { try x[[1, 2], [true, false, true, false, true, false]] }
        #expect(throws: ShapeError.self) { try x[1, [0, 1]] }
        #expect(throws: ShapeError.self) { try x.compress(where: NDArray([true, false], shape: [2])) }
        #expect(throws: ShapeError.indexOutOfRange(axis: 1, index: "6", length: 6)) { try x.take([6], axis: 1) }
        // NumPy slices clip instead of failing.
        #expect(try x[ArrayIndex.slice(-100, 100)].shape == [4, 6])
    }

    @Test("Reshapes, concatenations and stacks of the wrong sizes")
    func shapes() throws {
        #expect(throws: ShapeError.incompatible(operation: "reshape", shapes: [[4, 6], [5, 5]])) { try x.reshaped([5, 5]) }
        #expect(throws: ShapeError.self) { try x.reshaped([-1, -1]) }
        #expect(throws: ShapeError.self) { try x.reshaped([-1, 7]) }
        #expect(throws: ShapeError.negativeDimension(shape: [-2, -12], value: -2)) { try x.reshaped([-2, -12]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.concatenate([x, v]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.stack([x, x[0..<2]]) }
        #expect(throws: ShapeError.self) { try ChunkedArray.concatenate([]) }
        #expect(throws: ShapeError.self) { try x.rechunk([0, 2]) }
        #expect(throws: ShapeError.self) { try x.sorted(axis: 0) }   // several chunks along axis 0
        #expect(throws: ShapeError.self) { try x.percentile([101]) }
        #expect(throws: ShapeError.self) { try x.quantile([-0.1]) }
    }

    @Test("Matrix products of mismatched shapes")
    func products() throws {
        #expect(throws: ShapeError.incompatible(operation: "matmul", shapes: [[4, 6], [4, 6]])) { try x.matmul(x) }
        #expect(throws: ShapeError.incompatible(operation: "matmul", shapes: [[4, 6], [5]])) { try x.matmul(v) }
        #expect(throws: ShapeError.self) { try x.matmul(x.sum()) }
        #expect(throws: ShapeError.incompatible(operation: "tensordot", shapes: [[4, 6], [4, 6]])) {
            try x.tensordot(x, axes: ([1], [0]))
        }
        #expect(throws: ShapeError.self) { try x.tensordot(x, axes: 3) }
        #expect(throws: ShapeError.self) { try x.dot(v) }
    }

    @Test("Invalid einsum specifications say what is wrong", arguments: [
        "ij,jk->ik",          // three operands given below, two named
        "ij->k",              // output letter not in the inputs
        "ij->ii",             // repeated output letter
        "i,j->ij",            // wrong number of axes for the operands
        "i1->i",              // not a letter
        "...ij->ij",          // ellipsis
        "ij->j->i",           // two arrows
        "ij-i",               // malformed arrow
    ])
    func invalidEinsum(_ subscripts: String) throws {
        let operands = subscripts == "ij,jk->ik" ? [x, x, x] : [x]
        let error = #expect(throws: ShapeError.self) { try ChunkedArray.einsum(subscripts, operands) }
        #expect(error?.description.contains("einsum") == true)
    }

    @Test("einsum with mismatched lengths for one letter")
    func einsumLengths() throws {
        #expect(throws: ShapeError.self) { try ChunkedArray.einsum("ij,ij->", x, x.transposed()) }
        #expect(throws: ShapeError.self) { try ChunkedArray.einsum("ii->i", x) }
    }

    @Test("NDArray operations throw the same errors")
    func hostErrors() throws {
        let a = try NDArray((0..<6).map(Double.init), shape: [2, 3])
        #expect(throws: ShapeError.self) { try a + NDArray([1.0, 2.0], shape: [2]) }
        #expect(throws: ShapeError.self) { try a.matmul(a) }
        #expect(throws: ShapeError.self) { try a.sum(axis: 2) }
        #expect(throws: ShapeError.self) { try a.reshaped([4]) }
        #expect(throws: ShapeError.self) { try NDArray.einsum("ij,jk->ik", a, a) }
        #expect(throws: ShapeError.self) { try a[3] }
    }
}
