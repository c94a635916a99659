/// Decodes ORC's byte run-length encoding (BYTE columns, and the bytes under boolean streams): a
/// control byte `0...127` is a run of `control + 3` copies of the next byte, `-128...-1` is
/// `-control` literal bytes.
struct ORCByteRLEDecoder {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// What the stream is, for error messages.
    private let what: String

    init(_ bytes: UnsafeRawBufferPointer, what: String) {
        self.bytes = bytes
        self.what = what
    }

    /// Decodes exactly `count` bytes into `output`.
    mutating func decode(into output: UnsafeMutablePointer<UInt8>, count: Int) throws(ORCFormatError) {
        var done = 0
        while done < count {
            guard position < bytes.count else { throw ORCFormatError("the \(what) stream ends after \(done) of \(count) values") }
            let control = Int8(bitPattern: bytes[position])
            position += 1
            if control >= 0 {
                let run = min(Int(control) + 3, count - done)
                guard position < bytes.count else { throw ORCFormatError("the \(what) stream ends inside a run") }
                (output + done).initialize(repeating: bytes[position], count: run)
                position += 1
                done += run
            } else {
                let literals = -Int(control)
                guard literals <= bytes.count - position else { throw ORCFormatError("the \(what) stream ends inside literal bytes") }
                let taken = min(literals, count - done)
                for index in 0..<taken { output[done + index] = bytes[position + index] }
                position += literals
                done += taken
            }
        }
    }

    /// Decodes `count` booleans (bits, most significant first) into `output`, one 0/1 byte each.
    mutating func decodeBooleans(into output: UnsafeMutablePointer<UInt8>, count: Int) throws(ORCFormatError) {
        let byteCount = (count + 7) / 8
        let packed = UnsafeMutablePointer<UInt8>.allocate(capacity: max(byteCount, 1))
        defer { packed.deallocate() }
        try decode(into: packed, count: byteCount)
        for row in 0..<count {
            output[row] = (packed[row >> 3] >> (7 - UInt8(row & 7))) & 1
        }
    }
}
