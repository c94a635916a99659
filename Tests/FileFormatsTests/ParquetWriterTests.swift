import Backends
import Foundation
import Testing
@testable import FileFormats

/// The writer: Tessera's reader and pyarrow read back what it writes, with every codec, page
/// version and encoding choice.
@Suite("Parquet writer")
struct ParquetWriterTests {
    /// A frame with every column type, nulls in each, NaNs, empty and non-ASCII strings.
    static func sampleFrame(rows: Int = 300, seed: UInt64 = 1) throws -> DataFrame {
        var generator = SplitMix64(seed: seed)
        func random(_ bound: Int) -> Int { Int(generator.next() % UInt64(bound)) }
        func nullable<T>(_ value: T, _ row: Int, _ every: Int) -> T? { row % every == every - 1 ? nil : value }
        var columns: [Series] = []
        func add(_ name: String, _ column: Column) { columns.append(Series(name: name, column: column)) }
        add("bool", Column.numbers((0..<rows).map { nullable(random(2) == 1, $0, 5) }))
        add("int8", Column.numbers((0..<rows).map { nullable(Int8(truncatingIfNeeded: random(256)), $0, 6) }))
        add("int16", Column.numbers((0..<rows).map { nullable(Int16(truncatingIfNeeded: random(65536)), $0, 7) }))
        add("int32", Column.numbers((0..<rows).map { nullable(Int32(truncatingIfNeeded: generator.next()), $0, 8) }))
        var int64s: [Int64?] = []
        for row in 0..<rows {
            let shift = Int64(random(64))
            int64s.append(nullable(Int64(bitPattern: generator.next()) >> shift, row, 9))
        }
        add("int64", Column.numbers(int64s))
        add("uint8", Column.numbers((0..<rows).map { nullable(UInt8(random(256)), $0, 5) }))
        add("uint16", Column.numbers((0..<rows).map { nullable(UInt16(random(65536)), $0, 6) }))
        add("uint32", Column.numbers((0..<rows).map { nullable(UInt32(truncatingIfNeeded: generator.next()), $0, 7) }))
        add("uint64", Column.numbers((0..<rows).map { row -> UInt64? in
            let value: UInt64 = row % 3 == 0 ? UInt64.max - UInt64(row) : UInt64(row)
            return nullable(value, row, 8)
        }))
        add("float32", Column.numbers((0..<rows).map { row -> Float? in 
            let value: Float = Float(random(2000)) / 7 - 100
            return row % 13 == 4 ? .nan : nullable(value, row, 9)
        }))
        add("float64", Column.numbers((0..<rows).map { row -> Double? in 
            let value: Double = Double(random(1 << 20)) / 3 - 1e5
            return row % 11 == 3 ? .nan : nullable(value, row, 10)
        }))
        add("lowcard", Column.numbers((0..<rows).map { nullable(Int64(random(4)), $0, 4) }))
        let words = ["", "a", "héllo", "日本語", "x y z", String(repeating: "long", count: 20)]
        add("string", Column.strings((0..<rows).map { nullable(words[random(words.count)] + (random(3) == 0 ? "\(random(1000))" : ""), $0, 7) }))
        let categories = StringBuffer(["red", "green", "blue"])
        let codes: [Int32] = (0..<rows).map { row in Int32(row % 9 == 8 ? -1 : random(3)) }
        let validity = ValidityBitmap(codes.map { $0 >= 0 })
        add("category", try Column(type: .categorical, storage: .dictionary(codes: try NDArray(codes), categories: categories), validity: validity))
        func timestamps(_ unit: ColumnType.TimeUnit, _ zone: String?, scale: Int64, every: Int) throws -> Column {
            let values: [Int64] = (0..<rows).map { _ in Int64(random(1 << 30)) * scale - (1 << 29) * scale }
            return try Column(type: .timestamp(unit, timeZone: zone), storage: .fixedWidth(try NDArray(values)),
                              validity: ValidityBitmap((0..<rows).map { $0 % every != every - 1 }))
        }
        add("ts_ns", try timestamps(.ns, nil, scale: 1_000_000_007, every: 6))
        add("ts_us_utc", try timestamps(.us, "UTC", scale: 1_000_003, every: 7))
        add("ts_ms_paris", try timestamps(.ms, "Europe/Paris", scale: 1_003, every: 8))
        add("ts_s", try timestamps(.s, nil, scale: 1, every: 9))
        let days: [Int32] = (0..<rows).map { _ in Int32(random(40_000)) - 20_000 }
        add("date", try Column(type: .date, storage: .fixedWidth(try NDArray(days)), validity: ValidityBitmap((0..<rows).map { $0 % 5 != 1 })))
        return try DataFrame(columns: columns)
    }

