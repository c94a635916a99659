/// Packing and unpacking of little-endian bit-packed integers, as Parquet's RLE/bit-packed hybrid
/// and DELTA_BINARY_PACKED encodings lay them out (value `i` at bits `i * width ..< (i + 1) * width`,
/// least significant bit first).
enum ParquetBitPacking {
    /// Loads 8 bytes at `pointer + offset` (unaligned), zero-filling those at or past `limit`.
    @inline(__always)
    static func loadWord(_ pointer: UnsafePointer<UInt8>, _ offset: Int, limit: Int) -> UInt64 {
        if offset + 8 <= limit {
            return UnsafeRawPointer(pointer + offset).loadUnaligned(as: UInt64.self).littleEndian
        }
        var word: UInt64 = 0
        var index = offset
        while index < limit {
            word |= UInt64(pointer[index]) << UInt64(8 * (index - offset))
            index += 1
        }
        return word
    }

    /// Unpacks `count` values of `bitWidth` (0...32) bits starting at bit `firstBit` of `source`,
    /// which has `available` readable bytes; the caller has checked that the bits lie inside them.
    static func unpack32(_ source: UnsafePointer<UInt8>, available: Int, firstBit: Int, bitWidth: Int, count: Int,
                         into target: UnsafeMutablePointer<UInt32>) {
        if bitWidth == 0 {
            target.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        var bit = firstBit
        var index = 0
        // Fast part: a full 8-byte load stays inside the buffer.
        let fastLimit = available - 8
        while index < count {
            let byte = bit >> 3
            if byte > fastLimit { break }
            let word = UnsafeRawPointer(source + byte).loadUnaligned(as: UInt64.self).littleEndian
            target[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += bitWidth
            index += 1
        }
        while index < count {
            let word = loadWord(source, bit >> 3, limit: available)
            target[index] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            bit += bitWidth
            index += 1
        }
    }

    /// Unpacks `count` values of `bitWidth` (0...64) bits, as ``unpack32(_:available:firstBit:bitWidth:count:into:)``.
    static func unpack64(_ source: UnsafePointer<UInt8>, available: Int, firstBit: Int, bitWidth: Int, count: Int,
                         into target: UnsafeMutablePointer<UInt64>) {
        if bitWidth == 0 {
            target.update(repeating: 0, count: count)
            return
        }
        let mask: UInt64 = bitWidth == 64 ? ~0 : (1 << UInt64(bitWidth)) - 1
        var bit = firstBit
        for index in 0..<count {
            let byte = bit >> 3
            let shift = UInt64(bit & 7)
            var value = loadWord(source, byte, limit: available) >> shift
            if Int(shift) + bitWidth > 64 {
                let high = loadWord(source, byte + 8, limit: available)
                value |= high << (64 - shift)
            }
            target[index] = value & mask
            bit += bitWidth
        }
    }

    /// The number of bits needed to represent `value`.
    static func bitWidth(of value: UInt64) -> Int { value == 0 ? 0 : 64 - value.leadingZeroBitCount }

    /// Appends `values`, `bitWidth` (0...64) bits each, to `output`, padded to a whole byte.
    static func pack<S: Sequence>(_ values: S, bitWidth: Int, into output: inout [UInt8]) where S.Element == UInt64 {
        guard bitWidth > 0 else { return }
        var accumulator: UInt64 = 0
        var bits = 0
        for value in values {
            let masked = bitWidth == 64 ? value : value & ((1 << UInt64(bitWidth)) - 1)
            accumulator |= masked << UInt64(bits)
            let used = 64 - bits
            if bitWidth >= used {
                // The accumulator is full: flush 8 bytes and keep the value's high bits.
                for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(shift))) }
                accumulator = used == 64 ? 0 : (bitWidth - used == 0 ? 0 : masked >> UInt64(used))
                bits = bitWidth - used
            } else {
                bits += bitWidth
            }
        }
        var shift = 0
        while shift < bits {
            output.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(shift)))
            shift += 8
        }
    }
}
