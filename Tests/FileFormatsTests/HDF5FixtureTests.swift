import Backends
import Foundation
import Testing
@testable import FileFormats

/// Files pandas.to_hdf wrote (scripts/make_hdf5_fixtures.py), in the "fixed" and "table" layouts,
/// read against what pandas.read_hdf reads back; and the files Tessera must reject, each with the
/// reason in its error. Skipped, visibly, where libhdf5 is not installed.
@Suite("HDF5 fixtures written by pandas")
struct HDF5FixtureTests {
    /// Every fixture's name (its `.json`).
    static let cases: [String] = {
        let directory = ParquetTestSupport.directory("hdf5")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func skipIfLibraryMissing() throws {
        if HDF5Library.shared == nil {
            print("⚠︎ SKIPPED HDF5 fixtures: libhdf5 (Debian \(HDF5Library.debianPackage)) is not installed")
            try Test.cancel("libhdf5 is not installed")
        }
    }

    @Test("the fixtures are there")
    func present() {
        #expect(Self.cases.count >= 11)
    }

    @Test("reads what pandas wrote, value for value, or rejects it with the reason", arguments: cases)
    func fixture(_ name: String) throws {
        try Self.skipIfLibraryMissing()
        let directory = ParquetTestSupport.directory("hdf5")
        let expected = try ParquetTestSupport.json(directory.appendingPathComponent("\(name).json"))
        let path = directory.appendingPathComponent(expected["path"] as? String ?? "").path
        let key = expected["key"] as? String ?? ""
        var message = expected["error"] as? String
        if let filter = expected["needs_filter"] as? Int, try !HDFReader.canDecode(filter: filter, path: path) {
            message = expected["error_without_filter"] as? String
            print("⚠︎ \(name): filter \(filter) is not available here; expecting the error")
        }
        if let message {
            do {
                _ = try HDFReader.read(path: path, key: key)
                Issue.record("\(name): expected an error mentioning \(message)")
            } catch let error as FileFormatError {
                #expect(error.description.contains(message), "\(name): \(error)")
                #expect(error.path == path, "\(name): the error names the file")
            }
            return
        }
        let frame = try HDFReader.read(path: path, key: key)
        let columns = expected["columns"] as? [[String: Any]] ?? []
        #expect(frame.columnNames == columns.map { $0["name"] as? String ?? "" }, "\(name): columns")
        #expect(frame.rowCount == expected["rows"] as? Int, "\(name): rows")
        for spec in columns {
            let columnName = spec["name"] as? String ?? ""
            guard let series = try? frame.column(columnName) else { continue }
            #expect(series.type.description == spec["type"] as? String, "\(name): type of \(columnName)")
            let values = (spec["values"] as? [Any] ?? []).map { $0 as? String }
            let float = series.type.numericDType?.isFloatingPoint ?? false
            var mismatches = 0
            for row in 0..<min(series.count, values.count) {
                let actual = ParquetFixtureTests.fixtureCell(series.column, row, hex: false)
                if !ParquetFixtureTests.same(actual, values[row], float: float) {
                    mismatches += 1
                    if mismatches <= 3 {
                        Issue.record("\(name): \(columnName)[\(row)] is \(actual ?? "null"), pandas reads \(values[row] ?? "null")")
                    }
                }
            }
            #expect(mismatches == 0, "\(name): \(columnName) has \(mismatches) wrong values")
        }
    }

    @Test("Row ranges of a table and a projection read the same values as the whole")
    func rowRanges() throws {
        try Self.skipIfLibraryMissing()
        let path = ParquetTestSupport.directory("hdf5").appendingPathComponent("table_big.h5").path
        let key = try HDFReader.describe(path: path, key: "/big/")
        #expect(key.format == .table && key.rowCount == 2500 && key.key == "/big")
        let whole = try HDFReader.read(key)
        var row = 0
        for range in [0..<1000, 1000..<2000, 2000..<2500] {
            let piece = try HDFReader.read(key, rows: range, columns: ["k", "t"])
            #expect(piece.columnNames == ["k", "t"] && piece.rowCount == range.count)
            for column in ["k", "t"] {
                let part = try piece.column(column).column, all = try whole.column(column).column
                for index in 0..<piece.rowCount {
                    #expect(ParquetFixtureTests.fixtureCell(part, index, hex: false)
                            == ParquetFixtureTests.fixtureCell(all, row + index, hex: false))
                }
            }
            row += range.count
        }
        #expect(throws: FileFormatError.self) { try HDFReader.read(key, rows: 2000..<2600) }
        #expect(throws: FileFormatError.self) { try HDFReader.read(key, columns: ["nope"]) }
    }

    @Test("A missing file and a directory are errors naming the path")
    func missingFile() throws {
        try Self.skipIfLibraryMissing()
        let missing = "/nonexistent/tessera.h5"
        #expect { try HDFReader.describe(path: missing, key: "x") } throws: { error in
            (error as? FileFormatError)?.path == missing && "\(error)".contains("no such file")
        }
        let directory = ParquetTestSupport.directory("hdf5").path
        #expect(throws: FileFormatError.self) { try HDFReader.describe(path: directory, key: "x") }
    }

    @Test("Protocol-0 pickles of plain data decode; Python objects are refused")
    func pickles() throws {
        let axes = try PickleReader.decode(Array("(lp0\n(I1\n(lp1\nVx\np2\naVn\u{5c}u00e9\np3\natp4\na.".utf8))
        #expect(axes == .list([.tuple([.int(1), .list([.string("x"), .string("né")])])]))
        let info = try PickleReader.decode(Array("(dp0\nVa\np1\n(dp2\nVtz\np3\nVUTC\np4\nssVb\np5\nI01\ns.".utf8))
        #expect(info == .dict([.string("a"): .dict([.string("tz"): .string("UTC")]), .string("b"): .bool(true)]))
        #expect(try PickleReader.decode(Array("N.".utf8)) == PickleReader.Value.none)
        // A call is never made: it decodes to an opaque object naming the callable.
        #expect(try PickleReader.decode(Array("cos\nsystem\n(S'ls'\ntR.".utf8)) == .object("os.system"))
        #expect(throws: PickleReader.Failure.self) { try PickleReader.decode(Array("\u{80}\u{02}K\u{01}.".utf8)) }
        #expect(throws: PickleReader.Failure.self) { try PickleReader.decode(Array("(lp0\nVx".utf8)) }
        #expect(throws: PickleReader.Failure.self) { try PickleReader.decode(Array("a.".utf8)) }
    }
}
