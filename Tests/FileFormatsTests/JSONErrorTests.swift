import Backends
import FileFormats
import Foundation
import Testing

@Suite("JSON reader: bad input")
struct JSONErrorTests {
    /// The error `body` throws, or `nil` (recording an issue) if it returns.
    static func failure(_ body: () throws(FileFormatError) -> Void) -> FileFormatError? {
        do {
            try body()
            Issue.record("expected an error")
            return nil
        } catch {
            return error
        }
    }

    static func location(_ fixture: JSONFixtures.ExpectedError) -> FileFormatError.Location {
        switch fixture.location {
        case "line": .line(fixture.at)
        case "byteOffset": .byteOffset(fixture.at)
        default: .file
        }
    }

    @Test("Every bad input is an error naming the file and the line or byte", arguments: JSONFixtures.errorCaseNames)
    func badInput(_ name: String) throws {
        let fixture = try #require(JSONFixtures.readerCases[name])
        let expected = try #require(fixture.error)
        let options = JSONFixtures.options(lines: fixture.lines, dtypes: fixture.dtypes, columns: fixture.columns)
        let path = JSONFixtures.input(fixture.file)
        let error = try #require(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(path: path, options: options) })
        #expect(error.path == path, "\(name)")
        #expect(error.location == Self.location(expected), "\(name): \(error)")
        #expect(error.message.contains(expected.contains), "\(name): \(error)")
        #expect(error.description.hasPrefix(path), "\(name)")
    }

