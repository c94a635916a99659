/// The postscript: the uncompressed message at the end of an ORC file that says how long the
/// footer and metadata are and how the rest of the file is compressed.
struct ORCPostScript: Sendable {
    var footerLength = 0
    var compression = ORCCompressionKind.none
    var compressionBlockSize = 256 * 1024
    var version: [UInt64] = []
    var metadataLength = 0
    var writerVersion: UInt64 = 0
    var magic = ""

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "postscript")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: footerLength = try reader.count()
            case 2:
                let code = try reader.varint()
                guard let kind = ORCCompressionKind(rawValue: code) else { throw ORCFormatError("unknown compression kind \(code)") }
                compression = kind
            case 3: compressionBlockSize = try reader.count()
            case 4: version = try reader.varints(type)
            case 5: metadataLength = try reader.count()
            case 6: writerVersion = try reader.varint()
            case 8000: magic = try reader.string()
            default: try reader.skip(type)
            }
        }
    }
}
