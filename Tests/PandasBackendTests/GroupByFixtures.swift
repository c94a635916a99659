import Backends
import Foundation
import PandasBackend
import Testing

/// pandas' answers for the groupby, value_counts and describe kernels, written by
/// scripts/make_groupby_fixtures.py into Fixtures/groupby/groupby-cases.json.
struct GroupByFixtures: Decodable {
    /// One JSON cell.
    enum Value: Decodable, Sendable {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case string(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .int(value)
            } else if let value = try? container.decode(UInt64.self) {
                self = .uint(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        var int64: Int64? {
            switch self {
            case let .int(value): value
            case let .uint(value): Int64(exactly: value)
            case let .double(value): Int64(exactly: value)
            default: nil
            }
        }

        var double: Double? {
            switch self {
            case let .int(value): Double(value)
            case let .uint(value): Double(value)
            case let .double(value): value
            default: nil
            }
        }
    }

    /// A column: its type name, values and (categoricals) categories.
    struct FixtureColumn: Decodable, Sendable {
        let name: String
        let type: String
        let values: [Value]
        let categories: [String]?
    }

    /// A frame.
    struct Frame: Decodable, Sendable {
        let columns: [FixtureColumn]
    }

    /// One operation and pandas' result.
    struct Case: Decodable, Sendable {
        let name: String
        let op: String
        let frame: String
        let keys: [String]?
        let dropna: Bool?
        let specs: [[String]]?
        let rows: [Int]?
        let column: String?
        let columns: [String]?
        let expected: Frame

        /// The aggregation specs.
        func aggregationSpecs() throws -> [AggregationSpec] {
            try (specs ?? []).map { spec in
                guard spec.count == 3, let aggregation = Aggregation(rawValue: spec[1]) else {
                    throw FixtureError("bad spec \(spec)")
                }
                return AggregationSpec(column: spec[0], aggregation: aggregation, outputName: spec[2])
            }
        }
    }

    struct FixtureError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    let pandas: String
    let frames: [String: Frame]
    let cases: [Case]

    static let shared: GroupByFixtures? = {
        guard let url = Bundle.module.url(forResource: "groupby-cases", withExtension: "json", subdirectory: "Fixtures/groupby"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(GroupByFixtures.self, from: data)
    }()

    /// The names of the cases (for parameterized tests).
    static var caseNames: [String] { shared?.cases.map(\.name) ?? [] }

    /// The case called `name`.
    static func fixtureCase(_ name: String) throws -> Case {
        guard let found = shared?.cases.first(where: { $0.name == name }) else { throw FixtureError("no fixture case \(name)") }
        return found
    }

    /// The input frame called `name`, built as the tests build frames.
    static func frame(_ name: String) throws -> DataFrame {
        guard let frame = shared?.frames[name] else { throw FixtureError("no fixture frame \(name)") }
        return try makeFrame(frame)
    }

    static func makeFrame(_ frame: Frame) throws -> DataFrame {
        try DataFrame(columns: frame.columns.map { Series(name: $0.name, column: try makeColumn($0)) })
    }

    /// A column of the fixture's type holding its values.
    static func makeColumn(_ column: FixtureColumn) throws -> Column {
        let values = column.values
        func ints<T: NDArrayElement & FixedWidthInteger>(_: T.Type) -> Column {
            Column.numbers(values.map { $0.int64.map { T(truncatingIfNeeded: $0) } })
        }
        switch column.type {
        case "int64": return ints(Int64.self)
        case "int32": return ints(Int32.self)
        case "int16": return ints(Int16.self)
        case "int8": return ints(Int8.self)
        case "uint8": return ints(UInt8.self)
        case "uint16": return ints(UInt16.self)
        case "uint32": return ints(UInt32.self)
        case "uint64":
            return Column.numbers(values.map { value -> UInt64? in
                switch value {
                case let .uint(number): number
                case let .int(number): UInt64(exactly: number)
                default: nil
                }
            })
        case "float64": return Column.numbers(values.map(\.double))
        case "float32": return Column.numbers(values.map { $0.double.map { Float($0) } })
        case "bool": return Column.numbers(values.map { value -> Bool? in if case let .bool(flag) = value { flag } else { nil } })
        case "string": return Column.strings(values.map { value -> String? in if case let .string(text) = value { text } else { nil } })
        case "timestamp[ns]":
            let base = ints(Int64.self)
            return try Column(type: .timestamp(.ns, timeZone: nil), storage: base.storage, validity: base.validity)
        case "date":
            let base = ints(Int32.self)
            return try Column(type: .date, storage: base.storage, validity: base.validity)
        case "category":
            let categories = column.categories ?? []
            let codes = values.map { value -> Int32? in
                guard case let .string(text) = value, let index = categories.firstIndex(of: text) else { return nil }
                return Int32(index)
            }
            let base = Column.numbers(codes)
            guard case let .fixedWidth(array) = base.storage else { throw FixtureError("codes") }
            return try Column(type: .categorical, storage: .dictionary(codes: array, categories: StringBuffer(categories.map { Optional($0) })),
                              validity: base.validity)
        default:
            throw FixtureError("unknown fixture type \(column.type)")
        }
    }

    /// Differences between `actual` and pandas' `expected` (empty when they agree): same column
    /// names in order, same rows, equal cells; floats within `rtol` relative (plus 1e-12 absolute).
    static func differences(_ actual: DataFrame, _ expected: Frame, rtol: Double = 1e-9) -> [String] {
        var problems: [String] = []
        let names = expected.columns.map(\.name)
        if actual.columnNames != names { problems.append("columns \(actual.columnNames), expected \(names)") }
        for column in expected.columns {
            guard let series = try? actual.column(column.name) else { continue }
            guard series.count == column.values.count else {
                problems.append("\(column.name): \(series.count) rows, expected \(column.values.count)")
                continue
            }
            for (row, value) in column.values.enumerated() {
                if let problem = cellDifference(series[row], value, rtol: column.name.contains("f32") ? max(rtol, 1e-6) : rtol) {
                    problems.append("\(column.name)[\(row)]: \(problem)")
                }
            }
        }
        return problems
    }

    private static func cellDifference(_ actual: FrameValue, _ expected: Value, rtol: Double) -> String? {
        switch (actual, expected) {
        case (.null, .null): return nil
        case (.null, _), (_, .null): return "got \(actual), expected \(expected)"
        case let (.string(a), .string(b)): return a == b ? nil : "got '\(a)', expected '\(b)'"
        case let (.bool(a), .bool(b)): return a == b ? nil : "got \(a), expected \(b)"
        case let (.timestamp(a, _, _), _): return a == expected.int64 ? nil : "got timestamp \(a), expected \(expected)"
        case let (.date(a), _): return Int64(a) == expected.int64 ? nil : "got date \(a), expected \(expected)"
        case let (.int(a), .int(b)): return a == b ? nil : "got \(a), expected \(b)"
        case let (.uint(a), .int(b)): return Int64(exactly: a) == b ? nil : "got \(a), expected \(b)"
        case let (.uint(a), .uint(b)): return a == b ? nil : "got \(a), expected \(b)"
        default:
            guard let a = actual.doubleValue, let b = expected.double else { return "got \(actual), expected \(expected)" }
            if a == b || abs(a - b) <= 1e-12 + rtol * abs(b) { return nil }
            return "got \(a), expected \(b)"
        }
    }
}
