/// Byte-array values being collected for a string column (or a dictionary): Arrow's layout of
/// `count + 1` offsets into one byte buffer, in memory it manages itself so that appending a
/// value is a capacity check and a copy.
///
/// One task fills a builder; it is handed to another only when complete.
final class ParquetStringBuilder: @unchecked Sendable {
    // @unchecked: written by one task only, read after that task has finished.

    private(set) var offsets: UnsafeMutablePointer<Int64>
    private(set) var bytes: UnsafeMutablePointer<UInt8>
    private var offsetCapacity: Int
    private var byteCapacity: Int
    /// The number of values.
    private(set) var count = 0

    init(reservingCapacity values: Int = 0, bytes byteCount: Int = 0) {
        offsetCapacity = max(values, 16) + 1
        byteCapacity = max(byteCount, 64)
        offsets = UnsafeMutablePointer<Int64>.allocate(capacity: offsetCapacity)
        bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: byteCapacity)
        offsets[0] = 0
    }

    deinit {
        offsets.deallocate()
        bytes.deallocate()
    }

    /// The total length of the values.
    var byteCount: Int { Int(offsets[count]) }

    /// Makes room for `values` more values of `byteCount` more bytes.
    @inline(__always)
    func reserve(values: Int, bytes byteCount: Int) {
        if count + values + 1 > offsetCapacity { growOffsets(count + values + 1) }
        if self.byteCount + byteCount > byteCapacity { growBytes(self.byteCount + byteCount) }
    }

    private func growOffsets(_ needed: Int) {
        let capacity = max(needed, offsetCapacity * 2)
        let grown = UnsafeMutablePointer<Int64>.allocate(capacity: capacity)
        grown.initialize(from: offsets, count: count + 1)
        offsets.deallocate()
        offsets = grown
        offsetCapacity = capacity
    }

    private func growBytes(_ needed: Int) {
        let capacity = max(needed, byteCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.initialize(from: bytes, count: byteCount)
        bytes.deallocate()
        bytes = grown
        byteCapacity = capacity
    }

    /// Appends a value.
    @inline(__always)
    func append(_ start: UnsafePointer<UInt8>, _ length: Int) {
        reserve(values: 1, bytes: length)
        let end = byteCount
        (bytes + end).update(from: start, count: length)
        count += 1
        offsets[count] = Int64(end + length)
    }

    /// Appends `values` values of `width` bytes each, stored back to back at `start`.
    func append(fixed start: UnsafePointer<UInt8>, width: Int, values: Int) {
        reserve(values: values, bytes: width * values)
        var end = byteCount
        (bytes + end).update(from: start, count: width * values)
        for _ in 0..<values {
            end += width
            count += 1
            offsets[count] = Int64(end)
        }
    }

    /// Appends a UUID's 16 bytes as lowercase 8-4-4-4-12 text.
    func appendUUID(_ start: UnsafePointer<UInt8>) {
        let digits: StaticString = "0123456789abcdef"
        reserve(values: 1, bytes: 36)
        var end = byteCount
        digits.withUTF8Buffer { digits in
            for index in 0..<16 {
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    bytes[end] = UInt8(ascii: "-")
                    end += 1
                }
                bytes[end] = digits[Int(start[index] >> 4)]
                bytes[end + 1] = digits[Int(start[index] & 0x0F)]
                end += 2
            }
        }
        count += 1
        offsets[count] = Int64(end)
    }

    /// The bytes of value `index`.
    @inline(__always)
    func value(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(offsets[index])
        return UnsafeBufferPointer(start: bytes + start, count: Int(offsets[index + 1]) - start)
    }

    /// Appends value `index` of `other`.
    @inline(__always)
    func append(from other: ParquetStringBuilder, _ index: Int) {
        let start = Int(other.offsets[index])
        append(other.bytes + start, Int(other.offsets[index + 1]) - start)
    }

    /// Spreads the last `valueCount` values over `rows` rows: rows whose level is below `maximum`
    /// become empty (null) entries, the others take the values in order.
    func spread(valueCount: Int, levels: UnsafePointer<UInt8>, rows: Int, maximum: UInt8) {
        guard rows > valueCount else { return }
        reserve(values: rows - valueCount, bytes: 0)
        let base = count - valueCount
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
        count = base + rows
    }

    /// Several builders' values, one after another, as the arrays a `StringBuffer` holds.
    static func concatenate(_ parts: [ParquetStringBuilder]) -> (offsets: [Int64], bytes: [UInt8]) {
        let values = parts.reduce(0) { $0 + $1.count }
        let total = parts.reduce(0) { $0 + $1.byteCount }
        let offsets = [Int64](unsafeUninitializedCapacity: values + 1) { buffer, initialized in
            buffer[0] = 0
            var position = 1
            var base: Int64 = 0
            for part in parts {
                var index = 1
                while index <= part.count {
                    buffer[position] = part.offsets[index] + base
                    position += 1
                    index += 1
                }
                base += Int64(part.byteCount)
            }
            initialized = values + 1
        }
        let bytes = [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            var position = 0
            for part in parts where part.byteCount > 0 {
                (buffer.baseAddress! + position).initialize(from: part.bytes, count: part.byteCount)
                position += part.byteCount
            }
            initialized = total
        }
        return (offsets, bytes)
    }
}
