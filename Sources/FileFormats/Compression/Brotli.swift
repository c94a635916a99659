/// Brotli compression through the system libbrotli (``BrotliLibrary``), loaded at run time.
package enum Brotli {
    /// Whether the Brotli decoder could be loaded.
    package static var isAvailable: Bool { BrotliLibrary.decoder != nil }
    /// Whether the Brotli encoder could be loaded.
    package static var canCompress: Bool { BrotliLibrary.encoder != nil }

    /// Decompresses `input` into `output` (room for `capacity` bytes); returns the bytes written.
    package static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer,
                                   capacity: Int) throws(CodecError) -> Int {
        guard let decompress = BrotliLibrary.decoder?.decompress else {
            throw .libraryMissing(codec: "BROTLI", library: "libbrotlidec.so.1", debianPackage: "libbrotli1")
        }
        var size = capacity
        let result = decompress(input.count, input.baseAddress, &size, output)
        guard result == 1 else { throw .corrupt(codec: "brotli", message: "the data is malformed or larger than expected") }
        return size
    }

    /// Compresses `input` at `quality` (0...11).
    package static func compress(_ input: UnsafeRawBufferPointer, quality: Int = 8) throws(CodecError) -> [UInt8] {
        guard let library = BrotliLibrary.encoder, let compress = library.compress, let bound = library.compressBound else {
            throw .libraryMissing(codec: "BROTLI", library: "libbrotlienc.so.1", debianPackage: "libbrotli1")
        }
        var size = max(bound(input.count), 16)
        var output = [UInt8](repeating: 0, count: size)
        // lgwin 22 (the default window), mode 0 (generic).
        let result = output.withUnsafeMutableBytes { compress(Int32(quality), 22, 0, input.count, input.baseAddress, &size, $0.baseAddress) }
        guard result == 1 else { throw .corrupt(codec: "brotli", message: "compression failed") }
        output.removeLast(output.count - size)
        return output
    }
}
