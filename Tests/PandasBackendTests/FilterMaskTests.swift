import Backends
@testable import PandasBackend
import Testing

@Suite("Filtering by a mask")
struct FilterMaskTests {
    @Test("Kept rows are the true, non-null mask entries", arguments: [0, 1, 63, 64, 65, 1000])
    func selectedRowsMatchTheDefinition(rows: Int) throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15 &* UInt64(rows + 1)
        func next() -> UInt64 { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state }
        let flags: [Bool?] = (0..<rows).map { _ in
            let draw = next() % 5
            return draw == 0 ? nil : draw % 2 == 0
        }
        let mask = Column.numbers(flags)
        let expected = flags.indices.filter { flags[$0] == true }
        #expect(try mask.selectedRows(count: rows) == expected)
        let allValid = Column.numbers(flags.map { $0 ?? false })
        #expect(try allValid.selectedRows(count: rows) == expected)
        let frame = try DataFrame(["i": ColumnValues((0..<rows).map { $0 }), "m": ColumnValues(mask)])
        let kept = try frame.filter(where: .column("m"))
        #expect(kept["i"].toArray(Int.self) == expected.map { Optional($0) })
    }

    @Test("A mask of the wrong type or length is an error")
    func badMasks() throws {
        #expect(throws: FrameError.self) { try Column.numbers([1.0, 2.0]).selectedRows(count: 2) }
        #expect(throws: FrameError.self) { try Column.numbers([true, false]).selectedRows(count: 3) }
    }
}
