/// Raw deflate data (no zlib or gzip header, as ORC's ZLIB codec writes it), decompressed
/// through the system zlib (``ZlibLibrary``), loaded at run time.
package enum RawDeflate {
    /// Decompresses one raw deflate stream into `output`, which has room for `capacity` bytes;
    /// returns the number written.
    ///
    /// - Throws: ``GzipError``, also when the data holds more than `capacity` bytes or ends early.
    package static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer,
                                   capacity: Int) throws(GzipError) -> Int {
        guard let zlib = ZlibLibrary.shared else { throw .zlibNotInstalled }
        guard input.count <= Int(UInt32.max), capacity <= Int(UInt32.max) else { throw .corrupt("a deflate block larger than 4 GiB") }
        let stream = ZlibStream()
        defer { stream.deallocate() }
        // -15: a 32 KiB window and no header.
        guard zlib.inflateInit2(stream.raw, -15, zlib.version, Int32(ZlibLibrary.streamSize)) == 0 else {
            throw .corrupt("zlib could not start decompressing")
        }
        defer { _ = zlib.inflateEnd(stream.raw) }
        stream.nextIn = input.count > 0 ? input.baseAddress : nil
        stream.availIn = UInt32(input.count)
        stream.nextOut = output
        stream.availOut = UInt32(capacity)
        // Z_FINISH: everything is given at once.
        let status = zlib.inflate(stream.raw, 4)
        let produced = capacity - Int(stream.availOut)
        switch status {
        case 1: return produced // Z_STREAM_END
        case -5, 0: // Z_BUF_ERROR / Z_OK: out of input or of room.
            if produced >= capacity && stream.availIn > 0 { throw .corrupt("the data is larger than expected") }
            throw .corrupt("the compressed data ends early (truncated file?)")
        default:
            throw .corrupt(stream.message ?? "zlib error \(status)")
        }
    }
}
