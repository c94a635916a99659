/// A bounds-checked decoder of Thrift's compact protocol over bytes in memory.
///
/// Every read checks that it stays inside the buffer; lengths and element counts are checked
/// against the bytes left before anything is allocated, and nesting is limited, so no input can
/// make it read out of bounds, allocate without limit or overflow the stack.
struct ThriftCompactReader {
    /// The deepest nesting of structs, lists and maps accepted.
    static let maximumDepth = 64

    private let base: UnsafePointer<UInt8>?
    /// The number of bytes.
    let count: Int
    /// The offset of the next byte to read.
    private(set) var position: Int
    /// The offset of `base` in the file, for error messages.
    let fileOffset: Int
    private var depth = 0

    /// A reader of `bytes`, which lie at `fileOffset` in the file.
    init(_ bytes: UnsafeRawBufferPointer, fileOffset: Int = 0) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        position = 0
        self.fileOffset = fileOffset
    }

    /// The bytes left.
    var remaining: Int { count - position }

    func error(_ message: String) -> ParquetFormatError {
        ParquetFormatError("Invalid Thrift metadata: \(message)", offset: fileOffset + position)
    }

    // MARK: - Primitives

    mutating func readByte() throws(ParquetFormatError) -> UInt8 {
        guard position < count, let base else { throw error("the data ends early") }
        let byte = base[position]
        position += 1
        return byte
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    mutating func readVarint() throws(ParquetFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63, byte > 1 { throw error("a varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw error("a varint is longer than 10 bytes") }
        }
    }

    mutating func readZigzag() throws(ParquetFormatError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    // MARK: - Typed values

    /// An integer field or element of type `type` (byte, i16, i32 or i64), as `Int64`.
    mutating func readInteger(_ type: ThriftCompactType) throws(ParquetFormatError) -> Int64 {
        switch type {
        case .byte: return Int64(Int8(bitPattern: try readByte()))
        case .i16, .i32, .i64: return try readZigzag()
        default: throw error("expected an integer, found type \(type.rawValue)")
        }
    }

    mutating func readI32(_ type: ThriftCompactType) throws(ParquetFormatError) -> Int32 {
        let value = try readInteger(type)
        guard let narrow = Int32(exactly: value) else { throw error("the value \(value) does not fit a 32-bit field") }
        return narrow
    }

    mutating func readI64(_ type: ThriftCompactType) throws(ParquetFormatError) -> Int64 {
        try readInteger(type)
    }

    /// A boolean field: the value is the type code itself.
    func readBoolField(_ type: ThriftCompactType) throws(ParquetFormatError) -> Bool {
        switch type {
        case .booleanTrue: return true
        case .booleanFalse: return false
        default: throw error("expected a boolean, found type \(type.rawValue)")
        }
    }

    /// A boolean list element: one byte.
    mutating func readBoolElement() throws(ParquetFormatError) -> Bool {
        let byte = try readByte()
        return byte == 1
    }

    mutating func readDouble(_ type: ThriftCompactType) throws(ParquetFormatError) -> Double {
        guard type == .double else { throw error("expected a double, found type \(type.rawValue)") }
        guard remaining >= 8, let base else { throw error("the data ends early") }
        var bits: UInt64 = 0
        for index in 0..<8 { bits |= UInt64(base[position + index]) << UInt64(8 * index) }
        position += 8
        return Double(bitPattern: bits)
    }

    /// A binary field or element, checked to fit in the bytes left.
    mutating func readBinary(_ type: ThriftCompactType) throws(ParquetFormatError) -> [UInt8] {
        guard type == .binary else { throw error("expected binary, found type \(type.rawValue)") }
        let length = try readVarint()
        guard length <= UInt64(remaining), let base else {
            if length == 0 { return [] }
            throw error("a binary value of \(length) bytes is longer than the \(remaining) bytes left")
        }
        let start = position
        position += Int(length)
        return Array(UnsafeBufferPointer(start: base + start, count: Int(length)))
    }

    mutating func readString(_ type: ThriftCompactType) throws(ParquetFormatError) -> String {
        let bytes = try readBinary(type)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: - Structure

    /// Starts reading a struct; pair with ``endStruct()``.
    mutating func beginStruct() throws(ParquetFormatError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("structures are nested more than \(Self.maximumDepth) deep") }
    }

    mutating func endStruct() { depth -= 1 }

    /// The next field's id and type, or `nil` at the struct's end. `lastID` carries the previous
    /// field id, which the compact protocol encodes deltas against.
    mutating func readFieldHeader(lastID: inout Int16) throws(ParquetFormatError) -> (id: Int16, type: ThriftCompactType)? {
        let header = try readByte()
        if header == 0 { return nil }
        guard let type = ThriftCompactType(rawValue: header & 0x0F), type != .stop else {
            throw error("unknown field type \(header & 0x0F)")
        }
        let delta = header >> 4
        let id: Int16
        if delta == 0 {
            let raw = try readZigzag()
            guard let narrow = Int16(exactly: raw) else { throw error("field id \(raw) out of range") }
            id = narrow
        } else {
            let (sum, overflow) = lastID.addingReportingOverflow(Int16(delta))
            if overflow { throw error("field id out of range") }
            id = sum
        }
        lastID = id
        return (id, type)
    }

    /// A list or set header: the element count (checked against the bytes left) and type.
    mutating func readListHeader(_ type: ThriftCompactType) throws(ParquetFormatError) -> (count: Int, elementType: ThriftCompactType) {
        guard type == .list || type == .set else { throw error("expected a list, found type \(type.rawValue)") }
        let header = try readByte()
        var size = UInt64(header >> 4)
        if size == 15 { size = try readVarint() }
        guard let elementType = ThriftCompactType(rawValue: header & 0x0F), elementType != .stop else {
            throw error("unknown list element type \(header & 0x0F)")
        }
        // Every element takes at least one byte.
        guard size <= UInt64(remaining) else {
            throw error("a list of \(size) elements is longer than the \(remaining) bytes left")
        }
        return (Int(size), elementType)
    }

    /// Skips a value of `type`, nested values included.
    mutating func skip(_ type: ThriftCompactType) throws(ParquetFormatError) {
        switch type {
        case .stop: throw error("unexpected stop")
        case .booleanTrue, .booleanFalse: return
        case .byte: _ = try readByte()
        case .i16, .i32, .i64: _ = try readVarint()
        case .double:
            guard remaining >= 8 else { throw error("the data ends early") }
            position += 8
        case .binary:
            let length = try readVarint()
            guard length <= UInt64(remaining) else { throw error("a binary value runs past the end") }
            position += Int(length)
        case .list, .set:
            let (size, elementType) = try readListHeader(type)
            try beginStruct()
            defer { endStruct() }
            for _ in 0..<size {
                if elementType == .booleanTrue || elementType == .booleanFalse { _ = try readByte() } else { try skip(elementType) }
            }
        case .map:
            let size = try readVarint()
            guard size <= UInt64(remaining) else { throw error("a map runs past the end") }
            if size == 0 { return }
            let kinds = try readByte()
            guard let keyType = ThriftCompactType(rawValue: kinds >> 4), let valueType = ThriftCompactType(rawValue: kinds & 0x0F),
                  keyType != .stop, valueType != .stop else { throw error("unknown map element types") }
            try beginStruct()
            defer { endStruct() }
            for _ in 0..<Int(size) {
                if keyType == .booleanTrue || keyType == .booleanFalse { _ = try readByte() } else { try skip(keyType) }
                if valueType == .booleanTrue || valueType == .booleanFalse { _ = try readByte() } else { try skip(valueType) }
            }
        case .structure:
            try beginStruct()
            defer { endStruct() }
            var lastID: Int16 = 0
            while let (_, fieldType) = try readFieldHeader(lastID: &lastID) { try skip(fieldType) }
        }
    }

    /// Reads a list of structs, calling `element` for each (already inside the struct).
    mutating func readStructList<T>(_ type: ThriftCompactType,
                                    _ element: (inout ThriftCompactReader) throws(ParquetFormatError) -> T) throws(ParquetFormatError) -> [T] {
        let (size, elementType) = try readListHeader(type)
        guard elementType == .structure else { throw error("expected a list of structs") }
        var result: [T] = []
        result.reserveCapacity(size)
        for _ in 0..<size { result.append(try element(&self)) }
        return result
    }

    /// Reads a list of integers.
    mutating func readIntegerList(_ type: ThriftCompactType) throws(ParquetFormatError) -> [Int64] {
        let (size, elementType) = try readListHeader(type)
        var result: [Int64] = []
        result.reserveCapacity(size)
        for _ in 0..<size { result.append(try readInteger(elementType)) }
        return result
    }

    /// Reads a list of strings.
    mutating func readStringList(_ type: ThriftCompactType) throws(ParquetFormatError) -> [String] {
        let (size, elementType) = try readListHeader(type)
        var result: [String] = []
        result.reserveCapacity(size)
        for _ in 0..<size { result.append(try readString(elementType)) }
        return result
    }



    /// Reads a union's single member field id, skipping the member's (empty or ignored) value;
    /// calls `member` to read it when it should be parsed.
    mutating func readUnion(_ type: ThriftCompactType,
                            _ member: (Int16, ThriftCompactType, inout ThriftCompactReader) throws(ParquetFormatError) -> Bool) throws(ParquetFormatError) -> Int16? {
        guard type == .structure else { throw error("expected a union struct") }
        try beginStruct()
        defer { endStruct() }
        var lastID: Int16 = 0
        var chosen: Int16?
        while let (id, fieldType) = try readFieldHeader(lastID: &lastID) {
            if chosen == nil { chosen = id }
            if try !member(id, fieldType, &self) { try skip(fieldType) }
        }
        return chosen
    }
}
