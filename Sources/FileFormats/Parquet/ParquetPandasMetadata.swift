import Foundation
import Backends

/// The parts of the `pandas` key-value metadata (written by pandas, pyarrow and Dask) that
/// change how columns are read: categoricals, time zones and stored index columns.
struct ParquetPandasMetadata: Sendable, Hashable {
    /// Columns pandas stored as categoricals.
    var categoricalColumns: Set<String> = []
    /// The time zone of each tz-aware timestamp column.
    var timeZones: [String: String] = [:]
    /// Columns that hold the pandas index rather than data.
    var indexColumns: [String] = []

    init() {}

    /// Parses the metadata's JSON; `nil` if it is not the expected shape.
    init?(json: String) {
        guard let data = json.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        if let index = object["index_columns"] as? [Any] {
            indexColumns = index.compactMap { $0 as? String }
        }
        for case let column as [String: Any] in object["columns"] as? [Any] ?? [] {
            guard let name = (column["field_name"] as? String) ?? (column["name"] as? String) else { continue }
            switch column["pandas_type"] as? String {
            case "categorical"?: categoricalColumns.insert(name)
            case "datetimetz"?:
                if let zone = (column["metadata"] as? [String: Any])?["timezone"] as? String { timeZones[name] = zone }
            default: break
            }
        }
    }

    /// The JSON pandas writes, for a frame's columns (a range index, as Tessera's frames have).
    static func json(for schema: Schema, rowCount: Int) -> String {
        var columns: [[String: Any]] = []
        for field in schema.fields {
            var entry: [String: Any] = ["name": field.name, "field_name": field.name]
            switch field.type {
            case let .numeric(dtype):
                entry["pandas_type"] = dtype == .bool ? "bool" : dtype.rawValue
                entry["numpy_type"] = dtype.rawValue
                entry["metadata"] = NSNull()
            case .string:
                entry["pandas_type"] = "unicode"
                entry["numpy_type"] = "object"
                entry["metadata"] = NSNull()
            case let .timestamp(unit, zone):
                entry["pandas_type"] = zone == nil ? "datetime" : "datetimetz"
                entry["numpy_type"] = "datetime64[\(unit.rawValue)]"
                entry["metadata"] = zone.map { ["timezone": $0] as [String: Any] } ?? NSNull()
            case .date:
                entry["pandas_type"] = "date"
                entry["numpy_type"] = "object"
                entry["metadata"] = NSNull()
            case .categorical:
                entry["pandas_type"] = "categorical"
                entry["numpy_type"] = "int32"
                entry["metadata"] = ["ordered": false] as [String: Any]
            }
            columns.append(entry)
        }
        let object: [String: Any] = [
            "index_columns": [["kind": "range", "name": NSNull(), "start": 0, "stop": rowCount, "step": 1] as [String: Any]],
            "column_indexes": [] as [Any],
            "columns": columns,
            "creator": ["library": "tessera", "version": "0"] as [String: Any],
            "pandas_version": "2.2.0",
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
