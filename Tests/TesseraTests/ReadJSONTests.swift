import Foundation
import Testing
@testable import Tessera
import TesseraTestSupport

@Suite("readJSON: lines and records, files, partitions, errors")
struct ReadJSONTests {
    @Test(arguments: [nil, 16, 40, 1000] as [Int?])
    func jsonLinesInAnyBlocksize(blocksize: Int?) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("events.jsonl", """
            {"id": 1, "kind": "click", "value": 0.5}
            {"id": 2, "kind": "view"}

            {"id": 3, "kind": "click", "value": -2, "extra": true}
            {"id": 4, "kind": null, "value": 1e3}

            """)
        let df = try ChunkedDataFrame.readJSON(path, lines: true, blocksize: blocksize)
        #expect(df.columns == ["id", "kind", "value", "extra"])
        #expect(df.schema.fields.map(\.type) == [.int64, .string, .float64, .bool])
        if let blocksize, blocksize < 100 { #expect(df.npartitions > 1) }
        let frame = try df.compute()
        #expect(frame["id"].toArray(Int64.self) == [1, 2, 3, 4])
        #expect(frame["kind"].strings == ["click", "view", "click", nil])
        #expect(frame["value"].toArray(Double.self) == [0.5, nil, -2, 1000])
        #expect(frame["extra"].toArray(Bool.self) == [nil, nil, true, nil])
        #expect(try df[df["kind"] == "click"][["value"]].compute()["value"].toArray(Double.self) == [0.5, -2])
    }

    @Test func anArrayOfRecordsIsOnePartitionPerFile() throws {
        let directory = try TemporaryDirectory()
        try directory.write("t/a.json", #"[{"k": 1, "name": "x"}, {"k": 2, "name": "y"}]"#)
        try directory.write("t/b.json", #"[{"k": 3, "score": 9.5}]"#)
        let df = try ChunkedDataFrame.readJSON(directory.file("t/*.json"), orient: "records")
        #expect(df.npartitions == 2)
        #expect(df.columns == ["k", "name", "score"])
        let frame = try df.compute()
        #expect(frame["k"].toArray(Int64.self) == [1, 2, 3])
        #expect(frame["name"].strings == ["x", "y", nil])
        #expect(frame["score"].toArray(Double.self) == [nil, nil, 9.5])
    }

    @Test func conflictingTypesAcrossFilesNameBothFiles() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("a.jsonl", "{\"x\": 1}\n")
        let second = try directory.write("b.jsonl", "{\"x\": \"one\"}\n")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readJSON(directory.file("*.jsonl"), lines: true) }
        #expect(error?.path == second)
        #expect(error?.message.contains(first) == true)
        // Nulls only in one file: the other decides; integers and floats promote.
        try directory.write("b.jsonl", "{\"x\": null}\n{\"x\": 2.5}\n")
        try directory.write("c.jsonl", "{\"x\": null}\n")
        let df = try ChunkedDataFrame.readJSON(directory.file("*.jsonl"), lines: true)
        #expect(df.schema.type(of: "x") == .float64)
        #expect(try df.compute()["x"].toArray(Double.self) == [1, nil, 2.5, nil])
    }

    @Test func dtypeAndDateUnit() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.jsonl", "{\"when\": 1714557600, \"n\": 3}\n{\"when\": \"2024-05-02\", \"n\": 4}\n")
        let df = try ChunkedDataFrame.readJSON(path, lines: true, dtype: ["when": .timestamp(.s, timeZone: nil), "n": .float64],
                                               dateUnit: "s")
        #expect(df.schema.fields.map(\.type) == [.timestamp(.s, timeZone: nil), .float64])
        let frame = try df.compute()
        #expect(frame["when"][0] == .timestamp(1_714_557_600, .s, timeZone: nil))
        #expect(frame["when"][1] == .timestamp(1_714_608_000, .s, timeZone: nil))
        #expect(frame["n"].toArray(Double.self) == [3, 4])
    }

    @Test func badInputAndOptionsAreErrors() throws {
        let directory = try TemporaryDirectory()
        let records = try directory.write("r.json", #"[{"a": 1}]"#)
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readJSON(records, orient: "split") }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readJSON(records, blocksize: 10) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readJSON(records, dateUnit: "days") }
        let compressed = try directory.write("c.jsonl.gz", "not really gzip")
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readJSON(compressed, lines: true) }
        let empty = try directory.write("e.json", "")
        #expect(throws: FileFormatError(path: empty, message: "The file is empty.")) { try ChunkedDataFrame.readJSON(empty) }
        let pattern = directory.file("none-*.jsonl")
        let error = #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readJSON(pattern, lines: true) }
        #expect(error?.path == pattern)
        // A bad value past the sample is reported when computing, with its line.
        var text = ""
        for id in 0..<100 { text += "{\"id\": \(id)}\n" }
        text += "{\"id\": \"x\"}\n"
        let late = try directory.write("late.jsonl", text)
        let df = try ChunkedDataFrame.readJSON(late, lines: true, blocksize: 256, sample: 64)
        let failure = #expect(throws: (any Error).self) { try df.compute() }
        let file = try #require(failure.map(rootError) as? FileFormatError)
        #expect(file.path == late)
        #expect(file.location == .line(101))
    }

    @Test(arguments: [nil, 8192, 50_000] as [Int?])
    func groupbyOverJSONLinesMatchesPandas(blocksize: Int?) throws {
        let expected = try IOFixtures.expected()
        let df = try ChunkedDataFrame.readJSON(IOFixtures.path("sales.jsonl"), lines: true, blocksize: blocksize)
        if blocksize == 8192 { #expect(df.npartitions > 10) }
        #expect(df.schema.fields.map(\.type) == [.string, .int64, .int64, .float64])
        try checkSales(df, expected)
    }

    @Test func writtenJSONReadsBackEqual() throws {
        let directory = try TemporaryDirectory()
        let original = try ChunkedDataFrame.fromDict([
            "id": [1, 2, 3, 4, 5],
            "x": [0.5, nil, -3.25, 1e-07, 12.0],
            "name": ["a", "quote \" and \\ slash", nil, "ünï", "tab\there"],
            "ok": [true, false, nil, true, false],
        ], npartitions: 2)
        let written = try original.toJSON(directory.file("json/part-*.jsonl"))
        #expect(written.count == 2)
        let back = try ChunkedDataFrame.readJSON(directory.file("json/part-*.jsonl"), lines: true)
        #expect(back.schema == original.schema)
        #expect(cells(try back.compute()) == cells(try original.compute()))
        // One partition, no '*': one file holding an array of records.
        let single = try original.repartition(npartitions: 1).toJSON(directory.file("table.json"), lines: false)
        #expect(single == [directory.file("table.json")])
        #expect(try directory.read("table.json").hasPrefix("[{"))
        #expect(cells(try ChunkedDataFrame.readJSON(directory.file("table.json")).compute()) == cells(try original.compute()))
    }
}
