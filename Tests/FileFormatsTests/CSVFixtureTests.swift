import Backends
import Foundation
import Testing
@testable import FileFormats

/// The reader against pandas' parses of the fixture inputs (scripts/make_csv_fixtures.py).
@Suite("CSV: pandas fixtures")
struct CSVFixtureTests {
    @Test("Fixtures are present")
    func fixturesPresent() {
        #expect(CSVFixtures.cases.count >= 25)
    }

    /// The cases this machine can read (the gzip one needs the system zlib).
    static let readableCases = CSVFixtures.cases.filter { !$0.file.hasSuffix(".gz") || Gzip.isAvailable }

    @Test("Whole-file read matches pandas", arguments: readableCases)
    func wholeFile(_ fixture: CSVFixtures.Case) throws {
        let frame = try CSVReader.read(path: CSVFixtures.path(fixture.file), options: fixture.csvOptions)
        CSVFixtures.expectEqual(frame, fixture.columns, fixture.name)
    }

    @Test("Schema and one partition match pandas", arguments: readableCases)
    func schemaAndPartition(_ fixture: CSVFixtures.Case) throws {
        let path = CSVFixtures.path(fixture.file)
        let options = fixture.csvOptions
        let schema = try CSVReader.inferSchema(path: path, options: options)
        #expect(schema.names == fixture.columns.map(\.name))
        #expect(schema.fields.map(\.type.description) == fixture.columns.map(\.type))
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: nil)
        #expect(partitions.count == 1)
        let frame = try CSVReader.read(partitions[0], schema: schema, options: options)
        CSVFixtures.expectEqual(frame, fixture.columns, fixture.name)
    }

    @Test("Float parsing is correctly rounded (Python's float())")
    func floats() throws {
        let cases = try CSVFixtures.load("floats.json", as: [CSVFixtures.FloatCase].self)
        #expect(cases.count > 3000)
        var failures: [String] = []
        for item in cases {
            let bytes = Array(item.text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { CSVDecimalParser.parseDouble($0, buffer.count) }
            }
            if parsed?.bitPattern != UInt64(item.bits) { failures.append(item.text) }
        }
        #expect(failures.isEmpty, "wrongly parsed: \(failures.prefix(10))")
    }

    @Test("Floats in a file parse as Python's float()")
    func floatsThroughTheReader() throws {
        let cases = try CSVFixtures.load("floats.json", as: [CSVFixtures.FloatCase].self)
        let text = "x\n" + cases.map(\.text).joined(separator: "\n") + "\n"
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frame = try CSVReader.read(path: path, options: CSVOptions())
        let column = try frame.column("x").column
        #expect(column.type == .float64)
        var failures: [String] = []
        for (row, item) in cases.enumerated() {
            guard case let .double(value) = column[row] else {
                failures.append(item.text)
                continue
            }
            if value.bitPattern != UInt64(item.bits) { failures.append(item.text) }
        }
        #expect(failures.isEmpty, "wrongly parsed: \(failures.prefix(10))")
    }

    @Test("Floats are written as Python's repr")
    func floatRepr() throws {
        let cases = try CSVFixtures.load("floats.json", as: [CSVFixtures.FloatCase].self)
        var failures: [String] = []
        for item in cases {
            guard let bits = UInt64(item.bits) else { continue }
            let written = CSVFloatFormat.string(Double(bitPattern: bits))
            if written != item.repr { failures.append("\(item.repr) written as \(written)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    @Test("The writer matches pandas' to_csv")
    func writerMatchesPandas() throws {
        let spec = try CSVFixtures.load("writer.json", as: CSVFixtures.WriterFrame.self)
        let frame = try Self.frame(spec.columns)
        let expected = try Data(contentsOf: CSVFixtures.directory.appendingPathComponent("writer.csv"))
        let written = CSVWriter.encode(frame, header: true, options: CSVOptions())
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// A frame from fixture columns.
    static func frame(_ columns: [CSVFixtures.ExpectedColumn]) throws -> DataFrame {
        var series: [Series] = []
        for column in columns {
            let built: Column
            switch column.type {
            case "int64": built = Column.numbers(column.values.map { $0.flatMap { Int64($0) } })
            case "float64": built = Column.numbers(column.values.map { $0.flatMap { Double($0) } })
            case "bool": built = Column.numbers(column.values.map { $0.map { $0 == "true" } })
            case "string": built = Column.strings(column.values)
            case "datetime64[ns]", "datetime64[ns, UTC]":
                let base = Column.numbers(column.values.map { $0.flatMap { Int64($0) } })
                let type = CSVFixtures.columnType(column.type) ?? .timestamp(.ns, timeZone: nil)
                built = try Column(type: type, storage: base.storage, validity: base.validity)
            default:
                throw FileFormatError(path: "writer.json", message: "unknown type \(column.type)")
            }
            series.append(Series(name: column.name, column: built))
        }
        return try DataFrame(columns: series)
    }
}