    /// The value `row` of `column` should read back as: seconds become milliseconds.
    static func expectedCell(_ column: Column, _ row: Int) -> FrameValue {
        let value = column[row]
        if case let .timestamp(count, .s, zone) = value { return .timestamp(count * 1000, .ms, timeZone: zone) }
        return value
    }

    static func expectedType(_ type: ColumnType) -> ColumnType {
        if case let .timestamp(.s, zone) = type { return .timestamp(.ms, timeZone: zone) }
        return type
    }

    /// Checks that `frame` reads back as `original`.
    static func expectSame(_ frame: DataFrame, _ original: DataFrame, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(frame.columnNames == original.columnNames, "\(label): names", sourceLocation: sourceLocation)
        #expect(frame.rowCount == original.rowCount, "\(label): rows", sourceLocation: sourceLocation)
        for series in original.columns {
            guard let back = try? frame.column(series.name) else { continue }
            #expect(back.type == expectedType(series.type), "\(label): type of \(series.name)", sourceLocation: sourceLocation)
            var wrong = 0
            for row in 0..<min(series.count, back.count) where back.column[row] != expectedCell(series.column, row) {
                wrong += 1
                if wrong <= 2 {
                    Issue.record("\(label): \(series.name)[\(row)] reads \(back.column[row]), wrote \(expectedCell(series.column, row))",
                                 sourceLocation: sourceLocation)
                }
            }
        }
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-parquet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func available(_ compression: ParquetCompression) -> Bool {
        switch compression {
        case .none, .snappy: true
        case .gzip: Gzip.isAvailable
        case .zstd: Zstd.isAvailable
        case .lz4: LZ4.isAvailable
        case .brotli: Brotli.canCompress && Brotli.isAvailable
        }
    }

    struct Variant: Sendable, CustomTestStringConvertible {
        var compression: ParquetCompression
        var version: ParquetDataPageVersion
        var dictionary: Bool
        var testDescription: String { "\(compression.rawValue) \(version.rawValue)\(dictionary ? "" : " plain")" }

        var options: ParquetWriteOptions {
            var options = ParquetWriteOptions()
            options.compression = compression
            options.dataPageVersion = version
            options.useDictionary = dictionary
            options.rowGroupSize = 128
            options.dataPageSize = 200
            options.pageChecksums = version == .v2
            return options
        }
    }

    static let variants: [Variant] = ParquetCompression.allCases.flatMap { compression in
        [Variant(compression: compression, version: .v1, dictionary: true), Variant(compression: compression, version: .v2, dictionary: true),
         Variant(compression: compression, version: .v1, dictionary: false)]
    }

    @Test("round trip through Tessera's reader", arguments: variants)
    func roundTrip(_ variant: Variant) throws {
        if !Self.available(variant.compression) {
            print("⚠︎ SKIPPED \(variant.testDescription): the \(variant.compression.rawValue) library is not installed")
            try Test.cancel("the \(variant.compression.rawValue) library is not installed")
        }
        let frame = try Self.sampleFrame()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.parquet"
        let summary = try ParquetWriter.write(frame, to: path, options: variant.options)
        #expect(summary.rowCount == frame.rowCount)
        #expect(summary.rowGroupCount == 3)
        let back = try ParquetReader.read(path: path)
        Self.expectSame(back, frame, variant.testDescription)
        // Statistics let a filter skip row groups.
        let parts = try ParquetReader.partitions(path: path)
        #expect(parts.count == 3)
        for part in parts {
            let stats = try #require(part.statistics["int64"])
            let piece = try ParquetReader.read(part, columns: ["int64"])
            let present = piece["int64"].toArray(Int64.self).compactMap { $0 }
            #expect(stats.min == present.min().map { .int($0) })
            #expect(stats.max == present.max().map { .int($0) })
            #expect(stats.nullCount == piece.rowCount - present.count)
            #expect(part.mayMatch(column: "int64", .greater, .int(present.max()!)) == false)
            #expect(part.mayMatch(column: "int64", .greaterOrEqual, .int(present.max()!)) == true)
        }
    }

    @Test("row groups and pages split as asked; empty frames")
    func splitting() throws {
        let frame = try Self.sampleFrame(rows: 1000)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = ParquetWriteOptions()
        options.rowGroupSize = 250
        try ParquetWriter.write([frame, frame], to: directory + "/two.parquet", options: options)
        let parts = try ParquetReader.partitions(path: directory + "/two.parquet")
        #expect(parts.map(\.rowCount) == [250, 250, 250, 250, 250, 250, 250, 250])
        let empty = DataFrame(emptyWith: frame.schema)
        try ParquetWriter.write(empty, to: directory + "/empty.parquet")
        let back = try ParquetReader.read(path: directory + "/empty.parquet")
        #expect(back.rowCount == 0)
        #expect(back.schema == Schema(frame.schema.fields.map { Schema.Field(name: $0.name, type: Self.expectedType($0.type)) }))
    }

    @Test("datasets with _metadata are read through it")
    func dataset() throws {
        let frame = try Self.sampleFrame(rows: 90)
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pieces = try (0..<3).map { index in
            try ParquetReader.read(path: try Self.write(frame, directory + "/tmp\(index).parquet"), columns: nil)
        }
        let summaries = try ParquetWriter.writeDataset(pieces, directory: directory + "/ds")
        #expect(summaries.count == 3)
        #expect(FileManager.default.fileExists(atPath: directory + "/ds/_metadata"))
        let parts = try ParquetReader.partitions(path: directory + "/ds")
        #expect(parts.map(\.path.lastPathComponentForTest) == ["part.0.parquet", "part.1.parquet", "part.2.parquet"])
        let back = try ParquetReader.read(path: directory + "/ds")
        #expect(back.rowCount == 270)
        #expect(back["int64"].toArray(Int64.self) == Array(repeating: frame["int64"].toArray(Int64.self), count: 3).flatMap { $0 })
    }

    static func write(_ frame: DataFrame, _ path: String) throws -> String {
        try ParquetWriter.write(frame, to: path)
        return path
    }

    @Test("a missing codec library is a clear error", .enabled(if: !Zstd.isAvailable, "libzstd is installed"))
    func missingCodec() throws {
        var options = ParquetWriteOptions()
        options.compression = .zstd
        let error = #expect(throws: FileFormatError.self) {
            try ParquetWriter.write(try Self.sampleFrame(rows: 5), to: "/tmp/never.parquet", options: options)
        }
        #expect(error?.description.contains("libzstd1") == true)
    }

