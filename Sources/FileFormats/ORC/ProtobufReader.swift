/// Decodes the protobuf wire format (proto2, as ORC's metadata uses it) from a byte buffer:
/// varints, zigzag integers, fixed 32/64-bit values and length-delimited fields.
///
/// Only what ORC's messages need: read a field key, read its value by wire type, or skip it.
/// Every read is bounds-checked and throws ``ORCFormatError`` for truncated or malformed input.
struct ProtobufReader {
    /// The wire types of protobuf.
    enum WireType: Int {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case startGroup = 3
        case endGroup = 4
        case fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    /// What the message is, for error messages.
    private let what: String

    /// A reader over `bytes` (the encoded message `what`).
    init(_ bytes: UnsafeRawBufferPointer, what: String) {
        self.bytes = bytes
        position = 0
        self.what = what
    }

    /// Whether every byte has been read.
    var isAtEnd: Bool { position >= bytes.count }

    /// The next field's number and wire type, or `nil` at the end of the message.
    mutating func nextField() throws(ORCFormatError) -> (number: Int, type: WireType)? {
        if isAtEnd { return nil }
        let key = try varint()
        guard let type = WireType(rawValue: Int(key & 7)), key >> 3 > 0, key >> 3 < 1 << 29 else {
            throw ORCFormatError("the \(what) is corrupt (a field key of \(key))")
        }
        return (Int(key >> 3), type)
    }

    /// An unsigned varint (at most 10 bytes).
    mutating func varint() throws(ORCFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count else { throw ORCFormatError("the \(what) ends inside a number") }
            let byte = bytes[position]
            position += 1
            if shift == 63, byte > 1 { throw ORCFormatError("the \(what) holds a number longer than 64 bits") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ORCFormatError("the \(what) holds a number longer than 64 bits") }
        }
    }

    /// A zigzag-encoded signed varint (`sint32`/`sint64`).
    mutating func signedVarint() throws(ORCFormatError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    /// A varint as a non-negative `Int`.
    mutating func count() throws(ORCFormatError) -> Int {
        let raw = try varint()
        guard raw <= UInt64(Int.max) else { throw ORCFormatError("the \(what) holds a length of \(raw)") }
        return Int(raw)
    }

    /// A little-endian 64-bit value.
    mutating func fixed64() throws(ORCFormatError) -> UInt64 {
        guard bytes.count - position >= 8 else { throw ORCFormatError("the \(what) ends inside a value") }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += 8
        return value
    }

    /// A little-endian 32-bit value.
    mutating func fixed32() throws(ORCFormatError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw ORCFormatError("the \(what) ends inside a value") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[position + index]) << (8 * UInt32(index)) }
        position += 4
        return value
    }

    /// A `double` field.
    mutating func double() throws(ORCFormatError) -> Double { Double(bitPattern: try fixed64()) }

    /// The bytes of a length-delimited field (a string, bytes, a sub-message or a packed list).
    mutating func lengthDelimited() throws(ORCFormatError) -> UnsafeRawBufferPointer {
        let length = try count()
        guard length <= bytes.count - position else { throw ORCFormatError("the \(what) ends inside a field of \(length) bytes") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position += length
        return slice
    }

    /// A string field (bytes kept as they are, invalid UTF-8 repaired).
    mutating func string() throws(ORCFormatError) -> String {
        String(decoding: try lengthDelimited(), as: UTF8.self)
    }

    /// The values of a repeated varint field: packed (one length-delimited field) or one value.
    mutating func varints(_ type: WireType) throws(ORCFormatError) -> [UInt64] {
        if type == .varint { return [try varint()] }
        guard type == .lengthDelimited else { throw ORCFormatError("the \(what) is corrupt (a list of wire type \(type))") }
        var inner = ProtobufReader(try lengthDelimited(), what: what)
        var values: [UInt64] = []
        while !inner.isAtEnd { values.append(try inner.varint()) }
        return values
    }

    /// Skips a field of wire `type`.
    mutating func skip(_ type: WireType) throws(ORCFormatError) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed64()
        case .fixed32: _ = try fixed32()
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup, .endGroup: throw ORCFormatError("the \(what) uses protobuf groups, which ORC never writes")
        }
    }

    /// Checks that a field has wire `type`.
    func expect(_ type: WireType, _ actual: WireType, field: String) throws(ORCFormatError) {
        guard type == actual else { throw ORCFormatError("the \(what)'s field \(field) has the wrong wire type") }
    }
}
