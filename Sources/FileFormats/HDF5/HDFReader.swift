import Backends
import CHDF5
import Foundation

/// Reads the frames pandas writes with `DataFrame.to_hdf` (an `HDFStore`), in both layouts, through
/// libhdf5 loaded at run time (``HDF5Library``).
///
/// Supported columns: float32/64 (NaN as pandas' missing value), signed and unsigned integers,
/// booleans, `datetime64` of any unit with or without a time zone (NaT as null), and in the
/// "table" layout fixed-width strings (pandas' `nan_rep` as null). A key may be nested
/// (`"a/b/c"`), a file may hold several. The index becomes a leading column (named by the index
/// or `index`) unless it is an unnamed integer index, which Tessera's default range index
/// replaces. What cannot be read is an error that says why: object (pickled) columns of the
/// "fixed" layout, categoricals, timedeltas, Blosc-compressed tables without the plugin.
public enum HDFReader {
    /// The layout, columns and row count of `key` in the file at `path`.
    ///
    /// - Throws: ``FileFormatError`` naming the file: the library missing, the file unreadable
    ///   (missing, truncated, corrupt), the key absent or not a pandas frame, or a column that
    ///   cannot be read.
    public static func describe(path: String, key: String) throws -> HDFStoreKey {
        let library = try HDF5Library.require(for: path)
        return try library.locked {
            let file = try HDF5File(path: path, library: library)
            return try describe(file, key: normalized(key))
        }
    }

    /// The frame under `key` in the file at `path`, with only `columns` (all when `nil`).
    ///
    /// - Throws: as ``describe(path:key:)``; an unknown column names the available ones.
    public static func read(path: String, key: String, columns: [String]? = nil) throws -> DataFrame {
        try read(try describe(path: path, key: key), columns: columns)
    }

    /// Rows `rows` (all when `nil`) of a described key, with only `columns` (all when `nil`).
    /// A "fixed" key is read whole and then sliced.
    ///
    /// - Throws: ``FileFormatError`` naming the file for an unknown column, rows outside the
    ///   frame, or a failed read (truncated or corrupt data).
    public static func read(_ key: HDFStoreKey, rows: Range<Int>? = nil, columns: [String]? = nil) throws -> DataFrame {
        let names = columns ?? key.schema.names
        for name in names where !key.schema.names.contains(name) {
            throw FileFormatError(path: key.path, message: "no column '\(name)' under key '\(key.key)'; it has "
                + key.schema.names.map { "'\($0)'" }.joined(separator: ", "))
        }
        let range = rows ?? 0..<key.rowCount
        guard range.lowerBound >= 0, range.upperBound <= key.rowCount else {
            throw FileFormatError(path: key.path, message: "rows \(range) are outside key '\(key.key)', which has \(key.rowCount)")
        }
        let library = try HDF5Library.require(for: key.path)
        let wanted = names.compactMap { name in key.schema.names.firstIndex(of: name) }
        var raw: [String: (bytes: [UInt8], stride: Int, first: Int)] = [:]
        try library.locked {
            let file = try HDF5File(path: key.path, library: library)
            for index in wanted where raw[key.sources[index].dataset] == nil {
                let dataset = key.sources[index].dataset
                switch key.format {
                case .table:
                    let (type, _, bytes) = try file.read(dataset, rows: range)
                    raw[dataset] = (bytes, type.size, 0)
                case .fixed:
                    let (type, dimensions, bytes) = try file.read(dataset)
                    let perRow = dimensions.dropFirst().reduce(1, *) * type.size
                    raw[dataset] = (bytes, perRow, range.lowerBound)
                }
            }
        }
        var series: [Series] = []
        for index in wanted {
            let source = key.sources[index]
            guard let (bytes, stride, first) = raw[source.dataset] else { continue }
            let field = key.schema.fields[index]
            let column = try bytes.withUnsafeBytes { buffer in
                try decode(buffer, offset: source.offset + first * stride, stride: stride, count: range.count,
                           element: source.element, type: field.type, nanRep: source.nanRep, path: key.path)
            }
            series.append(Series(name: field.name, column: column))
        }
        if series.isEmpty { return DataFrame(unchecked: [], rowCount: range.count) }
        do {
            return try DataFrame(columns: series)
        } catch {
            throw FileFormatError(path: key.path, message: "key '\(key.key)': \(error)")
        }
    }

