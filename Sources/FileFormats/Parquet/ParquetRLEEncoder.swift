/// An encoder of Parquet's RLE/bit-packed hybrid: runs of 8 or more equal values as RLE runs,
/// the rest bit-packed in groups of 8.
enum ParquetRLEEncoder {
    /// Appends the encoding of `values` (each below `1 << bitWidth`) to `output`.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into output: inout [UInt8]) {
        let count = values.count
        func runLength(_ start: Int) -> Int {
            var end = start + 1
            while end < count, values[end] == values[start] { end += 1 }
            return end - start
        }
        func varint(_ value: Int) {
            var value = UInt64(value)
            while value >= 0x80 {
                output.append(UInt8(truncatingIfNeeded: value) | 0x80)
                value >>= 7
            }
            output.append(UInt8(value))
        }
        let valueBytes = (bitWidth + 7) / 8
        var index = 0
        while index < count {
            let run = runLength(index)
            if run >= 8 {
                varint(run << 1)
                let value = values[index]
                for byte in 0..<valueBytes { output.append(UInt8(truncatingIfNeeded: value >> UInt32(8 * byte))) }
                index += run
                continue
            }
            // Bit-packed groups of 8, until a long run starts at a group boundary (or the end).
            let start = index
            var groups = 0
            while true {
                index = min(index + 8, count)
                groups += 1
                if index >= count || groups >= 63 || runLength(index) >= 8 { break }
            }
            varint(groups << 1 | 1)
            let padded = (start..<(start + groups * 8)).lazy.map { $0 < count ? UInt64(values[$0]) : 0 }
            ParquetBitPacking.pack(padded, bitWidth: bitWidth, into: &output)
        }
    }
}
