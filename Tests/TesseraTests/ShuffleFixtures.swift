import Foundation
import Testing
@testable import Tessera

/// pandas' answers for the shuffle-based operations, written by scripts/make_shuffle_fixtures.py
/// into Fixtures/shuffle/shuffle-cases.json.
struct ShuffleFixtures: Decodable {
    /// One JSON cell.
    enum Value: Decodable, Sendable {
        case null
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case string(String)

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .int(value)
            } else if let value = try? container.decode(Double.self) {
                self = .double(value)
            } else {
                self = .string(try container.decode(String.self))
            }
        }

        /// The cell as the normalised form rows are compared in.
        var cell: Cell {
            switch self {
            case .null: .null
            case let .bool(value): .number(value ? 1 : 0)
            case let .int(value): .number(Double(value))
            case let .double(value): .number(value)
            case let .string(value): .text(value)
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

    /// The digests of a result too large to store.
    struct Digest: Decodable, Sendable {
        let groups: Int
        let weightedSums: [String: Double]
        let head: Frame
        let tail: Frame
    }

    /// One operation and pandas' result.
    struct Case: Decodable, Sendable {
        let name: String
        let op: String
        let frame: String?
        let right: String?
        let how: String?
        let leftOn: [String]?
        let rightOn: [String]?
        let suffixes: [String]?
        let by: [String]?
        let ascending: [Bool]?
        let naPosition: String?
        let subset: [String]?
        let keep: String?
        let keys: [String]?
        let dropna: Bool?
        let specs: [[String]]?
        let column: String?
        let rows: Int?
        let groups: Int?
        let digest: Digest?
        let expected: Frame

        /// The aggregation specs.
        func aggregationSpecs() throws -> [AggregationSpec] {
            try (specs ?? []).map { spec in
                guard spec.count == 3, let aggregation = Aggregation(rawValue: spec[1]) else { throw FixtureError("bad spec \(spec)") }
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

    static let shared: ShuffleFixtures? = {
        guard let url = Bundle.module.url(forResource: "shuffle-cases", withExtension: "json", subdirectory: "Fixtures/shuffle"),
              let data = try? Data(contentsOf: url) else { return nil }
        return try? JSONDecoder().decode(ShuffleFixtures.self, from: data)
    }()

    /// The names of the cases of operation `op`.
    static func caseNames(_ op: String) -> [String] { shared?.cases.filter { $0.op == op }.map(\.name) ?? [] }

    /// The case called `name`.
    static func fixtureCase(_ name: String) throws -> Case {
        guard let found = shared?.cases.first(where: { $0.name == name }) else { throw FixtureError("no fixture case \(name)") }
        return found
    }

    /// The input frame called `name`.
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
        switch column.type {
        case "int64", "int32":
            return Column.numbers(values.map { value -> Int64? in if case let .int(number) = value { number } else { nil } })
        case "float64":
            return Column.numbers(values.map { value -> Double? in
                switch value {
                case let .int(number): Double(number)
                case let .double(number): number
                default: nil
                }
            })
        case "bool": return Column.numbers(values.map { value -> Bool? in if case let .bool(flag) = value { flag } else { nil } })
        case "string": return Column.strings(values.map { value -> String? in if case let .string(text) = value { text } else { nil } })
        case "category":
            return try Column.strings(values.map { value -> String? in if case let .string(text) = value { text } else { nil } })
                .converted(to: .categorical)
        default:
            throw FixtureError("unknown fixture type \(column.type)")
        }
    }

    /// Rows as comparable cells, in the frame's order.
    static func rows(of frame: DataFrame) -> [[Cell]] {
        (0..<frame.rowCount).map { row in frame.columns.map { Cell($0[row]) } }
    }

    /// Rows of a fixture frame as comparable cells.
    static func rows(of frame: Frame) -> [[Cell]] {
        let count = frame.columns.first?.values.count ?? 0
        return (0..<count).map { row in frame.columns.map { $0.values[row].cell } }
    }

    /// Differences between `actual` and `expected`: column names in order, then rows in order
    /// (or as sorted multisets when `ordered` is false), numbers within `rtol`.
    static func differences(_ actual: DataFrame, _ expected: Frame, ordered: Bool, rtol: Double = 1e-9) -> [String] {
        var problems: [String] = []
        let names = expected.columns.map(\.name)
        if actual.columnNames != names { problems.append("columns \(actual.columnNames), expected \(names)") }
        var got = rows(of: actual), want = rows(of: expected)
        if got.count != want.count { problems.append("\(got.count) rows, expected \(want.count)") }
        if !ordered {
            got.sort(by: Cell.precedes)
            want.sort(by: Cell.precedes)
        }
        for (index, (a, b)) in zip(got, want).enumerated() where !Cell.equal(a, b, rtol: rtol) {
            problems.append("row \(index): got \(a), expected \(b)")
            if problems.count > 8 { break }
        }
        return problems
    }
}

/// A cell normalised for comparison: numbers as doubles (int64 and float64 alike), text, null.
enum Cell: CustomStringConvertible, Sendable {
    case null
    case number(Double)
    case text(String)

    init(_ value: FrameValue) {
        switch value {
        case .null: self = .null
        case let .string(text): self = .text(text)
        default:
            if let number = value.doubleValue { self = number.isNaN ? .null : .number(number) } else { self = .text(value.description) }
        }
    }

    var description: String {
        switch self {
        case .null: "null"
        case let .number(value): "\(value)"
        case let .text(value): "'\(value)'"
        }
    }

    private var rank: Int {
        switch self {
        case .number: 0
        case .text: 1
        case .null: 2
        }
    }

    /// A total order on rows: cell by cell, numbers before text before nulls.
    static func precedes(_ a: [Cell], _ b: [Cell]) -> Bool {
        for (x, y) in zip(a, b) {
            if x.rank != y.rank { return x.rank < y.rank }
            switch (x, y) {
            case let (.number(p), .number(q)) where p != q: return p < q
            case let (.text(p), .text(q)) where p != q: return p < q
            default: continue
            }
        }
        return a.count < b.count
    }

    /// Whether two rows hold the same cells (numbers within `rtol`).
    static func equal(_ a: [Cell], _ b: [Cell], rtol: Double) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.null, .null): continue
            case let (.number(p), .number(q)) where abs(p - q) <= 1e-12 + rtol * abs(q): continue
            case let (.text(p), .text(q)) where p == q: continue
            default: return false
            }
        }
        return true
    }
}

/// Frames cut into partitions for the tests.
enum Partitioning {
    /// `frame` as a lazy frame whose partitions are the slices between `cuts` (from 0 to the row
    /// count; equal cuts give empty partitions).
    static func chunked(_ frame: DataFrame, cuts: [Int]) -> ChunkedDataFrame {
        let parts = zip(cuts, cuts.dropFirst()).map { start, end in frame.slice(start..<end).withIndexStart(0) }
        let source = InMemoryFrameSource(kind: "from-dict", schema: frame.schema, partitions: parts)
        return ChunkedDataFrame.fromSource(source, meta: FrameMeta(backend: "pandas", chunk: DataFrame(emptyWith: Schema([]))))
    }

    /// The cut lists every test tries: one partition, even thirds, sevenths, and one with empty
    /// partitions at the start, middle and end.
    static func schemes(rows n: Int) -> [[Int]] {
        [
            [0, n],
            [0, n / 3, 2 * n / 3, n],
            (0...7).map { n * $0 / 7 },
            [0, 0, n / 4, n / 4, n / 2, n, n],
        ]
    }
}
