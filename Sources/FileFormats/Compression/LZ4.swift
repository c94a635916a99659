/// LZ4 block compression through the system liblz4 (``LZ4Library``), loaded at run time.
package enum LZ4 {
    /// Whether liblz4 could be loaded.
    package static var isAvailable: Bool { LZ4Library.shared != nil }

    static let missing = CodecError.libraryMissing(codec: "LZ4", library: "liblz4.so.1", debianPackage: "liblz4-1")

    /// Decompresses one raw LZ4 block (Parquet's LZ4_RAW) into `output`; returns the bytes written.
    package static func decompressBlock(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer,
                                        capacity: Int) throws(CodecError) -> Int {
        guard let lz4 = LZ4Library.shared else { throw missing }
        guard input.count <= Int(Int32.max), capacity <= Int(Int32.max) else {
            throw .corrupt(codec: "lz4", message: "a block larger than 2 GiB")
        }
        let result = lz4.decompressSafe(input.baseAddress, output, Int32(input.count), Int32(capacity))
        guard result >= 0 else { throw .corrupt(codec: "lz4", message: "the block is malformed") }
        return Int(result)
    }

    /// Decompresses Parquet's deprecated LZ4 codec: Hadoop's framing (big-endian sizes before
    /// each block) when the data parses as it, a raw block otherwise, as Arrow does.
    package static func decompressLegacy(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer,
                                         capacity: Int) throws(CodecError) -> Int {
        if let produced = try? decompressHadoop(input, into: output, capacity: capacity) { return produced }
        return try decompressBlock(input, into: output, capacity: capacity)
    }

    private static func decompressHadoop(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer,
                                         capacity: Int) throws(CodecError) -> Int {
        func bigEndian(_ offset: Int) -> Int {
            Int(input[offset]) << 24 | Int(input[offset + 1]) << 16 | Int(input[offset + 2]) << 8 | Int(input[offset + 3])
        }
        var position = 0
        var produced = 0
        while position < input.count {
            guard input.count - position >= 8 else { throw .corrupt(codec: "lz4", message: "not Hadoop framing") }
            let expected = bigEndian(position)
            let compressed = bigEndian(position + 4)
            position += 8
            guard compressed <= input.count - position, expected <= capacity - produced else {
                throw .corrupt(codec: "lz4", message: "not Hadoop framing")
            }
            let block = UnsafeRawBufferPointer(rebasing: input[position..<(position + compressed)])
            let got = try decompressBlock(block, into: output + produced, capacity: expected)
            guard got == expected else { throw .corrupt(codec: "lz4", message: "not Hadoop framing") }
            produced += got
            position += compressed
        }
        return produced
    }

    /// Compresses `input` to one raw LZ4 block.
    package static func compressBlock(_ input: UnsafeRawBufferPointer) throws(CodecError) -> [UInt8] {
        guard let lz4 = LZ4Library.shared else { throw missing }
        guard input.count <= 0x7E00_0000 else { throw .corrupt(codec: "lz4", message: "a block larger than 2 GiB") }
        let bound = Int(lz4.compressBound(Int32(input.count)))
        var output = [UInt8](repeating: 0, count: max(bound, 1))
        let written = output.withUnsafeMutableBytes {
            lz4.compressDefault(input.baseAddress, $0.baseAddress, Int32(input.count), Int32(bound))
        }
        guard written > 0 || input.isEmpty else { throw .corrupt(codec: "lz4", message: "compression failed") }
        output.removeLast(output.count - Int(written))
        return output
    }
}