    @Test("Bad input read through partitions reports the same place", arguments: JSONFixtures.errorCaseNames)
    func badInputPartitioned(_ name: String) throws {
        let fixture = try #require(JSONFixtures.readerCases[name])
        let expected = try #require(fixture.error)
        guard fixture.dtypes == nil, fixture.columns == nil, expected.location != "file" else { return }
        let options = JSONFixtures.options(lines: fixture.lines, dtypes: nil, columns: nil)
        let path = JSONFixtures.input(fixture.file)
        // A schema that has the file's key, so every value is read.
        let schema = Schema([Schema.Field(name: "a", type: .string)])
        let error = try #require(Self.failure { () throws(FileFormatError) in
            for part in try JSONReader.partitions(path: path, options: options, blocksize: 5) {
                _ = try JSONReader.read(part, schema: schema, options: options)
            }
        })
        #expect(error.location == Self.location(expected), "\(name): \(error)")
        #expect(error.message.contains(expected.contains) || expected.contains.hasPrefix("Column"), "\(name): \(error)")
    }

    @Test("A bad line deep in a later partition is reported with its line number in the file")
    func lineNumbersAcrossPartitions() throws {
        let scratch = JSONScratch()
        var text = ""
        for row in 1...999 { text += row == 700 ? "{\"a\": 7,, \"b\": 1}\n" : "{\"a\": \(row), \"b\": \"s\"}\n" }
        if true { text += "\n\n{\"a\": 1}\n" }
        let path = scratch.file("deep.jsonl", text)
        var options = JSONOptions()
        options.lines = true
        let schema = Schema([Schema.Field(name: "a", type: .int64), Schema.Field(name: "b", type: .string)])
        var failures: [FileFormatError] = []
        for part in try JSONReader.partitions(path: path, options: options, blocksize: 1000) {
            do { _ = try JSONReader.read(part, schema: schema, options: options) } catch { failures.append(error) }
        }
        #expect(failures.count == 1)
        #expect(failures.first?.location == .line(700))
        #expect(failures.first?.description.contains("line 700") == true)
    }

    @Test("A value that does not fit the schema names the column and the line")
    func typeMismatch() throws {
        let scratch = JSONScratch()
        let path = scratch.file("m.jsonl", "{\"n\": 1, \"s\": \"a\"}\n{\"n\": true, \"s\": \"b\"}\n")
        var options = JSONOptions()
        options.lines = true
        let schema = Schema([Schema.Field(name: "n", type: .int64), Schema.Field(name: "s", type: .string)])
        let error = try #require(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(JSONPartition(path: path, byteRange: nil), schema: schema, options: options) })
        #expect(error.location == .line(2))
        #expect(error.message.contains("Column 'n'"))
        #expect(error.message.contains("int64"))
        #expect(error.message.contains("'true'"))
        // The same in records mode names the byte.
        let records = scratch.file("m.json", "[{\"n\": 1}, {\"n\": \"x\"}]")
        var recordOptions = JSONOptions()
        recordOptions.dtypes = ["n": .int64]
        let recordError = try #require(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(path: records, options: recordOptions) })
        #expect(recordError.location == .byteOffset(17))
        #expect(recordError.message.contains("Column 'n'"))
    }

    @Test("A long key cut off at the end of the input is an error")
    func truncatedLongKey() throws {
        let scratch = JSONScratch()
        let key = String(repeating: "k", count: 300)
        for lines in [true, false] {
            let prefix = lines ? "" : "["
            let separator = lines ? "\n" : ","
            let path = scratch.file("t\(lines).json", prefix + "{\"\(key)\": 1}" + separator + "{\"" + String(key.prefix(200)))
            var options = JSONOptions()
            options.lines = lines
            let error = try #require(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(path: path, options: options) })
            #expect(error.message.contains("Unterminated string"), "\(error)")
        }
    }

    @Test("Files that cannot be read")
    func unreadable() throws {
        let scratch = JSONScratch()
        let missing = scratch.directory.appendingPathComponent("missing.jsonl").path
        var options = JSONOptions()
        options.lines = true
        let error = try #require(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(path: missing, options: options) })
        #expect(error.location == .file)
        #expect(error.message.contains("Cannot open"))
        #expect(Self.failure { () throws(FileFormatError) in _ = try JSONReader.read(path: scratch.directory.path, options: options) } != nil)
        let path = scratch.file("a.json", "[{\"a\": 1}]")
        let split = Self.failure { () throws(FileFormatError) in
            _ = try JSONReader.read(JSONPartition(path: path, byteRange: 0..<4), schema: Schema([]), options: JSONOptions())
        }
        #expect(split?.message.contains("byte ranges") == true)
        let outside = Self.failure { () throws(FileFormatError) in
            _ = try JSONReader.read(JSONPartition(path: path, byteRange: 0..<400), schema: Schema([]), options: options)
        }
        #expect(outside?.message.contains("outside") == true)
    }

    @Test("Garbage never traps", arguments: 0..<8)
    func fuzz(_ seed: Int) throws {
        // Random mutations of valid JSON: every outcome is a frame or a FileFormatError.
        var generator = JSONSplitMix(seed: UInt64(seed))
        let base = Array(JSONReaderTests.varied(lines: 40).utf8)
        let alphabet = Array("{}[]\",:\\ \n\tu0123456789.eE+-truefalsenullNaI\u{00}".utf8) + [0xC3, 0xA9, 0xF0, 0x9F, 0xED, 0xFF, 0x80]
        let scratch = JSONScratch()
        for trial in 0..<150 {
            var bytes = base
            for _ in 0..<Int(generator.next() % 6 + 1) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: index)
                }
            }
            if trial % 10 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
            let lines = trial % 2 == 0
            let path = scratch.file("f\(trial).json", bytes: lines ? bytes : Array("[".utf8) + bytes.map { $0 == 0x0A ? UInt8(ascii: ",") : $0 } + Array("]".utf8))
            var options = JSONOptions()
            options.lines = lines
            do {
                let frame = try JSONReader.read(path: path, options: options)
                #expect(frame.columns.allSatisfy { $0.count == frame.rowCount })
            } catch {
                #expect(error.path == path)
            }
            if lines, let schema = try? JSONReader.inferSchema(path: path, options: options),
               let parts = try? JSONReader.partitions(path: path, options: options, blocksize: 97) {
                for part in parts { _ = try? JSONReader.read(part, schema: schema, options: options) }
            }
        }
    }
}
