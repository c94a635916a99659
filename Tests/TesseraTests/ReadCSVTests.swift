import Foundation
import Testing
@testable import Tessera
import TesseraTestSupport

@Suite("readCSV: files, globs, partitions, pushdown, errors")
struct ReadCSVTests {
    @Test func writtenFramesReadBackEqual() throws {
        let directory = try TemporaryDirectory()
        let original = try ChunkedDataFrame.fromDict([
            "id": [1, 2, 3, 4, 5, 6, 7],
            "x": [0.5, -1.25, nil, 3.0, 1e-05, 2.5e16, 7.0],
            "name": ["plain", "with, comma", "with \"quotes\"", nil, "line\nbreak", "ünïcode", ""],
            "flag": [true, false, true, true, false, nil, true],
        ], npartitions: 3)
        let written = try original.toCSV(directory.file("out/part-*.csv"))
        #expect(written == (0..<3).map { directory.file("out/part-\($0).csv") })
        let back = try ChunkedDataFrame.readCSV(directory.file("out/part-*.csv"))
        #expect(back.npartitions == 3)
        #expect(back.schema == Schema([.init(name: "id", type: .int64), .init(name: "x", type: .float64),
                                       .init(name: "name", type: .string), .init(name: "flag", type: .bool)]))
        var expected = cells(try original.compute())
        // An empty string is written as an empty field, which pandas (and Tessera) read as missing.
        expected[2][6] = .null
        #expect(cells(try back.compute()) == expected)
    }

    @Test func manyPartitionsReadBackInPartitionOrder() throws {
        let directory = try TemporaryDirectory()
        let ids = Array(0..<120)
        let original = try ChunkedDataFrame.fromDict(["id": ColumnValues(ids), "half": ColumnValues(ids.map { Double($0) / 2 })],
                                                     npartitions: 12)
        let written = try original.toCSV(directory.file("parts/*.csv"))
        #expect(written.first == directory.file("parts/00.csv"))
        #expect(written.last == directory.file("parts/11.csv"))
        let back = try ChunkedDataFrame.readCSV(directory.file("parts/*.csv")).compute()
        #expect(back["id"].toArray(Int64.self) == ids.map { Int64($0) })
        #expect(back["half"].toArray(Double.self) == ids.map { Double($0) / 2 })
    }

    @Test func aGlobOfSeveralFilesIsTheirConcatenation() throws {
        let directory = try TemporaryDirectory()
        try directory.write("data/part-b.csv", "k,v\n3,c\n4,d\n")
        try directory.write("data/part-a.csv", "k,v\n1,a\n2,b\n")
        try directory.write("data/part-c.csv", "k,v\n5,e\n")
        try directory.write("data/notes.txt", "not,a,part\n")
        try directory.write("data/.hidden.csv", "k,v\n99,z\n")
        let df = try ChunkedDataFrame.readCSV(directory.file("data/part-*.csv"))
        #expect(df.npartitions == 3)
        let frame = try df.compute()
        #expect(frame["k"].toArray(Int64.self) == [1, 2, 3, 4, 5])
        #expect(frame["v"].strings == ["a", "b", "c", "d", "e"])
        #expect(try ChunkedDataFrame.readCSV(directory.file("data/part-?.csv")).compute()["k"].toArray(Int64.self) == [1, 2, 3, 4, 5])
        #expect(try ChunkedDataFrame.readCSV(directory.file("data/part-[ac].csv")).compute()["k"].toArray(Int64.self) == [1, 2, 5])
        #expect(try ChunkedDataFrame.readCSV(directory.file("d*/part-[!a].csv")).compute()["k"].toArray(Int64.self) == [3, 4, 5])
        let listed = try ChunkedDataFrame.readCSV([directory.file("data/part-c.csv"), directory.file("data/part-a.csv")]).compute()
        #expect(listed["k"].toArray(Int64.self) == [5, 1, 2])
        // A directory is every (visible) file in it, sorted: here notes.txt does not share the columns.
        try FileManager.default.removeItem(atPath: directory.file("data/notes.txt"))
        #expect(try ChunkedDataFrame.readCSV(directory.file("data")).compute()["k"].toArray(Int64.self) == [1, 2, 3, 4, 5])
    }

    @Test(arguments: [nil, 37, 64, 100, 257, 1000, 4096] as [Int?])
    func partitioningNeverChangesTheResult(blocksize: Int?) throws {
        let directory = try TemporaryDirectory()
        var text = "id,x,name,flag\n"
        for id in 0..<500 { text += "\(id),\(Double(id) * 0.25),n\(id % 7),\(id % 3 == 0 ? "True" : "False")\n" }
        let path = try directory.write("table.csv", text)
        let whole = try ChunkedDataFrame.readCSV(path, blocksize: nil).compute()
        let df = try ChunkedDataFrame.readCSV(path, blocksize: blocksize)
        if let blocksize, blocksize < 4096 { #expect(df.npartitions > 1) }
        let frame = try df.compute()
        #expect(cells(frame) == cells(whole))
        #expect(frame["id"].toArray(Int64.self) == (0..<500).map { Int64($0) })
        #expect(frame["x"].toArray(Double.self) == (0..<500).map { Double($0) * 0.25 })
        #expect(frame["flag"].toArray(Bool.self) == (0..<500).map { $0 % 3 == 0 })
        let kept = try df[df["x"] > 100.0][["name"]].compute()
        #expect(kept["name"].strings == (401..<500).map { "n\($0 % 7)" })
    }

    @Test func blocksizeCutsFilesLikeDask() {
        // Dask's read_bytes: size // blocksize equal blocks.
        #expect(CSVFrameSource.fileBlocksize(64_000_000, fileSize: 491_874_413) == 70_267_774)
        #expect(491_874_413 / 70_267_774 == 6 && 491_874_413 % 70_267_774 > 0)     // 7 blocks, as Dask's 7 partitions
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 250) == 125)
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 200) == 100)
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 99) == 100)
        // Rounded up to a multiple of the workers, but a file of one block stays one block.
        #expect(CSVFrameSource.fileBlocksize(64_000_000, fileSize: 491_874_413, workers: 2) == 61_484_302)
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 250, workers: 2) == 125)
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 350, workers: 2) == 88)
        #expect(CSVFrameSource.fileBlocksize(100, fileSize: 150, workers: 4) == 150)
    }

    @Test func onlyTheRequestedColumnsAreParsed() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("wide.csv", "a,b,bad,c\n1,2.5,x,u\n2,3.5,y,v\n3,4.5,z,w\n")
        // "bad" cannot be an int64; it is only parsed when something reads it.
        let df = try ChunkedDataFrame.readCSV(path, dtype: ["bad": .int64], blocksize: 12)
        #expect(df.schema.type(of: "bad") == .int64)
        let two = try df[["a", "b"]]
        #expect(two.columns == ["a", "b"])
        let frame = try two.compute()
        #expect(frame.columnNames == ["a", "b"])
        #expect(frame["a"].toArray(Int64.self) == [1, 2, 3])
        #expect(frame["b"].toArray(Double.self) == [2.5, 3.5, 4.5])
        // A filter reads its column, which the result need not keep.
        #expect(try df[df["a"] >= 2][["c"]].compute()["c"].strings == ["v", "w"])
        #expect(try df["b"].sum().item(Double.self) == 10.5)
        let error = #expect(throws: (any Error).self) { try df.compute() }
        let file = try #require(error.map(rootError) as? FileFormatError)
        #expect(file.path == path)
        #expect(file.message.contains("bad"))
    }

    @Test func noColumnsStillCountsTheRows() throws {
        let directory = try TemporaryDirectory()
        let csv = try directory.write("t.csv", "a,b\n1,2\n3,4\n5,6\n")
        let df = try ChunkedDataFrame.readCSV(csv, blocksize: 6)
        #expect(df.npartitions == 2)
        let none = try df.select([]).compute()
        #expect(none.columnNames.isEmpty)
        #expect(none.rowCount == 3)
        let json = try directory.write("t.jsonl", "{\"a\": 1}\n{\"a\": 2}\n")
        #expect(try ChunkedDataFrame.readJSON(json, lines: true, blocksize: 4).select([]).compute().rowCount == 2)
    }

    @Test func usecolsKeepsTheFileOrder() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.csv", "a,b,c\n1,2,3\n4,5,6\n")
        let df = try ChunkedDataFrame.readCSV(path, usecols: ["c", "a"])
        #expect(df.columns == ["a", "c"])
        #expect(cells(try df.compute()) == [[.int(1), .int(4)], [.int(3), .int(6)]])
    }

    @Test func conflictingTypesAcrossFilesNameBothFiles() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("p1.csv", "k,x\n1,10\n2,20\n")
        let second = try directory.write("p2.csv", "k,x\n3,ten\n4,twenty\n")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readCSV(directory.file("p*.csv")) }
        #expect(error?.path == second)
        #expect(error?.message.contains(first) == true)
        #expect(error?.message.contains("'x'") == true)
        #expect(error?.message.contains("int64") == true && error?.message.contains("string") == true)
        // An explicit type reads both.
        let both = try ChunkedDataFrame.readCSV(directory.file("p*.csv"), dtype: ["x": .string]).compute()
        #expect(both["x"].strings == ["10", "20", "ten", "twenty"])
    }

    @Test func integerAndFloatFilesPromoteToFloat() throws {
        let directory = try TemporaryDirectory()
        try directory.write("p1.csv", "k,x\n1,10\n2,20\n")
        try directory.write("p2.csv", "k,x\n3,0.5\n4,\n")
        let df = try ChunkedDataFrame.readCSV(directory.file("p*.csv"))
        #expect(df.schema.type(of: "x") == .float64)
        #expect(try df.compute()["x"].toArray(Double.self) == [10, 20, 0.5, nil])
    }

    @Test func aColumnWithoutValuesTakesTheOtherFilesType() throws {
        let directory = try TemporaryDirectory()
        try directory.write("p0.csv", "k,name\n")                 // header only: placeholder types
        try directory.write("p1.csv", "k,name\n1,\n2,\n")         // name: only missing values
        try directory.write("p2.csv", "k,name\n3,c\n")
        let df = try ChunkedDataFrame.readCSV(directory.file("p*.csv"))
        #expect(df.schema.fields.map(\.type) == [.int64, .string])
        let frame = try df.compute()
        #expect(frame["k"].toArray(Int64.self) == [1, 2, 3])
        #expect(frame["name"].strings == [nil, nil, "c"])
    }

    @Test func filesWithDifferentColumnsAreAnError() throws {
        let directory = try TemporaryDirectory()
        try directory.write("p1.csv", "a,b\n1,2\n")
        try directory.write("p2.csv", "a,c\n1,2\n")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readCSV(directory.file("p*.csv")) }
        #expect(error?.message.contains("'c'") == true && error?.message.contains("'b'") == true)
        // The columns they share can be read.
        #expect(try ChunkedDataFrame.readCSV(directory.file("p*.csv"), usecols: ["a"]).compute().rowCount == 2)
    }

    @Test func aPatternMatchingNothingIsAnErrorNamingIt() throws {
        let directory = try TemporaryDirectory()
        let pattern = directory.file("nothing/part-*.csv")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readCSV(pattern) }
        #expect(error?.path == pattern)
        #expect(error?.description.contains("No files match") == true)
        let missing = directory.file("absent.csv")
        #expect(throws: FileFormatError(path: missing, message: "No such file or directory.")) { try ChunkedDataFrame.readCSV(missing) }
    }

    @Test func anEmptyFileHasNoColumnsToParse() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("empty.csv", "")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readCSV(path) }
        #expect(error?.message == "No columns to parse from file.")
        #expect(error?.path == path)
    }

    @Test func aHeaderOnlyFileIsZeroRowsWithItsColumns() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("header.csv", "a,b,c\n")
        let df = try ChunkedDataFrame.readCSV(path)
        #expect(df.columns == ["a", "b", "c"])
        let frame = try df.compute()
        #expect(frame.rowCount == 0)
        #expect(frame.columnNames == ["a", "b", "c"])
        #expect(frame.schema == df.schema)
    }

    @Test func pandasOptionsCamelCased() throws {
        let directory = try TemporaryDirectory()
        let text = "# exported\n1;2024-05-01T10:00:00;NA;-\n2;2024-05-02;7;x\n"
        let bytes = try Array(text.utf8).withUnsafeBytes { try Gzip.compress($0) }
        let path = directory.file("raw.txt")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let df = try ChunkedDataFrame.readCSV(path, sep: ";", header: false, names: ["a", "b", "c", "d"], parseDates: ["b"],
                                              naValues: ["-"], skiprows: 1, compression: "gzip")
        #expect(df.schema.fields.map(\.type) == [.int64, .timestamp(.ns, timeZone: nil), .int64, .string])
        let frame = try df.compute()
        #expect(frame["a"].toArray(Int64.self) == [1, 2])
        #expect(frame["b"][0] == .timestamp(1_714_557_600_000_000_000, .ns, timeZone: nil))
        #expect(frame["b"][1] == .timestamp(1_714_608_000_000_000_000, .ns, timeZone: nil))
        #expect(frame["c"].toArray(Int64.self) == [nil, 7])
        #expect(frame["d"].strings == [nil, "x"])
        let strict = try ChunkedDataFrame.readCSV(path, sep: ";", header: false, names: ["a", "b", "c", "d"], keepDefaultNA: false,
                                                  skiprows: 1, compression: "gzip").compute()
        #expect(strict["c"].strings == ["NA", "7"])
        #expect(strict["d"].strings == ["-", "x"])
    }

    @Test func badOptionsAreErrors() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.csv", "a\n1\n")
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, sep: "::") }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, sep: "") }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, compression: "bz2") }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, compression: "lzma9") }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, skiprows: -1) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, blocksize: 0) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV(path, sample: 0) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readCSV([String]()) }
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readCSV(path, usecols: ["nope"]) }
    }

    @Test func aBadFieldInALaterBlockNamesTheFileAndByteOffset() throws {
        let directory = try TemporaryDirectory()
        var text = "id,x\n"
        for id in 0..<200 { text += "\(id),\(id)\n" }
        text += "200,oops\n"
        let path = try directory.write("late.csv", text)
        // The sample (first 64 bytes) sees integers; the block holding "oops" cannot parse it.
        let df = try ChunkedDataFrame.readCSV(path, blocksize: 256, sample: 64)
        #expect(df.schema.type(of: "x") == .int64)
        let error = #expect(throws: (any Error).self) { try df.compute() }
        let file = try #require(error.map(rootError) as? FileFormatError)
        #expect(file.path == path)
        if case .byteOffset = file.location {} else { Issue.record("expected a byte offset, got \(file.location)") }
        #expect(file.message.contains("'x'"))
    }

    @Test func theReadmeExampleRuns() throws {
        let directory = try TemporaryDirectory()
        let lines = try String(contentsOfFile: IOFixtures.path("sales.csv"), encoding: .utf8).split(separator: "\n")
        try directory.write("data/part-0.csv", lines[0..<1500].joined(separator: "\n") + "\n")
        try directory.write("data/part-1.csv", ([lines[0]] + lines[1500...]).joined(separator: "\n") + "\n")
        // README, "A taste" (with absolute paths: tests run in parallel, so none changes directory).
        let sales = try ChunkedDataFrame.readCSV(directory.file("data/part-*.csv"), dtype: ["store": .int64])
        let perRegion = try sales[sales["units"] > 0].groupby("region").agg(["price": .mean])
        let written = try perRegion.toCSV(directory.file("out/part-*.csv"))
        #expect(written == [directory.file("out/part-0.csv")])
        let back = try ChunkedDataFrame.readCSV(directory.file("out/part-*.csv")).compute()
        #expect(back["region"].strings == ["centre, old", "east", "north", "south", "west"])
        #expect(back.rowCount == 5)
    }

    @Test(arguments: [nil, 4096, 10_000] as [Int?])
    func groupbyOverACSVMatchesPandas(blocksize: Int?) throws {
        let expected = try IOFixtures.expected()
        let df = try ChunkedDataFrame.readCSV(IOFixtures.path("sales.csv"), blocksize: blocksize)
        if blocksize == 4096 { #expect(df.npartitions > 10) }
        #expect(df.schema.fields.map(\.type) == [.string, .int64, .int64, .float64])
        try checkSales(df, expected)
    }
}

