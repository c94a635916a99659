import Backends
import Dispatch
import Foundation

/// The files a list of paths names (files, directories, globs, a dataset with a `_metadata`
/// summary file) and what their directories say about them (hive partition keys).
struct ParquetDataset: Sendable {
    /// A row group whose details came from a `_metadata` file.
    struct RowGroupSummary: Sendable {
        let index: Int
        let rowCount: Int
        let statistics: [String: ParquetColumnStatistics]
    }

    /// One data file.
    struct FileEntry: Sendable {
        let path: String
        /// Hive keys from its directories, as written (`nil`: the default partition).
        let rawKeys: [(name: String, value: String?)]
        /// Its row groups, when a `_metadata` file listed them.
        var rowGroups: [RowGroupSummary]?
    }

    var files: [FileEntry]
    /// The `_metadata` file used, if any: it gives the schema without opening a data file.
    var metadataFile: ParquetFile?
    /// The hive keys and their types, in order of first appearance.
    var keyTypes: [(name: String, type: ColumnType)]

    /// Resolves `paths`.
    ///
    /// - Throws: ``FileFormatError`` for a path that does not exist, a dataset with no files, or
    ///   an unreadable `_metadata` file.
    static func resolve(paths: [String], options: ParquetReadOptions) throws(FileFormatError) -> ParquetDataset {
        var files: [FileEntry] = []
        var metadataFile: ParquetFile?
        let manager = FileManager.default
        for path in paths {
            if path.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
                let matches = glob(path)
                if matches.isEmpty { throw FileFormatError(path: path, message: "No files match this pattern.") }
                let root = globRoot(path)
                for match in matches {
                    var isDirectory: ObjCBool = false
                    _ = manager.fileExists(atPath: match, isDirectory: &isDirectory)
                    if isDirectory.boolValue {
                        files += walk(match, root: root, options: options)
                    } else {
                        files.append(FileEntry(path: match, rawKeys: options.hivePartitioning ? hiveKeys(match, root: root) : [], rowGroups: nil))
                    }
                }
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FileFormatError(path: path, message: "No such file or directory.")
            }
            if isDirectory.boolValue {
                let summary = (path as NSString).appendingPathComponent("_metadata")
                if options.useMetadataFile, manager.fileExists(atPath: summary) {
                    let file = try ParquetFile.open(path: summary, options: options)
                    files += try entries(fromSummary: file, directory: path, options: options)
                    if metadataFile == nil { metadataFile = file }
                } else {
                    files += walk(path, root: path, options: options)
                }
            } else {
                files.append(FileEntry(path: path, rawKeys: [], rowGroups: nil))
            }
        }
        if files.isEmpty {
            throw FileFormatError(path: paths.joined(separator: ", "), message: "No Parquet files found.")
        }
        // Key types: integers where every value of the key is one.
        var order: [String] = []
        var allIntegers: [String: Bool] = [:]
        for file in files {
            for (name, value) in file.rawKeys {
                if allIntegers[name] == nil {
                    order.append(name)
                    allIntegers[name] = true
                }
                if let value, Int64(value) == nil { allIntegers[name] = false }
            }
        }
        let keyTypes = order.map { (name: $0, type: allIntegers[$0] == true ? ColumnType.int64 : ColumnType.string) }
        return ParquetDataset(files: files, metadataFile: metadataFile, keyTypes: keyTypes)
    }

    /// The typed partition keys of `file`.
    func keys(of file: FileEntry) -> [ParquetPartitionKey] {
        keyTypes.map { name, type in
            let raw = file.rawKeys.first { $0.name == name }?.value ?? nil
            let value: FrameValue
            if let raw {
                value = type == .int64 ? (Int64(raw).map { .int($0) } ?? .null) : .string(raw)
            } else {
                value = .null
            }
            return ParquetPartitionKey(name: name, value: value, type: type)
        }
    }

    /// The data files under `directory`, in natural order, skipping names starting with `.` or `_`.
    private static func walk(_ directory: String, root: String?, options: ParquetReadOptions) -> [FileEntry] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory) else { return [] }
        var result: [FileEntry] = []
        for name in names.sorted(by: naturalOrder) where !name.hasPrefix(".") && !name.hasPrefix("_") {
            let full = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                result += walk(full, root: root, options: options)
            } else if !name.hasSuffix(".crc") {
                result.append(FileEntry(path: full, rawKeys: options.hivePartitioning ? hiveKeys(full, root: root) : [], rowGroups: nil))
            }
        }
        return result
    }

    /// `key=value` components of `path` below `root`.
    static func hiveKeys(_ path: String, root: String?) -> [(name: String, value: String?)] {
        guard let root else { return [] }
        let base = root.hasSuffix("/") ? root : root + "/"
        guard path.hasPrefix(base) else { return [] }
        let components = path.dropFirst(base.count).split(separator: "/").dropLast()
        var keys: [(name: String, value: String?)] = []
        for component in components {
            guard let equals = component.firstIndex(of: "=") else { continue }
            let name = String(component[..<equals])
            let rawValue = String(component[component.index(after: equals)...])
            let value = rawValue.removingPercentEncoding ?? rawValue
            guard !name.isEmpty else { continue }
            keys.append((name, value == "__HIVE_DEFAULT_PARTITION__" ? nil : value))
        }
        return keys
    }

    /// The row groups a `_metadata` file lists, by data file.
    private static func entries(fromSummary file: ParquetFile, directory: String,
                                options: ParquetReadOptions) throws(FileFormatError) -> [FileEntry] {
        var result: [FileEntry] = []
        var indexInFile: [String: Int] = [:]
        let descriptors = file.schema.fields.compactMap { try? $0.column.get() }
        for (position, group) in file.metadata.rowGroups.enumerated() {
            guard let relative = group.columns.first?.filePath, !relative.isEmpty else {
                throw FileFormatError(path: file.path, message: "Row group \(position) of the _metadata file does not name its data file.")
            }
            let path = (directory as NSString).appendingPathComponent(relative)
            let index = indexInFile[path, default: 0]
            indexInFile[path] = index + 1
            let rows = Int(group.numRows)
            var statistics: [String: ParquetColumnStatistics] = [:]
            for descriptor in descriptors {
                if let stats = group.columns[descriptor.leafIndex].metaData?.statistics {
                    statistics[descriptor.name] = stats.frameStatistics(for: descriptor, rowCount: rows)
                }
            }
            let summary = RowGroupSummary(index: index, rowCount: rows, statistics: statistics)
            if let last = result.last, last.path == path {
                result[result.count - 1].rowGroups!.append(summary)
            } else {
                result.append(FileEntry(path: path, rawKeys: options.hivePartitioning ? hiveKeys(path, root: directory) : [],
                                        rowGroups: [summary]))
            }
        }
        return result
    }

    /// The directory part of a glob before its first wildcard component.
    private static func globRoot(_ pattern: String) -> String? {
        var components: [Substring] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            if component.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) { break }
            components.append(component)
        }
        let root = components.joined(separator: "/")
        return root.isEmpty ? (pattern.hasPrefix("/") ? "/" : ".") : root
    }

    /// The paths matching `pattern`, in natural order.
    private static func glob(_ pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard Foundation.glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            if let entry = result.gl_pathv[index] { paths.append(String(cString: entry)) }
        }
        return paths.sorted(by: naturalOrder)
    }

    /// Natural order: runs of digits compare as numbers (`part.2` before `part.10`).
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        func chunks(_ text: String) -> [(isNumber: Bool, text: Substring)] {
            var result: [(Bool, Substring)] = []
            var start = text.startIndex
            while start < text.endIndex {
                let isDigit = text[start].isASCII && text[start].isNumber
                var end = start
                while end < text.endIndex, (text[end].isASCII && text[end].isNumber) == isDigit { end = text.index(after: end) }
                result.append((isDigit, text[start..<end]))
                start = end
            }
            return result
        }
        let left = chunks(a), right = chunks(b)
        for (x, y) in zip(left, right) {
            if x.isNumber, y.isNumber {
                let trimmedX = x.text.drop { $0 == "0" }, trimmedY = y.text.drop { $0 == "0" }
                if trimmedX.count != trimmedY.count { return trimmedX.count < trimmedY.count }
                if trimmedX != trimmedY { return trimmedX < trimmedY }
            } else if x.text != y.text {
                return x.text < y.text
            }
        }
        return left.count != right.count ? left.count < right.count : a < b
    }
}