    /// `"a/b"` as `/a/b`.
    static func normalized(_ key: String) -> String {
        "/" + key.split(separator: "/").joined(separator: "/")
    }

    // MARK: - Layouts

    private static func describe(_ file: HDF5File, key: String) throws -> HDFStoreKey {
        guard key != "/", file.exists(key), try !file.isDataset(key) else {
            throw FileFormatError(path: file.path, message: "no key '\(key)' in the file")
        }
        guard let pandasType = try file.stringAttribute("pandas_type", of: key) else {
            throw FileFormatError(path: file.path, message: "the group '\(key)' was not written by pandas (no pandas_type)")
        }
        switch pandasType {
        case "frame": return try describeFixed(file, key: key)
        case "frame_table": return try describeTable(file, key: key)
        default:
            throw FileFormatError(path: file.path, message: "key '\(key)' holds a pandas '\(pandasType)'; only frames "
                + "(format 'fixed' or 'table') are read")
        }
    }

    /// A column type and element layout for a numeric or datetime dataset element.
    private static func columnType(_ element: HDF5Datatype, valueType: String?, timeZone: String?, path: String,
                                   what: String) throws -> ColumnType {
        if let valueType, valueType.hasPrefix("datetime64") {
            guard case .integer(8, true) = element else {
                throw FileFormatError(path: path, message: "\(what) is a datetime stored as \(element), not int64")
            }
            let unitText = valueType.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" && $0 != "," }
            let unit = ColumnType.TimeUnit(rawValue: String(unitText)) ?? .ns
            return .timestamp(unit, timeZone: timeZone)
        }
        if let valueType, valueType.hasPrefix("timedelta") || valueType == "category" {
            throw FileFormatError(path: path, message: "\(what) is a \(valueType) column, which Tessera does not read from HDF5")
        }
        switch element {
        case .boolean: return .numeric(.bool)
        case let .integer(size, signed):
            if valueType == "bool" { return .numeric(.bool) }
            switch (size, signed) {
            case (1, true): return .numeric(.int8)
            case (2, true): return .numeric(.int16)
            case (4, true): return .numeric(.int32)
            case (8, true): return .numeric(.int64)
            case (1, false): return .numeric(.uint8)
            case (2, false): return .numeric(.uint16)
            case (4, false): return .numeric(.uint32)
            case (8, false): return .numeric(.uint64)
            default: break
            }
        case .float(4): return .numeric(.float32)
        case .float(8): return .numeric(.float64)
        case .fixedString: return .string
        case let .unsupported(_, description):
            throw FileFormatError(path: path, message: "\(what) holds \(description), which cannot be read outside Python")
        default: break
        }
        throw FileFormatError(path: path, message: "\(what) has a type Tessera does not read (\(element))")
    }

