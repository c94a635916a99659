/// One stream of a stripe (the stripe footer's `Stream`): its kind, its column and its length;
/// streams lie one after another from the stripe's start, in the footer's order.
struct ORCStream: Sendable {
    /// ORC's stream kinds (those Tessera reads; others are skipped).
    enum Kind: UInt64, Sendable {
        case present = 0, data, length, dictionaryData, dictionaryCount, secondary, rowIndex, bloomFilter, bloomFilterUTF8
    }

    /// The kind, `nil` for one Tessera does not know (skipped).
    var kind: Kind?
    var column = 0
    var length = 0
    /// The offset of its first byte in the file (set by the stripe footer).
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "stream description")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: kind = Kind(rawValue: try reader.varint())
            case 2:
                let value = try reader.varint()
                guard value < 1 << 31 else { throw ORCFormatError("a stream's column \(value) is out of range") }
                column = Int(value)
            case 3: length = try reader.count()
            default: try reader.skip(type)
            }
        }
    }
}
