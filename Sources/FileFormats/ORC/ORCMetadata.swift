/// The file's metadata section: each stripe's column statistics, indexed by column.
struct ORCMetadata: Sendable {
    var stripeStatistics: [[ORCColumnStatistics]] = []

    init(_ bytes: UnsafeRawBufferPointer) throws(ORCFormatError) {
        var reader = ProtobufReader(bytes, what: "metadata")
        while let (field, type) = try reader.nextField() {
            guard field == 1 else { try reader.skip(type); continue }
            var inner = ProtobufReader(try reader.lengthDelimited(), what: "stripe statistics")
            var columns: [ORCColumnStatistics] = []
            while let (number, kind) = try inner.nextField() {
                if number == 1 { columns.append(try ORCColumnStatistics(try inner.lengthDelimited())) } else { try inner.skip(kind) }
            }
            stripeStatistics.append(columns)
        }
    }
}
