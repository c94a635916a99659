import Backends
import Foundation
import Testing
@testable import FileFormats

@Suite("CSV: writer")
struct CSVWriterTests {
    /// A frame with every kind of value that needs care when written.
    static func sample() throws -> DataFrame {
        let strings: [String?] = ["plain", "say \"hi\"", "a,b", "line\nbreak", "cr\rlf\r\n", nil, "ünïcødé 李", " spaced ", "NA-ish", "x;y"]
        let ints: [Int64?] = [1, -2, nil, Int64.max, Int64.min, 0, 42, nil, 7, 8]
        let floats: [Double?] = [0.1, -0.0, nil, 1e-300, 1e300, .infinity, -.infinity, 123_456_789.125, 1e16, 2.5e-5]
        let bools: [Bool?] = [true, false, nil, true, true, false, nil, false, true, false]
        let stamps = Column.numbers([Int64?](
            [1_577_872_800_000_000_000, nil, 1_577_872_800_123_456_789, 0, -1, 86_400_000_000_000, nil, 5, 6, 7]))
        let utc = try Column(type: .timestamp(.ns, timeZone: "UTC"), storage: stamps.storage, validity: stamps.validity)
        return try DataFrame(columns: [
            Series(name: "s", column: Column.strings(strings)),
            Series(name: "i", column: Column.numbers(ints)),
            Series(name: "f", column: Column.numbers(floats)),
            Series(name: "b", column: Column.numbers(bools)),
            Series(name: "t", column: utc),
            Series(name: "name, with \"quotes\"", column: Column.numbers([Int64](0..<10))),
        ])
    }

    @Test("Write then read gives the frame back", arguments: [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")])
    func roundTrip(_ separator: UInt8) throws {
        let frame = try Self.sample()
        var options = CSVOptions()
        options.separator = separator
        options.dtypes = ["s": .string, "t": .timestamp(.ns, timeZone: "UTC")]
        let path = try CSVFixtures.temporaryFile([])
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CSVWriter.write(frame, to: path, options: options)
        let back = try CSVReader.read(path: path, options: options)
        #expect(back.columnNames == frame.columnNames)
        #expect(back.schema == frame.schema)
        for series in frame.columns {
            #expect(CSVFixtures.strings(try back.column(series.name).column) == CSVFixtures.strings(series.column),
                    "column \(series.name)")
        }
    }

    @Test("Inference on the written text gives the original types")
    func inferredTypes() throws {
        let frame = try Self.sample()
        let path = try CSVFixtures.temporaryFile(CSVWriter.encode(frame, header: true, options: CSVOptions()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.parseDates = ["t"]
        let back = try CSVReader.read(path: path, options: options)
        #expect(back.schema == frame.schema)
    }

    @Test("Quoting, missing values and a lone empty field")
    func quoting() throws {
        let frame = try DataFrame(columns: [Series(name: "a", column: Column.strings(["x", nil, "", "q\"r"]))])
        let text = String(decoding: CSVWriter.encode(frame, header: true, options: CSVOptions()), as: UTF8.self)
        #expect(text == "a\nx\n\"\"\n\"\"\n\"q\"\"r\"\n")
        let two = try DataFrame(columns: [
            Series(name: "a", column: Column.strings([nil, "1,2"])),
            Series(name: "b", column: Column.numbers([Double?]([nil, 0.5]))),
        ])
        #expect(String(decoding: CSVWriter.encode(two, header: false, options: CSVOptions()), as: UTF8.self) == ",\n\"1,2\",0.5\n")
    }

    @Test("Timestamps: pandas' per-column precision, dates alone when all midnights")
    func timestamps() throws {
        func text(_ values: [Int64?], zone: String? = nil) throws -> String {
            let base = Column.numbers(values)
            let column = try Column(type: .timestamp(.ns, timeZone: zone), storage: base.storage, validity: base.validity)
            let frame = try DataFrame(columns: [Series(name: "t", column: column), Series(name: "n", column: Column.numbers([Int64](repeating: 1, count: values.count)))])
            return String(decoding: CSVWriter.encode(frame, header: false, options: CSVOptions()), as: UTF8.self)
        }
        let day: Int64 = 86_400_000_000_000
        #expect(try text([0, day]) == "1970-01-01,1\n1970-01-02,1\n")
        #expect(try text([0, 1_000_000]) == "1970-01-01 00:00:00.000,1\n1970-01-01 00:00:00.001,1\n")
        #expect(try text([0, 1_000, nil]) == "1970-01-01 00:00:00.000000,1\n1970-01-01 00:00:00.000001,1\n,1\n")
        #expect(try text([-1]) == "1969-12-31 23:59:59.999999999,1\n")
        #expect(try text([0], zone: "UTC") == "1970-01-01 00:00:00+00:00,1\n")
    }

    @Test("Categorical and narrow numeric columns")
    func otherTypes() throws {
        let codes = try NDArray([Int32(1), 0, 1])
        let categorical = try Column(type: .categorical, storage: .dictionary(codes: codes, categories: StringBuffer(["a", "b,c"])),
                                     validity: ValidityBitmap([true, true, false]))
        let small = try Column(NDArray([Int8(-5), 0, 7]))
        let single = try Column(NDArray([Float(0.1), 1e7, 1.5]))
        let frame = try DataFrame(columns: [
            Series(name: "c", column: categorical), Series(name: "k", column: small), Series(name: "f", column: single),
        ])
        let text = String(decoding: CSVWriter.encode(frame, header: true, options: CSVOptions()), as: UTF8.self)
        #expect(text == "c,k,f\n\"b,c\",-5,0.1\na,0,1e+07\n,7,1.5\n")
    }
}
