import Backends
import FileFormats
import Foundation
import Testing

/// The JSON fixtures written by scripts/make_json_fixtures.py: inputs, pandas' parse restated in
/// Tessera's types, expected errors, float spellings and the writer's expected output.
enum JSONFixtures {
    /// One expected column.
    struct ExpectedColumn: Decodable {
        let name: String
        let dtype: String
        let values: [String?]
    }

    /// An expected frame.
    struct ExpectedFrame: Decodable {
        let rows: Int
        let columns: [ExpectedColumn]
    }

    /// An expected error.
    struct ExpectedError: Decodable {
        let location: String
        let at: Int
        let contains: String
    }

    /// One reader case: an input and either a frame or an error.
    struct ReaderCase: Decodable {
        let name: String
        let file: String
        let lines: Bool
        let dtypes: [String: String]?
        let columns: [String]?
        let expected: ExpectedFrame?
        let error: ExpectedError?
    }

    /// The writer fixture.
    struct WriterCase: Decodable {
        let file: String
        let dtypes: [String: String]
        let records: String
        let lines: String
        let emptyRecords: String
        let emptyLines: String

        enum CodingKeys: String, CodingKey {
            case file, dtypes, records, lines
            case emptyRecords = "empty_records"
            case emptyLines = "empty_lines"
        }
    }

    private struct CaseFile: Decodable { let cases: [ReaderCase] }

    /// The fixture directory.
    static let directory: URL? = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/json")

    /// The path of an input file.
    static func input(_ file: String) -> String {
        directory?.appendingPathComponent("inputs").appendingPathComponent(file).path ?? file
    }

    /// Every reader case, by name.
    static let readerCases: [String: ReaderCase] = {
        guard let url = directory?.appendingPathComponent("cases.json"), let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(CaseFile.self, from: data) else { return [:] }
        return Dictionary(file.cases.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }()

    /// The names of the cases that expect a frame.
    static var frameCaseNames: [String] { readerCases.values.filter { $0.expected != nil }.map(\.name).sorted() }

    /// The names of the cases that expect an error.
    static var errorCaseNames: [String] { readerCases.values.filter { $0.error != nil }.map(\.name).sorted() }

    /// The writer fixture.
    static let writer: WriterCase? = {
        guard let url = directory?.appendingPathComponent("writer.json"), let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(WriterCase.self, from: data)
    }()

    /// A fixture file's text.
    static func text(_ name: String) -> String? {
        guard let url = directory?.appendingPathComponent(name) else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// The column type a fixture names.
    static func type(_ name: String) -> ColumnType? {
        switch name {
        case "string": return .string
        case "date": return .date
        case "category": return .categorical
        case "timestamp[s]": return .timestamp(.s, timeZone: nil)
        case "timestamp[ms]": return .timestamp(.ms, timeZone: nil)
        case "timestamp[us]": return .timestamp(.us, timeZone: nil)
        case "timestamp[ns]": return .timestamp(.ns, timeZone: nil)
        default: return DType(rawValue: name).map { .numeric($0) }
        }
    }

    /// Options from a case's fields.
    static func options(lines: Bool, dtypes: [String: String]?, columns: [String]?) -> JSONOptions {
        var options = JSONOptions()
        options.lines = lines
        for (name, dtype) in dtypes ?? [:] {
            if let type = type(dtype) { options.dtypes[name] = type }
        }
        options.columns = columns
        return options
    }

    /// Checks a frame against an expected one, recording an issue for every difference.
    static func check(_ frame: DataFrame, against expected: ExpectedFrame, case name: String) {
        #expect(frame.rowCount == expected.rows, "\(name): rows")
        #expect(frame.columnNames == expected.columns.map(\.name), "\(name): column names")
        for column in expected.columns {
            guard let series = try? frame.column(column.name) else { continue }
            #expect(series.type == type(column.dtype), "\(name).\(column.name): type \(series.type), expected \(column.dtype)")
            guard series.count == column.values.count else {
                Issue.record("\(name).\(column.name): \(series.count) values, expected \(column.values.count)")
                continue
            }
            for (row, value) in column.values.enumerated() {
                let actual = describe(series.column, row: row)
                if let value {
                    #expect(matches(actual, value, dtype: column.dtype), "\(name).\(column.name)[\(row)]: \(actual ?? "null"), expected \(value)")
                } else {
                    #expect(actual == nil, "\(name).\(column.name)[\(row)]: \(actual ?? "null"), expected null")
                }
            }
        }
    }

    /// A cell as text: integers in decimal, floats as their bit pattern in hex, strings as themselves,
    /// `nil` for a null (NaN floats are values here, written `nan`).
    static func describe(_ column: Column, row: Int) -> String? {
        if let validity = column.validity, !validity.isValid(row) { return nil }
        switch column.storage {
        case let .strings(buffer): return buffer[row]
        case .dictionary: return column[row].isNull ? nil : column[row].description
        case let .fixedWidth(values):
            switch values.scalar(at: row) {
            case let .bool(value): return value ? "true" : "false"
            case let .int(value): return String(value)
            case let .uint(value): return String(value)
            case let .double(value):
                if value.isNaN { return "nan" }
                return "0x" + String(value.bitPattern, radix: 16)
            }
        }
    }

    private static func matches(_ actual: String?, _ expected: String, dtype: String) -> Bool {
        guard let actual else { return false }
        if dtype == "float64" || dtype == "float32" {
            if expected == "nan" { return actual == "nan" }
            let value: Double? = switch expected {
            case "inf": .infinity
            case "-inf": -.infinity
            default: Double(expected)
            }
            guard let value else { return false }
            return actual == "0x" + String(value.bitPattern, radix: 16)
        }
        return actual == expected
    }

    /// Every cell of a frame as text (see ``JSONFixtures/describe(_:row:)``), column by column.
    static func cells(_ frame: DataFrame) -> [String: [String?]] {
        var result: [String: [String?]] = [:]
        for series in frame.columns {
            result[series.name] = (0..<series.count).map { JSONFixtures.describe(series.column, row: $0) }
        }
        return result
    }

    /// The rows of several frames, concatenated, column by column.
    static func concatenatedCells(_ frames: [DataFrame]) -> [String: [String?]] {
        var result: [String: [String?]] = [:]
        for frame in frames {
            for (name, values) in cells(frame) { result[name, default: []] += values }
        }
        return result
    }
}
