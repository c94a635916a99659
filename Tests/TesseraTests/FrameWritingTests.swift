import Foundation
import Testing
@testable import Tessera

@Suite("toCSV and toJSON: where files go, what they hold")
struct FrameWritingTests {
    func sample(npartitions: Int) throws -> ChunkedDataFrame {
        try ChunkedDataFrame.fromDict(["k": [1, 2, 3, 4, 5], "x": [0.5, nil, 2.0, -1.5, 1e-05], "s": ["a", "b,c", nil, "d\"e", "f"]],
                                      npartitions: npartitions)
    }

    @Test func eachPartitionIsOneFileInPandasFormat() throws {
        let directory = try TemporaryDirectory()
        let written = try sample(npartitions: 2).toCSV(directory.file("new/dir/part-*.csv"))
        #expect(written == [directory.file("new/dir/part-0.csv"), directory.file("new/dir/part-1.csv")])
        // pandas' to_csv(index=False) of the two halves (rows 0-2 and 3-4).
        #expect(try directory.read("new/dir/part-0.csv") == "k,x,s\n1,0.5,a\n2,,\"b,c\"\n3,2.0,\n")
        #expect(try directory.read("new/dir/part-1.csv") == "k,x,s\n4,-1.5,\"d\"\"e\"\n5,1e-05,f\n")
    }

    @Test func oneFileHoldsEveryPartitionUnderOneHeader() throws {
        let directory = try TemporaryDirectory()
        let written = try sample(npartitions: 3).toCSV(directory.file("all.csv"), singleFile: true)
        #expect(written == [directory.file("all.csv")])
        #expect(try directory.read("all.csv") == "k,x,s\n1,0.5,a\n2,,\"b,c\"\n3,2.0,\n4,-1.5,\"d\"\"e\"\n5,1e-05,f\n")
        // Gzip: one member per partition, read back whole.
        try sample(npartitions: 3).toCSV(directory.file("all.csv.gz"), singleFile: true)
        let back = try ChunkedDataFrame.readCSV(directory.file("all.csv.gz")).compute()
        #expect(back["k"].toArray(Int64.self) == [1, 2, 3, 4, 5])
        #expect(back["s"].strings == ["a", "b,c", nil, "d\"e", "f"])
        // Without a header, and with another separator.
        try sample(npartitions: 2).toCSV(directory.file("bare.txt"), sep: ";", header: false, singleFile: true)
        #expect(try directory.read("bare.txt") == "1;0.5;a\n2;;b,c\n3;2.0;\n4;-1.5;\"d\"\"e\"\n5;1e-05;f\n")
    }

    @Test func pathsWithoutAStarFollowDask() throws {
        let directory = try TemporaryDirectory()
        #expect(try sample(npartitions: 1).toCSV(directory.file("one.csv")) == [directory.file("one.csv")])
        #expect(try sample(npartitions: 3).toCSV(directory.file("many.csv"))
            == [directory.file("many.csv/0.part"), directory.file("many.csv/1.part"), directory.file("many.csv/2.part")])
        #expect(try sample(npartitions: 1).toCSV(directory.file("folder/")) == [directory.file("folder/0.part")])
        let custom = try sample(npartitions: 2).toCSV(directory.file("c/day-*.csv"), nameFunction: { "2024-05-0\($0 + 1)" })
        #expect(custom == [directory.file("c/day-2024-05-01.csv"), directory.file("c/day-2024-05-02.csv")])
        #expect(try ChunkedDataFrame.readCSV(directory.file("c/day-*.csv")).compute()["k"].toArray(Int64.self) == [1, 2, 3, 4, 5])
    }

    @Test func badPathsAndOptionsAreErrors() throws {
        let directory = try TemporaryDirectory()
        let df = try sample(npartitions: 2)
        #expect(throws: FrameOperationError.self) { try df.toCSV(directory.file("*/part-*.csv")) }
        #expect(throws: FrameOperationError.self) { try df.toCSV(directory.file("part-*.csv"), singleFile: true) }
        #expect(throws: FrameOperationError.self) { try df.toCSV(directory.file("p-*.csv"), nameFunction: { _ in "same" }) }
        #expect(throws: FrameOperationError.self) { try df.toCSV(directory.file("p-*.csv"), sep: "ab") }
        #expect(throws: FrameOperationError.self) { try df.toCSV("") }
        #expect(throws: FrameOperationError.self) { try df.toJSON(directory.file("p.json"), lines: false, singleFile: true) }
        #expect(throws: FrameOperationError.self) { try df.toJSON(directory.file("p-*.json"), orient: "split") }
        // A file where a directory is needed.
        try directory.write("blocker", "x")
        let error = #expect(throws: FileFormatError.self) { try df.toCSV(directory.file("blocker/part-*.csv")) }
        #expect(error?.path == directory.file("blocker"))
    }

    @Test func jsonLinesIntoOneFile() throws {
        let directory = try TemporaryDirectory()
        let df = try ChunkedDataFrame.fromDict(["k": [1, 2, 3, 4, 5], "x": [0.5, nil, 2.0, -1.5, 1e-03], "s": ["a", "b,c", nil, "d\"e", "f"]],
                                               npartitions: 3)
        try df.toJSON(directory.file("all.jsonl"), singleFile: true)
        // pandas' to_json(orient="records", lines=True) of the same frame.
        #expect(try directory.read("all.jsonl") == """
            {"k":1,"x":0.5,"s":"a"}
            {"k":2,"x":null,"s":"b,c"}
            {"k":3,"x":2.0,"s":null}
            {"k":4,"x":-1.5,"s":"d\\"e"}
            {"k":5,"x":0.001,"s":"f"}

            """)
    }

    @Test func defaultNamesArePaddedToSortInPartitionOrder() {
        #expect(ChunkedDataFrame.defaultNameFunction(count: 1)(0) == "0")
        #expect(ChunkedDataFrame.defaultNameFunction(count: 10)(9) == "9")
        #expect(ChunkedDataFrame.defaultNameFunction(count: 11)(3) == "03")
        #expect(ChunkedDataFrame.defaultNameFunction(count: 101)(7) == "007")
    }
}

@Suite("File patterns")
struct FilePatternTests {
    @Test func patternsMatchAsTheShellDoes() throws {
        let directory = try TemporaryDirectory()
        for name in ["a1.csv", "a2.csv", "b1.csv", "a10.csv", ".a3.csv", "sub/a4.csv", "sub2/a5.csv", "x/y/z.csv"] {
            try directory.write(name, "k\n1\n")
        }
        let base = directory.path + "/"
        func names(_ pattern: String) throws -> [String] {
            try FilePattern.expand(base + pattern).map { String($0.dropFirst(base.count)) }
        }
        #expect(try names("a*.csv") == ["a1.csv", "a10.csv", "a2.csv"])
        #expect(try names("a?.csv") == ["a1.csv", "a2.csv"])
        #expect(try names("[ab]1.csv") == ["a1.csv", "b1.csv"])
        #expect(try names("sub*/a*.csv") == ["sub/a4.csv", "sub2/a5.csv"])
        #expect(try names("*/*/z.csv") == ["x/y/z.csv"])
        #expect(try names("sub") == ["sub/a4.csv"])
        #expect(FilePattern.isPattern("a[0-9].csv"))
        #expect(!FilePattern.isPattern("plain.csv"))
        #expect(throws: FileFormatError.self) { try names("c*.csv") }
        #expect(throws: FileFormatError.self) { try names("nope/*.csv") }
    }
}
