import Backends
import FileFormats
import Foundation
import Testing

@Suite("JSON reader: numbers")
struct JSONNumberTests {
    @Test("Floats are correctly rounded (Python's float() on thousands of spellings)")
    func correctlyRounded() throws {
        let path = try #require(JSONFixtures.directory).appendingPathComponent("floats.jsonl").path
        let expected = try #require(JSONFixtures.text("floats-expected.txt")).split(separator: "\n").map { UInt64($0, radix: 16) }
        let spellings = try #require(JSONFixtures.text("floats.jsonl")).split(separator: "\n")
        var options = JSONOptions()
        options.lines = true
        options.dtypes = ["x": .float64]
        let frame = try JSONReader.read(path: path, options: options)
        let values = frame["x"].column.values
        #expect(frame.rowCount == expected.count)
        #expect(expected.count > 3000)
        var mismatches = 0
        for (row, bits) in expected.enumerated() {
            guard case let .double(value)? = values?.scalar(at: row) else { continue }
            if value.bitPattern != bits {
                mismatches += 1
                if mismatches < 10 { Issue.record("\(spellings[row]): got \(value) (0x\(String(value.bitPattern, radix: 16))), expected 0x\(String(bits ?? 0, radix: 16))") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("Random spellings parse as the standard library's correctly rounded Double(String)")
    func randomSpellings() throws {
        var generator = JSONSplitMix(seed: 42)
        var spellings: [String] = []
        for _ in 0..<60_000 {
            let digits = Int(generator.next() % 24) + 1
            var text = generator.next() % 4 == 0 ? "-" : ""
            var mantissa = String(generator.next() % 9 + 1)
            for _ in 1..<digits { mantissa += String(generator.next() % 10) }
            let point = Int(generator.next() % UInt64(digits + 1))
            if point == 0 || point == digits {
                text += mantissa
            } else {
                text += String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            }
            switch generator.next() % 3 {
            case 0: break
            case 1: text += "e" + String(Int(generator.next() % 700) - 350)
            default: text += "E+" + String(generator.next() % 30)
            }
            spellings.append(text)
        }
        let scratch = JSONScratch()
        let path = scratch.file("random.jsonl", spellings.map { "{\"x\": \($0)}\n" }.joined())
        var options = JSONOptions()
        options.lines = true
        options.dtypes = ["x": .float64]
        let values = try JSONReader.read(path: path, options: options)["x"].toArray(Double.self)
        var mismatches = 0
        for (text, value) in zip(spellings, values) {
            guard let expected = Double(text), let value else { continue }
            if value.bitPattern != expected.bitPattern {
                mismatches += 1
                if mismatches < 10 { Issue.record("\(text): got \(value), expected \(expected)") }
            }
        }
        #expect(mismatches == 0)
        #expect(values.count == spellings.count)
    }

    @Test("Integers: exact in 64 bits, then unsigned, then doubles")
    func integers() throws {
        let scratch = JSONScratch()
        var options = JSONOptions()
        options.lines = true
        let cases: [(String, FrameValue)] = [
            ("0", .int(0)), ("-0", .int(0)), ("9223372036854775807", .int(.max)), ("-9223372036854775808", .int(.min)),
            ("9223372036854775808", .uint(9_223_372_036_854_775_808)), ("18446744073709551615", .uint(.max)),
            ("18446744073709551616", .double(18_446_744_073_709_551_616)), ("-9223372036854775809", .double(-0x1p63)),
            ("00000000000000000000000000001e1", .null),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = scratch.file("i\(index).jsonl", "{\"v\": \(text)}\n")
            if expected == .null {
                #expect(throws: FileFormatError.self) { try JSONReader.read(path: path, options: options) }
                continue
            }
            let frame = try JSONReader.read(path: path, options: options)
            #expect(frame["v"][0] == expected, "\(text)")
        }
    }

    @Test("Integer columns given narrower types check the range; integral floats are accepted")
    func narrowIntegers() throws {
        let scratch = JSONScratch()
        var options = JSONOptions()
        options.lines = true
        options.dtypes = ["v": .numeric(.int8)]
        let good = scratch.file("g.jsonl", "{\"v\": -128}\n{\"v\": 127}\n{\"v\": 1.0}\n{\"v\": 2e1}\n")
        #expect(try JSONReader.read(path: good, options: options)["v"].toArray(Int.self) == [-128, 127, 1, 20])
        for (index, bad) in ["128", "-129", "1.5", "1e300", "\"1\"", "true", "NaN"].enumerated() {
            let path = scratch.file("b\(index).jsonl", "{\"v\": 1}\n{\"v\": \(bad)}\n")
            do {
                _ = try JSONReader.read(path: path, options: options)
                Issue.record("\(bad) should not fit int8")
            } catch {
                #expect(error.location == .line(2), "\(bad)")
                #expect(error.message.contains("Column 'v'"), "\(bad)")
            }
        }
    }
}
