import Backends
import Foundation
import Testing
@testable import FileFormats

/// Every file of the parquet-testing subset (Fixtures/parquet-testing) read against the values
/// pyarrow computed for it (expected/<file>.json).
@Suite("Parquet conformance (apache/parquet-testing)")
struct ParquetConformanceTests {
    static let files = ParquetTestSupport.parquetFiles(in: "parquet-testing")

    static func options(_ expected: [String: Any]) -> ParquetReadOptions {
        var options = ParquetReadOptions()
        if let read = expected["reference_read_options"] as? [String: Any],
           let unit = read["coerce_int96_timestamp_unit"] as? String, let parsed = ColumnType.TimeUnit(rawValue: unit) {
            options.int96TimestampUnit = parsed
        }
        return options
    }

    @Test("the fixture set is complete")
    func fixturesPresent() {
        #expect(Self.files.count == 32)
    }

    @Test("reads as pyarrow does", arguments: files)
    func conformance(_ name: String) throws {
        let directory = ParquetTestSupport.directory("parquet-testing")
        let expected = try ParquetTestSupport.json(directory.appendingPathComponent("expected/\(name).json"))
        let path = directory.appendingPathComponent(name).path
        try ParquetTestSupport.skipIfCodecMissing(path, name)
        let options = Self.options(expected)
        if expected["expect"] as? String != "ok" {
            #expect(throws: FileFormatError.self) { try ParquetReader.read(path: path, options: options) }
            return
        }
        let frame = try ParquetReader.read(path: path, options: options)
        ParquetTestSupport.check(frame, against: expected, label: name)

        // Partition by partition, and one column at a time, gives the same rows.
        let parts = try ParquetReader.partitions(path: path, options: options)
        #expect(parts.reduce(0) { $0 + $1.rowCount } == frame.rowCount, "\(name): partition rows")
        var rows = 0
        for part in parts {
            let piece = try ParquetReader.read(part, options: options)
            #expect(piece.columnNames == frame.columnNames)
            for series in piece.columns {
                let whole = frame[series.name].column
                for row in 0..<piece.rowCount {
                    let a = ParquetTestSupport.cell(series.column, row, arrowType: "binary")
                    let b = ParquetTestSupport.cell(whole, rows + row, arrowType: "binary")
                    if String(describing: a) != String(describing: b) {
                        Issue.record("\(name): partition row \(rows + row) of \(series.name) differs")
                        break
                    }
                }
            }
            rows += piece.rowCount
        }
        let schema = try ParquetReader.inferSchema(path: path, options: options)
        #expect(schema == frame.schema, "\(name): schema")
        for field in schema.fields.prefix(4) {
            let single = try ParquetReader.read(path: path, columns: [field.name], options: options)
            #expect(single.columnNames == [field.name])
            #expect(single.rowCount == frame.rowCount)
        }
    }
}