    private static func describeFixed(_ file: HDF5File, key: String) throws -> HDFStoreKey {
        let path = file.path
        guard let blockCount = try file.integerAttribute("nblocks", of: key), (0...100_000).contains(blockCount) else {
            throw FileFormatError(path: path, message: "key '\(key)' has no valid block count (nblocks)")
        }
        let order = try stringsDataset(file, "\(key)/axis0")
        var rowCount = try file.datasetShape("\(key)/axis1").dimensions.first ?? 0
        var byName: [String: (Schema.Field, HDFStoreKey.ColumnSource)] = [:]
        for block in 0..<Int(blockCount) {
            let items = try stringsDataset(file, "\(key)/block\(block)_items")
            let values = "\(key)/block\(block)_values"
            if let kind = try file.stringAttribute("CLASS", of: values), kind == "VLARRAY" {
                throw FileFormatError(path: path, message: "the columns \(items.map { "'\($0)'" }.joined(separator: ", ")) of "
                    + "key '\(key)' are object-dtype (pickled Python objects, such as strings in the 'fixed' format), which "
                    + "cannot be read outside Python; write the frame with format='table'")
            }
            let (element, dimensions) = try file.datasetShape(values)
            let transposed = (try file.integerAttribute("transposed", of: values) ?? 1) != 0
            guard dimensions.count == 2, dimensions[transposed ? 1 : 0] == items.count, transposed else {
                throw FileFormatError(path: path, message: "'\(values)' has shape \(dimensions), not (rows, \(items.count))")
            }
            rowCount = dimensions[0]
            let type = try columnType(element, valueType: try file.stringAttribute("value_type", of: values),
                                      timeZone: try file.stringAttribute("tz", of: values), path: path,
                                      what: "the block of \(items.map { "'\($0)'" }.joined(separator: ", ")) under '\(key)'")
            for (position, item) in items.enumerated() {
                byName[item] = (Schema.Field(name: item, type: type),
                                HDFStoreKey.ColumnSource(dataset: values, offset: position * element.size, element: element,
                                                         nanRep: nil))
            }
        }
        var fields: [Schema.Field] = [], sources: [HDFStoreKey.ColumnSource] = []
        if let index = try fixedIndex(file, key: key, rowCount: rowCount) {
            fields.append(index.0)
            sources.append(index.1)
        }
        for name in order {
            guard let (field, source) = byName[name] else {
                throw FileFormatError(path: path, message: "column '\(name)' of key '\(key)' is in no block")
            }
            fields.append(field)
            sources.append(source)
        }
        return HDFStoreKey(path: path, key: key, format: .fixed, schema: Schema(fields), rowCount: rowCount, sources: sources)
    }

