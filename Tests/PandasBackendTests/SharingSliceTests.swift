import Backends
@testable import PandasBackend
import Testing

@Suite("Partitions that share the frame's memory")
struct SharingSliceTests {
    @Test("sharingSlice equals slice for every column kind, nulls included", arguments: [0..<0, 0..<7, 3..<11, 9..<20, 15..<99])
    func sameAsCopy(range: Range<Int>) throws {
        let rows = 20
        var frame = try DataFrame([
            "i": ColumnValues((0..<rows).map { $0 % 4 == 0 ? nil : $0 }),
            "x": ColumnValues((0..<rows).map { Double($0) / 2 }),
            "s": ColumnValues((0..<rows).map { $0 % 5 == 0 ? nil : "v\($0)" }),
        ])
        frame = try frame.assigning("c", frame.evaluate(.cast(.column("s"), .categorical)))
        let shared = frame.sharingSlice(range)
        let copied = frame.slice(range)
        #expect(shared.rowCount == copied.rowCount)
        #expect(shared.indexStart == copied.indexStart)
        #expect(shared["i"].toArray(Int.self) == copied["i"].toArray(Int.self))
        #expect(shared["x"].toArray(Double.self) == copied["x"].toArray(Double.self))
        #expect(shared["s"].strings == copied["s"].strings)
        #expect(shared["c"].strings == copied["c"].strings)
    }

    @Test("Numeric values are not copied: the partition points into the frame's buffer")
    func noCopy() throws {
        let frame = try DataFrame(["x": ColumnValues((0..<1000).map { Double($0) })])
        guard case let .fixedWidth(whole) = frame["x"].column.storage,
              case let .fixedWidth(part) = frame.sharingSlice(100..<200)["x"].column.storage else {
            Issue.record("expected fixed-width storage")
            return
        }
        #expect(part.storage.bytes == whole.storage.bytes + 100 * 8)
    }
}