/// Compares Tessera's groupby and sums of the sales fixture with pandas'.
func checkSales(_ df: ChunkedDataFrame, _ expected: IOFixtures.Expected, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let out = try df.groupby("region").agg([
        AggregationSpec(column: "price", aggregation: .mean, outputName: "price_mean"),
        AggregationSpec(column: "price", aggregation: .sum, outputName: "price_sum"),
        AggregationSpec(column: "price", aggregation: .count, outputName: "price_count"),
        AggregationSpec(column: "units", aggregation: .sum, outputName: "units_sum"),
        AggregationSpec(column: "units", aggregation: .min, outputName: "units_min"),
        AggregationSpec(column: "units", aggregation: .max, outputName: "units_max"),
    ]).compute()
    let regions = out["region"].strings.compactMap { $0 }
    #expect(regions == expected.groupby.keys.sorted(), sourceLocation: sourceLocation)
    for column in ["price_mean", "price_sum", "price_count", "units_sum", "units_min", "units_max"] {
        let actual = out[column].toArray(Double.self).map { $0 ?? .nan }
        let reference = regions.map { (expected.groupby[$0]?[column] ?? nil) ?? .nan }
        #expect(allClose(actual, reference, rtol: 1e-12), "\(column): \(actual) vs \(reference)", sourceLocation: sourceLocation)
    }
    let sums = try df[["store", "units", "price"]].sum().compute()
    for (column, value) in expected.sums {
        #expect(allClose([sums[column].toArray(Double.self)[0] ?? .nan], [value], rtol: 1e-12), "\(column)", sourceLocation: sourceLocation)
    }
    #expect(try df.count().compute()["price"].toArray(Int64.self) == [Int64(expected.rows - expected.priceNulls)],
            sourceLocation: sourceLocation)
}
