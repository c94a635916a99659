import Backends
import FileFormats
import Foundation
import Testing

@Suite("JSON reader: pandas fixtures")
struct JSONReaderFixtureTests {
    @Test("Fixtures are present")
    func fixturesPresent() {
        #expect(JSONFixtures.readerCases.count > 40)
        #expect(JSONFixtures.writer != nil)
    }

    @Test("Reads as pandas does (whole file)", arguments: JSONFixtures.frameCaseNames)
    func wholeFile(_ name: String) throws {
        let fixture = try #require(JSONFixtures.readerCases[name])
        let expected = try #require(fixture.expected)
        let options = JSONFixtures.options(lines: fixture.lines, dtypes: fixture.dtypes, columns: fixture.columns)
        let frame = try JSONReader.read(path: JSONFixtures.input(fixture.file), options: options)
        JSONFixtures.check(frame, against: expected, case: name)
    }

    @Test("Reads as pandas does (inferred schema, partitions)", arguments: JSONFixtures.frameCaseNames)
    func partitioned(_ name: String) throws {
        let fixture = try #require(JSONFixtures.readerCases[name])
        let expected = try #require(fixture.expected)
        let options = JSONFixtures.options(lines: fixture.lines, dtypes: fixture.dtypes, columns: fixture.columns)
        let path = JSONFixtures.input(fixture.file)
        let schema = try JSONReader.inferSchema(path: path, options: options)
        #expect(schema.names == expected.columns.map(\.name), "\(name): schema names")
        for blocksize in [nil, 1, 16, 100] as [Int?] {
            let parts = try JSONReader.partitions(path: path, options: options, blocksize: blocksize)
            if !fixture.lines { #expect(parts.count == 1) }
            let frames = try parts.map { try JSONReader.read($0, schema: schema, options: options) }
            #expect(frames.reduce(0) { $0 + $1.rowCount } == expected.rows, "\(name): rows with blocksize \(String(describing: blocksize))")
            let whole = try JSONReader.read(path: path, options: options)
            #expect(JSONFixtures.concatenatedCells(frames) == JSONFixtures.cells(whole), "\(name): partitions of \(String(describing: blocksize)) bytes differ from the whole")
        }
    }
}

@Suite("JSON reader: behaviour")
struct JSONReaderTests {
    /// A JSON Lines file with every kind of value, missing keys, nulls, escapes and nested values.
    static func varied(lines count: Int) -> String {
        var text = ""
        for row in 0..<count {
            var fields: [String] = []
            fields.append("\"id\": \(row)")
            if row % 3 != 0 { fields.append("\"x\": \(Double(row) * 0.37 - 50)") } else { fields.append("\"x\": null") }
            if row % 5 != 1 { fields.append("\"flag\": \(row % 2 == 0)") }
            fields.append("\"name\": \"n\\u00e9\(row)\\n\\ud83d\\ude00 \\\"q\\\"\"")
            if row % 7 == 0 { fields.append("\"nested\": {\"k\": [\(row), \"v\"], \"e\": {}}") }
            if row % 11 == 0 { fields.append("\"late\": \(row * 1000)") }
            if row % 4 == 0 { fields.reverse() }
            text += "{" + fields.joined(separator: ", ") + "}\n"
            if row % 13 == 0 { text += "\n" }
        }
        return text
    }

    static func linesOptions() -> JSONOptions {
        var options = JSONOptions()
        options.lines = true
        return options
    }

    @Test("Many partitions concatenated equal one read")
    func partitionEquivalence() throws {
        let scratch = JSONScratch()
        let path = scratch.file("varied.jsonl", Self.varied(lines: 1500))
        let options = Self.linesOptions()
        let whole = try JSONReader.read(path: path, options: options)
        #expect(whole.rowCount == 1500)
        #expect(whole.columnNames == ["id", "x", "flag", "name", "nested", "late"] || whole.columnNames.count == 6)
        let schema = whole.schema
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        for blocksize in [1, 7, 100, 1000, 4096, 65536, size, size * 2] {
            let parts = try JSONReader.partitions(path: path, options: options, blocksize: blocksize)
            // The ranges tile the file and start at line starts.
            var next = 0
            for part in parts {
                let range = try #require(part.byteRange)
                #expect(range.lowerBound == next)
                next = range.upperBound
            }
            #expect(next == size)
            let frames = try parts.map { try JSONReader.read($0, schema: schema, options: options) }
            #expect(JSONFixtures.concatenatedCells(frames) == JSONFixtures.cells(whole), "blocksize \(blocksize)")
            #expect(frames.allSatisfy { $0.columnNames == whole.columnNames })
        }
        #expect(try JSONReader.partitions(path: path, options: options, blocksize: nil) == [JSONPartition(path: path, byteRange: nil)])
    }

