import Backends
import Foundation
import Testing
@testable import FileFormats

/// Truncated and corrupted ORC files, and ORC's encodings on bytes worked out by hand from the
/// specification: every bad input is a thrown error naming the file, never a trap.
@Suite("ORC corrupt input and encodings")
struct ORCCorruptionTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ParquetTestSupport.directory("orc").appendingPathComponent(name)))
    }

    /// Reads `bytes` as the file `path`: every column, then each column alone.
    static func readAll(_ bytes: [UInt8], path: String = "bad.orc") throws(FileFormatError) {
        let file = try ORCFile(bytes: ParquetFileBytes(bytes), path: path, options: ORCReadOptions())
        _ = try ORCReader.read(file: file, columns: file.fields.filter { (try? $0.frameType.get()) != nil }.map(\.name), options: ORCReadOptions())
    }

    @Test("every truncation of a file is an error naming it", arguments: ["types_zlib.orc", "pyorc_types.orc", "tz_europe_paris.orc"])
    func truncated(_ name: String) throws {
        let bytes = try Self.fixture(name)
        // Every cut near the tail (postscript, footer, metadata), then cuts through the stripes.
        var cuts = Array(max(0, bytes.count - 600)..<bytes.count)
        cuts += stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)).map { $0 }
        for cut in cuts {
            do {
                try Self.readAll(Array(bytes[0..<cut]), path: "cut-\(cut).orc")
                Issue.record("\(name) cut to \(cut) bytes read without an error")
            } catch {
                #expect(error.path == "cut-\(cut).orc")
            }
        }
    }

    @Test("flipped bytes give an error or some values, never a trap", arguments: ["types_snappy.orc", "rle_v2.orc", "pyorc_types_zstd.orc", "types_dictionary.orc"])
    func corrupted(_ name: String) throws {
        let original = try Self.fixture(name)
        var generator = SystemRandomNumberGenerator()
        var errors = 0
        for trial in 0..<150 {
            var bytes = original
            let flips = 1 + trial % 4
            for _ in 0..<flips {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] ^= UInt8.random(in: 1...255, using: &generator)
            }
            do { try Self.readAll(bytes, path: "flipped.orc") } catch {
                #expect(error.path == "flipped.orc")
                errors += 1
            }
        }
        #expect(errors > 0)
    }

    @Test func notORCAndEmptyFilesAreNamed() throws {
        for bytes: [UInt8] in [[], Array("ORC".utf8), Array("PAR1 not orc at all".utf8), [0x4F, 0x52, 0x43, 0xFF]] {
            #expect(throws: FileFormatError.self) { try Self.readAll(bytes, path: "x.orc") }
        }
        do {
            _ = try ORCReader.read(paths: ["/nonexistent/dir/a.orc"])
            Issue.record("expected an error")
        } catch {
            #expect(error.path == "/nonexistent/dir/a.orc")
        }
    }

    // MARK: - Encodings, by hand from the specification

    static func integers(_ bytes: [UInt8], count: Int, signed: Bool, v2: Bool) throws -> [Int64] {
        var output = [Int64](repeating: 0, count: count)
        try bytes.withUnsafeBytes { raw in
            var decoder = ORCIntegerRLEDecoder(raw, signed: signed, version2: v2, what: "test")
            try output.withUnsafeMutableBufferPointer { buffer in try decoder.decode(into: buffer.baseAddress!, count: count) }
        }
        return output
    }

    @Test func integerRLEv2SubEncodings() throws {
        // SHORT_REPEAT: width 2 bytes, 5 repeats of 10000 (0x2710), unsigned.
        #expect(try Self.integers([0x0a, 0x27, 0x10], count: 5, signed: false, v2: true) == [10000, 10000, 10000, 10000, 10000])
        // DIRECT: width 16 bits, 4 values 23713, 43806, 57005, 48879 (unsigned).
        #expect(try Self.integers([0x5e, 0x03, 0x5c, 0xa1, 0xab, 0x1e, 0xde, 0xad, 0xbe, 0xef], count: 4, signed: false, v2: true)
                == [23713, 43806, 57005, 48879])
        // DELTA: 2, 3, 5, 7, 11, 13, 17, 19, 23, 29 (base 2, first delta 1, then 4-bit deltas).
        #expect(try Self.integers([0xc6, 0x09, 0x02, 0x02, 0x22, 0x42, 0x42, 0x46], count: 10, signed: false, v2: true)
                == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29])
        // PATCHED_BASE: 2030, 2000, 2020, 1000000, 2040, ... (base 2000, one patched value).
        let patched: [UInt8] = [0x8e, 0x13, 0x2b, 0x21, 0x07, 0xd0, 0x1e, 0x00, 0x14, 0x70, 0x28, 0x32, 0x3c, 0x46, 0x50, 0x5a,
                                0x64, 0x6e, 0x78, 0x82, 0x8c, 0x96, 0xa0, 0xaa, 0xb4, 0xbe, 0xfc, 0xe8]
        #expect(try Self.integers(patched, count: 20, signed: false, v2: true)
                == [2030, 2000, 2020, 1_000_000, 2040, 2050, 2060, 2070, 2080, 2090, 2100, 2110, 2120, 2130, 2140, 2150, 2160, 2170, 2180, 2190])
        // Signed SHORT_REPEAT: zigzag 3 is -2.
        #expect(try Self.integers([0x00, 0x03], count: 3, signed: true, v2: true) == [-2, -2, -2])
    }

    @Test func integerRLEv1RunsAndLiterals() throws {
        // A run of 100 sevens (control 97, delta 0, value 7), then a run 100, 99, ..., 1 (delta -1).
        #expect(try Self.integers([0x61, 0x00, 0x07], count: 100, signed: false, v2: false) == [Int64](repeating: 7, count: 100))
        #expect(try Self.integers([0x61, 0xff, 0x64], count: 100, signed: false, v2: false) == (1...100).reversed().map { Int64($0) })
        // Literals: 2, 3, 6, 7, 11 (control -5).
        #expect(try Self.integers([0xfb, 0x02, 0x03, 0x06, 0x07, 0x0b], count: 5, signed: false, v2: false) == [2, 3, 6, 7, 11])
        // Signed literals: zigzag 1, 2, 3 are -1, 1, -2.
        #expect(try Self.integers([0xfd, 0x01, 0x02, 0x03], count: 3, signed: true, v2: false) == [-1, 1, -2])
    }

    @Test func byteRLEAndBooleans() throws {
        func bytes(_ input: [UInt8], count: Int) throws -> [UInt8] {
            var output = [UInt8](repeating: 0, count: count)
            try input.withUnsafeBytes { raw in
                var decoder = ORCByteRLEDecoder(raw, what: "test")
                try output.withUnsafeMutableBufferPointer { buffer in try decoder.decode(into: buffer.baseAddress!, count: count) }
            }
            return output
        }
        // 100 zeros (control 97), then literals 0x44, 0x45 (control -2).
        #expect(try bytes([0x61, 0x00], count: 100) == [UInt8](repeating: 0, count: 100))
        #expect(try bytes([0xfe, 0x44, 0x45], count: 2) == [0x44, 0x45])
        // Booleans: one byte 0b1010_0000 holds true, false, true, false, false... (MSB first).
        var flags = [UInt8](repeating: 9, count: 8)
        try [UInt8]([0xff, 0xa0]).withUnsafeBytes { raw in
            var decoder = ORCByteRLEDecoder(raw, what: "test")
            try flags.withUnsafeMutableBufferPointer { buffer in try decoder.decodeBooleans(into: buffer.baseAddress!, count: 8) }
        }
        #expect(flags == [1, 0, 1, 0, 0, 0, 0, 0])
    }

    @Test func shortStreamsThrow() {
        // DIRECT header promising 4 values of 16 bits with only 2 bytes behind it.
        #expect(throws: ORCFormatError.self) { try Self.integers([0x5e, 0x03, 0x5c, 0xa1], count: 4, signed: false, v2: true) }
        // A run longer than the column.
        #expect(throws: ORCFormatError.self) { try Self.integers([0x61, 0x00, 0x07], count: 200, signed: false, v2: false) }
        // An unterminated varint.
        #expect(throws: ORCFormatError.self) { try Self.integers([0xfd, 0x81, 0x82], count: 3, signed: false, v2: false) }
    }

    @Test func protobufFieldsAndBadWireData() throws {
        // Field 1 varint 300, field 8000 string "ORC" (key 8000 << 3 | 2 = 64002: 0x82 0xf4 0x03).
        let message: [UInt8] = [0x08, 0xac, 0x02, 0x82, 0xf4, 0x03, 0x03, 0x4f, 0x52, 0x43]
        let postScript = try message.withUnsafeBytes { try ORCPostScript($0) }
        #expect(postScript.footerLength == 300)
        #expect(postScript.magic == "ORC")
        // A length running past the end, and an 11-byte varint.
        #expect(throws: ORCFormatError.self) { try [UInt8]([0x82, 0xf4, 0x03, 0x09, 0x4f]).withUnsafeBytes { try ORCPostScript($0) } }
        #expect(throws: ORCFormatError.self) { try [UInt8]([0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01]).withUnsafeBytes { try ORCPostScript($0) } }
    }

    @Test func stripeStatisticsAreReadAndSkipStripes() throws {
        // types_uncompressed has 10 stripes of 100 rows; `seq` is 0..<1000 in order.
        let path = ParquetTestSupport.directory("orc").appendingPathComponent("types_uncompressed.orc").path
        let statistics = try ORCReader.stripeStatistics(path: path)
        #expect(statistics.count == 10)
        var start = 0
        for stripe in statistics {
            let seq = try #require(stripe["seq"])
            #expect(seq.min == .int(Int64(start)))
            #expect(seq.max == .int(Int64(start + seq.rowCount - 1)))
            #expect(seq.nullCount == 0)
            start += seq.rowCount
        }
        #expect(start == 1000)
        let parts = ORCReader.select(try ORCReader.partitions(paths: [path]), filters: [[ParquetFilter("seq", .less, .int(150))]])
        #expect(parts.map(\.stripes) == [[0], [1]])
        let frame = try ORCReader.read(paths: [path], columns: ["seq"], filters: [[ParquetFilter("seq", .greaterOrEqual, .int(950))]])
        #expect(frame.rowCount == 100)
        #expect(frame["seq"].column[0] == .int(900))
    }

    @Test func posixTimeZoneRules() throws {
        // US rules: DST from the second Sunday of March 02:00 to the first Sunday of November 02:00.
        let us = try #require(ORCTimeZoneRule("PST8PDT,M3.2.0,M11.1.0"))
        #expect(us.standardOffset == -8 * 3600)
        // 2040-03-11 is the second Sunday of March 2040: 02:00 PST is 10:00 UTC.
        let march11 = ORCTimeZoneRule.daysFromCivil(year: 2040, month: 3, day: 11) * 86_400
        #expect(us.offset(atUTC: march11 + 10 * 3600 - 1) == -8 * 3600)
        #expect(us.offset(atUTC: march11 + 10 * 3600) == -7 * 3600)
        // Southern hemisphere, half-hour daylight saving (Lord Howe): +11 in January, +10:30 in July.
        let howe = try #require(ORCTimeZoneRule("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0"))
        #expect(howe.offset(atUTC: ORCTimeZoneRule.daysFromCivil(year: 2045, month: 1, day: 10) * 86_400) == 11 * 3600)
        #expect(howe.offset(atUTC: ORCTimeZoneRule.daysFromCivil(year: 2045, month: 7, day: 10) * 86_400) == 10 * 3600 + 1800)
        // No daylight time; an unparsable string.
        let saoPaulo = try #require(ORCTimeZoneRule("<-03>3"))
        #expect(saoPaulo.offset(atUTC: 0) == -3 * 3600)
        let india = try #require(ORCTimeZoneRule("IST-5:30"))
        let indiaOffset: Int64 = 5 * 3600 + 1800
        #expect(india.offset(atUTC: 0) == indiaOffset)
        #expect(ORCTimeZoneRule("garbage,,") == nil)
        // Calendar arithmetic against known dates.
        #expect(ORCTimeZoneRule.daysFromCivil(year: 2015, month: 1, day: 1) == 16_436)
        #expect(ORCTimeZoneRule.civilYear(days: 16_436) == 2015)
        #expect(ORCTimeZoneRule.civilYear(days: -1) == 1969)
    }

    @Test func timeZonesFromTheSystemDatabase() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/zoneinfo/America/Los_Angeles") else {
            print("⚠︎ SKIPPED timeZonesFromTheSystemDatabase: no /usr/share/zoneinfo (install tzdata)")
            try Test.cancel("no system time zone database")
        }
        let zone = try ORCTimeZone.named("America/Los_Angeles")
        // PST (UTC-8) in January, PDT (UTC-7) in July 2015; DST began 2015-03-08 10:00 UTC.
        #expect(zone.offset(atUTC: 1_420_070_400) == -8 * 3600)
        #expect(zone.offset(atUTC: 1_435_752_000) == -7 * 3600)
        #expect(zone.offset(atUTC: 1_425_808_799) == -8 * 3600)
        #expect(zone.offset(atUTC: 1_425_808_800) == -7 * 3600)
        // ORC's epoch in the zone: 2015-01-01 00:00 PST is 08:00 UTC.
        #expect(zone.utc(ofLocal: 1_420_070_400) == 1_420_070_400 + 8 * 3600)
        #expect(try ORCTimeZone.named("UTC").offset(atUTC: 0) == 0)
        // After the file's last transition (2037) its POSIX rule: PDT on 2040-07-01, PST on 2050-01-15.
        #expect(zone.offset(atUTC: 2_224_958_400) == -7 * 3600)
        #expect(zone.offset(atUTC: 2_525_841_000) == -8 * 3600)
        #expect(throws: ORCFormatError.self) { try ORCTimeZone.named("Not/A_Zone") }
        #expect(throws: ORCFormatError.self) { try ORCTimeZone.named("../etc/passwd") }
    }
}
