/// An encoder of Thrift's compact protocol into a growing byte array.
struct ThriftCompactWriter {
    /// The encoded bytes.
    private(set) var bytes: [UInt8] = []
    private var lastIDs: [Int16] = []
    private var lastID: Int16 = 0

    init() {}

    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func writeZigzag(_ value: Int64) {
        writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    private mutating func fieldHeader(_ id: Int16, _ type: ThriftCompactType) {
        let delta = Int(id) - Int(lastID)
        if delta > 0, delta <= 15 {
            bytes.append(UInt8(delta) << 4 | type.rawValue)
        } else {
            bytes.append(type.rawValue)
            writeZigzag(Int64(id))
        }
        lastID = id
    }

    /// Starts a struct (the top-level one included).
    mutating func beginStruct() {
        lastIDs.append(lastID)
        lastID = 0
    }

    /// Ends a struct: writes the stop byte.
    mutating func endStruct() {
        bytes.append(0)
        lastID = lastIDs.popLast() ?? 0
    }

    mutating func field(_ id: Int16, i32 value: Int32) {
        fieldHeader(id, .i32)
        writeZigzag(Int64(value))
    }

    mutating func field(_ id: Int16, i64 value: Int64) {
        fieldHeader(id, .i64)
        writeZigzag(value)
    }

    mutating func field(_ id: Int16, byte value: Int8) {
        fieldHeader(id, .byte)
        bytes.append(UInt8(bitPattern: value))
    }

    mutating func field(_ id: Int16, bool value: Bool) {
        fieldHeader(id, value ? .booleanTrue : .booleanFalse)
    }

    mutating func field(_ id: Int16, binary value: [UInt8]) {
        fieldHeader(id, .binary)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    mutating func field(_ id: Int16, string value: String) {
        field(id, binary: Array(value.utf8))
    }

    /// Starts a struct-valued field; close it with ``endStruct()``.
    mutating func beginStructField(_ id: Int16) {
        fieldHeader(id, .structure)
        beginStruct()
    }

    /// Writes a list header for a list field.
    mutating func beginListField(_ id: Int16, count: Int, elementType: ThriftCompactType) {
        fieldHeader(id, .list)
        listHeader(count: count, elementType: elementType)
    }

    mutating func listHeader(count: Int, elementType: ThriftCompactType) {
        if count < 15 {
            bytes.append(UInt8(count) << 4 | elementType.rawValue)
        } else {
            bytes.append(0xF0 | elementType.rawValue)
            writeVarint(UInt64(count))
        }
    }

    mutating func field(_ id: Int16, i32List values: [Int32]) {
        beginListField(id, count: values.count, elementType: .i32)
        for value in values { writeZigzag(Int64(value)) }
    }

    mutating func field(_ id: Int16, stringList values: [String]) {
        beginListField(id, count: values.count, elementType: .binary)
        for value in values {
            let utf8 = Array(value.utf8)
            writeVarint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    /// A field holding an empty struct (a union member that carries no data).
    mutating func emptyStructField(_ id: Int16) {
        beginStructField(id)
        endStruct()
    }
}
