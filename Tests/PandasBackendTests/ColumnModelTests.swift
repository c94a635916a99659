import Backends
@testable import PandasBackend
import Testing

@Suite("Host frames: columns, validity, literals")
struct ColumnModelTests {
    @Test func literalColumnsInferPandasTypes() throws {
        let frame = try DataFrame(["key": [1, 2, 1, 3], "x": [0.5, 1.5, 2.5, nil], "name": ["a", "b", nil, "d"], "flag": [true, false, true, nil]])
        #expect(frame.columnNames == ["key", "x", "name", "flag"])
        #expect(frame.schema.fields.map(\.type) == [.int64, .float64, .string, .bool])
        #expect(frame["x"].toArray(Double.self) == [0.5, 1.5, 2.5, nil])
        #expect(frame["name"].strings == ["a", "b", nil, "d"])
        #expect(frame["key"].toArray(Int.self) == [1, 2, 1, 3])
        #expect(frame["flag"].toArray(Bool.self) == [true, false, true, nil])
        #expect(frame["x"].column.nullCount == 1)
    }

    @Test func mixedLiteralIsAnError() {
        #expect(throws: FrameError.self) { try DataFrame(["bad": [1, "a"]]) }
        #expect(throws: FrameError.lengthMismatch(column: "b", count: 1, expected: 2)) { try DataFrame(["a": [1, 2], "b": [1]]) }
        #expect(throws: FrameError.duplicateColumn("a")) { try DataFrame(columns: [Series(name: "a", column: .numbers([1.0])), Series(name: "a", column: .numbers([2.0]))]) }
    }

    @Test func unknownColumnNamesTheAvailableOnes() throws {
        let frame = try DataFrame(["a": [1], "b": [2]])
        #expect(throws: FrameError.unknownColumn("c", available: ["a", "b"])) { try frame.column("c") }
        #expect(frame["c"].toArray(Double.self) == [nil])
    }

    @Test func validityBitmapCountsAndIntersects() {
        var bitmap = ValidityBitmap(count: 130, allValid: true)
        bitmap.set(0, valid: false)
        bitmap.set(129, valid: false)
        #expect(bitmap.nullCount == 2)
        let other = ValidityBitmap((0..<130).map { $0 % 2 == 0 })
        let both = ValidityBitmap.intersection(bitmap, other)
        #expect(both?.validCount == 64)
        #expect(ValidityBitmap(count: 10, allValid: true).normalized == nil)
    }

    @Test func civilTimeRoundTripsAndFormats() {
        for days in [-719_468, -1, 0, 1, 18_000, 2_932_896] {
            let (y, m, d) = CivilTime.date(days: days)
            #expect(CivilTime.days(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.formatDate(0) == "1970-01-01")
        #expect(CivilTime.formatDate(19_723) == "2024-01-01")
        #expect(CivilTime.formatTimestamp(1_500_000_000, unit: .ms) == "1970-01-18 08:40:00")
        #expect(CivilTime.formatTimestamp(-1, unit: .s) == "1969-12-31 23:59:59")
        #expect(CivilTime.formatTimestamp(1_234_500, unit: .us) == "1970-01-01 00:00:01.2345")
        #expect(!CivilTime.isValid(year: 2023, month: 2, day: 29))
        #expect(CivilTime.isValid(year: 2024, month: 2, day: 29))
    }
}

@Suite("Host frames: expressions and selection")
struct ExpressionTests {
    let frame: DataFrame

    init() throws {
        frame = try DataFrame(["key": [1, 2, 1, nil], "x": [0.5, 1.5, nil, 4.0], "name": ["apple", "Banana", nil, "cherry"]])
    }

    @Test func arithmeticPropagatesNulls() throws {
        let y = try frame.evaluate(.binary(.multiply, .column("x"), .literal(.int(2))))
        #expect(y.type == .float64)
        #expect(Series(name: "y", column: y).toArray(Double.self) == [1.0, 3.0, nil, 8.0])
        let z = try frame.evaluate(.binary(.add, .column("key"), .column("x")))
        #expect(Series(name: "z", column: z).toArray(Double.self) == [1.5, 3.5, nil, nil])
        let k = try frame.evaluate(.binary(.add, .column("key"), .literal(.int(1))))
        #expect(k.type == .int64)
        #expect(Series(name: "k", column: k).toArray(Int.self) == [2, 3, 2, nil])
    }

    @Test func comparisonsTreatNullAsNaN() throws {
        let gt = try frame.evaluate(.binary(.greater, .column("x"), .literal(.double(1.0))))
        #expect(Series(name: "m", column: gt).toArray(Bool.self) == [false, true, false, true])
        let ne = try frame.evaluate(.binary(.notEqual, .column("key"), .literal(.int(1))))
        #expect(Series(name: "m", column: ne).toArray(Bool.self) == [false, true, false, true])
        let eq = try frame.evaluate(.binary(.equal, .column("name"), .literal(.string("apple"))))
        #expect(Series(name: "m", column: eq).toArray(Bool.self) == [true, false, false, false])
        let both = try frame.evaluate(.binary(.logicalAnd, .binary(.greater, .column("x"), .literal(.double(1))),
                                               .binary(.less, .column("key"), .literal(.int(5)))))
        #expect(Series(name: "m", column: both).toArray(Bool.self) == [false, true, false, false])
    }

