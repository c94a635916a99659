import Backends
import Foundation
import Testing
@testable import FileFormats

/// Files pyarrow wrote (scripts/make_parquet_fixtures.py): every type, codec, encoding and page
/// version, with nulls, read against the values pyarrow reads back.
@Suite("Parquet fixtures written by pyarrow")
struct ParquetFixtureTests {
    /// Every fixture: `directory/name` (pyarrow-written ones in parquet/, Tessera-written ones in
    /// parquet-tessera/).
    static let cases: [String] = ["parquet", "parquet-tessera"].flatMap { folder in
        let directory = ParquetTestSupport.directory(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { folder + "/" + String($0.dropLast(5)) }.sorted()
    }

    /// A cell as the fixture writes it (see the script's docstring); `nil` for null.
    static func fixtureCell(_ column: Column, _ row: Int, hex: Bool) -> String? {
        guard ParquetTestSupport.isValid(column, row) else { return nil }
        switch column.type {
        case .string, .categorical:
            let bytes = ParquetTestSupport.bytes(column, row)
            return hex ? ParquetTestSupport.hex(bytes) : String(decoding: bytes, as: UTF8.self)
        case .numeric(.bool):
            return column.values!.scalar(at: row).int64Value != 0 ? "true" : "false"
        case let .numeric(dtype) where dtype.isFloatingPoint:
            let value = column.values!.scalar(at: row).doubleValue
            return value.isNaN ? "nan" : "\(value)"
        case let .numeric(dtype) where dtype.kind == .unsignedInteger:
            return String(UInt64(bitPattern: column.values!.scalar(at: row).int64Value))
        default:
            return String(column.values!.scalar(at: row).int64Value)
        }
    }

    static func same(_ actual: String?, _ expected: String?, float: Bool) -> Bool {
        guard let actual, let expected else { return actual == nil && expected == nil }
        if float {
            if actual == "nan" || expected == "nan" { return actual == expected }
            return Double(actual) == Double(expected)
        }
        return actual == expected
    }

    @Test("the fixtures are there")
    func present() {
        #expect(Self.cases.filter { $0.hasPrefix("parquet/") }.count >= 20)
        #expect(Self.cases.filter { $0.hasPrefix("parquet-tessera/") }.count == 4)
    }

    @Test("reads what pyarrow wrote", arguments: cases)
    func fixture(_ name: String) throws {
        let folder = String(name.prefix { $0 != "/" })
        let directory = ParquetTestSupport.directory(folder)
        let expected = try ParquetTestSupport.json(directory.appendingPathComponent("\(name.dropFirst(folder.count + 1)).json"))
        let path = directory.appendingPathComponent(expected["path"] as? String ?? "").path
        try ParquetTestSupport.skipIfCodecMissing(path, name)
        let options = ParquetReadOptions()
        let requested = (expected["options"] as? [String: Any])?["columns"] as? [String]
        if let message = expected["error"] as? String {
            do {
                _ = try ParquetReader.read(path: path, columns: requested, options: options)
                Issue.record("\(name): expected an error mentioning \(message)")
            } catch let error as FileFormatError {
                #expect(error.description.contains(message), "\(name): \(error)")
                #expect(error.path.hasSuffix(expected["path"] as? String ?? "?"), "\(name): the error names the file")
            }
            return
        }
        let frame = try ParquetReader.read(path: path, columns: requested, options: options)
        let columns = expected["columns"] as? [[String: Any]] ?? []
        #expect(frame.columnNames == columns.map { $0["name"] as? String ?? "" }, "\(name): columns")
        for spec in columns {
            let columnName = spec["name"] as? String ?? ""
            guard let series = try? frame.column(columnName) else { continue }
            #expect(series.type.description == spec["type"] as? String, "\(name): type of \(columnName)")
            let values = (spec["values"] as? [Any] ?? []).map { $0 as? String }
            #expect(series.count == values.count, "\(name): rows of \(columnName)")
            let float = series.type.numericDType?.isFloatingPoint ?? false
            let hex = spec["hex"] as? Bool ?? false
            var mismatches = 0
            for row in 0..<min(series.count, values.count) {
                let actual = Self.fixtureCell(series.column, row, hex: hex)
                if !Self.same(actual, values[row], float: float) {
                    mismatches += 1
                    if mismatches <= 3 {
                        Issue.record("\(name): \(columnName)[\(row)] is \(actual ?? "null"), pyarrow reads \(values[row] ?? "null")")
                    }
                }
            }
            #expect(mismatches == 0, "\(name): \(columnName) has \(mismatches) wrong values")
        }
        // Partitions: one per row group, reading back the same rows.
        if let groups = expected["row_groups"] as? Int, groups > 0 {
            let parts = try ParquetReader.partitions(path: path, options: options)
            #expect(parts.count == groups, "\(name): partitions")
            #expect(parts.reduce(0) { $0 + $1.rowCount } == frame.rowCount, "\(name): partition rows")
            var whole = ParquetReadOptions()
            whole.rowGroupsPerPartition = nil
            let files = try ParquetReader.partitions(path: path, options: whole)
            #expect(files.allSatisfy { $0.rowGroups.count >= 1 } || frame.rowCount == 0)
            var row = 0
            for part in parts {
                let piece = try ParquetReader.read(part, columns: requested, options: options)
                for series in piece.columns {
                    let reference = frame[series.name].column
                    for index in 0..<piece.rowCount where Self.fixtureCell(series.column, index, hex: true) != Self.fixtureCell(reference, row + index, hex: true) {
                        Issue.record("\(name): partition row \(row + index) of \(series.name) differs from the whole read")
                        break
                    }
                }
                row += piece.rowCount
            }
        }
    }
}
