import Backends
import Foundation
import Testing
@testable import FileFormats

/// Datasets (files, directories, globs, lists, `_metadata`, hive partitions), column projection,
/// partitioning options and statistics-based partition skipping.
@Suite("Parquet datasets and pushdown")
struct ParquetDatasetTests {
    static var fixtures: URL { ParquetTestSupport.directory("parquet") }

    @Test("a glob, a list of files and a directory read the same rows")
    func globsAndLists() throws {
        let directory = Self.fixtures.appendingPathComponent("dataset").path
        let viaDirectory = try ParquetReader.read(path: directory)
        let viaGlob = try ParquetReader.read(path: directory + "/part.*.parquet")
        let files = (0..<3).map { directory + "/part.\($0).parquet" }
        let viaList = try ParquetReader.read(paths: files)
        #expect(viaDirectory.rowCount == 90)
        #expect(viaGlob["id"].toArray(Int64.self) == viaDirectory["id"].toArray(Int64.self))
        #expect(viaList["name"].strings == viaDirectory["name"].strings)
        #expect(viaDirectory["id"].toArray(Int64.self) == (0..<90).map { Int64($0) })
        #expect(throws: FileFormatError.self) { try ParquetReader.read(path: directory + "/nothing-*.parquet") }
        #expect(throws: FileFormatError.self) { try ParquetReader.read(path: directory + "/missing.parquet") }
    }

    @Test("a _metadata file lists the row groups without opening the parts")
    func metadataFile() throws {
        let directory = Self.fixtures.appendingPathComponent("dataset").path
        let parts = try ParquetReader.partitions(path: directory)
        #expect(parts.count == 6)
        #expect(parts.map(\.rowCount) == [16, 14, 16, 14, 16, 14])
        #expect(parts.map(\.rowGroups) == [[0], [1], [0], [1], [0], [1]])
        #expect(parts[2].statistics["id"]?.min == .int(30))
        var ignore = ParquetReadOptions()
        ignore.useMetadataFile = false
        let walked = try ParquetReader.partitions(path: directory, options: ignore)
        #expect(walked == parts)
        var perFile = ParquetReadOptions()
        perFile.rowGroupsPerPartition = nil
        #expect(try ParquetReader.partitions(path: directory, options: perFile).map(\.rowCount) == [30, 30, 30])
        var pairs = ParquetReadOptions()
        pairs.rowGroupsPerPartition = 2
        let paired = try ParquetReader.partitions(path: directory, options: pairs)
        #expect(paired.map(\.rowGroups) == [[0, 1], [0, 1], [0, 1]])
        #expect(paired[1].statistics["id"]?.min == .int(30))
        #expect(paired[1].statistics["id"]?.max == .int(59))
        let frame = try ParquetReader.read(paired[1], columns: ["name", "id"])
        #expect(frame.columnNames == ["name", "id"])
        #expect(frame["id"].toArray(Int64.self) == (30..<60).map { Int64($0) })
    }

    @Test("hive directories become typed columns, and filters on them skip files")
    func hive() throws {
        let directory = Self.fixtures.appendingPathComponent("hive").path
        let schema = try ParquetReader.inferSchema(path: directory)
        #expect(schema.names == ["v", "year", "city"])
        #expect(schema.type(of: "year") == .int64)
        #expect(schema.type(of: "city") == .string)
        let parts = try ParquetReader.partitions(path: directory)
        #expect(parts.count == 6)
        let selected = ParquetReader.select(parts, filters: [[ParquetFilter("year", .equal, .int(2024)), ParquetFilter("city", .notEqual, .string("Oslo"))]])
        #expect(selected.count == 2)
        for part in selected {
            let frame = try ParquetReader.read(part)
            #expect(frame["year"].toArray(Int64.self).allSatisfy { $0 == 2024 })
            #expect(frame["city"].strings.allSatisfy { $0 != "Oslo" })
        }
        let either = ParquetReader.select(parts, filters: [[ParquetFilter("year", .equal, .int(2023))], [ParquetFilter("city", .isIn, values: [.string("Lima")])]])
        #expect(either.count == 4)
        var flat = ParquetReadOptions()
        flat.hivePartitioning = false
        #expect(try ParquetReader.inferSchema(path: directory, options: flat).names == ["v"])
        let filtered = try ParquetReader.read(path: directory, columns: ["v", "city"], filters: [[ParquetFilter("city", .equal, .string("Paris"))]])
        #expect(filtered["city"].strings.allSatisfy { $0 == "Paris" })
        #expect(filtered.rowCount == 20)
    }

