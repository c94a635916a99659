/// How one column of a stripe is encoded (the stripe footer's `ColumnEncoding`).
struct ORCColumnEncoding: Sendable {
    /// ORC's encoding kinds.
    enum Kind: UInt64, Sendable {
        case direct = 0, dictionary, directV2, dictionaryV2

        /// Whether integers use run-length encoding version 2.
        var isV2: Bool { self == .directV2 || self == .dictionaryV2 }
        /// Whether strings are dictionary-encoded.
        var isDictionary: Bool { self == .dictionary || self == .dictionaryV2 }
    }

    var kind = Kind.direct
    var dictionarySize = 0

    init() {}

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "column encoding")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1:
                let code = try reader.varint()
                guard let value = Kind(rawValue: code) else { throw ORCFormatError("unknown column encoding \(code)") }
                kind = value
            case 2: dictionarySize = try reader.count()
            default: try reader.skip(type)
            }
        }
    }
}