    /// Writes the committed Tessera-written fixtures (Fixtures/parquet-tessera) into the source
    /// tree; scripts/make_parquet_fixtures.py --expected-for then records what pyarrow reads.
    @Test("regenerate the committed Tessera-written fixtures",
          .enabled(if: ProcessInfo.processInfo.environment["TESSERA_WRITE_PARQUET_FIXTURES"] != nil, "set TESSERA_WRITE_PARQUET_FIXTURES=1 to rewrite them"))
    func regenerate() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/parquet-tessera").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let frame = try Self.sampleFrame(rows: 200, seed: 99)
        for variant in [Variant(compression: .snappy, version: .v1, dictionary: true), Variant(compression: .zstd, version: .v2, dictionary: true),
                        Variant(compression: .gzip, version: .v1, dictionary: false), Variant(compression: .none, version: .v2, dictionary: false)] {
            var options = variant.options
            options.rowGroupSize = 80
            try ParquetWriter.write(frame, to: directory + "/tessera_\(variant.compression.rawValue)_\(variant.version.rawValue)\(variant.dictionary ? "" : "_plain").parquet",
                                    options: options)
        }
    }

    // MARK: - pyarrow

    /// The repository's scripts directory.
    static var scripts: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts").path
    }

    /// pyarrow's reading of `paths`, or `nil` if python3 with pyarrow is not available.
    static func pyarrow(_ paths: [String]) throws -> [[String: Any]]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts + "/read_parquet_with_pyarrow.py"] + paths
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            if message.contains("No module named") { return nil }
            Issue.record("pyarrow failed: \(message)")
            return []
        }
        return try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
    }

    static func pyarrowAvailable() -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import pyarrow, pandas"]
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    /// The arrow type pyarrow reads a Tessera column type as (the file's Arrow schema gives it
    /// the dictionary type, the zone name and the unit).
    static func arrowType(_ type: ColumnType) -> String {
        switch type {
        case .numeric(.float32): "float"
        case .numeric(.float64): "double"
        case let .numeric(dtype): dtype.rawValue
        case .string: "string"
        case .categorical: "dictionary<values=string, indices=int32, ordered=0>"
        case let .timestamp(unit, zone): "timestamp[\(unit == .s ? "ms" : unit.rawValue)\(zone.map { ", tz=\($0)" } ?? "")]"
        case .date: "date32[day]"
        }
    }

    /// The pandas dtype pandas reads a Tessera column type as.
    static func pandasDType(_ type: ColumnType) -> String {
        switch type {
        case .numeric(.bool): "object"
        case let .numeric(dtype): dtype.isFloatingPoint ? dtype.rawValue : dtype.rawValue
        case .string: "str"
        case .categorical: "category"
        case let .timestamp(unit, zone): "datetime64[\(unit == .s ? "ms" : unit.rawValue)\(zone.map { ", \($0)" } ?? "")]"
        case .date: "object"
        }
    }

    /// Every variant written once and read by one pyarrow process (starting pyarrow and pandas
    /// takes about a second): the files by variant, and pyarrow's JSON output.
    static let pyarrowBatch: (paths: [String: String], output: Data)? = {
        guard pyarrowAvailable(), let frame = try? sampleFrame(), let directory = try? temporaryDirectory() else { return nil }
        var paths: [String: String] = [:]
        for (index, variant) in variants.enumerated() where available(variant.compression) {
            let path = directory + "/variant\(index).parquet"
            guard (try? ParquetWriter.write(frame, to: path, options: variant.options)) != nil else { return nil }
            paths[variant.testDescription] = path
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts + "/read_parquet_with_pyarrow.py"] + paths.values.sorted()
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return nil }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
        return process.terminationStatus == 0 ? (paths, data) : nil
    }()

    @Test("pyarrow reads what Tessera writes, identically", .enabled(if: pyarrowAvailable(), "python3 with pyarrow and pandas is not importable"),
          arguments: variants)
    func pyarrowReadsBack(_ variant: Variant) throws {
        if !Self.available(variant.compression) { try Test.cancel("the \(variant.compression.rawValue) library is not installed") }
        let frame = try Self.sampleFrame()
        let batch = try #require(Self.pyarrowBatch, "writing the variants or running pyarrow failed")
        let path = batch.paths[variant.testDescription] ?? ""
        let results = try JSONSerialization.jsonObject(with: batch.output) as? [[String: Any]] ?? []
        let result = try #require(results.first { $0["path"] as? String == path })
        #expect(result["num_rows"] as? Int == frame.rowCount)
        #expect(result["row_groups"] as? Int == 3)
        let columns = result["columns"] as? [[String: Any]] ?? []
        #expect(columns.map { $0["name"] as? String } == frame.columnNames)
        for (series, spec) in zip(frame.columns, columns) {
            #expect(spec["arrow_type"] as? String == Self.arrowType(series.type), "\(variant.testDescription): arrow type of \(series.name)")
            let dtype = spec["pandas_dtype"] as? String ?? ""
            let expectedDType = Self.pandasDType(series.type)
            // Nullable integers become float64 or object in pandas; only check the dtypes pandas keeps.
            switch series.type {
            case .numeric(.float32), .numeric(.float64), .date, .categorical, .timestamp:
                #expect(dtype == expectedDType, "\(variant.testDescription): pandas dtype of \(series.name): \(dtype)")
            case .string:
                #expect(["str", "object", "string"].contains(dtype), "\(variant.testDescription): pandas dtype of \(series.name): \(dtype)")
            case .numeric:
                // Nullable integers become float64 (or object) in pandas.
                break
            }
            let values = (spec["values"] as? [Any] ?? []).map { $0 as? String }
            let reference = series.column
            var wrong = 0
            for row in 0..<min(values.count, frame.rowCount) {
                var ours = ParquetFixtureTests.fixtureCell(reference, row, hex: false)
                // What was written: NaN as null, seconds as milliseconds.
                if ours == "nan" { ours = nil }
                if case .timestamp(.s, _) = series.type, let seconds = ours.flatMap({ Int64($0) }) { ours = String(seconds * 1000) }
                if !ParquetFixtureTests.same(ours, values[row], float: series.type.numericDType?.isFloatingPoint ?? false) {
                    wrong += 1
                    if wrong <= 2 { Issue.record("\(variant.testDescription): \(series.name)[\(row)]: pyarrow \(values[row] ?? "null"), Tessera \(ours ?? "null")") }
                }
            }
        }
    }

    @Test("pyarrow reads a Tessera dataset through its _metadata", .enabled(if: pyarrowAvailable(), "python3 with pyarrow is not importable"))
    func pyarrowDataset() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let parts = try (0..<3).map { try Self.sampleFrame(rows: 40 + $0, seed: UInt64($0)) }
        try ParquetWriter.writeDataset(parts, directory: directory)
        let result = try #require(try Self.pyarrow([directory])?.first)
        #expect(result["num_rows"] as? Int == 123)
        #expect(result["row_groups"] as? Int == 3)
        #expect(result["files"] as? [String] == ["part.0.parquet", "part.1.parquet", "part.2.parquet"])
    }
}

extension String {
    /// The last path component (for test messages).
    var lastPathComponentForTest: String { (self as NSString).lastPathComponent }
}
