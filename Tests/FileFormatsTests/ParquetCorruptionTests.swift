import Backends
import Foundation
import Testing
@testable import FileFormats

/// Bad input: truncated files, corrupt footers, garbage metadata, impossible sizes, out-of-range
/// indices and levels, wrong magic, checksum mismatches. Each must be a thrown
/// ``FileFormatError`` naming the file and the problem, never a trap.
@Suite("Parquet bad input")
struct ParquetCorruptionTests {
    /// Options that keep memory small whatever a corrupt file claims.
    static var guarded: ParquetReadOptions {
        var options = ParquetReadOptions()
        options.maxRowsPerRowGroup = 1 << 20
        options.maxPageSize = 1 << 24
        options.maxColumnChunkSize = 1 << 26
        return options
    }

    /// Reads `bytes` as the file `name`; the error, or `nil` if it reads.
    static func readError(_ bytes: [UInt8], name: String = "bad.parquet", options: ParquetReadOptions = guarded) -> FileFormatError? {
        do {
            let file = try ParquetFile(bytes: ParquetFileBytes(bytes), path: name, options: options)
            _ = try ParquetReader.read(file: file, options: options)
            return nil
        } catch let error as FileFormatError {
            return error
        } catch {
            Issue.record("not a FileFormatError: \(error)")
            return nil
        }
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ParquetTestSupport.directory("parquet").appendingPathComponent(name)))
    }

    // MARK: - Hand-made files

    /// A file with one INT32 column `x` (optional or required) whose chunk holds `pages`.
    static func handmade(pages: [(ParquetPageHeader, [UInt8])], rows: Int64, optional: Bool = false, codec: ParquetCodec = .uncompressed,
                         schemaChildren: Int32 = 1, type: ParquetPhysicalType = .int32) -> [UInt8] {
        var bytes = Array("PAR1".utf8)
        let chunkStart = bytes.count
        var dataOffset: Int64 = Int64(chunkStart)
        var dictionaryOffset: Int64?
        for (index, (header, body)) in pages.enumerated() {
            if index == 0, header.typeCode == ParquetPageType.dictionaryPage.rawValue { dictionaryOffset = Int64(bytes.count) }
            if index == 1, dictionaryOffset != nil { dataOffset = Int64(bytes.count) }
            var writer = ThriftCompactWriter()
            header.write(to: &writer)
            bytes += writer.bytes + body
        }
        var column = ParquetColumnMetaData()
        column.typeCode = type.rawValue
        column.encodings = [0, 3, 8]
        column.pathInSchema = ["x"]
        column.codecCode = codec.rawValue
        column.numValues = rows
        column.totalCompressedSize = Int64(bytes.count - chunkStart)
        column.totalUncompressedSize = column.totalCompressedSize
        column.dataPageOffset = dataOffset
        column.dictionaryPageOffset = dictionaryOffset
        var chunk = ParquetColumnChunk()
        chunk.metaData = column
        var group = ParquetRowGroup()
        group.columns = [chunk]
        group.numRows = rows
        group.totalByteSize = column.totalUncompressedSize
        var metadata = ParquetFileMetaData()
        var root = ParquetSchemaElement(name: "schema")
        root.numChildren = schemaChildren
        var leaf = ParquetSchemaElement(name: "x")
        leaf.typeCode = type.rawValue
        leaf.repetitionCode = (optional ? ParquetRepetition.optional : .required).rawValue
        metadata.schema = [root, leaf]
        metadata.numRows = rows
        metadata.rowGroups = [group]
        var writer = ThriftCompactWriter()
        metadata.write(to: &writer)
        let footer = writer.bytes
        bytes += footer
        let length = UInt32(footer.count)
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
        bytes += Array("PAR1".utf8)
        return bytes
    }

    static func dataPage(values: Int32, size: Int, encoding: ParquetEncoding = .plain, uncompressed: Int? = nil) -> ParquetPageHeader {
        var header = ParquetPageHeader()
        header.typeCode = ParquetPageType.dataPage.rawValue
        header.compressedPageSize = Int32(size)
        header.uncompressedPageSize = Int32(uncompressed ?? size)
        var data = ParquetDataPageHeader()
        data.numValues = values
        data.encoding = encoding.rawValue
        header.dataPage = data
        return header
    }

    static func plain(_ values: [Int32]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    @Test("a hand-made file reads (the builder is sound)")
    func handmadeReads() throws {
        let bytes = Self.handmade(pages: [(Self.dataPage(values: 3, size: 12), Self.plain([7, -1, 42]))], rows: 3)
        let file = try ParquetFile(bytes: ParquetFileBytes(bytes), path: "ok.parquet", options: Self.guarded)
        let frame = try ParquetReader.read(file: file, options: Self.guarded)
        #expect(frame["x"].toArray(Int64.self) == [7, -1, 42])
    }

    // MARK: - Magic, truncation, footer

    @Test("wrong magic at either end")
    func wrongMagic() throws {
        var bytes = try Self.fixture("types_snappy.parquet")
        var start = bytes
        start.replaceSubrange(0..<4, with: Array("PARX".utf8))
        let error = Self.readError(start, name: "start.parquet")
        #expect(error?.path == "start.parquet")
        #expect(error?.description.contains("PAR1") == true, "\(String(describing: error))")
        bytes.replaceSubrange((bytes.count - 4)..<bytes.count, with: Array("XXXX".utf8))
        #expect(Self.readError(bytes)?.description.contains("does not end with the magic bytes PAR1") == true)
        #expect(Self.readError(Array("not a parquet file at all".utf8))?.description.contains("PAR1") == true)
        #expect(Self.readError([])?.description.contains("shorter than") == true)
    }

    @Test("encrypted footers are refused")
    func encrypted() throws {
        var bytes = try Self.fixture("types_none.parquet")
        bytes.replaceSubrange((bytes.count - 4)..<bytes.count, with: Array("PARE".utf8))
        #expect(Self.readError(bytes)?.description.contains("encrypted") == true)
    }

    @Test("truncated files", arguments: [0, 1, 4, 11, 12, 100, 1000, 5000])
    func truncated(_ cut: Int) throws {
        let bytes = try Self.fixture("types_zstd.parquet")
        let kept = Array(bytes.prefix(max(0, bytes.count - cut)))
        if cut == 0 {
            #expect(Self.readError(kept) == nil)
        } else {
            let error = Self.readError(kept, name: "cut.parquet")
            #expect(error != nil, "cutting \(cut) bytes must fail")
            #expect(error?.path == "cut.parquet")
        }
        // Prefixes of the file, too.
        for length in [0, 3, 8, 12, bytes.count / 2] {
            #expect(Self.readError(Array(bytes.prefix(length))) != nil)
        }
    }

    @Test("a footer length longer than the file")
    func footerLength() throws {
        var bytes = try Self.fixture("types_none.parquet")
        let at = bytes.count - 8
        bytes.replaceSubrange(at..<(at + 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        let error = Self.readError(bytes)
        #expect(error?.description.contains("Corrupt footer") == true, "\(String(describing: error))")
        #expect(error?.location == .byteOffset(bytes.count - 8))
    }

    @Test("garbage metadata")
    func garbageFooter() throws {
        let bytes = try Self.fixture("types_none.parquet")
        let footerLength = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16
        let start = bytes.count - 8 - footerLength
        var generator = SplitMix64(seed: 7)
        for fill in [UInt8(0xFF), 0x00, 0x19, 0xCC] {
            var corrupt = bytes
            for index in start..<(bytes.count - 8) { corrupt[index] = fill }
            let error = Self.readError(corrupt)
            #expect(error != nil, "footer of 0x\(String(fill, radix: 16)) bytes")
        }
        for _ in 0..<50 {
            var corrupt = bytes
            for index in start..<(bytes.count - 8) { corrupt[index] = UInt8(truncatingIfNeeded: generator.next()) }
            #expect(Self.readError(corrupt) != nil)
        }
    }

    @Test("Thrift: nesting, list lengths and field types are checked")
    func thrift() {
        // 1000 nested structs: refused at the depth limit, no stack overflow.
        var nested = [UInt8](repeating: 0x1C, count: 1000) // field 1, type struct
        nested += [UInt8](repeating: 0, count: 1000)
        nested.withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            #expect(throws: ParquetFormatError.self) { try reader.skip(.structure) }
        }
        // A list claiming more elements than bytes.
        [UInt8]([0xF5, 0xFF, 0xFF, 0xFF, 0x0F]).withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            #expect(throws: ParquetFormatError.self) { _ = try reader.readIntegerList(.list) }
        }
        // A binary longer than the data.
        [UInt8]([0x20, 0x61]).withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            #expect(throws: ParquetFormatError.self) { _ = try reader.readBinary(.binary) }
        }
        // An 11-byte varint.
        [UInt8](repeating: 0xFF, count: 11).withUnsafeBytes { raw in
            var reader = ThriftCompactReader(raw)
            #expect(throws: ParquetFormatError.self) { _ = try reader.readVarint() }
        }
    }

    @Test("schema trees that do not add up")
    func schemaTree() {
        let page = (Self.dataPage(values: 1, size: 4), Self.plain([1]))
        for children: Int32 in [5, -1, 1_000_000] {
            let error = Self.readError(Self.handmade(pages: [page], rows: 1, schemaChildren: children))
            #expect(error?.description.contains("schema") == true, "\(children) children: \(String(describing: error))")
        }
    }

    // MARK: - Pages

    @Test("impossible page sizes")
    func pageSizes() {
        // A page longer than its column chunk.
        var header = Self.dataPage(values: 2, size: 8)
        header.compressedPageSize = 1 << 30
        var error = Self.readError(Self.handmade(pages: [(header, Self.plain([1, 2]))], rows: 2))
        #expect(error?.description.contains("runs past the end of its column chunk") == true, "\(String(describing: error))")
        // Negative sizes.
        header.compressedPageSize = -5
        error = Self.readError(Self.handmade(pages: [(header, Self.plain([1, 2]))], rows: 2))
        #expect(error?.description.contains("negative size") == true, "\(String(describing: error))")
        // A snappy page claiming a gigabyte: refused before anything is allocated for it.
        let snappy = Snappy.compress(Self.plain([1, 2]).withUnsafeBytes { $0 })
        header = Self.dataPage(values: 2, size: snappy.count, uncompressed: 1 << 30)
        error = Self.readError(Self.handmade(pages: [(header, snappy)], rows: 2, codec: .snappy))
        #expect(error?.description.contains("limit") == true || error?.description.contains("snappy") == true, "\(String(describing: error))")
        // Fewer PLAIN bytes than values.
        header = Self.dataPage(values: 3, size: 8)
        error = Self.readError(Self.handmade(pages: [(header, Self.plain([1, 2]))], rows: 3))
        #expect(error?.description.contains("PLAIN values need 3 × 4 bytes") == true, "\(String(describing: error))")
        #expect(error?.description.contains("column 'x'") == true)
    }

    @Test("row counts the pages do not hold")
    func rowCounts() {
        let page = (Self.dataPage(values: 2, size: 8), Self.plain([1, 2]))
        var error = Self.readError(Self.handmade(pages: [page], rows: 5))
        #expect(error?.description.contains("claims 5 rows") == true, "\(String(describing: error))")
        error = Self.readError(Self.handmade(pages: [page], rows: 1))
        #expect(error?.description.contains("claims 1 rows") == true, "\(String(describing: error))")
        error = Self.readError(Self.handmade(pages: [page], rows: 1 << 40))
        #expect(error?.description.contains("maxRowsPerRowGroup") == true, "\(String(describing: error))")
        error = Self.readError(Self.handmade(pages: [page], rows: -1))
        #expect(error?.description.contains("negative row count") == true, "\(String(describing: error))")
    }

    @Test("dictionary indices out of range")
    func dictionaryIndex() {
        var dictionaryHeader = ParquetPageHeader()
        dictionaryHeader.typeCode = ParquetPageType.dictionaryPage.rawValue
        dictionaryHeader.compressedPageSize = 8
        dictionaryHeader.uncompressedPageSize = 8
        var dictionary = ParquetDictionaryPageHeader()
        dictionary.numValues = 2
        dictionaryHeader.dictionaryPage = dictionary
        // Bit width 3, an RLE run of 4 copies of index 5.
        let indices: [UInt8] = [3, 4 << 1, 5]
        let data = Self.dataPage(values: 4, size: indices.count, encoding: .rleDictionary)
        let error = Self.readError(Self.handmade(pages: [(dictionaryHeader, Self.plain([10, 20])), (data, indices)], rows: 4))
        #expect(error?.description.contains("dictionary index 5 is out of range") == true, "\(String(describing: error))")
        // Bit-packed indices, one out of range.
        let packed: [UInt8] = [2, 1 << 1 | 1, 0b1110_0100, 0b0000_0000]
        let literal = Self.dataPage(values: 4, size: packed.count, encoding: .rleDictionary)
        let second = Self.readError(Self.handmade(pages: [(dictionaryHeader, Self.plain([10, 20])), (literal, packed)], rows: 4))
        #expect(second?.description.contains("out of range") == true, "\(String(describing: second))")
        // The same indices in range read.
        let good: [UInt8] = [1, 1 << 1 | 1, 0b0000_1010]
        let fine = Self.dataPage(values: 4, size: good.count, encoding: .rleDictionary)
        let bytes = Self.handmade(pages: [(dictionaryHeader, Self.plain([10, 20])), (fine, good)], rows: 4)
        #expect(Self.readError(bytes) == nil)
        let frame = try? ParquetReader.read(file: ParquetFile(bytes: ParquetFileBytes(bytes), path: "d", options: Self.guarded), options: Self.guarded)
        #expect(frame?["x"].toArray(Int64.self) == [10, 20, 10, 20])
        // No dictionary page at all.
        let orphan = Self.readError(Self.handmade(pages: [(fine, good)], rows: 4))
        #expect(orphan?.description.contains("no dictionary page") == true, "\(String(describing: orphan))")
    }

    @Test("strings that expand without limit are refused")
    func expansion() {
        var dictionaryHeader = ParquetPageHeader()
        dictionaryHeader.typeCode = ParquetPageType.dictionaryPage.rawValue
        let long = [UInt8](repeating: 0x61, count: 100_000)
        let entry: [UInt8] = [0xA0, 0x86, 0x01, 0x00] + long
        dictionaryHeader.compressedPageSize = Int32(entry.count)
        dictionaryHeader.uncompressedPageSize = Int32(entry.count)
        var dictionary = ParquetDictionaryPageHeader()
        dictionary.numValues = 1
        dictionaryHeader.dictionaryPage = dictionary
        // One RLE run: 1,000,000 copies of index 0 (bit width 1): 100 GB of text from 6 bytes.
        let indices: [UInt8] = [1, 0x80, 0x89, 0x7A, 0]
        let data = Self.dataPage(values: 1_000_000, size: indices.count, encoding: .rleDictionary)
        var options = Self.guarded
        options.maxRowsPerRowGroup = 1 << 21
        let error = Self.readError(Self.handmade(pages: [(dictionaryHeader, entry), (data, indices)], rows: 1_000_000, type: .byteArray),
                                   options: options)
        #expect(error?.description.contains("maxColumnChunkSize") == true, "\(String(describing: error))")
    }

    @Test("definition levels above the maximum")
    func levels() {
        // 4-byte length, an RLE run of 2 levels of value 3 (the maximum is 1).
        let body: [UInt8] = [2, 0, 0, 0, 2 << 1, 3] + Self.plain([1, 2])
        let header = Self.dataPage(values: 2, size: body.count)
        let error = Self.readError(Self.handmade(pages: [(header, body)], rows: 2, optional: true))
        #expect(error?.description.contains("exceeds the maximum") == true, "\(String(describing: error))")
        // A level length longer than the page.
        let long: [UInt8] = [200, 0, 0, 0, 2 << 1, 1]
        let second = Self.readError(Self.handmade(pages: [(Self.dataPage(values: 2, size: long.count), long)], rows: 2, optional: true))
        #expect(second?.description.contains("definition levels claim") == true, "\(String(describing: second))")
    }

    @Test("page checksums are verified")
    func checksum() throws {
        var bytes = try Self.fixture("types_plain_checksum.parquet")
        let file = try ParquetFile(bytes: ParquetFileBytes(bytes), path: "c", options: Self.guarded)
        let offset = Int(file.metadata.rowGroups[0].columns[3].metaData!.dataPageOffset)
        var reader = ThriftCompactReader(file.bytes.slice(offset..<file.dataEnd), fileOffset: offset)
        let header = try ParquetPageHeader(reading: &reader)
        #expect(header.crc != nil)
        bytes[offset + reader.position + 2] ^= 0x40
        let error = Self.readError(bytes, name: "crc.parquet")
        #expect(error?.description.contains("checksum mismatch") == true, "\(String(describing: error))")
        #expect(error?.description.contains("column 'int32'") == true)
        var unchecked = Self.guarded
        unchecked.verifyChecksums = false
        // Without verification the flipped byte is just a different (snappy-compressed) value,
        // or corrupt snappy data: either way no trap.
        _ = Self.readError(bytes, options: unchecked)
    }

    @Test("a codec whose library is missing names the library and package",
          .enabled(if: !Zstd.isAvailable, "libzstd is installed; run with TESSERA_DISABLE_CODECS=zstd to check the message"))
    func missingLibrary() throws {
        let error = Self.readError(try Self.fixture("types_zstd.parquet"))
        #expect(error?.description.contains("libzstd.so.1") == true)
        #expect(error?.description.contains("libzstd1") == true)
    }

    @Test("an INT96 timestamp beyond the nanosecond range is an error, not a wrapped value")
    func int96Range() throws {
        let path = ParquetTestSupport.directory("parquet-testing").appendingPathComponent("int96_from_spark.parquet").path
        let error = #expect(throws: FileFormatError.self) { try ParquetReader.read(path: path) }
        #expect(error?.description.contains("outside the range of timestamp[ns]") == true)
    }

    @Test("a malformed Arrow schema is ignored, a valid one round-trips")
    func arrowSchema() throws {
        let schema = Schema([Schema.Field(name: "c", type: .categorical), Schema.Field(name: "t", type: .timestamp(.us, timeZone: "Asia/Tokyo")),
                             Schema.Field(name: "x", type: .float64)])
        let text = ParquetArrowSchema.encode(schema)
        let fields = try #require(ParquetArrowSchema.decode(text))
        #expect(fields["c"] == ParquetArrowSchema.Field(isDictionary: true, timeZone: nil))
        #expect(fields["t"] == ParquetArrowSchema.Field(isDictionary: false, timeZone: "Asia/Tokyo"))
        #expect(fields["x"] == ParquetArrowSchema.Field(isDictionary: false, timeZone: nil))
        #expect(ParquetArrowSchema.decodeBase64(ParquetArrowSchema.base64(Array(0..<200))) == Array(0..<200))
        var generator = SplitMix64(seed: 11)
        let bytes = ParquetArrowSchema.decodeBase64(text)!
        for _ in 0..<500 {
            var mutated = bytes
            for _ in 0..<3 { mutated[Int(generator.next() % UInt64(mutated.count))] = UInt8(truncatingIfNeeded: generator.next()) }
            _ = ParquetArrowSchema.decode(ParquetArrowSchema.base64(mutated))
            _ = ParquetArrowSchema.decode(ParquetArrowSchema.base64(Array(mutated.prefix(Int(generator.next() % UInt64(mutated.count))))))
        }
        #expect(ParquetArrowSchema.decode("not base64 !!") == nil)
        // A file whose Arrow schema is garbage still reads.
        var file = Self.handmade(pages: [(Self.dataPage(values: 1, size: 4), Self.plain([5]))], rows: 1)
        let parsed = try ParquetFile(bytes: ParquetFileBytes(file), path: "a", options: Self.guarded)
        var metadata = parsed.metadata
        metadata.keyValueMetadata = [ParquetKeyValue(key: "ARROW:schema", value: "/////w==")]
        var writer = ThriftCompactWriter()
        metadata.write(to: &writer)
        file = Array(file.prefix(parsed.dataEnd)) + writer.bytes
        let length = UInt32(writer.bytes.count)
        file += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)] + Array("PAR1".utf8)
        #expect(Self.readError(file) == nil)
    }

    // MARK: - Mutations

    /// Every small fixture, mutated many times (bytes flipped, runs overwritten, cut): each read
    /// must succeed or throw a FileFormatError. A trap ends the test process, failing the run.
    @Test("mutated fixtures throw or read, never trap")
    func mutations() throws {
        var files: [(String, [UInt8])] = []
        for directory in ["parquet", "parquet-testing"] {
            let base = ParquetTestSupport.directory(directory)
            for name in ParquetTestSupport.parquetFiles(in: directory) {
                let bytes = Array(try Data(contentsOf: base.appendingPathComponent(name)))
                if bytes.count <= 200_000, ParquetTestSupport.missingCodecLibraries(base.appendingPathComponent(name).path) == nil {
                    files.append((name, bytes))
                }
            }
        }
        #expect(files.count > 40)
        var generator = SplitMix64(seed: 20_261_122)
        var failures = 0, successes = 0
        for (name, original) in files {
            for round in 0..<40 {
                var bytes = original
                switch round % 4 {
                case 0:
                    for _ in 0..<(1 + Int(generator.next() % 8)) {
                        bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(1 << (generator.next() % 8))
                    }
                case 1:
                    let start = Int(generator.next() % UInt64(bytes.count))
                    for index in start..<min(bytes.count, start + 1 + Int(generator.next() % 16)) {
                        bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                    }
                case 2:
                    // Damage the footer, where the metadata is.
                    let index = max(0, bytes.count - 9 - Int(generator.next() % 200))
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                default:
                    bytes.removeLast(1 + Int(generator.next() % UInt64(bytes.count)))
                }
                if let error = Self.readError(bytes, name: name) {
                    failures += 1
                    #expect(error.path == name)
                } else {
                    successes += 1
                }
            }
        }
        #expect(failures > 0)
    }
}

/// A small deterministic random generator for mutation tests.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
