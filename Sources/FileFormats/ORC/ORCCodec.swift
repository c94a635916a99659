#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Undoes ORC's stream compression: a stream is a sequence of chunks, each with a 3-byte header
/// (`length << 1 | isOriginal`, little-endian) and then `length` bytes, either stored as they are
/// or compressed with the file's codec to at most the compression block size.
struct ORCCodec: Sendable {
    let kind: ORCCompressionKind
    let blockSize: Int
    /// The most bytes a stream may decompress to.
    let limit: Int

    /// A codec for `kind`.
    ///
    /// - Throws: when the codec's library is missing or the codec is not supported.
    init(kind: ORCCompressionKind, blockSize: Int, limit: Int) throws(ORCFormatError) {
        self.kind = kind
        self.blockSize = blockSize
        self.limit = limit
        switch kind {
        case .none, .snappy: break
        case .zlib:
            guard Gzip.isAvailable else { throw ORCFormatError(GzipError.zlibNotInstalled.description) }
        case .zstd:
            guard Zstd.isAvailable else { throw ORCFormatError(Zstd.missing.description) }
        case .lz4:
            guard LZ4.isAvailable else { throw ORCFormatError(LZ4.missing.description) }
        case .lzo:
            throw ORCFormatError("the LZO codec is not supported (no maintained library; see docs/formats/orc.md)")
        }
        if kind != .none, blockSize <= 0 || blockSize > 1 << 26 {
            throw ORCFormatError("the compression block size \(blockSize) is out of range")
        }
    }

    /// The bytes `input` (at file offset `offset`) stand for.
    func decompress(_ input: UnsafeRawBufferPointer, offset: Int, file: ParquetFileBytes) throws(ORCFormatError) -> ORCBuffer {
        if kind == .none { return ORCBuffer(window: input, file: file) }
        var capacity = 0
        var output: UnsafeMutableRawPointer?
        var produced = 0
        var position = 0
        do throws(ORCFormatError) {
            while position < input.count {
                guard input.count - position >= 3 else {
                    throw ORCFormatError("a compressed stream ends inside a chunk header", offset: offset + position)
                }
                let header = Int(input[position]) | Int(input[position + 1]) << 8 | Int(input[position + 2]) << 16
                position += 3
                let length = header >> 1
                guard length <= input.count - position else {
                    throw ORCFormatError("a compressed chunk of \(length) bytes runs past its stream", offset: offset + position - 3)
                }
                let chunk = UnsafeRawBufferPointer(rebasing: input[position..<(position + length)])
                let room = header & 1 == 1 ? length : blockSize
                // 64 bytes of slack past every chunk: the Snappy decoder's fast path writes up to
                // 8 bytes beyond the end it was given.
                if capacity - produced < room + 64 {
                    guard produced + room <= limit else {
                        throw ORCFormatError("a stream decompresses to more than the limit of \(limit) bytes", offset: offset)
                    }
                    capacity = max(produced + room + 64, capacity * 2)
                    guard let grown = realloc(output, capacity) else { throw ORCFormatError("out of memory") }
                    output = grown
                }
                guard let target = output.map({ $0 + produced }) else { throw ORCFormatError("out of memory") }
                if header & 1 == 1 {
                    if length > 0, let source = chunk.baseAddress { target.copyMemory(from: source, byteCount: length) }
                    produced += length
                } else {
                    do {
                        produced += try decompressChunk(chunk, into: target, capacity: blockSize)
                    } catch {
                        throw ORCFormatError("a \(kind.name) chunk is corrupt: \(error)", offset: offset + position - 3)
                    }
                }
                position += length
            }
        } catch {
            free(output)
            throw error
        }
        return ORCBuffer(malloced: output, count: produced)
    }

    /// Decompresses the stream `input` (at file offset `offset`) straight into `target`, which
    /// takes exactly `count` bytes: one copy fewer than ``decompress(_:offset:file:)`` for values
    /// used as they are stored (floats).
    ///
    /// - Throws: when the stream holds fewer than `count` bytes, or is corrupt.
    func decompress(_ input: UnsafeRawBufferPointer, offset: Int, into target: UnsafeMutableRawPointer, count: Int) throws(ORCFormatError) {
        if kind == .none {
            guard input.count >= count else { throw ORCFormatError("a stream holds \(input.count) bytes, the column needs \(count)", offset: offset) }
            if count > 0, let source = input.baseAddress { target.copyMemory(from: source, byteCount: count) }
            return
        }
        var produced = 0
        var position = 0
        // Chunks that may not fit the room left (with the Snappy decoder's slack) go through here.
        var scratch: UnsafeMutableRawPointer?
        defer { scratch?.deallocate() }
        while position < input.count, produced < count {
            guard input.count - position >= 3 else {
                throw ORCFormatError("a compressed stream ends inside a chunk header", offset: offset + position)
            }
            let header = Int(input[position]) | Int(input[position + 1]) << 8 | Int(input[position + 2]) << 16
            position += 3
            let length = header >> 1
            guard length <= input.count - position else {
                throw ORCFormatError("a compressed chunk of \(length) bytes runs past its stream", offset: offset + position - 3)
            }
            let chunk = UnsafeRawBufferPointer(rebasing: input[position..<(position + length)])
            let room = count - produced
            if header & 1 == 1 {
                let taken = min(length, room)
                if taken > 0, let source = chunk.baseAddress { (target + produced).copyMemory(from: source, byteCount: taken) }
                produced += taken
            } else if room >= blockSize + 64 {
                do { produced += try decompressChunk(chunk, into: target + produced, capacity: blockSize) } catch {
                    throw ORCFormatError("a \(kind.name) chunk is corrupt: \(error)", offset: offset + position - 3)
                }
            } else {
                if scratch == nil { scratch = UnsafeMutableRawPointer.allocate(byteCount: blockSize + 64, alignment: 16) }
                guard let scratch else { throw ORCFormatError("out of memory") }
                let got: Int
                do { got = try decompressChunk(chunk, into: scratch, capacity: blockSize) } catch {
                    throw ORCFormatError("a \(kind.name) chunk is corrupt: \(error)", offset: offset + position - 3)
                }
                let taken = min(got, room)
                (target + produced).copyMemory(from: scratch, byteCount: taken)
                produced += taken
            }
            position += length
        }
        guard produced >= count else {
            throw ORCFormatError("a stream decompresses to \(produced) bytes, the column needs \(count)", offset: offset)
        }
    }

    private func decompressChunk(_ chunk: UnsafeRawBufferPointer, into target: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        switch kind {
        case .zlib: return try RawDeflate.decompress(chunk, into: target, capacity: capacity)
        case .snappy:
            let (length, _) = try Snappy.uncompressedLength(chunk)
            guard length <= capacity else { throw ORCFormatError("it holds \(length) bytes, more than the block size \(capacity)") }
            return try Snappy.decompress(chunk, into: target.assumingMemoryBound(to: UInt8.self), capacity: length)
        case .zstd: return try Zstd.decompress(chunk, into: target, capacity: capacity)
        case .lz4: return try LZ4.decompressBlock(chunk, into: target, capacity: capacity)
        case .none, .lzo: return 0
        }
    }
}
