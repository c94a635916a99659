import Testing
import Tessera
import TesseraTestSupport

/// The shapes of the graphs operations build: views are read in place, not copied by extra tasks.
@Suite("ChunkedArray graphs")
struct ChunkedArrayGraphTests {
    private func square(_ chunks: [Int] = [3, 3]) throws -> ChunkedArray {
        try ChunkedArray.fromArray(NDArray((0..<36).map(Double.init), shape: [6, 6]), chunks: .uniform(chunks)).persist()
    }

    @Test("x + x.T and its sum read x's blocks directly: one task per block, no transpose tasks")
    func transposeIsAView() throws {
        let x = try square()
        let sum = try x + x.transposed()
        // The persisted blocks are read by two tasks each, so they stay tasks of their own.
        #expect(try sum.optimizedGraph().count == x.blockCount + sum.blockCount)
        #expect(try sum.sum().optimizedGraph().count <= x.blockCount + sum.blockCount + 2)
        #expect(!(try sum.visualize()).contains("transpose-"))
        #expect(try (x + x.transposed()).sum().item(Double.self) == 2 * 630)
    }

    @Test("x @ x.T multiplies x's blocks with a transpose flag instead of copying them")
    func matmulReadsSource() throws {
        let x = try square([2, 3])
        let product = try x.matmul(x.transposed())
        #expect(!(try product.visualize()).contains("elementwise"))
        let host = try x.toHost()
        #expect(try product.toHost().toArray(Double.self) == host.matmul(host.transposed()).toArray(Double.self))
    }

    @Test("Broadcast operands are read in place: a row is not expanded into a matrix")
    func broadcastIsAView() throws {
        let x = try square()
        let centred = try x - x.mean(axis: 0)
        #expect(!(try centred.visualize()).contains("broadcast"))
        #expect(try centred.sum(axis: 0).toHost().toArray(Double.self).allSatisfy { Swift.abs($0) < 1e-12 })
    }

    @Test("arange is regenerated with the chunks a reshape needs, not cut and joined")
    func arangeRegenerated() throws {
        let a = try ChunkedArray.arange(start: 0.0, stop: 1e4, step: 1, chunks: [3_333])
        let reshaped = try a.reshaped([100, 100])
        #expect(reshaped.chunks[1] == [100])
        #expect(!(try reshaped.visualize()).contains("rechunk-merge"))
        #expect(try reshaped.sum(axis: 0).toHost().toArray(Double.self).first == (0..<100).reduce(0.0) { $0 + Double($1 * 100) })
    }

    @Test("Fused elementwise chains stay one task per block under broadcasting")
    func fusedBroadcast() throws {
        let x = try square()
        let row = try ChunkedArray.fromArray(NDArray((0..<6).map(Double.init), shape: [6]), chunks: [3])
        let chain = try ((x + row) * 2 - row / 3).exp()
        // Stored blocks, the row's blocks, and one task per result block: nothing expands the row.
        #expect(try chain.optimizedGraph().count == 2 * x.blockCount + row.blockCount)
    }
}
