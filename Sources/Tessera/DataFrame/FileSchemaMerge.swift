import Backends
import FileFormats
import PandasBackend

/// The schema of a dataset of several files, merged from each file's inferred schema.
///
/// Types agree when they are equal; integer and float columns merge to the common number type
/// (`int64` and `float64` give `float64`, as `pandas.concat` promotes them); a column that a file's
/// sample left undecided (only missing values, or no rows at all: a placeholder type) takes the
/// type the other files give it. Any other disagreement is an error naming both files, the column
/// and both types, and suggesting a `dtype` entry.
struct FileSchemaMerge {
    /// Whether a file may lack some columns (JSON records: the frame has the union of the keys,
    /// null where a file has none); CSV files must all have the same columns.
    let allowMissingColumns: Bool
    /// What to call an explicit type in messages (`dtype` for both readers).
    var overrideName = "dtype"

    private var fields: [Schema.Field] = []
    /// For each column: the file whose sample decided its type, if any has yet.
    private var decidedBy: [String: String] = [:]
    private var firstFile: String?

    init(allowMissingColumns: Bool) {
        self.allowMissingColumns = allowMissingColumns
    }

    /// The merged schema so far.
    var schema: Schema { Schema(fields) }

    /// Adds the schema inferred for `file`, with the columns its sample left undecided.
    mutating func add(_ schema: Schema, undecided: Set<String>, file: String) throws {
        defer { if firstFile == nil { firstFile = file } }
        guard let firstFile else {
            fields = schema.fields
            for field in schema.fields where !undecided.contains(field.name) { decidedBy[field.name] = file }
            return
        }
        if !allowMissingColumns {
            let known = Set(fields.map(\.name)), names = Set(schema.names)
            if known != names {
                let extra = schema.names.filter { !known.contains($0) }, missing = fields.map(\.name).filter { !names.contains($0) }
                var parts: [String] = []
                if !extra.isEmpty { parts.append("has \(Self.list(extra)), which \(firstFile) does not") }
                if !missing.isEmpty { parts.append("lacks \(Self.list(missing)), which \(firstFile) has") }
                throw FileFormatError(path: file, message: "The file's columns differ from those of \(firstFile): it "
                    + parts.joined(separator: " and ") + ". Read the files separately, or pass usecols with the columns they share.")
            }
        }
        for field in schema.fields {
            guard let position = fields.firstIndex(where: { $0.name == field.name }) else {
                fields.append(field)
                if !undecided.contains(field.name) { decidedBy[field.name] = file }
                continue
            }
            if undecided.contains(field.name) { continue }
            guard let decider = decidedBy[field.name] else {
                fields[position] = field
                decidedBy[field.name] = file
                continue
            }
            let existing = fields[position].type
            if existing == field.type { continue }
            if existing.isNumeric, field.type.isNumeric, let merged = try? Column.commonType(existing, field.type) {
                fields[position] = Schema.Field(name: field.name, type: merged)
                continue
            }
            throw FileFormatError(path: file, message: "Column '\(field.name)' is \(field.type) in this file but \(existing) in \(decider); "
                + "pass \(overrideName): [\"\(field.name)\": ...] with one type for both (for example .string).")
        }
    }

    private static func list(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ", ") }
}
