import Backends
import FileFormats
import Foundation
import Testing

@Suite("JSON writer")
struct JSONWriterTests {
    /// The writer fixture's frame, read with its dtypes.
    static func fixtureFrame() throws -> DataFrame {
        let fixture = try #require(JSONFixtures.writer)
        let options = JSONFixtures.options(lines: true, dtypes: fixture.dtypes, columns: nil)
        return try JSONReader.read(path: JSONFixtures.input(fixture.file), options: options)
    }

    @Test("Writes what json.dumps writes for pandas' records (records and lines)")
    func matchesPython() throws {
        let fixture = try #require(JSONFixtures.writer)
        let frame = try Self.fixtureFrame()
        #expect(String(decoding: JSONWriter.encode(frame, lines: false), as: UTF8.self) == fixture.records)
        #expect(String(decoding: JSONWriter.encode(frame, lines: true), as: UTF8.self) == fixture.lines)
        let empty = DataFrame(emptyWith: Schema([Schema.Field(name: "a", type: .float64)]))
        #expect(String(decoding: JSONWriter.encode(empty, lines: false), as: UTF8.self) == fixture.emptyRecords)
        #expect(String(decoding: JSONWriter.encode(empty, lines: true), as: UTF8.self) == fixture.emptyLines)
    }

    @Test("Round trip: written files read back to the same frame", arguments: [false, true])
    func roundTrip(_ lines: Bool) throws {
        let frame = try Self.fixtureFrame()
        let scratch = JSONScratch()
        let path = scratch.directory.appendingPathComponent("out.json").path
        try JSONWriter.write(frame, to: path, lines: lines)
        var options = JSONOptions()
        options.lines = lines
        options.dtypes = Dictionary(uniqueKeysWithValues: frame.columns.map { ($0.name, $0.type) })
        let back = try JSONReader.read(path: path, options: options)
        #expect(back.schema == frame.schema)
        #expect(JSONFixtures.cells(back) == JSONFixtures.cells(frame))
        // Through a schema and partitions as well.
        let schema = try JSONReader.inferSchema(path: path, options: options)
        #expect(schema == frame.schema)
    }

    @Test("Round trip of inferred types and awkward values")
    func roundTripValues() throws {
        var generator = JSONSplitMix(seed: 7)
        var doubles: [Double?] = [0, -0.0, 1, -1, 0.1, Double(bitPattern: 2024), .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 1e15, 123.456, nil]
        for _ in 0..<500 { doubles.append(Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF | (generator.next() & (1 << 63)))) }
        var strings: [String?] = ["", "plain", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{1F}\u{7F}", "tab\tnl\ncr\r", "é中😀\u{2028}", nil]
        for index in 0..<(doubles.count - strings.count) { strings.append("s\(index)") }
        let ints: [Int?] = (0..<doubles.count).map { $0 % 9 == 0 ? nil : $0 * 7919 - 2_000_000 }
        let flags = (0..<doubles.count).map { $0 % 5 == 0 ? nil : $0 % 2 == 0 } as [Bool?]
        let frame = try DataFrame([
            "d": ColumnValues(doubles), "s": ColumnValues(strings), "i": ColumnValues(ints),
            "b": ColumnValues(Column.numbers(flags)),
        ])
        for lines in [false, true] {
            let scratch = JSONScratch()
            let path = scratch.directory.appendingPathComponent("v.json").path
            try JSONWriter.write(frame, to: path, lines: lines)
            var options = JSONOptions()
            options.lines = lines
            let back = try JSONReader.read(path: path, options: options)
            #expect(back.schema == frame.schema)
            #expect(JSONFixtures.cells(back) == JSONFixtures.cells(frame))
        }
    }

    @Test("Timestamps and dates: epoch milliseconds by default, ISO 8601 on request")
    func dates() throws {
        let stamps = Column.numbers([Int64(1_577_836_800_001_500), -500, 0] as [Int64?])
        let stampColumn = Column(unchecked: .timestamp(.us, timeZone: nil), storage: stamps.storage, validity: nil, count: 3)
        let zoned = Column(unchecked: .timestamp(.us, timeZone: "UTC"), storage: stamps.storage, validity: nil, count: 3)
        let days = Column.numbers([Int32(18262), -3528, nil])
        let dateColumn = Column(unchecked: .date, storage: days.storage, validity: days.validity, count: 3)
        let frame = try DataFrame(columns: [Series(name: "t", column: stampColumn), Series(name: "z", column: zoned),
                                            Series(name: "d", column: dateColumn)])
        let epoch = String(decoding: JSONWriter.encode(frame, lines: true), as: UTF8.self)
        #expect(epoch == """
            {"t":1577836800001,"z":1577836800001,"d":1577836800000}
            {"t":-1,"z":-1,"d":-304819200000}
            {"t":0,"z":0,"d":null}

            """)
        let iso = String(decoding: JSONWriter.encode(frame, lines: true, dateFormat: .iso), as: UTF8.self)
        #expect(iso == """
            {"t":"2020-01-01T00:00:00.001","z":"2020-01-01T00:00:00.001Z","d":"2020-01-01"}
            {"t":"1969-12-31T23:59:59.999","z":"1969-12-31T23:59:59.999Z","d":"1960-05-05"}
            {"t":"1970-01-01T00:00:00.000","z":"1970-01-01T00:00:00.000Z","d":null}

            """)
        // Both read back with the types given.
        let scratch = JSONScratch()
        var options = JSONOptions()
        options.lines = true
        options.dtypes = ["t": .timestamp(.ms, timeZone: nil), "z": .timestamp(.ms, timeZone: "UTC"), "d": .date]
        for format in [JSONDateFormat.epoch, .iso] {
            let path = scratch.directory.appendingPathComponent("d-\(format.rawValue).jsonl").path
            try JSONWriter.write(frame, to: path, lines: true, dateFormat: format)
            let back = try JSONReader.read(path: path, options: options)
            #expect(back["t"].toArray(Int64.self) == [1_577_836_800_001, -1, 0])
            #expect(back["z"].toArray(Int64.self) == [1_577_836_800_001, -1, 0])
            #expect(back["d"].toArray(Int64.self) == [18262, -3528, nil])
        }
    }

    @Test("Column names are escaped; frames without columns write empty objects")
    func names() throws {
        let frame = try DataFrame(columns: [Series(name: "we\"ird\nname", column: Column.numbers([Int64(1)]))])
        #expect(String(decoding: JSONWriter.encode(frame, lines: false), as: UTF8.self) == "[{\"we\\\"ird\\nname\":1}]")
        let scratch = JSONScratch()
        let path = scratch.directory.appendingPathComponent("n.json").path
        try JSONWriter.write(frame, to: path, lines: false)
        #expect(try JSONReader.read(path: path, options: JSONOptions()).columnNames == ["we\"ird\nname"])
        let noColumns = DataFrame(unchecked: [], rowCount: 2)
        #expect(String(decoding: JSONWriter.encode(noColumns, lines: true), as: UTF8.self) == "{}\n{}\n")
        #expect(throws: FileFormatError.self) {
            try JSONWriter.write(frame, to: scratch.directory.appendingPathComponent("missing/dir/x.json").path, lines: true)
        }
    }
}
