import Foundation
import Testing
@testable import Tessera
import TesseraTestSupport

@Suite("readParquet and toParquet through ChunkedDataFrame")
struct ReadParquetTests {
    /// A frame with nulls in every kind of column, cut into `npartitions`.
    private func sample(npartitions: Int) throws -> ChunkedDataFrame {
        let ids: [Int] = Array(0..<40)
        let xs: [Double?] = ids.map { $0 % 7 == 3 ? nil : Double($0) * 0.5 }
        let names: [String?] = ids.map { $0 % 5 == 0 ? nil : "n\($0 % 6)" }
        let flags: [Bool?] = ids.map { $0 % 9 == 0 ? nil : $0 % 2 == 0 }
        let df = try ChunkedDataFrame.fromDict([
            "id": ColumnValues(ids), "x": ColumnValues(xs), "name": ColumnValues(names),
            "flag": ColumnValues(Column.numbers(flags)),
        ], npartitions: npartitions)
        return try df.assign("kind", df["name"].astype(ColumnType.categorical))
    }

    @Test func writtenDatasetsReadBackEqual() throws {
        let directory = try TemporaryDirectory()
        let original = try sample(npartitions: 3)
        let written = try original.toParquet(directory.file("ds/"))
        #expect(written == (0..<3).map { directory.file("ds/part.\($0).parquet") })
        #expect(FileManager.default.fileExists(atPath: directory.file("ds/_metadata")))
        let back = try ChunkedDataFrame.readParquet(directory.file("ds/"))
        #expect(back.schema == original.schema)
        #expect(back.npartitions == 3)
        #expect(cells(try back.compute()) == cells(try original.compute()))
        // A glob over the part files reads the same rows.
        let globbed = try ChunkedDataFrame.readParquet(directory.file("ds/part.*.parquet"))
        #expect(cells(try globbed.compute()) == cells(try original.compute()))
    }

    @Test("Partitioning and the codec never change what is read", arguments: [("snappy", 1), ("none", 4), ("zstd", 2), ("gzip", 5)])
    func partitioningIsInvisible(codec: String, npartitions: Int) throws {
        let directory = try TemporaryDirectory()
        let original = try sample(npartitions: npartitions)
        do {
            try original.toParquet(directory.file("ds"), compression: codec, rowGroupSize: 3)
        } catch let error as FileFormatError where error.message.contains("lib") {
            // A codec whose C library is not installed: the error names it (checked elsewhere).
            return
        }
        let whole = try ChunkedDataFrame.readParquet(directory.file("ds"), splitRowGroups: nil)
        let perGroup = try ChunkedDataFrame.readParquet(directory.file("ds"), splitRowGroups: 1)
        #expect(whole.npartitions == npartitions)
        #expect(perGroup.npartitions > whole.npartitions)
        #expect(cells(try whole.compute()) == cells(try original.compute()))
        #expect(cells(try perGroup.compute()) == cells(try original.compute()))
        let sums = try perGroup.groupby("name").agg(["x": [.sum, .count]]).compute()
        let expected = try original.groupby("name").agg(["x": [.sum, .count]]).compute()
        #expect(cells(sums) == cells(expected))
    }

    @Test func onlyTheRequestedColumnsAreRead() throws {
        let directory = try TemporaryDirectory()
        try sample(npartitions: 2).toParquet(directory.file("ds"))
        let df = try ChunkedDataFrame.readParquet(directory.file("ds"), columns: ["x", "id"])
        #expect(df.columns == ["x", "id"])
        let picked = try df[["id"]].compute()
        #expect(picked.columnNames == ["id"])
        #expect(picked["id"].toArray(Int.self) == (0..<40).map { Optional($0) })
    }

    @Test func filtersSkipPartitionsByTheirStatistics() throws {
        let directory = try TemporaryDirectory()
        try sample(npartitions: 4).toParquet(directory.file("ds"))   // ids 0-9, 10-19, 20-29, 30-39
        let df = try ChunkedDataFrame.readParquet(directory.file("ds"))
        let kept = try df[df["id"] >= 25]
        // Ruin the files that cannot hold a matching row: only statistics may rule them out.
        for index in 0..<2 { try Data("garbage".utf8).write(to: URL(fileURLWithPath: directory.file("ds/part.\(index).parquet"))) }
        let frame = try kept.compute()
        #expect(frame["id"].toArray(Int.self) == (25..<40).map { Optional($0) })
        // A filter that needs those rows does read them, and reports the damage.
        #expect(throws: (any Error).self) { try df[df["id"] < 5].compute() }
        // Dask-style filters drop partitions when the frame is made.
        let filtered = try ChunkedDataFrame.readParquet(directory.file("ds"), filters: [[ParquetFilter("id", .greater, .int(29))]])
        #expect(filtered.npartitions == 1)
    }

    @Test func statisticsTestsAreOnlyThoseNullsFail() {
        let predicate: ColumnExpression = .binary(.logicalAnd,
                                                  .binary(.greater, .column("a"), .literal(.int(3))),
                                                  .binary(.logicalAnd, .binary(.notEqual, .column("b"), .literal(.int(1))),
                                                          .binary(.lessEqual, .literal(.double(2.5)), .column("c"))))
        let tests = ParquetFrameSource.statisticsTests(predicate) ?? []
        #expect(tests == [ParquetFilter("a", .greater, .int(3)), ParquetFilter("c", .greaterOrEqual, .double(2.5))])
        #expect(ParquetFrameSource.statisticsTests(.binary(.logicalOr, .binary(.greater, .column("a"), .literal(.int(3))),
                                                           .binary(.less, .column("a"), .literal(.int(0))))) == nil)
    }

    @Test func badInputIsAClearError() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readParquet(directory.file("missing.parquet")) }
        try directory.write("not.parquet", "id,x\n1,2\n")
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readParquet(directory.file("not.parquet")) }
        try sample(npartitions: 1).toParquet(directory.file("ds"))
        #expect(throws: (any Error).self) { try ChunkedDataFrame.readParquet(directory.file("ds"), columns: ["nope"]) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readParquet(directory.file("ds"), splitRowGroups: 0) }
        #expect(throws: FrameOperationError.self) { try sample(npartitions: 1).toParquet(directory.file("o"), compression: "lzo") }
        #expect(throws: FrameOperationError.self) { try sample(npartitions: 1).toParquet(directory.file("o"), rowGroupSize: 0) }
    }
}
