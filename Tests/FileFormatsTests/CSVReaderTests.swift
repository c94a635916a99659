import Backends
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import FileFormats

@Suite("CSV: reader")
struct CSVReaderTests {
    // MARK: - Partitions

    @Test("Partitions tile the file at line boundaries", arguments: [64, 97, 1000, 4096, 50_000, 1 << 30])
    func partitionsTile(_ blocksize: Int) throws {
        let path = CSVFixtures.path("partitions.csv")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let partitions = try CSVReader.partitions(path: path, options: CSVOptions(), blocksize: blocksize)
        #expect(partitions.first?.isFirstInFile == true)
        #expect(partitions.dropFirst().allSatisfy { !$0.isFirstInFile })
        #expect(partitions.first?.byteRange?.lowerBound == 0)
        #expect(partitions.last?.byteRange?.upperBound == size)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        for (previous, next) in zip(partitions, partitions.dropFirst()) {
            let boundary = try #require(next.byteRange?.lowerBound)
            #expect(previous.byteRange?.upperBound == boundary)
            #expect(bytes[boundary - 1] == 0x0A)
        }
        if blocksize <= 4096 { #expect(partitions.count > 1) }
    }

    @Test("Concatenated partitions equal one read", arguments: [64, 97, 1000, 4096, 50_000])
    func partitionsConcatenate(_ blocksize: Int) throws {
        let fixture = try #require(CSVFixtures.case("partitions"))
        let path = CSVFixtures.path(fixture.file)
        var options = fixture.csvOptions
        options.sampleSize = 2000
        let schema = try CSVReader.inferSchema(path: path, options: options)
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: blocksize)
        let frames = try partitions.map { try CSVReader.read($0, schema: schema, options: options) }
        #expect(frames.allSatisfy { $0.schema == schema })
        let whole = try CSVReader.read(path: path, options: options)
        #expect(whole.schema == schema)
        let concatenated = CSVFixtures.concatenatedStrings(frames)
        for series in whole.columns {
            #expect(concatenated[series.name] == CSVFixtures.strings(series.column), "column \(series.name)")
        }
        #expect(frames.map(\.rowCount).reduce(0, +) == 3000)
    }

    @Test("Partitions read concurrently give the same frames")
    func partitionsConcurrently() throws {
        let fixture = try #require(CSVFixtures.case("partitions"))
        let path = CSVFixtures.path(fixture.file)
        let options = fixture.csvOptions
        let schema = try CSVReader.inferSchema(path: path, options: options)
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: 3000)
        let serial = try partitions.map { CSVFixtures.concatenatedStrings([try CSVReader.read($0, schema: schema, options: options)]) }
        let results = Mutex<[Int: [String: [String?]]]>([:])
        DispatchQueue.concurrentPerform(iterations: partitions.count) { index in
            if let frame = try? CSVReader.read(partitions[index], schema: schema, options: options) {
                let strings = CSVFixtures.concatenatedStrings([frame])
                results.withLock { $0[index] = strings }
            }
        }
        let parallel = results.withLock { $0 }
        #expect(parallel.count == partitions.count)
        for index in partitions.indices { #expect(parallel[index] == serial[index]) }
    }

    @Test("Partitions with CRLF line ends, skipped rows and usecols")
    func partitionsCRLF() throws {
        var text = "junk line\r\nmore junk\r\nx,y,z\r\n"
        for i in 0..<500 { text += "\(i),\"v,\(i)\",\(Double(i) / 4)\r\n" }
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.skiprows = 2
        options.usecols = ["z", "x"]
        let schema = try CSVReader.inferSchema(path: path, options: options)
        #expect(schema.names == ["x", "z"])
        #expect(schema.fields.map(\.type) == [.int64, .float64])
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: 333)
        #expect(partitions.count > 5)
        let frames = try partitions.map { try CSVReader.read($0, schema: schema, options: options) }
        let values = CSVFixtures.concatenatedStrings(frames)
        #expect(values["x"] == (0..<500).map { String($0) })
        #expect(values["z"] == (0..<500).map { CSVFloatFormat.string(Double($0) / 4) })
    }

    @Test("A schema in another order gives columns in that order")
    func schemaOrder() throws {
        let path = CSVFixtures.path("usecols.csv")
        let schema = Schema([Schema.Field(name: "c", type: .float64), Schema.Field(name: "a", type: .int64)])
        let frame = try CSVReader.read(CSVPartition(path: path, byteRange: nil, isFirstInFile: true), schema: schema,
                                       options: CSVOptions())
        #expect(frame.columnNames == ["c", "a"])
        #expect(frame["c"].toArray(Double.self) == [2.5, 4.5])
        #expect(frame["a"].toArray(Int.self) == [1, 3])
    }

    // MARK: - Inference

    @Test("inferSchema samples the start of the file; read(path:) infers from all of it")
    func sampleVersusWholeFile() throws {
        var text = "n,f\n"
        for i in 0..<1000 { text += "\(i),\(i)\n" }
        text += "2.5,x\n"
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.sampleSize = 100
        let schema = try CSVReader.inferSchema(path: path, options: options)
        #expect(schema.fields.map(\.type) == [.int64, .int64])
        let whole = try CSVReader.read(path: path, options: options)
        #expect(whole.schema.fields.map(\.type) == [.float64, .string])
        #expect(whole["n"].toArray(Double.self).last == 2.5)
        #expect(whole["f"].strings.last == "x")
        #expect(whole.rowCount == 1001)
    }

    @Test("A column missing from the whole sample is classified from the whole file")
    func allMissingSample() throws {
        var text = "a,b\n"
        for i in 0..<200 { text += "\(i),\n" }
        text += "200,7\n"
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.sampleSize = 64
        #expect(try CSVReader.inferSchema(path: path, options: options).type(of: "b") == .float64)
        let frame = try CSVReader.read(path: path, options: options)
        #expect(frame["b"].type == .int64)
        #expect(frame["b"].toArray(Int.self).last == 7)
        #expect(frame["b"].column.nullCount == 200)
    }

    @Test("parseDates on a column that is not dates leaves strings, as pandas does")
    func parseDatesFallback() throws {
        let path = try CSVFixtures.temporaryFile(Array("d\nyesterday\n2020-01-01\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.parseDates = ["d"]
        let frame = try CSVReader.read(path: path, options: options)
        #expect(frame["d"].type == .string)
        options.parseDates = ["nope"]
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: options) }
        #expect(error?.message.contains("'nope'") == true)
    }

    @Test("dtypes: timestamps in other units and dates")
    func dtypeTimes() throws {
        let path = try CSVFixtures.temporaryFile(Array("t,d\n2020-01-01T00:00:01.999,2020-03-01\n1969-12-31T23:59:59.5,1969-12-31\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.dtypes = ["t": .timestamp(.s, timeZone: nil), "d": .date]
        let frame = try CSVReader.read(path: path, options: options)
        #expect(frame["t"].column[0] == .timestamp(1_577_836_801, .s, timeZone: nil))
        #expect(frame["t"].column[1] == .timestamp(-1, .s, timeZone: nil))
        #expect(frame["d"].column[0] == .date(Int32(CivilTime.days(year: 2020, month: 3, day: 1))))
        #expect(frame["d"].column[1] == .date(-1))
    }

    @Test("Buffers grow when the first lines are longer than the rest")
    func growth() throws {
        var text = "n,s,x\n"
        let long = String(repeating: "y", count: 1000)
        for i in 0..<100 { text += "\(i),\(long),\(i).5\n" }
        for i in 100..<200_000 { text += i % 3 == 0 ? "\(i),,\n" : "\(i),s\(i),\(i).5\n" }
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frame = try CSVReader.read(path: path, options: CSVOptions())
        #expect(frame.rowCount == 200_000)
        #expect(frame.schema.fields.map(\.type) == [.int64, .string, .float64])
        let n = frame["n"].toArray(Int.self)
        #expect(n == (0..<200_000).map { Optional($0) })
        let s = frame["s"].strings
        #expect(s[0] == long)
        #expect(s[199_999] == "s199999")
        #expect(s[199_998] == nil)
        #expect(frame["x"].column.nullCount == (200_000 - 100) / 3)
    }

    @Test("Many string columns and long quoted fields")
    func longFields() throws {
        let long = String(repeating: "ab\"c,\n", count: 5000)
        let quoted = "\"" + long.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let text = "a,b\n\(quoted),x\ny,\(quoted)\n"
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let frame = try CSVReader.read(path: path, options: CSVOptions())
        #expect(frame["a"].strings == [long, "y"])
        #expect(frame["b"].strings == ["x", long])
    }

    // MARK: - Gzip

    @Test("Gzip: one partition, a schema from the start, and the writer's output read back",
          .enabled(if: Gzip.isAvailable, "zlib (libz.so.1) cannot be loaded: gzip is not tested"))
    func gzip() throws {
        let path = CSVFixtures.path("gzip.csv.gz")
        let partitions = try CSVReader.partitions(path: path, options: CSVOptions(), blocksize: 10)
        #expect(partitions == [CSVPartition(path: path, byteRange: nil, isFirstInFile: true)])
        let schema = try CSVReader.inferSchema(path: path, options: CSVOptions())
        #expect(schema.fields.map(\.type) == [.int64, .string, .float64])
        let frame = try CSVReader.read(partitions[0], schema: schema, options: CSVOptions())
        #expect(frame["b"].strings == ["x", "y,z", nil])

        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-\(UUID().uuidString).csv.gz").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        try CSVWriter.write(frame, to: output, options: CSVOptions())
        let back = try CSVReader.read(path: output, options: CSVOptions())
        #expect(CSVFixtures.concatenatedStrings([back]) == CSVFixtures.concatenatedStrings([frame]))
        let raw = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(raw.prefix(2) == Data([0x1F, 0x8B]))
    }

    @Test("Gzip: the schema of a large file comes from a decompressed prefix cut at a line end",
          .enabled(if: Gzip.isAvailable, "zlib (libz.so.1) cannot be loaded: gzip is not tested"))
    func gzipSample() throws {
        var text = "n,flag,word\n"
        for i in 0..<120_000 { text += "\(i),\(i % 2 == 0 ? "True" : "False"),w\(i % 7)\n" }
        let compressed = try Array(text.utf8).withUnsafeBytes { raw in
            Result { () throws(GzipError) in try Gzip.compress(raw) }
        }.get()
        let path = try CSVFixtures.temporaryFile(compressed, suffix: ".csv.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for sampleSize in [10, 1000, 256_000, 1_500_000, 3_000_000] {
            var options = CSVOptions()
            options.sampleSize = sampleSize
            let schema = try CSVReader.inferSchema(path: path, options: options)
            #expect(schema.fields.map(\.type) == [.int64, .bool, .string], "sample \(sampleSize)")
        }
        let frame = try CSVReader.read(path: path, options: CSVOptions())
        #expect(frame.rowCount == 120_000)
        #expect(frame["n"].toArray(Int.self).last == 119_999)
    }

    @Test("Corrupt gzip data is an error naming the file",
          .enabled(if: Gzip.isAvailable, "zlib (libz.so.1) cannot be loaded: gzip is not tested"))
    func corruptGzip() throws {
        let path = try CSVFixtures.temporaryFile([0x1F, 0x8B, 0x08, 0, 1, 2, 3, 4, 5, 6, 7], suffix: ".csv.gz")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: CSVOptions()) }
        #expect(error?.path == path)
        #expect(error?.message.lowercased().contains("gzip") == true)
    }

    @Test("The missing-zlib error says what to install")
    func zlibMessage() {
        #expect(GzipError.zlibNotInstalled.description.contains("libz.so.1"))
        #expect(GzipError.zlibNotInstalled.description.contains("not installed"))
    }

    // MARK: - Errors

    @Test("More fields than columns: pandas' message, with the line")
    func tooManyFields() {
        let path = CSVFixtures.path("error_too_many_fields.csv")
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: CSVOptions()) }
        #expect(error?.location == .line(3))
        #expect(error?.message == "Expected 2 fields in line 3, saw 3.")
        #expect(error?.description.hasPrefix(path + ", line 3:") == true)
        let schemaError = CSVFixtures.error { _ = try CSVReader.inferSchema(path: path, options: CSVOptions()) }
        #expect(schemaError?.location == .line(3))
    }

    @Test("More fields than columns in a later partition: the byte offset")
    func tooManyFieldsLater() throws {
        var text = "a,b\n"
        for i in 0..<300 { text += "\(i),\(i)\n" }
        let offset = text.utf8.count
        text += "1,2,3\n"
        for i in 0..<300 { text += "\(i),\(i)\n" }
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.sampleSize = 100
        let schema = try CSVReader.inferSchema(path: path, options: options)
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: 500)
        var found: FileFormatError?
        for partition in partitions {
            if let error = CSVFixtures.error({ _ = try CSVReader.read(partition, schema: schema, options: options) }) {
                found = error
            }
        }
        #expect(found?.location == .byteOffset(offset))
        #expect(found?.message == "Expected 2 fields, saw 3.")
    }

    @Test("An unclosed quote is an error naming the line it starts on")
    func unclosedQuote() {
        let path = CSVFixtures.path("error_unclosed_quote.csv")
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: CSVOptions()) }
        #expect(error?.location == .line(3))
        #expect(error?.message.contains("EOF inside string") == true)
        let schema = Schema([Schema.Field(name: "a", type: .int64), Schema.Field(name: "b", type: .string)])
        let partitionError = CSVFixtures.error {
            _ = try CSVReader.read(CSVPartition(path: path, byteRange: nil, isFirstInFile: true), schema: schema, options: CSVOptions())
        }
        #expect(partitionError?.location == .line(3))
    }

    @Test("Invalid UTF-8 is an error naming the line, in wanted and unwanted columns")
    func invalidUTF8() {
        let path = CSVFixtures.path("error_invalid_utf8.csv")
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: CSVOptions()) }
        #expect(error?.location == .line(3))
        #expect(error?.message.contains("UTF-8") == true)
        var options = CSVOptions()
        options.usecols = ["a"]
        options.sampleSize = 4
        let schema = Schema([Schema.Field(name: "a", type: .int64)])
        let skipped = CSVFixtures.error {
            _ = try CSVReader.read(CSVPartition(path: path, byteRange: nil, isFirstInFile: true), schema: schema, options: options)
        }
        #expect(skipped?.location == .line(3))
        #expect(skipped?.message.contains("UTF-8") == true)
        let header = try? CSVFixtures.temporaryFile([0x61, 0xC3, 0x28, 0x0A, 0x31, 0x0A])
        defer { if let header { try? FileManager.default.removeItem(atPath: header) } }
        if let header {
            let headerError = CSVFixtures.error { _ = try CSVReader.inferSchema(path: header, options: CSVOptions()) }
            #expect(headerError?.location == .line(1))
        }
    }

    @Test("An empty file (or only blank lines) has no columns to parse", arguments: ["error_empty.csv", "error_blank.csv"])
    func emptyFile(_ name: String) {
        let path = CSVFixtures.path(name)
        for read in [{ _ = try CSVReader.read(path: path, options: CSVOptions()) },
                     { _ = try CSVReader.inferSchema(path: path, options: CSVOptions()) },
                     { _ = try CSVReader.partitions(path: path, options: CSVOptions(), blocksize: 10) }] as [() throws -> Void] {
            let error = CSVFixtures.error(read)
            #expect(error?.message == "No columns to parse from file.")
            #expect(error?.path == path)
        }
        var options = CSVOptions()
        options.names = ["x", "y"]
        let frame = try? CSVReader.read(path: path, options: options)
        #expect(frame?.columnNames == ["x", "y"])
        #expect(frame?.rowCount == 0)
    }

    @Test("usecols naming a missing column is an error listing it")
    func unknownUsecols() {
        var options = CSVOptions()
        options.usecols = ["a", "zz"]
        let path = CSVFixtures.path("usecols.csv")
        for read in [{ _ = try CSVReader.read(path: path, options: options) },
                     { _ = try CSVReader.inferSchema(path: path, options: options) }] as [() throws -> Void] {
            let error = CSVFixtures.error(read)
            #expect(error?.message == "Usecols do not match columns, columns expected but not found: ['zz'].")
        }
    }

    @Test("A value that does not fit the sampled type, in a later partition: column, offset, advice")
    func lateMismatch() throws {
        let path = CSVFixtures.path("error_late_mismatch.csv")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let offset = try #require(bytes.range(of: Data("oops".utf8))?.lowerBound)
        var options = CSVOptions()
        options.sampleSize = 1000
        let schema = try CSVReader.inferSchema(path: path, options: options)
        #expect(schema.type(of: "n") == .int64)
        let partitions = try CSVReader.partitions(path: path, options: options, blocksize: 4096)
        #expect(partitions.count > 3)
        var errors: [FileFormatError] = []
        for partition in partitions {
            if let error = CSVFixtures.error({ _ = try CSVReader.read(partition, schema: schema, options: options) }) {
                errors.append(error)
            }
        }
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.location == .byteOffset(offset))
        #expect(error.message.contains("Mismatched dtypes"))
        #expect(error.message.contains("'n'"))
        #expect(error.message.contains("'oops'"))
        #expect(error.message.contains("dtypes: [\"n\": .string]"))

        // One partition: the line.
        let whole = CSVFixtures.error {
            _ = try CSVReader.read(CSVPartition(path: path, byteRange: nil, isFirstInFile: true), schema: schema, options: options)
        }
        #expect(whole?.location == .line(2002))
        // The whole-file read infers from all of it, as pandas does.
        let frame = try CSVReader.read(path: path, options: options)
        #expect(frame["n"].type == .string)
        // An explicit dtype that does not fit is an error even there.
        options.dtypes = ["n": .int64]
        let explicit = CSVFixtures.error { _ = try CSVReader.read(path: path, options: options) }
        #expect(explicit?.location == .line(2002))
    }

    @Test("A dtype a value does not fit is an error naming the column")
    func dtypeMismatch() throws {
        let path = try CSVFixtures.temporaryFile(Array("a,b\n1,300\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var options = CSVOptions()
        options.dtypes = ["b": .numeric(.int8)]
        let error = CSVFixtures.error { _ = try CSVReader.read(path: path, options: options) }
        #expect(error?.location == .line(2))
        #expect(error?.message.contains("'b'") == true)
        #expect(error?.message.contains("int8") == true)
    }

    @Test("A schema column that is not in the file is an error")
    func schemaColumnMissing() {
        let schema = Schema([Schema.Field(name: "nope", type: .int64)])
        let error = CSVFixtures.error {
            _ = try CSVReader.read(CSVPartition(path: CSVFixtures.path("usecols.csv"), byteRange: nil, isFirstInFile: true),
                                   schema: schema, options: CSVOptions())
        }
        #expect(error?.message.contains("'nope'") == true)
    }

    @Test("A missing file is an error naming it")
    func missingFile() {
        let error = CSVFixtures.error { _ = try CSVReader.read(path: "/nonexistent/x.csv", options: CSVOptions()) }
        #expect(error?.path == "/nonexistent/x.csv")
        #expect(error?.message.contains("Cannot open") == true)
    }

    @Test("Random inputs built from CSV's special bytes never trap")
    func randomInputs() throws {
        let alphabet: [UInt8] = Array(",,,\"\"\n\n\r 0123456789.eE-+aTrueFalseNA;\t".utf8) + [0xFF, 0xC3, 0xA9, 0xEF, 0xBB, 0xBF]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        for _ in 0..<300 {
            let length = Int(next() % 300)
            let bytes = (0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
            let path = try CSVFixtures.temporaryFile(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            var options = CSVOptions()
            options.sampleSize = Int(next() % 200)
            options.header = next() % 4 != 0
            _ = try? CSVReader.read(path: path, options: options)
            if let schema = try? CSVReader.inferSchema(path: path, options: options),
               let partitions = try? CSVReader.partitions(path: path, options: options, blocksize: Int(next() % 50) + 1) {
                for partition in partitions { _ = try? CSVReader.read(partition, schema: schema, options: options) }
            }
        }
    }

    @Test("Hostile inputs never trap", arguments: [
        "\"", "\"\"\"", "a\n\"", "a,b\n\"x\"\"", "\r", "\r\r\n\"", ",,,\n,,,,", "a\n-\n+\n.\ne\n1e\n--1\n",
        "a\n99999999999999999999999999999\n", "a\n1e99999999999999\n", "a\n0.000000000000000000000000000000000000000000001e-999999\n",
        "a,a,a\n1,2,3\n", "\u{FEFF}", "\u{FEFF}a\n\u{FEFF}\n",
    ])
    func hostile(_ text: String) throws {
        let path = try CSVFixtures.temporaryFile(Array(text.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try? CSVReader.read(path: path, options: CSVOptions())
        _ = try? CSVReader.inferSchema(path: path, options: CSVOptions())
        if let partitions = try? CSVReader.partitions(path: path, options: CSVOptions(), blocksize: 2),
           let schema = try? CSVReader.inferSchema(path: path, options: CSVOptions()) {
            for partition in partitions { _ = try? CSVReader.read(partition, schema: schema, options: CSVOptions()) }
        }
        var typed = CSVOptions()
        typed.header = false
        typed.dtypes = ["0": .numeric(.uint8)]
        _ = try? CSVReader.read(path: path, options: typed)
    }
}
