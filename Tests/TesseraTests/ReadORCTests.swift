import Foundation
import Testing
@testable import Tessera
import TesseraTestSupport

/// `ChunkedDataFrame.readORC` over Fixtures/orc/stripes.orc (scripts/make_orc_fixtures.py):
/// ids 0..<2000 in order over 20 stripes, `x = id / 2` (null when `id % 7 == 3`), `name = "n\(id % 6)"`
/// (null when `id % 5 == 0`).
@Suite("readORC through ChunkedDataFrame")
struct ReadORCTests {
    static var path: String {
        Bundle.module.url(forResource: "stripes", withExtension: "orc", subdirectory: "Fixtures/orc")?.path ?? "missing-fixture-stripes.orc"
    }

    static let ids = Array(0..<2000)

    @Test func everyStripeIsAPartitionAndTheValuesAreThoseWritten() throws {
        let df = try ChunkedDataFrame.readORC(Self.path)
        #expect(df.npartitions == 20)
        #expect(df.columns == ["id", "x", "name"])
        let frame = try df.compute()
        #expect(frame["id"].toArray(Int.self) == Self.ids.map { Optional($0) })
        #expect(frame["x"].toArray(Double.self) == Self.ids.map { $0 % 7 == 3 ? nil : Double($0) * 0.5 })
        #expect(frame["name"].column.strings() == Self.ids.map { $0 % 5 == 0 ? nil : "n\($0 % 6)" })
        // Through a groupby, the same sums as worked out from the ids.
        let sums = try df.groupby("name").agg(["id": [.count]]).compute()
        #expect(sums.rowCount == 6)
    }

    @Test func onlyTheRequestedColumnsComeBackInTheirOrder() throws {
        let df = try ChunkedDataFrame.readORC(Self.path, columns: ["name", "id"])
        #expect(df.columns == ["name", "id"])
        let picked = try df[["id"]].compute()
        #expect(picked.columnNames == ["id"])
        #expect(picked["id"].toArray(Int.self) == Self.ids.map { Optional($0) })
    }

    @Test func filtersSkipStripesByTheirStatistics() throws {
        let filtered = try ChunkedDataFrame.readORC(Self.path, filters: [[ParquetFilter("id", .greaterOrEqual, .int(1900))]])
        #expect(filtered.npartitions >= 1 && filtered.npartitions <= 2)
        let frame = try filtered.compute()
        // Whole stripes are kept: every id of the last ones, and no row of the stripes skipped.
        let kept = frame["id"].toArray(Int.self).compactMap { $0 }
        #expect(kept.last == 1999)
        #expect(kept.allSatisfy { $0 >= 1800 })
        #expect(kept.contains(1900))
        // A predicate on the frame reads only stripes that may match, and filters rows exactly.
        let df = try ChunkedDataFrame.readORC(Self.path)
        let rows = try df[df["id"] >= 1995].compute()
        #expect(rows["id"].toArray(Int.self) == (1995..<2000).map { Optional($0) })
        let source = try ORCFrameSource(paths: [Self.path])
        let predicate = ColumnExpression.binary(.greaterEqual, .column("id"), .literal(.int(1995)))
        #expect(try source.read(partition: 0, columns: ["id"], predicate: predicate).rowCount == 0)
    }

    @Test func stripesStatisticsRuleOutAreNeverRead() throws {
        // Ruin the first stripe's streams (the statistics at the file's end stay intact).
        let directory = try TemporaryDirectory()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path)))
        for index in 3..<400 { bytes[index] = 0xff }
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file("ruined.orc")))
        let df = try ChunkedDataFrame.readORC(directory.file("ruined.orc"))
        let late = try df[df["id"] >= 1995].compute()
        #expect(late["id"].toArray(Int.self) == (1995..<2000).map { Optional($0) })
        // A filter that needs the first stripe reads it, and reports the damage naming the file.
        do {
            _ = try df[df["id"] < 5].compute()
            Issue.record("expected the ruined stripe to be read")
        } catch {
            let root = rootError(error)
            #expect((root as? FileFormatError)?.path == directory.file("ruined.orc"), "\(root)")
        }
    }

    @Test func splitStripesGroupsStripesIntoPartitions() throws {
        let whole = try ChunkedDataFrame.readORC(Self.path, splitStripes: nil)
        let fives = try ChunkedDataFrame.readORC(Self.path, splitStripes: 5)
        #expect(whole.npartitions == 1)
        #expect(fives.npartitions == 4)
        #expect(cells(try whole.compute()) == cells(try fives.compute()))
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readORC(Self.path, splitStripes: 0) }
    }

    @Test func badPathsAndColumnsThrowNamingThem() throws {
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readORC("/nonexistent/file.orc") }
        do {
            _ = try ChunkedDataFrame.readORC(Self.path, columns: ["nope"])
            Issue.record("expected an error")
        } catch let error as FileFormatError {
            #expect(error.message.contains("nope"))
            #expect(error.path == Self.path)
        }
    }
}