    @Test("statistics never rule out a partition that has a matching row", arguments: ["dictionary_fallback", "types_snappy", "encodings_v1", "required"])
    func pushdownIsConservative(_ name: String) throws {
        let path = Self.fixtures.appendingPathComponent("\(name).parquet").path
        try ParquetTestSupport.skipIfCodecMissing(path, name)
        let parts = try ParquetReader.partitions(path: path)
        var generator = SplitMix64(seed: 3)
        var skipped = 0
        for part in parts {
            let frame = try ParquetReader.read(part)
            for series in frame.columns where series.type != .numeric(.bool) {
                let present = (0..<series.count).map { series.column[$0] }.filter { !$0.isNull }
                guard !present.isEmpty else { continue }
                // Probes: values of this and other partitions, and values just beyond the bounds.
                var probes = (0..<4).map { _ in present[Int(generator.next() % UInt64(present.count))] }
                if let stats = part.statistics[series.name], let low = stats.min, let high = stats.max { probes += [low, high] }
                for probe in probes {
                    for comparison in [ParquetComparison.equal, .less, .lessOrEqual, .greater, .greaterOrEqual, .notEqual] {
                        let matches = present.contains { value in
                            guard let order = ParquetValueOrder.compare(value, probe) else { return true }
                            switch comparison {
                            case .equal: return order == 0
                            case .notEqual: return order != 0
                            case .less: return order < 0
                            case .lessOrEqual: return order <= 0
                            case .greater: return order > 0
                            default: return order >= 0
                            }
                        }
                        let may = part.mayMatch(column: series.name, comparison, probe)
                        if matches { #expect(may, "\(name): \(series.name) \(comparison.rawValue) \(probe) was ruled out but matches") }
                        if !may { skipped += 1 }
                    }
                }
                #expect(part.mayMatch(ParquetFilter(series.name, .isNotNull)))
            }
        }
        #expect(skipped > 0, "\(name): the statistics never ruled anything out")
    }

    @Test("statistics come back in frame values")
    func statistics() throws {
        let path = Self.fixtures.appendingPathComponent("types_none.parquet").path
        let groups = try ParquetReader.rowGroupStatistics(path: path)
        #expect(groups.count == 3)
        let frame = try ParquetReader.read(path: path)
        let first = groups[0]
        // Row group 0 is rows 0..<100.
        func bounds(_ name: String) -> (FrameValue?, FrameValue?, Int) {
            let values = (0..<100).map { frame[name].column[$0] }.filter { !$0.isNull }
            let sorted = values.sorted { ParquetValueOrder.compare($0, $1).map { $0 < 0 } ?? false }
            return (sorted.first, sorted.last, 100 - values.count)
        }
        for name in ["int8", "int32", "int64", "uint32", "uint64", "float32", "string", "date", "ts_us_utc", "decimal_9_2"] {
            let (low, high, nulls) = bounds(name)
            let stats = try #require(first[name], "\(name) has statistics")
            #expect(stats.min == low, "\(name) min")
            #expect(stats.max == high, "\(name) max")
            #expect(stats.nullCount == nulls, "\(name) nulls")
        }
        // Bounds pyarrow does not write (or Tessera cannot trust) are absent rather than wrong.
        #expect(first["uuid"]?.min == nil)
        #expect(first["binary"]?.min == nil || first["binary"]?.min == .string(""))
    }

    @Test("column projection reads only what is asked, in the order asked")
    func projection() throws {
        let path = Self.fixtures.appendingPathComponent("types_snappy.parquet").path
        let frame = try ParquetReader.read(path: path, columns: ["string", "int8"])
        #expect(frame.columnNames == ["string", "int8"])
        let error = #expect(throws: FileFormatError.self) { try ParquetReader.read(path: path, columns: ["nope"]) }
        #expect(error?.description.contains("There is no column 'nope'") == true)
        #expect(throws: FileFormatError.self) { try ParquetReader.read(path: path, columns: ["int8", "int8"]) }
    }

    @Test("columns not asked for are never touched")
    func untouchedColumns() throws {
        var bytes = Array(try Data(contentsOf: Self.fixtures.appendingPathComponent("types_none.parquet")))
        let file = try ParquetFile(bytes: ParquetFileBytes(bytes), path: "t", options: ParquetReadOptions())
        let leaf = try file.column("string").leafIndex
        // Wreck every page of column 'string' in every row group.
        for group in file.metadata.rowGroups {
            let meta = try #require(group.columns[leaf].metaData)
            let start = Int(meta.dictionaryPageOffset ?? meta.dataPageOffset)
            for index in start..<(start + Int(meta.totalCompressedSize)) { bytes[index] = 0xFF }
        }
        let wrecked = try ParquetFile(bytes: ParquetFileBytes(bytes), path: "wrecked.parquet", options: ParquetReadOptions())
        let frame = try ParquetReader.read(file: wrecked, columns: ["int32", "large_string"], options: ParquetReadOptions())
        #expect(frame.rowCount == 240)
        #expect(throws: FileFormatError.self) { try ParquetReader.read(file: wrecked, columns: ["string"], options: ParquetReadOptions()) }
    }

    @Test("INT96 in a coarser unit, categorical columns on request")
    func options() throws {
        var options = ParquetReadOptions()
        options.int96TimestampUnit = .ms
        let frame = try ParquetReader.read(path: Self.fixtures.appendingPathComponent("int96.parquet").path, options: options)
        #expect(frame["t"].type == .timestamp(.ms, timeZone: nil))
        #expect(frame["t"].column[1] == .timestamp(86_400_000, .ms, timeZone: nil))
        options.categoricalColumns = ["s"]
        let categorical = try ParquetReader.read(path: Self.fixtures.appendingPathComponent("dictionary_fallback.parquet").path,
                                                 columns: ["s"], options: options)
        #expect(categorical["s"].type == .categorical)
        let plain = try ParquetReader.read(path: Self.fixtures.appendingPathComponent("dictionary_fallback.parquet").path, columns: ["s"])
        #expect(categorical["s"].strings == plain["s"].strings)
    }
}
