#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Gzip compression and decompression through the system zlib (``ZlibLibrary``), loaded at run
/// time: everything else in Tessera works without it.
package enum Gzip {
    /// Whether zlib could be loaded.
    package static var isAvailable: Bool { ZlibLibrary.shared != nil }

    /// Decompresses gzip (or zlib) data, concatenated members included, into memory from `malloc`
    /// that the caller frees with `free`. The buffer has `padding` zeroed bytes after the data.
    ///
    /// - Parameters:
    ///   - limit: stop once at least this many bytes have been produced (the output may be longer).
    /// - Throws: ``GzipError``.
    package static func decompress(
        _ input: UnsafeRawBufferPointer, limit: Int? = nil, padding: Int = 0
    ) throws(GzipError) -> (bytes: UnsafeMutableRawPointer, count: Int) {
        guard let zlib = ZlibLibrary.shared else { throw .zlibNotInstalled }
        let stream = ZlibStream()
        defer { stream.deallocate() }
        // 15 + 32: a 32 KiB window, gzip or zlib header detected automatically.
        guard zlib.inflateInit2(stream.raw, 15 + 32, zlib.version, Int32(ZlibLibrary.streamSize)) == 0 else {
            throw .corrupt("zlib could not start decompressing")
        }
        defer { _ = zlib.inflateEnd(stream.raw) }
        var capacity = max(input.count * 4, 1 << 16) + padding
        guard var output = malloc(capacity) else { throw .corrupt("out of memory") }
        var produced = 0
        var consumed = 0
        var finished = false
        do throws(GzipError) {
            while true {
                if let limit, produced >= limit { break }
                if capacity - padding - produced < 1 << 15 {
                    capacity = capacity * 2
                    guard let grown = realloc(output, capacity) else { throw .corrupt("out of memory") }
                    output = grown
                }
                let inChunk = min(input.count - consumed, Int(UInt32.max))
                stream.nextIn = inChunk > 0 ? input.baseAddress.map { UnsafeRawPointer($0) + consumed } : nil
                stream.availIn = UInt32(inChunk)
                let outChunk = min(capacity - padding - produced, Int(UInt32.max))
                stream.nextOut = output + produced
                stream.availOut = UInt32(outChunk)
                let status = zlib.inflate(stream.raw, 0)
                let progress = inChunk - Int(stream.availIn) + outChunk - Int(stream.availOut)
                consumed += inChunk - Int(stream.availIn)
                produced += outChunk - Int(stream.availOut)
                switch status {
                case 0: // Z_OK
                    continue
                case 1: // Z_STREAM_END: another member may follow.
                    if consumed >= input.count || (input.baseAddress.map { $0.load(fromByteOffset: consumed, as: UInt8.self) } ?? 0) == 0 {
                        finished = true
                    } else {
                        _ = zlib.inflateReset(stream.raw)
                        continue
                    }
                case -5: // Z_BUF_ERROR: no progress possible.
                    if consumed >= input.count { throw .corrupt("the compressed data ends early (truncated file?)") }
                    if progress == 0 { throw .corrupt("zlib cannot make progress") }
                    continue
                default:
                    throw .corrupt(stream.message ?? "zlib error \(status)")
                }
                if finished { break }
            }
        } catch {
            free(output)
            throw error
        }
        (output + produced).initializeMemory(as: UInt8.self, repeating: 0, count: padding)
        return (output, produced)
    }

    /// Decompresses gzip (or zlib) data, concatenated members included, into `output`, which has
    /// room for `capacity` bytes; returns the number written.
    ///
    /// - Throws: ``GzipError``, also when the data holds more than `capacity` bytes.
    package static func decompress(
        _ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer, capacity: Int
    ) throws(GzipError) -> Int {
        guard let zlib = ZlibLibrary.shared else { throw .zlibNotInstalled }
        let stream = ZlibStream()
        defer { stream.deallocate() }
        guard zlib.inflateInit2(stream.raw, 15 + 32, zlib.version, Int32(ZlibLibrary.streamSize)) == 0 else {
            throw .corrupt("zlib could not start decompressing")
        }
        defer { _ = zlib.inflateEnd(stream.raw) }
        var produced = 0
        var consumed = 0
        while true {
            let inChunk = min(input.count - consumed, Int(UInt32.max))
            stream.nextIn = inChunk > 0 ? input.baseAddress.map { $0 + consumed } : nil
            stream.availIn = UInt32(inChunk)
            let outChunk = min(capacity - produced, Int(UInt32.max))
            stream.nextOut = output + produced
            stream.availOut = UInt32(outChunk)
            let status = zlib.inflate(stream.raw, 0)
            let progress = inChunk - Int(stream.availIn) + outChunk - Int(stream.availOut)
            consumed += inChunk - Int(stream.availIn)
            produced += outChunk - Int(stream.availOut)
            switch status {
            case 0:
                if progress == 0 { throw .corrupt("the data is larger than expected") }
            case 1:
                // Another member may follow (trailing zero bytes are padding).
                let rest = consumed < input.count ? UnsafeRawBufferPointer(rebasing: input[consumed...]) : UnsafeRawBufferPointer(start: nil, count: 0)
                if rest.allSatisfy({ $0 == 0 }) { return produced }
                _ = zlib.inflateReset(stream.raw)
            case -5:
                if consumed >= input.count { throw .corrupt("the compressed data ends early (truncated file?)") }
                if produced >= capacity { throw .corrupt("the data is larger than expected") }
                if progress == 0 { throw .corrupt("zlib cannot make progress") }
            default:
                throw .corrupt(stream.message ?? "zlib error \(status)")
            }
        }
    }

    /// Decompresses gzip data to an array.
    ///
    /// - Throws: ``GzipError``.
    package static func decompress(_ data: [UInt8]) throws(GzipError) -> [UInt8] {
        let outcome = data.withUnsafeBytes { raw in Result { () throws(GzipError) in try decompress(raw) } }
        let result = try outcome.get()
        defer { free(result.bytes) }
        return Array(UnsafeRawBufferPointer(start: result.bytes, count: result.count))
    }

    /// Compresses `data` to a single gzip member.
    ///
    /// - Throws: ``GzipError``.
    package static func compress(_ data: UnsafeRawBufferPointer, level: Int = 6) throws(GzipError) -> [UInt8] {
        guard let zlib = ZlibLibrary.shared else { throw .zlibNotInstalled }
        let stream = ZlibStream()
        defer { stream.deallocate() }
        // Z_DEFLATED = 8, 15 + 16: gzip wrapper, memLevel 8, Z_DEFAULT_STRATEGY.
        guard zlib.deflateInit2(stream.raw, Int32(level), 8, 15 + 16, 8, 0, zlib.version, Int32(ZlibLibrary.streamSize)) == 0
        else { throw .corrupt("zlib could not start compressing") }
        defer { _ = zlib.deflateEnd(stream.raw) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        while true {
            let inChunk = min(data.count - consumed, 1 << 30)
            stream.nextIn = inChunk > 0 ? data.baseAddress.map { $0 + consumed } : nil
            stream.availIn = UInt32(inChunk)
            let flush: Int32 = consumed + inChunk >= data.count ? 4 : 0 // Z_FINISH : Z_NO_FLUSH
            var status: Int32 = 0
            repeat {
                let produced: Int = chunk.withUnsafeMutableBytes { buffer in
                    stream.nextOut = buffer.baseAddress
                    stream.availOut = UInt32(buffer.count)
                    status = zlib.deflate(stream.raw, flush)
                    return buffer.count - Int(stream.availOut)
                }
                output.append(contentsOf: chunk[0..<produced])
                if status < 0, status != -5 { throw .corrupt(stream.message ?? "zlib error \(status)") }
            } while stream.availOut == 0
            consumed += inChunk - Int(stream.availIn)
            if flush == 4 {
                if status == 1 { break } // Z_STREAM_END
                continue
            }
        }
        return output
    }
}
