/// Where one stripe lies in the file and how many rows it holds (the footer's
/// `StripeInformation`).
struct ORCStripeInformation: Sendable {
    var offset = 0
    var indexLength = 0
    var dataLength = 0
    var footerLength = 0
    var rowCount = 0

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "stripe information")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: offset = try reader.count()
            case 2: indexLength = try reader.count()
            case 3: dataLength = try reader.count()
            case 4: footerLength = try reader.count()
            case 5: rowCount = try reader.count()
            default: try reader.skip(type)
            }
        }
    }
}
