/// A decoder of the DELTA_BINARY_PACKED encoding, bounds-checked; it produces 64-bit values
/// (INT32 columns take the low 32 bits, which wrapping arithmetic makes exact).
struct ParquetDeltaBinaryPackedDecoder {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    private let valuesPerBlock: Int
    private let miniblocksPerBlock: Int
    private let valuesPerMiniblock: Int
    /// The number of values the stream holds.
    let totalCount: Int
    private var previous: Int64
    private var produced = 0
    private var minDelta: Int64 = 0
    private var widthsOffset = 0
    private var miniblockIndex = 0
    private var miniblockLeft = 0
    private var miniblockBit = 0
    private var miniblockWidth = 0
    private var miniblockEnd = 0
    private var inBlock = false

    /// Reads the header of the stream in the `count` bytes at `base`.
    init(_ base: UnsafePointer<UInt8>, count: Int) throws(ParquetFormatError) {
        self.base = base
        self.count = count
        var cursor = 0
        func varint() throws(ParquetFormatError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard cursor < count else { throw ParquetFormatError("DELTA_BINARY_PACKED data ends inside its header") }
                let byte = base[cursor]
                cursor += 1
                if shift == 63, byte > 1 { throw ParquetFormatError("a DELTA_BINARY_PACKED varint overflows") }
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
                if shift > 63 { throw ParquetFormatError("a DELTA_BINARY_PACKED varint is too long") }
            }
        }
        let blockSize = try varint()
        let miniblocks = try varint()
        let total = try varint()
        let firstRaw = try varint()
        guard blockSize > 0, blockSize <= 1 << 24, miniblocks > 0, miniblocks <= blockSize, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 8 == 0 else {
            throw ParquetFormatError("DELTA_BINARY_PACKED has an invalid block size \(blockSize) with \(miniblocks) miniblocks")
        }
        guard total <= UInt64(Int32.max) else { throw ParquetFormatError("DELTA_BINARY_PACKED claims \(total) values") }
        valuesPerBlock = Int(blockSize)
        miniblocksPerBlock = Int(miniblocks)
        valuesPerMiniblock = Int(blockSize / miniblocks)
        totalCount = Int(total)
        previous = Int64(bitPattern: (firstRaw >> 1) ^ (0 &- (firstRaw & 1)))
        position = cursor
        miniblockEnd = cursor
    }

    private mutating func zigzag() throws(ParquetFormatError) -> Int64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < count else { throw ParquetFormatError("DELTA_BINARY_PACKED data ends inside a block header") }
            let byte = base[position]
            position += 1
            if shift == 63, byte > 1 { throw ParquetFormatError("a DELTA_BINARY_PACKED varint overflows") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
            if shift > 63 { throw ParquetFormatError("a DELTA_BINARY_PACKED varint is too long") }
        }
        return Int64(bitPattern: (result >> 1) ^ (0 &- (result & 1)))
    }

    /// Moves to the next miniblock, reading a block header when the block is done.
    private mutating func nextMiniblock() throws(ParquetFormatError) {
        if inBlock, miniblockIndex + 1 < miniblocksPerBlock {
            miniblockIndex += 1
            position = miniblockEnd
        } else {
            position = miniblockEnd
            minDelta = try zigzag()
            guard count - position >= miniblocksPerBlock else {
                throw ParquetFormatError("DELTA_BINARY_PACKED data ends inside the miniblock bit widths")
            }
            widthsOffset = position
            position += miniblocksPerBlock
            miniblockIndex = 0
            inBlock = true
        }
        let width = Int(base[widthsOffset + miniblockIndex])
        guard width <= 64 else { throw ParquetFormatError("a DELTA_BINARY_PACKED miniblock has bit width \(width)") }
        miniblockWidth = width
        miniblockBit = position * 8
        miniblockLeft = valuesPerMiniblock
        // The last miniblock may be cut short: only what is present can be read.
        miniblockEnd = min(position + valuesPerMiniblock * width / 8, count)
    }

    /// Decodes the next `total` values into `target`.
    mutating func decode(into target: UnsafeMutablePointer<Int64>, count total: Int) throws(ParquetFormatError) {
        guard total <= totalCount - produced else {
            throw ParquetFormatError("DELTA_BINARY_PACKED holds \(totalCount) values, \(produced + total) are needed")
        }
        var done = 0
        if total > 0, produced == 0 {
            target[0] = previous
            produced = 1
            done = 1
        }
        while done < total {
            if miniblockLeft == 0 { try nextMiniblock() }
            let take = min(miniblockLeft, total - done)
            guard miniblockBit + take * miniblockWidth <= miniblockEnd * 8 else {
                throw ParquetFormatError("DELTA_BINARY_PACKED data ends inside a miniblock")
            }
            let out = target + done
            out.withMemoryRebound(to: UInt64.self, capacity: take) { raw in
                ParquetBitPacking.unpack64(base, available: count, firstBit: miniblockBit, bitWidth: miniblockWidth, count: take, into: raw)
            }
            var value = previous
            let delta = minDelta
            for index in 0..<take {
                value = value &+ delta &+ out[index]
                out[index] = value
            }
            previous = value
            miniblockBit += take * miniblockWidth
            miniblockLeft -= take
            produced += take
            done += take
        }
    }

    /// Skips the values not yet decoded and returns the offset of the first byte after the stream.
    mutating func finish() throws(ParquetFormatError) -> Int {
        while produced < totalCount {
            if produced == 0 {
                produced = 1
                continue
            }
            if miniblockLeft == 0 { try nextMiniblock() }
            let take = min(miniblockLeft, totalCount - produced)
            miniblockLeft -= take
            produced += take
        }
        return max(miniblockEnd, position)
    }
}
