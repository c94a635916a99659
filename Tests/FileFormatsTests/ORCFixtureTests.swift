import Backends
import Foundation
import Testing
@testable import FileFormats

/// Files pyarrow.orc and pyorc wrote (scripts/make_orc_fixtures.py): every primitive type, codec,
/// RLE version and writer time zone, with nulls, read against the values pyarrow.orc reads back.
@Suite("ORC fixtures written by pyarrow and pyorc")
struct ORCFixtureTests {
    /// Every fixture's name (its `.json`).
    static let cases: [String] = {
        let directory = ParquetTestSupport.directory("orc")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }()

    /// Skips the current test (visibly) when the file's codec needs a library that is missing.
    static func skipIfCodecMissing(_ path: String, _ name: String) throws {
        guard let file = try? ORCFile.open(path: path, options: ORCReadOptions()) else { return }
        var missing: String?
        switch file.postScript.compression {
        case .zlib: if !Gzip.isAvailable { missing = "libz.so.1 (Debian zlib1g)" }
        case .zstd: if !Zstd.isAvailable { missing = "libzstd.so.1 (Debian libzstd1)" }
        case .lz4: if !LZ4.isAvailable { missing = "liblz4.so.1 (Debian liblz4-1)" }
        default: break
        }
        if let missing {
            print("⚠︎ SKIPPED \(name): needs \(missing), not installed")
            try Test.cancel("\(name) needs \(missing), which is not installed")
        }
    }

    @Test("the fixtures are there")
    func present() {
        #expect(Self.cases.count >= 20)
    }

    @Test("reads what pyarrow and pyorc wrote, value for value", arguments: cases)
    func fixture(_ name: String) throws {
        let directory = ParquetTestSupport.directory("orc")
        let expected = try ParquetTestSupport.json(directory.appendingPathComponent("\(name).json"))
        let path = directory.appendingPathComponent(expected["path"] as? String ?? "").path
        try Self.skipIfCodecMissing(path, name)
        let requested = (expected["options"] as? [String: Any])?["columns"] as? [String]
        if let message = expected["error"] as? String {
            do {
                _ = try ORCReader.read(paths: [path], columns: requested)
                Issue.record("\(name): expected an error mentioning \(message)")
            } catch {
                #expect(error.description.contains(message), "\(name): \(error)")
                #expect(error.path == path, "\(name): the error names the file")
            }
            return
        }
        let frame = try ORCReader.read(paths: [path], columns: requested)
        let columns = expected["columns"] as? [[String: Any]] ?? []
        // Requested columns come in the order asked for (pyarrow keeps the file's order).
        #expect(frame.columnNames == requested ?? columns.map { $0["name"] as? String ?? "" }, "\(name): columns")
        #expect(Set(frame.columnNames) == Set(columns.map { $0["name"] as? String ?? "" }), "\(name): columns")
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
                let actual = ParquetFixtureTests.fixtureCell(series.column, row, hex: hex)
                if !ParquetFixtureTests.same(actual, values[row], float: float) {
                    mismatches += 1
                    if mismatches <= 3 {
                        Issue.record("\(name): \(columnName)[\(row)] is \(actual ?? "null"), pyarrow reads \(values[row] ?? "null")")
                    }
                }
            }
            #expect(mismatches == 0, "\(name): \(columnName) has \(mismatches) wrong values")
        }
        // Partitions: one per stripe, reading back the same rows.
        let stripes = expected["stripes"] as? Int ?? 0
        let parts = try ORCReader.partitions(paths: [path])
        #expect(parts.count == max(stripes, 1), "\(name): partitions")
        #expect(parts.reduce(0) { $0 + $1.rowCount } == frame.rowCount, "\(name): partition rows")
        var row = 0
        for part in parts {
            let piece = try ORCReader.read(part, columns: requested)
            for series in piece.columns {
                let reference = frame[series.name].column
                for index in 0..<piece.rowCount
                where ParquetFixtureTests.fixtureCell(series.column, index, hex: true) != ParquetFixtureTests.fixtureCell(reference, row + index, hex: true) {
                    Issue.record("\(name): partition row \(row + index) of \(series.name) differs from the whole read")
                    break
                }
            }
            row += piece.rowCount
        }
    }
}
