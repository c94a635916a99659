import Foundation
import Testing
@testable import FileFormats

/// The building blocks against independent references: known checksums, round trips through the
/// encoders, and corrupt inputs.
@Suite("Parquet codecs and encodings")
struct ParquetCodecTests {
    @Test("CRC-32 of the standard check string")
    func crc() {
        #expect(Array("123456789".utf8).withUnsafeBytes { CRC32.checksum($0) } == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBytes { CRC32.checksum($0) } == 0)
        // Slices of every length agree with a bitwise reference.
        var generator = SplitMix64(seed: 5)
        let data = (0..<100).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for length in 0...data.count {
            var reference: UInt32 = 0xFFFF_FFFF
            for byte in data.prefix(length) {
                reference ^= UInt32(byte)
                for _ in 0..<8 { reference = reference & 1 == 1 ? (reference >> 1) ^ 0xEDB8_8320 : reference >> 1 }
            }
            #expect(data.prefix(length).withUnsafeBytes { CRC32.checksum($0) } == reference ^ 0xFFFF_FFFF)
        }
    }

    static func sample(_ kind: Int, count: Int) -> [UInt8] {
        var generator = SplitMix64(seed: UInt64(kind))
        switch kind {
        case 0: return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        case 1: return (0..<count).map { UInt8($0 % 7) }
        case 2: return Array(repeating: 42, count: count)
        default: return (0..<count).flatMap { withUnsafeBytes(of: Int64($0 / 3)) { Array($0) } }.prefix(count).map { $0 }
        }
    }