    /// The index of a "fixed" frame as a column, or `nil` when it is an unnamed 0, 1, 2, ... index.
    private static func fixedIndex(_ file: HDF5File, key: String, rowCount: Int) throws
        -> (Schema.Field, HDFStoreKey.ColumnSource)? {
        let axis = "\(key)/axis1"
        let kind = try file.stringAttribute("kind", of: axis) ?? "integer"
        let name = try file.stringAttribute("name", of: axis).flatMap(pickledName)
        let (element, _, bytes) = try file.read(axis)
        if kind == "integer", name == nil, case .integer(8, true) = element, bytes.count == rowCount * 8 {
            let isRange = bytes.withUnsafeBytes { raw in
                (0..<rowCount).allSatisfy { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self) == Int64($0) }
            }
            if isRange { return nil }
        }
        let valueType: String? = kind.hasPrefix("datetime") ? "datetime64[ns]" : nil
        let type = try columnType(element, valueType: valueType, timeZone: try file.stringAttribute("tz", of: axis), path: file.path,
                                  what: "the index of key '\(key)'")
        return (Schema.Field(name: name ?? "index", type: type),
                HDFStoreKey.ColumnSource(dataset: axis, offset: 0, element: element, nanRep: nil))
    }

    private static func describeTable(_ file: HDF5File, key: String) throws -> HDFStoreKey {
        let path = file.path
        let table = "\(key)/table"
        let (recordType, dimensions) = try file.datasetShape(table)
        guard case let .compound(_, members) = recordType, dimensions.count == 1 else {
            throw FileFormatError(path: path, message: "'\(table)' is not a table of records")
        }
        let rowCount = dimensions[0]
        let info = try pickled(file, "info", of: key)
        func infoEntry(_ field: String, _ name: String) -> String? {
            guard case let .dict(all)? = info, case let .dict(entry)? = all[.string(field)] else { return nil }
            return entry[.string(name)]?.string
        }
        let groupNanRep = try pickled(file, "nan_rep", of: key)?.string ?? "nan"
        var byName: [String: (Schema.Field, HDFStoreKey.ColumnSource)] = [:]
        for member in members where member.name != "index" {
            let names = try pickled(file, "\(member.name)_kind", of: table)?.items?.compactMap(\.string) ?? [member.name]
            let valueType = try file.stringAttribute("\(member.name)_dtype", of: table)
            let meta = try pickled(file, "\(member.name)_meta", of: table)?.string
            if meta == "category" {
                throw FileFormatError(path: path, message: "the column(s) \(names) of key '\(key)' are categorical, which "
                    + "Tessera does not read from HDF5")
            }
            var element = member.type, count = 1
            if case let .array(inner, length) = member.type { element = inner; count = length }
            guard count == names.count else {
                throw FileFormatError(path: path, message: "field '\(member.name)' of '\(table)' holds \(count) values for "
                    + "\(names.count) columns")
            }
            let typeName = valueType.flatMap { $0.hasPrefix("bytes") || $0 == "string" ? nil : $0 }
            let type = try columnType(element, valueType: typeName, timeZone: infoEntry(member.name, "tz"), path: path,
                                      what: "field '\(member.name)' (\(names.joined(separator: ", "))) of '\(table)'")
            let nanRep = try file.stringAttribute("\(member.name)_nan_rep", of: table) ?? groupNanRep
            for (position, name) in names.enumerated() {
                byName[name] = (Schema.Field(name: name, type: type),
                                HDFStoreKey.ColumnSource(dataset: table, offset: member.offset + position * element.size,
                                                         element: element, nanRep: type == .string ? nanRep : nil))
            }
        }
        var order: [String] = []
        if let axes = try pickled(file, "non_index_axes", of: key)?.items, let first = axes.first?.items, first.count == 2 {
            order = first[1].items?.compactMap(\.string) ?? []
        }
        if order.isEmpty { order = members.filter { $0.name != "index" }.map(\.name) }
        var fields: [Schema.Field] = [], sources: [HDFStoreKey.ColumnSource] = []
        // The index: kept when named or not integer (see the type's documentation).
        if let index = members.first(where: { $0.name == "index" }) {
            let kind = try file.stringAttribute("index_kind", of: table) ?? "integer"
            let name = infoEntry("index", "index_name")
            if name != nil || kind != "integer" {
                let valueType: String? = kind.hasPrefix("datetime") ? "datetime64[ns]" : nil
                let type = try columnType(index.type, valueType: valueType, timeZone: infoEntry("index", "tz"), path: path,
                                          what: "the index of key '\(key)'")
                fields.append(Schema.Field(name: name ?? "index", type: type))
                sources.append(HDFStoreKey.ColumnSource(dataset: table, offset: index.offset, element: index.type,
                                                        nanRep: type == .string ? groupNanRep : nil))
            }
        }
        for name in order {
            guard let (field, source) = byName[name] else {
                throw FileFormatError(path: path, message: "column '\(name)' of key '\(key)' is in no field of the table")
            }
            fields.append(field)
            sources.append(source)
        }
        return HDFStoreKey(path: path, key: key, format: .table, schema: Schema(fields), rowCount: rowCount, sources: sources)
    }

    // MARK: - Attributes and small datasets

    /// A PyTables attribute holding a pickled Python value, decoded; `nil` when absent.
    private static func pickled(_ file: HDF5File, _ name: String, of object: String) throws -> PickleReader.Value? {
        guard let text = try file.stringAttribute(name, of: object) else { return nil }
        // Plain strings are stored as they are; pickles end with the stop opcode.
        guard text.hasSuffix(".") else { return .string(text) }
        do {
            return try PickleReader.decode(Array(text.utf8))
        } catch {
            return .string(text)
        }
    }

    /// A pickled index name (`N.` for none).
    private static func pickledName(_ text: String) -> String? {
        guard text.hasSuffix(".") else { return text }
        return (try? PickleReader.decode(Array(text.utf8)))?.string
    }

    /// A 1-d dataset of fixed-width strings (column names).
    private static func stringsDataset(_ file: HDF5File, _ dataset: String) throws -> [String] {
        let (type, dimensions, bytes) = try file.read(dataset)
        guard case let .fixedString(width) = type, dimensions.count == 1, width > 0 else {
            throw FileFormatError(path: file.path, message: "'\(dataset)' does not hold column names (non-string labels are not read)")
        }
        return (0..<dimensions[0]).map { row in
            let slice = bytes[(row * width)..<((row + 1) * width)]
            let end = slice.firstIndex(of: 0) ?? slice.endIndex
            return String(decoding: slice[..<end], as: UTF8.self)
        }
    }

    // MARK: - Decoding

    /// The column of `count` values of `element` at `offset`, `offset + stride`, ... in `raw`.
    private static func decode(_ raw: UnsafeRawBufferPointer, offset: Int, stride: Int, count: Int, element: HDF5Datatype,
                               type: ColumnType, nanRep: String?, path: String) throws -> Column {
        let size = element.size
        guard count == 0 || (offset >= 0 && offset + (count - 1) * stride + size <= raw.count) else {
            throw FileFormatError(path: path, message: "a column's values lie outside the data read (corrupt layout)")
        }
        if type == .string {
            var strings: [String?] = []
            strings.reserveCapacity(count)
            for row in 0..<count {
                let start = offset + row * stride
                let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)])
                let end = bytes.firstIndex(of: 0) ?? size
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), as: UTF8.self)
                strings.append(text == nanRep ? nil : text)
            }
            return Column.strings(strings)
        }
        guard let dtype = type.storageDType else {
            throw FileFormatError(path: path, message: "cannot decode a \(type) column")
        }
        let values = NDArray(uninitializedShape: [count], dtype: dtype)
        var validity: ValidityBitmap?
        if let base = raw.baseAddress, count > 0 {
            let out = values.storage.bytes
            let itemSize = dtype.itemSize
            if dtype == .bool {
                for row in 0..<count {
                    let flag: UInt8 = base.load(fromByteOffset: offset + row * stride, as: UInt8.self) != 0 ? 1 : 0
                    out.storeBytes(of: flag, toByteOffset: row, as: UInt8.self)
                }
            } else if stride == itemSize {
                out.copyMemory(from: base + offset, byteCount: count * itemSize)
            } else {
                for row in 0..<count {
                    (out + row * itemSize).copyMemory(from: base + offset + row * stride, byteCount: itemSize)
                }
            }
        }
        if case .timestamp = type {
            var flags = ValidityBitmap(count: count, allValid: true)
            var anyNull = false
            values.withUnsafeMutableElements(as: Int64.self) { times in
                for row in 0..<count where times[row] == Int64.min {
                    flags.set(row, valid: false)
                    times[row] = 0
                    anyNull = true
                }
            }
            validity = anyNull ? flags : nil
        }
        do {
            return try Column(type: type, storage: .fixedWidth(values), validity: validity)
        } catch {
            throw FileFormatError(path: path, message: "\(error)")
        }
    }
}

extension HDFReader {
    /// Whether the libhdf5 here can apply filter `filter` (for example Blosc, 32001, whose plugin
    /// is a separate package); `false` without libhdf5.
    static func canDecode(filter: Int, path: String) throws -> Bool {
        guard let library = HDF5Library.shared else { return false }
        return library.locked { library.filterAvailable(H5Z_filter_t(filter)) > 0 }
    }
}

extension HDFReader {
    /// Whether libhdf5 could be loaded here (reading needs it).
    public static var isAvailable: Bool { HDF5Library.shared != nil }
}
