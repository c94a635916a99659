import Backends
import Foundation
import Testing
@testable import FileFormats

/// Fixture locations and helpers that compare frames with expected values computed by pyarrow.
enum ParquetTestSupport {
    /// The fixture directory `name` (under Fixtures/).
    static func directory(_ name: String) -> URL {
        if let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") { return url }
        return Bundle.module.bundleURL.appendingPathComponent("Fixtures/\(name)")
    }

    /// The names of the `.parquet` files in fixture directory `name`, sorted.
    static func parquetFiles(in name: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory(name).path)) ?? []
        return names.filter { $0.hasSuffix(".parquet") }.sorted()
    }

    /// The JSON object in `url`.
    static func json(_ url: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FileFormatError(path: url.path, message: "not a JSON object")
        }
        return object
    }

    /// The system libraries the codecs of the file (or the dataset's files) at `path` need that
    /// are not installed, as a message; `nil` when everything needed is there.
    static func missingCodecLibraries(_ path: String) -> String? {
        var paths = [path]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            paths = (FileManager.default.subpaths(atPath: path) ?? []).filter { $0.hasSuffix(".parquet") }
                .map { (path as NSString).appendingPathComponent($0) }
        }
        var missing = Set<String>()
        for file in paths {
            guard let parsed = try? ParquetFile.open(path: file, options: ParquetReadOptions()) else { continue }
            for group in parsed.metadata.rowGroups {
                for chunk in group.columns {
                    switch chunk.metaData.flatMap({ ParquetCodec(rawValue: $0.codecCode) }) {
                    case .gzip?: if !Gzip.isAvailable { missing.insert("libz.so.1 (Debian zlib1g)") }
                    case .zstd?: if !Zstd.isAvailable { missing.insert("libzstd.so.1 (Debian libzstd1)") }
                    case .lz4?, .lz4Raw?: if !LZ4.isAvailable { missing.insert("liblz4.so.1 (Debian liblz4-1)") }
                    case .brotli?: if !Brotli.isAvailable { missing.insert("libbrotlidec.so.1 (Debian libbrotli1)") }
                    default: break
                    }
                }
            }
        }
        return missing.isEmpty ? nil : missing.sorted().joined(separator: ", ")
    }

    /// Skips the current test (visibly) when the file's codecs need a library that is missing.
    static func skipIfCodecMissing(_ path: String, _ name: String) throws {
        if let missing = missingCodecLibraries(path) {
            print("⚠︎ SKIPPED \(name): needs \(missing), not installed")
            try Test.cancel("\(name) needs \(missing), which is not installed")
        }
    }

    /// Lowercase hex of `bytes`.
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The bytes of string row `row`.
    static func bytes(_ column: Column, _ row: Int) -> [UInt8] {
        switch column.storage {
        case let .strings(buffer): return buffer.withUTF8(row) { Array($0) }
        case let .dictionary(codes, categories):
            let code = Int(codes.scalar(at: row).int64Value)
            return categories.withUTF8(code) { Array($0) }
        case .fixedWidth: return []
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]` with as many fraction digits as the unit has.
    static func iso(_ value: Int64, _ unit: ColumnType.TimeUnit) -> String {
        let perSecond = unit.perSecond
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 { fraction += perSecond; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = CivilTime.date(days: Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))T"
        text += "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        let digits = String(perSecond).count - 1
        if digits > 0 { text += "." + pad(fraction, digits) }
        return text
    }

    /// Whether the row holds a value (validity only: a NaN is a value here, as in Arrow).
    static func isValid(_ column: Column, _ row: Int) -> Bool {
        column.validity?.isValid(row) ?? true
    }

    /// The frame type a pyarrow type name reads as in Tessera.
    static func expectedType(_ arrow: String) -> ColumnType? {
        switch arrow {
        case "bool": return .bool
        case "float16", "halffloat": return .float32
        case "binary", "string", "large_string", "large_binary", "utf8": return .string
        case "date32", "date32[day]": return .date
        default: break
        }
        if arrow.hasPrefix("fixed_size_binary") { return .string }
        if arrow.hasPrefix("decimal") { return .float64 }
        if arrow.hasPrefix("timestamp[") {
            let inner = arrow.dropFirst("timestamp[".count).dropLast()
            let parts = inner.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let unit = ColumnType.TimeUnit(rawValue: parts[0]) else { return nil }
            let zone = parts.count > 1 ? String(parts[1].dropFirst("tz=".count)) : nil
            return .timestamp(unit, timeZone: zone)
        }
        return DType(numpyName: arrow).map { .numeric($0) }
    }

    /// A cell as the expected JSON writes it: integers, booleans, float reprs as strings,
    /// strings (hex for binary), ISO timestamps, dates; `nil` for null.
    static func cell(_ column: Column, _ row: Int, arrowType: String) -> Any? {
        guard isValid(column, row) else { return nil }
        if arrowType.hasPrefix("binary") || arrowType.hasPrefix("fixed_size_binary") || arrowType == "large_binary" {
            return hex(bytes(column, row))
        }
        switch column.type {
        case .string, .categorical: return String(decoding: bytes(column, row), as: UTF8.self)
        case let .timestamp(unit, _): return iso(column.values!.scalar(at: row).int64Value, unit)
        case .date: return CivilTime.formatDate(Int32(column.values!.scalar(at: row).int64Value))
        case .numeric(.bool): return column.values!.scalar(at: row).int64Value != 0
        case let .numeric(dtype):
            let scalar = column.values!.scalar(at: row)
            if dtype.isFloatingPoint { return scalar.doubleValue }
            if dtype.kind == .unsignedInteger { return UInt64(bitPattern: scalar.int64Value) }
            return scalar.int64Value
        }
    }

    /// Whether a computed cell equals an expected JSON cell.
    static func same(_ actual: Any?, _ expected: Any?) -> Bool {
        switch (actual, expected) {
        case (nil, nil), (nil, is NSNull): return true
        case let (value as Double, text as String): return value == Double(text) || (value.isNaN && text.lowercased() == "nan")
        case let (value as Bool, number as NSNumber): return value == number.boolValue
        case let (value as Int64, number as NSNumber): return value == number.int64Value
        case let (value as UInt64, number as NSNumber): return value == number.uint64Value
        case let (value as String, text as String): return value == text
        default: return false
        }
    }

    /// Checks `frame` against an expected-values object (the conformance JSON format).
    static func check(_ frame: DataFrame, against expected: [String: Any], label: String,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        let names = expected["columns"] as? [String] ?? []
        let dtypes = expected["dtypes"] as? [String] ?? []
        #expect(frame.columnNames == names, "\(label): column names", sourceLocation: sourceLocation)
        #expect(frame.rowCount == (expected["num_rows"] as? Int), "\(label): row count", sourceLocation: sourceLocation)
        let stats = expected["column_stats"] as? [[String: Any]] ?? []
        for (index, name) in names.enumerated() {
            guard let series = try? frame.column(name) else { continue }
            let column = series.column
            let arrowType = index < dtypes.count ? dtypes[index] : ""
            if let type = expectedType(arrowType) {
                #expect(column.type == type, "\(label): type of \(name) (\(arrowType))", sourceLocation: sourceLocation)
            }
            let nulls = column.validity?.nullCount ?? 0
            guard let stat = stats.first(where: { $0["name"] as? String == name }) else { continue }
            #expect(nulls == stat["null_count"] as? Int, "\(label): null count of \(name)", sourceLocation: sourceLocation)
            checkColumn(column, stat, arrowType: arrowType, label: "\(label) \(name)", sourceLocation: sourceLocation)
        }
        if let head = expected["head"] as? [[Any]] {
            for (row, cells) in head.enumerated() where row < frame.rowCount {
                for (index, cell) in cells.enumerated() where index < frame.columns.count {
                    let actual = Self.cell(frame.columns[index].column, row, arrowType: index < dtypes.count ? dtypes[index] : "")
                    #expect(same(actual, cell), "\(label): row \(row) of \(names[index]): \(String(describing: actual)) vs \(cell)",
                            sourceLocation: sourceLocation)
                }
            }
        }
    }

    private static func checkColumn(_ column: Column, _ stat: [String: Any], arrowType: String, label: String,
                                    sourceLocation: SourceLocation) {
        let rows = (0..<column.count).filter { isValid(column, $0) }
        switch column.type {
        case .numeric(.bool):
            let trues = rows.filter { column.values!.scalar(at: $0).int64Value != 0 }.count
            if let expected = stat["true_count"] as? Int { #expect(trues == expected, "\(label): trues", sourceLocation: sourceLocation) }
            if let expected = stat["false_count"] as? Int { #expect(rows.count - trues == expected, "\(label): falses", sourceLocation: sourceLocation) }
        case let .numeric(dtype) where dtype.isFloatingPoint:
            let values = rows.map { column.values!.scalar(at: $0).doubleValue }
            let nans = values.filter(\.isNaN).count
            if let expected = stat["nan_count"] as? Int { #expect(nans == expected, "\(label): NaNs", sourceLocation: sourceLocation) }
            let finite = values.filter { !$0.isNaN }
            if let text = stat["min"] as? String { #expect(finite.min() == Double(text), "\(label): min", sourceLocation: sourceLocation) }
            if let text = stat["max"] as? String { #expect(finite.max() == Double(text), "\(label): max", sourceLocation: sourceLocation) }
            if let text = stat["sum"] as? String, let expected = Double(text) {
                let sum = finite.reduce(0, +)
                #expect(abs(sum - expected) <= 1e-9 * max(1, abs(expected)), "\(label): sum \(sum) vs \(expected)", sourceLocation: sourceLocation)
            }
        case let .numeric(dtype):
            var sum: Int128 = 0
            var low: Int128?, high: Int128?
            for row in rows {
                let raw = column.values!.scalar(at: row).int64Value
                let value = dtype.kind == .unsignedInteger ? Int128(UInt64(bitPattern: raw)) : Int128(raw)
                sum += value
                low = min(low ?? value, value)
                high = max(high ?? value, value)
            }
            func expectedInteger(_ any: Any?) -> Int128? {
                if let text = any as? String { return Int128(text) }
                if let number = any as? NSNumber { return Int128(number.stringValue) }
                return nil
            }
            if let expected = expectedInteger(stat["sum"]) { #expect(sum == expected, "\(label): sum", sourceLocation: sourceLocation) }
            if let expected = expectedInteger(stat["min"]) { #expect(low == expected, "\(label): min", sourceLocation: sourceLocation) }
            if let expected = expectedInteger(stat["max"]) { #expect(high == expected, "\(label): max", sourceLocation: sourceLocation) }
        case let .timestamp(unit, _):
            let values = rows.map { column.values!.scalar(at: $0).int64Value }
            if let expected = stat["unit"] as? String { #expect(unit.rawValue == expected, "\(label): unit", sourceLocation: sourceLocation) }
            if let expected = stat["min_int"] as? NSNumber { #expect(values.min() == expected.int64Value, "\(label): min", sourceLocation: sourceLocation) }
            if let expected = stat["max_int"] as? NSNumber { #expect(values.max() == expected.int64Value, "\(label): max", sourceLocation: sourceLocation) }
        case .date:
            let values = rows.map { CivilTime.formatDate(Int32(column.values!.scalar(at: $0).int64Value)) }
            if let expected = stat["min"] as? String { #expect(values.min() == expected, "\(label): min", sourceLocation: sourceLocation) }
            if let expected = stat["max"] as? String { #expect(values.max() == expected, "\(label): max", sourceLocation: sourceLocation) }
        case .string, .categorical:
            let binary = !(arrowType == "string" || arrowType == "large_string")
            let values = rows.map { bytes(column, $0) }
            if let expected = stat["distinct_count"] as? Int { #expect(Set(values).count == expected, "\(label): distinct", sourceLocation: sourceLocation) }
            let total = values.reduce(0) { $0 + $1.count }
            if let expected = (stat["total_bytes"] ?? stat["total_utf8_bytes"]) as? Int {
                #expect(total == expected, "\(label): total bytes", sourceLocation: sourceLocation)
            }
            if let first = stat["first5"] as? [Any] {
                for (row, cell) in first.enumerated() where row < column.count {
                    let actual: Any? = isValid(column, row) ? (binary ? hex(bytes(column, row)) : String(decoding: bytes(column, row), as: UTF8.self)) : nil
                    #expect(same(actual, cell), "\(label): first5[\(row)]", sourceLocation: sourceLocation)
                }
            }
        }
    }
}