    @Test("Snappy round trips and rejects corrupt data", arguments: [0, 1, 2, 3])
    func snappy(_ kind: Int) throws {
        for count in [0, 1, 15, 16, 17, 100, 65_535, 65_536, 200_000] {
            let original = Self.sample(kind, count: count)
            let compressed = original.withUnsafeBytes { Snappy.compress($0) }
            if kind == 2, count > 1000 { #expect(compressed.count < count / 10) }
            let output = UnsafeMutablePointer<UInt8>.allocate(capacity: count + 16)
            defer { output.deallocate() }
            let produced = try compressed.withUnsafeBytes { try Snappy.decompress($0, into: output, capacity: count) }
            #expect(produced == count)
            #expect(Array(UnsafeBufferPointer(start: output, count: produced)) == original)
            // Truncations and byte flips: an error or (rarely) other bytes, never a bad access.
            var generator = SplitMix64(seed: UInt64(count))
            for _ in 0..<50 where !compressed.isEmpty {
                var damaged = compressed
                if generator.next() % 2 == 0 {
                    damaged.removeLast(1 + Int(generator.next() % UInt64(damaged.count)))
                } else {
                    damaged[Int(generator.next() % UInt64(damaged.count))] ^= 0x5A
                }
                _ = try? damaged.withUnsafeBytes { try Snappy.decompress($0, into: output, capacity: count) }
            }
        }
        // A copy reaching before the start of the output.
        let bad: [UInt8] = [4, 0x01 | (0 << 2), 9]
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { output.deallocate() }
        #expect(throws: CodecError.self) { try bad.withUnsafeBytes { try Snappy.decompress($0, into: output, capacity: 4) } }
    }

    @Test("zstd, LZ4 and Brotli round trip through the system libraries")
    func libraries() throws {
        let original = Self.sample(3, count: 100_000)
        let output = UnsafeMutableRawPointer.allocate(byteCount: original.count + 64, alignment: 16)
        defer { output.deallocate() }
        var tested = 0
        if Zstd.isAvailable {
            let compressed = try original.withUnsafeBytes { try Zstd.compress($0) }
            let context = try Zstd.makeContext()
            defer { Zstd.freeContext(context) }
            let produced = try compressed.withUnsafeBytes { try Zstd.decompress($0, into: output, capacity: original.count, context: context) }
            #expect(Array(UnsafeRawBufferPointer(start: output, count: produced)) == original)
            #expect(throws: CodecError.self) { try Array(compressed.prefix(10)).withUnsafeBytes { try Zstd.decompress($0, into: output, capacity: original.count) } }
            tested += 1
        }
        if LZ4.isAvailable {
            let compressed = try original.withUnsafeBytes { try LZ4.compressBlock($0) }
            let produced = try compressed.withUnsafeBytes { try LZ4.decompressBlock($0, into: output, capacity: original.count) }
            #expect(Array(UnsafeRawBufferPointer(start: output, count: produced)) == original)
            tested += 1
        }
        if Brotli.isAvailable, Brotli.canCompress {
            let compressed = try original.withUnsafeBytes { try Brotli.compress($0) }
            let produced = try compressed.withUnsafeBytes { try Brotli.decompress($0, into: output, capacity: original.count) }
            #expect(Array(UnsafeRawBufferPointer(start: output, count: produced)) == original)
            tested += 1
        }
        if tested < 3 { print("⚠︎ SKIPPED \(3 - tested) codec round trips: library not installed") }
    }

    @Test("bit packing round trips at every width")
    func bitPacking() {
        var generator = SplitMix64(seed: 9)
        for width in 0...64 {
            let mask: UInt64 = width == 64 ? ~0 : (1 << UInt64(width)) - 1
            let values = (0..<77).map { _ in generator.next() & mask }
            var packed: [UInt8] = []
            ParquetBitPacking.pack(values, bitWidth: width, into: &packed)
            #expect(packed.count == (77 * width + 7) / 8)
            var unpacked = [UInt64](repeating: 1, count: 77)
            packed.withUnsafeBufferPointer { source in
                unpacked.withUnsafeMutableBufferPointer { target in
                    ParquetBitPacking.unpack64(source.baseAddress ?? UnsafePointer(bitPattern: 8)!, available: source.count, firstBit: 0,
                                               bitWidth: width, count: 77, into: target.baseAddress!)
                }
            }
            #expect(unpacked == values, "width \(width)")
        }
    }

    @Test("the RLE/bit-packed hybrid round trips, runs and literals mixed", arguments: [0, 1, 2, 3, 7, 8, 13, 20, 32])
    func rle(_ width: Int) throws {
        var generator = SplitMix64(seed: UInt64(width))
        let mask: UInt64 = (1 << UInt64(width)) - 1
        var values: [UInt32] = []
        while values.count < 5000 {
            let value = UInt32(generator.next() & mask)
            let repeats = generator.next() % 3 == 0 ? Int(generator.next() % 40) + 1 : 1
            values += Array(repeating: value, count: repeats)
        }
        var encoded: [UInt8] = []
        values.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: width, into: &encoded) }
        var decoded = [UInt32](repeating: 0, count: values.count)
        try encoded.withUnsafeBufferPointer { (bytes) throws in
            var decoder = try ParquetRLEDecoder(bytes.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: bytes.count, bitWidth: width)
            try decoded.withUnsafeMutableBufferPointer { try decoder.decode(into: $0.baseAddress!, count: values.count) }
        }
        #expect(decoded == values)
        // The dictionary gather reads the same indices, and refuses the largest when the
        // dictionary stops just before it.
        if width <= 13 {
            let dictionary = (0..<Int(mask + 1)).map { UInt64($0) * 3 }
            var gathered = [UInt64](repeating: 0, count: values.count)
            try encoded.withUnsafeBufferPointer { (bytes) throws in
                var decoder = try ParquetRLEDecoder(bytes.baseAddress ?? UnsafePointer(bitPattern: 8)!, count: bytes.count, bitWidth: width)
                try gathered.withUnsafeMutableBufferPointer { target in
                    try dictionary.withUnsafeBufferPointer {
                        try decoder.gather(into: target.baseAddress!, dictionary: $0.baseAddress!, dictionaryCount: dictionary.count, count: values.count)
                    }
                }
            }
            #expect(gathered == values.map { UInt64($0) * 3 })
            if width > 0, let largest = values.max(), largest > 0 {
                #expect(throws: ParquetFormatError.self) {
                    try encoded.withUnsafeBufferPointer { (bytes) throws in
                        var decoder = try ParquetRLEDecoder(bytes.baseAddress!, count: bytes.count, bitWidth: width)
                        var target = [UInt64](repeating: 0, count: values.count)
                        try target.withUnsafeMutableBufferPointer { target in
                            try dictionary.withUnsafeBufferPointer {
                                try decoder.gather(into: target.baseAddress!, dictionary: $0.baseAddress!, dictionaryCount: Int(largest), count: values.count)
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("Thrift metadata round trips through the writer and reader")
    func thrift() throws {
        var metadata = ParquetFileMetaData()
        var root = ParquetSchemaElement(name: "schema")
        root.numChildren = 1
        var leaf = ParquetSchemaElement(name: "t")
        leaf.typeCode = ParquetPhysicalType.int64.rawValue
        leaf.repetitionCode = 1
        leaf.logicalType = .timestamp(adjustedToUTC: true, unit: .micros)
        leaf.fieldID = -7
        metadata.schema = [root, leaf]
        metadata.numRows = 1 << 40
        var group = ParquetRowGroup()
        var chunk = ParquetColumnChunk()
        var column = ParquetColumnMetaData()
        column.pathInSchema = ["t"]
        column.encodings = [0, 3, 8]
        var statistics = ParquetStatistics()
        statistics.minValue = [1, 2, 3]
        statistics.nullCount = 0
        column.statistics = statistics
        chunk.metaData = column
        chunk.filePath = "part.0.parquet"
        group.columns = [chunk]
        group.numRows = 5
        group.ordinal = 3
        metadata.rowGroups = [group]
        metadata.keyValueMetadata = [ParquetKeyValue(key: "k", value: "v"), ParquetKeyValue(key: "empty", value: nil)]
        metadata.createdBy = "test"
        metadata.typeDefinedOrder = [true]
        var writer = ThriftCompactWriter()
        metadata.write(to: &writer)
        let parsed = try writer.bytes.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            return try ParquetFileMetaData(reading: &reader)
        }
        #expect(parsed == metadata)
    }
}
