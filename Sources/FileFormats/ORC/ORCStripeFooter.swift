/// A stripe's footer: its streams (with their file offsets), each column's encoding and the
/// writer's time zone.
struct ORCStripeFooter: Sendable {
    var streams: [ORCStream] = []
    var encodings: [ORCColumnEncoding] = []
    /// The time zone the writer's TIMESTAMP values are wall-clock times in; `nil` when unset.
    var writerTimeZone: String?

    /// Parses the (decompressed) footer of a stripe whose streams start at `stripeOffset` and
    /// take `streamBytes` bytes (index and data), checking that every stream lies inside them.
    init(_ bytes: UnsafeRawBufferPointer, stripeOffset: Int, streamBytes: Int) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "stripe footer")
        while let (field, type) = try reader.nextField() {
            switch field {
            case 1: streams.append(try ORCStream(try reader.lengthDelimited()))
            case 2: encodings.append(try ORCColumnEncoding(try reader.lengthDelimited()))
            case 3: writerTimeZone = try reader.string()
            default: try reader.skip(type)
            }
        }
        var position = 0
        for index in streams.indices {
            guard streams[index].length <= streamBytes - position else {
                throw ORCFormatError("the stripe's streams take more than its \(streamBytes) bytes", offset: stripeOffset)
            }
            streams[index].offset = stripeOffset + position
            position += streams[index].length
        }
    }

    /// The stream of `kind` for `column`, if the stripe has one.
    func stream(_ kind: ORCStream.Kind, column: Int) -> ORCStream? {
        streams.first { $0.column == column && $0.kind == kind }
    }

    /// The encoding of `column` (DIRECT when the footer lists none).
    func encoding(column: Int) -> ORCColumnEncoding {
        column < encodings.count ? encodings[column] : ORCColumnEncoding()
    }
}