    @Test("Partitions split at newlines near multiples of the block size")
    func partitionBoundaries() throws {
        let scratch = JSONScratch()
        let path = scratch.file("p.jsonl", "{\"a\":1}\n{\"a\":22}\n{\"a\":333}\n")   // lines end at 8, 17, 27
        let options = Self.linesOptions()
        let parts = try JSONReader.partitions(path: path, options: options, blocksize: 9)
        #expect(parts.map(\.byteRange) == [0..<17, 17..<27])
        let exact = try JSONReader.partitions(path: path, options: options, blocksize: 8)
        #expect(exact.map(\.byteRange) == [0..<8, 8..<17, 17..<27])
        var records = JSONOptions()
        records.lines = false
        let array = scratch.file("r.json", "[{\"a\":1}]")
        #expect(try JSONReader.partitions(path: array, options: records, blocksize: 1).count == 1)
        #expect(throws: FileFormatError.self) { try JSONReader.partitions(path: path, options: options, blocksize: 0) }
    }

    @Test("Schema inference reads a sample and keeps first-seen key order")
    func inferSchemaSample() throws {
        let scratch = JSONScratch()
        var text = ""
        for row in 0..<200 { text += "{\"b\": \(row), \"a\": \"s\(row)\"}\n" }
        text += "{\"b\": 1.5, \"c\": true}\n"
        let path = scratch.file("s.jsonl", text)
        var options = Self.linesOptions()
        options.sampleBytes = 1000
        let sample = try JSONReader.inferSchema(path: path, options: options)
        #expect(sample.fields == [Schema.Field(name: "b", type: .int64), Schema.Field(name: "a", type: .string)])
        // A value beyond the sample that does not fit: an error naming the line and column.
        let parts = try JSONReader.partitions(path: path, options: options, blocksize: 1500)
        var failure: FileFormatError?
        for part in parts {
            do { _ = try JSONReader.read(part, schema: sample, options: options) } catch { failure = error }
        }
        let error = try #require(failure)
        #expect(error.location == .line(201))
        #expect(error.message.contains("Column 'b'"))
        #expect(error.description.contains(path))
        // The whole file is inferred from every record.
        let whole = try JSONReader.read(path: path, options: options)
        #expect(whole.schema.fields == [Schema.Field(name: "b", type: .float64), Schema.Field(name: "a", type: .string),
                                        Schema.Field(name: "c", type: .bool)])
        // With the sample covering the file, inference sees everything.
        options.sampleBytes = 1 << 20
        #expect(try JSONReader.inferSchema(path: path, options: options) == whole.schema)
        // A dtype for a key beyond the sample adds the column.
        options.sampleBytes = 1000
        options.dtypes = ["c": .bool]
        #expect(try JSONReader.inferSchema(path: path, options: options).names == ["b", "a", "c"])
    }

    @Test("A sample shorter than the first line reads the whole line; records samples stop at whole records")
    func samplesExtend() throws {
        let scratch = JSONScratch()
        let path = scratch.file("long.jsonl", "{\"a\": \"\(String(repeating: "x", count: 5000))\", \"b\": 1}\n{\"c\": 2}\n")
        var options = Self.linesOptions()
        options.sampleBytes = 10
        #expect(try JSONReader.inferSchema(path: path, options: options).names == ["a", "b"])
        let records = scratch.file("r.json", "[{\"a\": 1, \"b\": \"x\"},\n {\"a\": 2.5, \"c\": null},\n {\"d\": \"\(String(repeating: "y", count: 300))\"}]")
        var recordOptions = JSONOptions()
        recordOptions.sampleBytes = 30
        #expect(try JSONReader.inferSchema(path: records, options: recordOptions).fields == [Schema.Field(name: "a", type: .int64), Schema.Field(name: "b", type: .string)])
        recordOptions.sampleBytes = 60
        #expect(try JSONReader.inferSchema(path: records, options: recordOptions).fields
            == [Schema.Field(name: "a", type: .float64), Schema.Field(name: "b", type: .string), Schema.Field(name: "c", type: .float64)])
        recordOptions.sampleBytes = 5
        #expect(try JSONReader.inferSchema(path: records, options: recordOptions).names == ["a", "b"])
    }

    @Test("A column that needs text after numbers holds every value's text as written")
    func restartToText() throws {
        let scratch = JSONScratch()
        let path = scratch.file("m.jsonl", "{\"a\": 1, \"b\": true}\n{\"a\": 2.50, \"b\": false}\n{\"a\": \"x\", \"b\": 3}\n{\"a\": null, \"b\": [1, {\"k\": \"v\"}]}\n")
        let frame = try JSONReader.read(path: path, options: Self.linesOptions())
        #expect(frame.schema.fields == [Schema.Field(name: "a", type: .string), Schema.Field(name: "b", type: .string)])
        #expect(frame["a"].strings == ["1", "2.50", "x", nil])
        #expect(frame["b"].strings == ["true", "false", "3", "[1,{\"k\":\"v\"}]"])
    }

    @Test("Integers widen as pandas widens them")
    func integerWidening() throws {
        let scratch = JSONScratch()
        let options = Self.linesOptions()
        let unsigned = scratch.file("u.jsonl", "{\"a\": 1}\n{\"a\": 18446744073709551615}\n{\"a\": null}\n")
        let u = try JSONReader.read(path: unsigned, options: options)
        #expect(u["a"].type == .numeric(.uint64))
        #expect(u["a"][1] == .uint(18_446_744_073_709_551_615))
        #expect(u["a"].column.isNull(2))
        let mixed = scratch.file("m.jsonl", "{\"a\": -1}\n{\"a\": 9223372036854775808}\n")
        #expect(try JSONReader.read(path: mixed, options: options)["a"].toArray(Double.self) == [-1, 9_223_372_036_854_775_808])
        let huge = scratch.file("h.jsonl", "{\"a\": 123456789012345678901234567890}\n{\"a\": -99999999999999999999}\n")
        #expect(try JSONReader.read(path: huge, options: options)["a"].toArray(Double.self) == [1.2345678901234568e29, -1e20])
        let float = scratch.file("f.jsonl", "{\"a\": 9007199254740993}\n{\"a\": 0.5}\n")
        #expect(try JSONReader.read(path: float, options: options)["a"].toArray(Double.self) == [9_007_199_254_740_992, 0.5])
    }

    @Test("Projection reads only the named columns, in their order, and rejects unknown ones")
    func projection() throws {
        let scratch = JSONScratch()
        let path = scratch.file("p.jsonl", "{\"a\": 1, \"b\": \"x\", \"c\": 2.5}\n{\"c\": 3.5, \"a\": 2, \"d\": [1]}\n")
        var options = Self.linesOptions()
        options.columns = ["c", "a"]
        let frame = try JSONReader.read(path: path, options: options)
        #expect(frame.columnNames == ["c", "a"])
        #expect(frame["a"].toArray(Int.self) == [1, 2])
        let schema = try JSONReader.inferSchema(path: path, options: options)
        #expect(schema.names == ["c", "a"])
        // Projection against a full schema at read time.
        var plain = Self.linesOptions()
        let full = try JSONReader.inferSchema(path: path, options: plain)
        #expect(full.names == ["a", "b", "c", "d"])
        plain.columns = ["b"]
        let part = try JSONReader.read(JSONPartition(path: path, byteRange: nil), schema: full, options: plain)
        #expect(part.columnNames == ["b"])
        #expect(part["b"].strings == ["x", nil])
        plain.columns = ["nope"]
        #expect(throws: FileFormatError.self) { try JSONReader.read(JSONPartition(path: path, byteRange: nil), schema: full, options: plain) }
        options.columns = ["a", "nope"]
        #expect(throws: FileFormatError.self) { try JSONReader.inferSchema(path: path, options: options) }
    }

    @Test("Keys not in the schema are skipped; keys missing from a record are nulls")
    func schemaDecides() throws {
        let scratch = JSONScratch()
        let path = scratch.file("s.jsonl", "{\"a\": 1, \"extra\": {\"deep\": [1, 2]}, \"b\": \"x\"}\n{\"b\": \"y\"}\n{\"extra\": \"z\", \"a\": 3}\n")
        let schema = Schema([Schema.Field(name: "b", type: .string), Schema.Field(name: "a", type: .float64), Schema.Field(name: "t", type: .timestamp(.s, timeZone: "UTC"))])
        let frame = try JSONReader.read(JSONPartition(path: path, byteRange: nil), schema: schema, options: Self.linesOptions())
        #expect(frame.schema == schema)
        #expect(frame["b"].strings == ["x", "y", nil])
        #expect(frame["a"].toArray(Double.self) == [1, nil, 3])
        #expect(frame["t"].column.nullCount == 3)
    }

    @Test("Timestamps and dates from epoch counts in the chosen unit and from ISO 8601 text")
    func temporal() throws {
        let scratch = JSONScratch()
        let path = scratch.file("t.jsonl", "{\"t\": 1700000000, \"d\": 86400}\n{\"t\": \"2023-11-14T22:13:20.123456789Z\", \"d\": \"1970-01-03\"}\n{\"t\": -1, \"d\": -1}\n")
        var options = Self.linesOptions()
        options.dateUnit = .s
        options.dtypes = ["t": .timestamp(.ns, timeZone: "UTC"), "d": .date]
        let frame = try JSONReader.read(path: path, options: options)
        #expect(frame["t"].toArray(Int64.self) == [1_700_000_000_000_000_000, 1_700_000_000_123_456_789, -1_000_000_000])
        #expect(frame["d"].toArray(Int64.self) == [1, 2, -1])
        #expect(frame["t"].type == .timestamp(.ns, timeZone: "UTC"))
    }

    @Test("Reading the same partition twice gives equal frames; frames are independent of other reads")
    func repeatable() throws {
        let scratch = JSONScratch()
        let path = scratch.file("v.jsonl", Self.varied(lines: 300))
        let options = Self.linesOptions()
        let first = try JSONReader.read(path: path, options: options)
        let second = try JSONReader.read(path: path, options: options)
        #expect(JSONFixtures.cells(first) == JSONFixtures.cells(second))
    }

    @Test("Long lines and files larger than one read chunk")
    func largeInput() throws {
        let scratch = JSONScratch()
        var text = ""
        let long = String(repeating: "abcdefghij", count: 100_000)   // 1 MB string: longer than a chunk
        text += "{\"s\": \"\(long)\", \"n\": 0}\n"
        for row in 1..<20_000 { text += "{\"s\": \"r\(row)\", \"n\": \(row)}\n" }
        let path = scratch.file("big.jsonl", text)
        let frame = try JSONReader.read(path: path, options: Self.linesOptions())
        #expect(frame.rowCount == 20_000)
        #expect(frame["s"].strings.first == long)
        #expect(frame["n"].toArray(Int.self).last == 19_999)
        let schema = frame.schema
        let parts = try JSONReader.partitions(path: path, options: Self.linesOptions(), blocksize: 300_000)
        let frames = try parts.map { try JSONReader.read($0, schema: schema, options: Self.linesOptions()) }
        #expect(JSONFixtures.concatenatedCells(frames) == JSONFixtures.cells(frame))
        // The same records as one array (more than a megabyte: the row estimate path).
        let array = scratch.file("big.json", "[" + text.split(separator: "\n").joined(separator: ",\n") + "]")
        let records = try JSONReader.read(path: array, options: JSONOptions())
        #expect(JSONFixtures.cells(records) == JSONFixtures.cells(frame))
    }

    @Test("Keys match after decoding escapes, whatever their characters and lengths")
    func keySpellings() throws {
        let scratch = JSONScratch()
        let long = String(repeating: "k", count: 40)
        let text = #"""
            {"a\"b": 1, "\u0063": 2, "\#(long)": 3, "sixteen_chars_ab": 4, "é": 5, "tab\t": 6}
            {"a\u0022b": 7, "c": 8, "\#(long)": 9, "sixteen_chars_ab": 10, "\u00e9": 11, "tab\u0009": 12}
            {"tab\t": 18, "é": 17, "sixteen_chars_ab": 16, "\#(long)": 15, "c": 14, "a\"b": 13}

            """#
        let path = scratch.file("k.jsonl", text)
        let frame = try JSONReader.read(path: path, options: Self.linesOptions())
        #expect(frame.columnNames == ["a\"b", "c", long, "sixteen_chars_ab", "é", "tab\t"])
        for (index, name) in frame.columnNames.enumerated() {
            #expect(frame[name].toArray(Int.self) == [index + 1, index + 7, 13 + index], "\(name)")
        }
        let schema = Schema(frame.schema.fields.reversed())
        let parts = try JSONReader.partitions(path: path, options: Self.linesOptions(), blocksize: 10)
        let frames = try parts.map { try JSONReader.read($0, schema: schema, options: Self.linesOptions()) }
        #expect(JSONFixtures.concatenatedCells(frames) == JSONFixtures.cells(frame))
    }

    @Test("Deeply nested values are text, without recursion")
    func deepNesting() throws {
        let scratch = JSONScratch()
        let depth = 100_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let path = scratch.file("deep.jsonl", "{\"a\": \(nested), \"b\": 1}\n{\"b\": 2, \"skip\": \(nested)}\n")
        var options = Self.linesOptions()
        let frame = try JSONReader.read(path: path, options: options)
        #expect(frame["a"].strings == [nested, nil])
        options.columns = ["b"]
        #expect(try JSONReader.read(path: path, options: options)["b"].toArray(Int.self) == [1, 2])
        let unbalanced = scratch.file("bad.jsonl", "{\"a\": \(String(repeating: "[", count: depth))}\n")
        #expect(throws: FileFormatError.self) { try JSONReader.read(path: unbalanced, options: Self.linesOptions()) }
    }
}
