/// Zstandard compression through the system libzstd (``ZstdLibrary``), loaded at run time.
package enum Zstd {
    /// Whether libzstd could be loaded.
    package static var isAvailable: Bool { ZstdLibrary.shared != nil }

    static let missing = CodecError.libraryMissing(codec: "ZSTD", library: "libzstd.so.1", debianPackage: "libzstd1")

    /// A reusable decompression context; free it with ``freeContext(_:)``.
    package static func makeContext() throws(CodecError) -> OpaquePointer? {
        guard let zstd = ZstdLibrary.shared else { throw missing }
        return zstd.createContext()
    }

    /// Frees a context from ``makeContext()``.
    package static func freeContext(_ context: OpaquePointer?) {
        guard let zstd = ZstdLibrary.shared, let context else { return }
        _ = zstd.freeContext(context)
    }

    /// Decompresses `input` (one or more frames) into `output`, which has room for `capacity`
    /// bytes; returns the number written.
    package static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int,
                                   context: OpaquePointer? = nil) throws(CodecError) -> Int {
        guard let zstd = ZstdLibrary.shared else { throw missing }
        let result = context.map { zstd.decompressWithContext($0, output, capacity, input.baseAddress, input.count) }
            ?? zstd.decompress(output, capacity, input.baseAddress, input.count)
        if zstd.isError(result) != 0 {
            let name = zstd.errorName(result).map { String(cString: $0) } ?? "error \(result)"
            throw .corrupt(codec: "zstd", message: name)
        }
        return result
    }

    /// Compresses `input` at `level` (zstd's default is 3).
    package static func compress(_ input: UnsafeRawBufferPointer, level: Int = 3) throws(CodecError) -> [UInt8] {
        guard let zstd = ZstdLibrary.shared else { throw missing }
        let bound = zstd.compressBound(input.count)
        var output = [UInt8](repeating: 0, count: bound)
        let written = output.withUnsafeMutableBytes { zstd.compress($0.baseAddress, bound, input.baseAddress, input.count, Int32(level)) }
        if zstd.isError(written) != 0 {
            throw .corrupt(codec: "zstd", message: zstd.errorName(written).map { String(cString: $0) } ?? "error \(written)")
        }
        output.removeLast(bound - written)
        return output
    }
}
