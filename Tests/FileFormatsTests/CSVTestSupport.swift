import Backends
import Foundation
import Testing
@testable import FileFormats

/// The CSV fixtures scripts/make_csv_fixtures.py writes, and helpers to compare frames with them.
enum CSVFixtures {
    /// One input file and pandas' parse of it.
    struct Case: Decodable, CustomTestStringConvertible, Sendable {
        struct Options: Decodable, Sendable {
            var separator: String?
            var header: Bool?
            var names: [String]?
            var usecols: [String]?
            var dtypes: [String: String]?
            var parseDates: [String]?
            var naValues: [String]?
            var keepDefaultNA: Bool?
            var skiprows: Int?
        }

        let name: String
        let file: String
        let options: Options
        let columns: [ExpectedColumn]

        var testDescription: String { name }

        /// The reader options the case was parsed with.
        var csvOptions: CSVOptions {
            var result = CSVOptions()
            if let separator = options.separator?.utf8.first { result.separator = separator }
            if let header = options.header { result.header = header }
            result.names = options.names
            result.usecols = options.usecols
            if let dtypes = options.dtypes {
                result.dtypes = dtypes.compactMapValues { CSVFixtures.columnType($0) }
            }
            result.parseDates = options.parseDates ?? []
            result.naValues = options.naValues ?? []
            if let keep = options.keepDefaultNA { result.keepDefaultNA = keep }
            result.skiprows = options.skiprows ?? 0
            return result
        }
    }

    /// A column as pandas parsed it: values as strings (`nil` for missing).
    struct ExpectedColumn: Decodable, Sendable {
        let name: String
        let type: String
        let values: [String?]
    }

    /// A float string and the bits of Python's `float()` of it.
    struct FloatCase: Decodable, Sendable {
        let text: String
        let bits: String
        let repr: String
    }

    /// The frame of `writer.json`.
    struct WriterFrame: Decodable, Sendable {
        let columns: [ExpectedColumn]
    }

    /// The fixture directory.
    static var directory: URL {
        if let url = Bundle.module.url(forResource: "csv", withExtension: nil, subdirectory: "Fixtures") { return url }
        return Bundle.module.bundleURL.appendingPathComponent("Fixtures/csv")
    }

    /// The path of fixture `name`.
    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func load<T: Decodable>(_ name: String, as _: T.Type) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// Every case of cases.json.
    static let cases: [Case] = (try? load("cases.json", as: [Case].self)) ?? []

    /// The case called `name`.
    static func `case`(_ name: String) -> Case? { cases.first { $0.name == name } }

    /// The Tessera type a fixture type name stands for.
    static func columnType(_ name: String) -> ColumnType? {
        switch name {
        case "string": return .string
        case "category": return .categorical
        case "datetime64[ns]": return .timestamp(.ns, timeZone: nil)
        case "datetime64[ns, UTC]": return .timestamp(.ns, timeZone: "UTC")
        case "date32[day]": return .date
        default: return DType(rawValue: name).map { .numeric($0) }
        }
    }

    /// A column's values as the fixture strings: missing as `nil`, floats as Python's repr,
    /// booleans `true`/`false`, timestamps as nanoseconds.
    static func strings(_ column: Column) -> [String?] {
        (0..<column.count).map { row in
            let value = column[row]
            switch value {
            case .null: return nil
            case let .bool(flag): return flag ? "true" : "false"
            case let .int(number): return String(number)
            case let .uint(number): return String(number)
            case let .double(number):
                if column.values?.dtype == .float32 { return CSVFloatFormat.string(Double(Float(number))) }
                return CSVFloatFormat.string(number)
            case let .string(text): return text
            case let .timestamp(count, unit, _):
                return String(count * (1_000_000_000 / unit.perSecond))
            case let .date(days): return String(days)
            }
        }
    }

    /// Checks that `frame` holds exactly `expected`.
    static func expectEqual(_ frame: DataFrame, _ expected: [ExpectedColumn], _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(frame.columnNames == expected.map(\.name), "\(label): column names", sourceLocation: sourceLocation)
        for column in expected {
            guard let series = try? frame.column(column.name) else { continue }
            #expect(series.type.description == column.type, "\(label): type of '\(column.name)'", sourceLocation: sourceLocation)
            #expect(strings(series.column) == column.values, "\(label): values of '\(column.name)'", sourceLocation: sourceLocation)
        }
    }

    /// The frame a list of frames (partitions) makes when concatenated.
    static func concatenatedStrings(_ frames: [DataFrame]) -> [String: [String?]] {
        var result: [String: [String?]] = [:]
        for frame in frames {
            for series in frame.columns { result[series.name, default: []] += strings(series.column) }
        }
        return result
    }

    /// The message of the error `body` throws, or `nil`.
    static func error(_ body: () throws -> Void) -> FileFormatError? {
        do {
            try body()
            return nil
        } catch let error as FileFormatError {
            return error
        } catch {
            return FileFormatError(path: "?", message: "unexpected error type: \(error)")
        }
    }

    /// A temporary file holding `bytes`; removed by the caller.
    static func temporaryFile(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tessera-csv-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
