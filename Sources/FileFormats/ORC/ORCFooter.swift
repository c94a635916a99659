/// The file footer: the stripes, the type tree, the row count and the file's statistics.
struct ORCFooter: Sendable {
    var stripes: [ORCStripeInformation] = []
    var types: [ORCType] = []
    var rowCount = 0
    var rowIndexStride = 0
    var writer: UInt64?

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "footer")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 3: stripes.append(try ORCStripeInformation(try reader.lengthDelimited()))
            case 4: types.append(try ORCType(try reader.lengthDelimited()))
            case 6: rowCount = try reader.count()
            case 8: rowIndexStride = try reader.count()
            case 9: writer = try reader.varint()
            default: try reader.skip(type)
            }
        }
    }
}
