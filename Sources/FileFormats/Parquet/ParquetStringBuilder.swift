/// Byte-array values being collected for a string column (or a dictionary): Arrow's layout of
/// `count + 1` offsets into one byte buffer.
struct ParquetStringBuilder {
    var offsets: [Int64]
    var bytes: [UInt8]

    init(reservingCapacity count: Int = 0, bytes byteCount: Int = 0) {
        offsets = [0]
        offsets.reserveCapacity(count + 1)
        bytes = []
        bytes.reserveCapacity(byteCount)
    }

    /// The number of values.
    var count: Int { offsets.count - 1 }

    @inline(__always)
    mutating func append(_ start: UnsafePointer<UInt8>, _ length: Int) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: length))
        offsets.append(Int64(bytes.count))
    }

    /// Appends a UUID's 16 bytes as lowercase 8-4-4-4-12 text.
    mutating func appendUUID(_ start: UnsafePointer<UInt8>) {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        for index in 0..<16 {
            if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digits[Int(start[index] >> 4)])
            bytes.append(digits[Int(start[index] & 0x0F)])
        }
        offsets.append(Int64(bytes.count))
    }

    /// Appends value `index` of `other`.
    @inline(__always)
    mutating func append(from other: ParquetStringBuilder, _ index: Int) {
        let start = Int(other.offsets[index]), end = Int(other.offsets[index + 1])
        other.bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { bytes.append(contentsOf: UnsafeBufferPointer(start: base + start, count: end - start)) }
        }
        offsets.append(Int64(bytes.count))
    }

    /// Spreads the last `valueCount` values over `levels.count` rows: rows whose level is below
    /// `maximum` become empty (null) entries, the others take the values in order.
    mutating func spread(valueCount: Int, levels: UnsafePointer<UInt8>, rows: Int, maximum: UInt8) {
        guard rows > valueCount else { return }
        let base = offsets.count - 1 - valueCount
        offsets.append(contentsOf: repeatElement(0, count: rows - valueCount))
        offsets.withUnsafeMutableBufferPointer { offsets in
            var value = valueCount - 1
            var row = rows - 1
            while row >= 0 {
                if levels[row] == maximum {
                    offsets[base + 1 + row] = offsets[base + 1 + value]
                    value -= 1
                } else {
                    offsets[base + 1 + row] = value >= 0 ? offsets[base + 1 + value] : offsets[base]
                }
                row -= 1
            }
        }
    }
}
