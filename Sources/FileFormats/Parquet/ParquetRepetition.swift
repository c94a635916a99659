/// Whether a schema field is required, optional or repeated (`FieldRepetitionType`).
enum ParquetRepetition: Int32, Sendable, Hashable {
    case required = 0
    case optional = 1
    case repeated = 2
}
