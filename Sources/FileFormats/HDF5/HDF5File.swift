import CHDF5
import Foundation

/// An HDF5 file open for reading through libhdf5: objects by path, their attributes, and
/// datasets read as raw bytes in the file's own layout (no conversion).
///
/// Every method must be called inside ``HDF5Library/locked(_:)``; errors name the file and the
/// object.
final class HDF5File {
    /// The file's path.
    let path: String
    private let library: HDF5Library
    private let id: hid_t

    /// The identifier type of a dataset (`H5I_DATASET`).
    private static let datasetIdentifier: Int32 = 5

    /// Opens `path` read-only.
    ///
    /// - Throws: ``FileFormatError`` if the file does not exist or is not a readable HDF5 file
    ///   (truncated, corrupt, another format).
    init(path: String, library: HDF5Library) throws {
        self.path = path
        self.library = library
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw FileFormatError(path: path, message: "no such file")
        }
        let opened = library.fileOpen(path, TESSERA_H5F_ACC_RDONLY, hid_t(TESSERA_H5P_DEFAULT))
        guard opened >= 0 else {
            throw FileFormatError(path: path, message: "not a readable HDF5 file (libhdf5 could not open it: the file is "
                + "truncated, corrupt or in another format)")
        }
        id = opened
    }

    deinit { _ = library.fileClose(id) }

    /// Whether an object exists at `objectPath` (absolute, `/`-separated).
    func exists(_ objectPath: String) -> Bool {
        var prefix = ""
        for component in objectPath.split(separator: "/") {
            prefix += "/" + component
            guard library.linkExists(id, prefix, hid_t(TESSERA_H5P_DEFAULT)) > 0 else { return false }
        }
        return true
    }

    /// Runs `body` with the object at `objectPath` open.
    func withObject<R>(_ objectPath: String, _ body: (hid_t) throws -> R) throws -> R {
        guard exists(objectPath) else { throw FileFormatError(path: path, message: "no object '\(objectPath)' in the file") }
        let object = library.objectOpen(id, objectPath, hid_t(TESSERA_H5P_DEFAULT))
        guard object >= 0 else { throw FileFormatError(path: path, message: "cannot open '\(objectPath)' (corrupt file?)") }
        defer { _ = library.objectClose(object) }
        return try body(object)
    }

    /// Whether the object at `objectPath` is a dataset.
    func isDataset(_ objectPath: String) throws -> Bool {
        try withObject(objectPath) { library.identifierType($0) == Self.datasetIdentifier }
    }

    /// The string attribute `name` of the object at `objectPath` (fixed- or variable-length),
    /// `nil` if it has none.
    func stringAttribute(_ name: String, of objectPath: String) throws -> String? {
        try withAttribute(name, of: objectPath) { attribute, type, count in
            if library.typeIsVariableString(type) > 0 {
                var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: max(count, 1))
                guard library.attributeRead(attribute, type, &pointers) >= 0 else { throw readFailure(name, objectPath) }
                defer { for pointer in pointers { if let pointer { _ = library.freeMemory(pointer) } } }
                return pointers[0].map { String(cString: $0) } ?? ""
            }
            guard library.typeClass(type) == TESSERA_H5T_STRING else {
                throw FileFormatError(path: path, message: "the attribute '\(name)' of '\(objectPath)' is not a string")
            }
            let size = library.typeSize(type)
            var bytes = [UInt8](repeating: 0, count: max(size * max(count, 1), 1))
            guard library.attributeRead(attribute, type, &bytes) >= 0 else { throw readFailure(name, objectPath) }
            let end = bytes.prefix(size).firstIndex(of: 0) ?? min(size, bytes.count)
            return String(decoding: bytes[..<end], as: UTF8.self)
        }
    }

    /// The integer (or boolean) attribute `name` of the object at `objectPath`, `nil` if it has none.
    func integerAttribute(_ name: String, of objectPath: String) throws -> Int64? {
        try withAttribute(name, of: objectPath) { attribute, type, _ in
            let size = library.typeSize(type)
            let typeClass = library.typeClass(type)
            guard typeClass == TESSERA_H5T_INTEGER || typeClass == TESSERA_H5T_ENUM || typeClass == TESSERA_H5T_BITFIELD,
                  (1...8).contains(size) else {
                throw FileFormatError(path: path, message: "the attribute '\(name)' of '\(objectPath)' is not an integer")
            }
            var bytes = [UInt8](repeating: 0, count: 8)
            guard library.attributeRead(attribute, type, &bytes) >= 0 else { throw readFailure(name, objectPath) }
            var value: UInt64 = 0
            for index in 0..<size { value |= UInt64(bytes[index]) << (8 * UInt64(index)) }
            if library.typeSign(type) != TESSERA_H5T_SGN_NONE, size < 8, value >> (8 * UInt64(size) - 1) & 1 == 1 {
                value |= ~0 << (8 * UInt64(size))
            }
            return Int64(bitPattern: value)
        }
    }

    private func withAttribute<R>(_ name: String, of objectPath: String,
                                  _ body: (hid_t, hid_t, Int) throws -> R) throws -> R? {
        try withObject(objectPath) { object in
            guard library.attributeExists(object, name) > 0 else { return nil }
            let attribute = library.attributeOpen(object, name, hid_t(TESSERA_H5P_DEFAULT))
            guard attribute >= 0 else { throw readFailure(name, objectPath) }
            defer { _ = library.attributeClose(attribute) }
            let type = library.attributeType(attribute)
            guard type >= 0 else { throw readFailure(name, objectPath) }
            defer { _ = library.typeClose(type) }
            let space = library.attributeSpace(attribute)
            defer { if space >= 0 { _ = library.spaceClose(space) } }
            let count = space >= 0 ? try Self.elementCount(library, space) : 1
            return try body(attribute, type, count)
        }
    }

    private func readFailure(_ attribute: String, _ objectPath: String) -> FileFormatError {
        FileFormatError(path: path, message: "cannot read the attribute '\(attribute)' of '\(objectPath)' (corrupt file?)")
    }

    /// The type and dimensions of the dataset at `objectPath`.
    func datasetShape(_ objectPath: String) throws -> (type: HDF5Datatype, dimensions: [Int]) {
        try withDataset(objectPath) { _, type, dimensions in (type, dimensions) }
    }

    /// The raw bytes of the dataset at `objectPath`, rows `rows` of its first dimension (all when
    /// `nil`), in the file's layout, with its type and its full dimensions.
    ///
    /// - Throws: ``FileFormatError`` naming the object for a filter libhdf5 cannot apply here
    ///   (Blosc without its plugin), an out-of-range row range, or a failed (corrupt) read.
    func read(_ objectPath: String, rows: Range<Int>? = nil) throws -> (type: HDF5Datatype, dimensions: [Int], bytes: [UInt8]) {
        try withDataset(objectPath) { dataset, type, dimensions in
            try checkFilters(dataset, objectPath)
            let typeID = library.datasetType(dataset)
            guard typeID >= 0 else { throw FileFormatError(path: path, message: "cannot read the type of '\(objectPath)'") }
            defer { _ = library.typeClose(typeID) }
            let total = dimensions.first ?? 1
            let range = rows ?? 0..<total
            guard range.lowerBound >= 0, range.upperBound <= total else {
                throw FileFormatError(path: path, message: "rows \(range) are outside '\(objectPath)', which has \(total)")
            }
            let perRow = dimensions.dropFirst().reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            let (elements, overflow1) = range.count.multipliedReportingOverflow(by: perRow)
            let (byteCount, overflow2) = elements.multipliedReportingOverflow(by: type.size)
            guard !overflow1, !overflow2, byteCount < 1 << 40 else {
                throw FileFormatError(path: path, message: "'\(objectPath)' is too large to read (\(dimensions))")
            }
            var bytes = [UInt8](repeating: 0, count: byteCount)
            guard byteCount > 0 else { return (type, dimensions, bytes) }
            var memorySpace = hid_t(TESSERA_H5S_ALL), fileSpace = hid_t(TESSERA_H5S_ALL)
            if rows != nil, !dimensions.isEmpty, range != 0..<total {
                fileSpace = library.datasetSpace(dataset)
                var start = [hsize_t](repeating: 0, count: dimensions.count)
                var count = dimensions.map { hsize_t($0) }
                start[0] = hsize_t(range.lowerBound)
                count[0] = hsize_t(range.count)
                _ = library.spaceSelectHyperslab(fileSpace, TESSERA_H5S_SELECT_SET, start, nil, count, nil)
                memorySpace = library.spaceCreateSimple(Int32(dimensions.count), count, nil)
            }
            defer {
                if fileSpace != hid_t(TESSERA_H5S_ALL) { _ = library.spaceClose(fileSpace) }
                if memorySpace != hid_t(TESSERA_H5S_ALL) { _ = library.spaceClose(memorySpace) }
            }
            let status = bytes.withUnsafeMutableBytes {
                library.datasetRead(dataset, typeID, memorySpace, fileSpace, hid_t(TESSERA_H5P_DEFAULT), $0.baseAddress)
            }
            guard status >= 0 else {
                throw FileFormatError(path: path, message: "reading '\(objectPath)' failed (the file is truncated or corrupt)")
            }
            return (type, dimensions, bytes)
        }
    }

    private func withDataset<R>(_ objectPath: String, _ body: (hid_t, HDF5Datatype, [Int]) throws -> R) throws -> R {
        guard exists(objectPath) else { throw FileFormatError(path: path, message: "no dataset '\(objectPath)' in the file") }
        let dataset = library.datasetOpen(id, objectPath, hid_t(TESSERA_H5P_DEFAULT))
        guard dataset >= 0 else { throw FileFormatError(path: path, message: "'\(objectPath)' is not a readable dataset") }
        defer { _ = library.datasetClose(dataset) }
        let typeID = library.datasetType(dataset)
        guard typeID >= 0 else { throw FileFormatError(path: path, message: "cannot read the type of '\(objectPath)'") }
        let type = HDF5Datatype.describe(typeID, in: library)
        _ = library.typeClose(typeID)
        let space = library.datasetSpace(dataset)
        guard space >= 0 else { throw FileFormatError(path: path, message: "cannot read the shape of '\(objectPath)'") }
        defer { _ = library.spaceClose(space) }
        let rank = Int(library.spaceRank(space))
        guard (0...32).contains(rank) else { throw FileFormatError(path: path, message: "'\(objectPath)' has no valid shape") }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        _ = library.spaceDimensions(space, &dims, nil)
        let dimensions = dims.prefix(rank).map { Int(clamping: $0) }
        return try body(dataset, type, dimensions)
    }

    /// Throws if a filter of `dataset` cannot be applied by this libhdf5 (a plugin's, such as Blosc).
    private func checkFilters(_ dataset: hid_t, _ objectPath: String) throws {
        let plist = library.datasetCreationList(dataset)
        guard plist >= 0 else { return }
        defer { _ = library.propertyClose(plist) }
        let count = Int(library.propertyFilterCount(plist))
        guard count > 0 else { return }
        for index in 0..<UInt32(count) {
            var flags: UInt32 = 0, valueCount = 0, config: UInt32 = 0
            var name = [CChar](repeating: 0, count: 80)
            let filter = library.propertyFilter(plist, index, &flags, &valueCount, nil, name.count, &name, &config)
            guard filter >= 0, library.filterAvailable(filter) <= 0 else { continue }
            let label = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let what = filter == TESSERA_H5Z_FILTER_BLOSC
                ? "Blosc (filter 32001), which needs the hdf5-blosc plugin on HDF5_PLUGIN_PATH; rewrite it with complib='zlib'"
                : "filter \(filter)\(label.isEmpty ? "" : " (\(label))"), which this libhdf5 does not have"
            throw FileFormatError(path: path, message: "'\(objectPath)' is compressed with \(what)")
        }
    }

    private static func elementCount(_ library: HDF5Library, _ space: hid_t) throws -> Int {
        let rank = Int(library.spaceRank(space))
        guard rank > 0, rank <= 32 else { return 1 }
        var dims = [hsize_t](repeating: 0, count: rank)
        _ = library.spaceDimensions(space, &dims, nil)
        return dims.reduce(1) { $0 * Int(clamping: $1) }
    }
}