    @Test func filterTakesTheTrueRows() throws {
        let kept = try frame.filter(where: .binary(.greater, .column("x"), .literal(.double(1.0))))
        #expect(kept.rowCount == 2)
        #expect(kept["name"].strings == ["Banana", "cherry"])
        #expect(kept["key"].toArray(Int.self) == [2, nil])
    }

    @Test func stringFunctions() throws {
        func run(_ function: ColumnExpression.StringFunction) throws -> Series {
            Series(name: "s", column: try frame.evaluate(.string(function, .column("name"))))
        }
        #expect(try run(.contains("an")).toArray(Bool.self) == [false, true, nil, false])
        #expect(try run(.startsWith("ch")).toArray(Bool.self) == [false, false, nil, true])
        #expect(try run(.lower).strings == ["apple", "banana", nil, "cherry"])
        #expect(try run(.upper).strings == ["APPLE", "BANANA", nil, "CHERRY"])
        #expect(try run(.length).toArray(Int.self) == [5, 6, nil, 6])
    }

    @Test func nullHandling() throws {
        let isNull = Series(name: "n", column: try frame.evaluate(.isNull(.column("x"))))
        #expect(isNull.toArray(Bool.self) == [false, false, true, false])
        let filled = Series(name: "f", column: try frame.evaluate(.fillNull(.column("x"), .double(-1))))
        #expect(filled.toArray(Double.self) == [0.5, 1.5, -1, 4.0])
        let filledKey = Series(name: "f", column: try frame.evaluate(.fillNull(.column("key"), .int(0))))
        #expect(filledKey.type == .int64)
        #expect(filledKey.toArray(Int.self) == [1, 2, 1, 0])
    }

    @Test func castsFollowPandas() throws {
        let asText = try frame.evaluate(.cast(.column("key"), .string))
        #expect(Series(name: "s", column: asText).strings == ["1", "2", "1", nil])
        let numbers = try DataFrame(["s": ["1.5", "2", nil]]).evaluate(.cast(.column("s"), .float64))
        #expect(Series(name: "s", column: numbers).toArray(Double.self) == [1.5, 2, nil])
        #expect(throws: FrameError.self) { try DataFrame(["s": ["x"]]).evaluate(.cast(.column("s"), .int64)) }
        let category = try frame.evaluate(.cast(.column("name"), .categorical))
        #expect(category.type == .categorical)
        #expect(Series(name: "c", column: category).strings == ["apple", "Banana", nil, "cherry"])
    }

    @Test func typeErrorsAreThrownBeforeComputing() {
        #expect(throws: FrameError.self) { try ColumnExpression.binary(.multiply, .column("name"), .literal(.int(2))).resultType(in: frame.schema) }
        #expect(throws: FrameError.unknownColumn("nope", available: ["key", "x", "name"])) {
            try ColumnExpression.column("nope").resultType(in: frame.schema)
        }
    }

    @Test func concatenatePromotesAndFillsMissingColumns() throws {
        let a = try DataFrame(["k": [1, 2], "s": ["a", "b"]])
        let b = try DataFrame(["k": [0.5], "t": [true]])
        let joined = try DataFrame.concatenate([a, b])
        #expect(joined.columnNames == ["k", "s", "t"])
        #expect(joined["k"].type == .float64)
        #expect(joined["k"].toArray(Double.self) == [1, 2, 0.5])
        #expect(joined["s"].strings == ["a", "b", nil])
        #expect(joined["t"].toArray(Bool.self) == [nil, nil, true])
        #expect(throws: FrameError.self) { try DataFrame.concatenate([a, try DataFrame(["k": ["x"]])]) }
    }

    @Test func printsAsPandasDoes() throws {
        let text = try DataFrame(["key": [1, 2], "x": [0.5, nil], "name": ["a", "bb"]]).description
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines == [
            "     key        x    name",
            "   int64  float64  string",
            "0      1      0.5       a",
            "1      2      NaN      bb",
        ])
        let long = try DataFrame(["v": ColumnValues((0..<100).map { $0 })]).description
        #expect(long.contains("..."))
        #expect(long.hasSuffix("[100 rows x 1 columns]"))
    }
}

@Suite("Host frames: inconsistent parts are errors, not traps")
struct ColumnPartsTests {
    @Test func badBitmapsAndOffsetsThrow() throws {
        #expect(throws: FrameError.self) { try ValidityBitmap(words: [0, 0], count: 10) }
        #expect(throws: FrameError.self) { try StringBuffer(offsets: [0, 5], bytes: [1, 2]) }
        #expect(throws: FrameError.self) { try StringBuffer(offsets: [0, 2, 1, 2], bytes: [1, 2]) }
        #expect(try StringBuffer(offsets: [0, 1, 2], bytes: Array("ab".utf8))[1] == "b")
        #expect(try ValidityBitmap(words: [0b101], count: 3).validCount == 2)
    }
}
