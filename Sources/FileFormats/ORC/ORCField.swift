import Backends

/// One top-level column of an ORC file: its name, its column id in the type tree, its ORC type
/// and the frame type it is read as (or why it cannot be read).
struct ORCField: Sendable {
    let name: String
    /// The column id (the index of its type in the footer's type list).
    let column: Int
    let type: ORCType
    /// The frame type, or the error reading the column gives.
    let frameType: Result<ColumnType, ORCFormatError>

    init(name: String, column: Int, type: ORCType) {
        self.name = name
        self.column = column
        self.type = type
        switch type.kind {
        case .boolean: frameType = .success(.bool)
        case .byte: frameType = .success(.numeric(.int8))
        case .short: frameType = .success(.numeric(.int16))
        case .int: frameType = .success(.int32)
        case .long: frameType = .success(.int64)
        case .float: frameType = .success(.float32)
        case .double, .decimal: frameType = .success(.float64)
        case .string, .varchar, .char, .binary: frameType = .success(.string)
        case .date: frameType = .success(.date)
        case .timestamp: frameType = .success(.timestamp(.ns, timeZone: nil))
        case .timestampInstant: frameType = .success(.timestamp(.ns, timeZone: "UTC"))
        case .list, .map, .structure, .union:
            frameType = .failure(ORCFormatError("column '\(name)' is of the nested type \(type.kind.name); nested ORC types are not supported (read the other columns with `columns:`)"))
        }
    }
}
