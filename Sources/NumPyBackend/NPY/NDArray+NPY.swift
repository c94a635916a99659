#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Backends

extension NDArray {
    /// The array stored in `.npy` bytes, as `np.load` reads them (C or Fortran order, either byte order).
    ///
    /// ```swift
    /// let host = try NDArray(npyBytes: bytes)
    /// ```
    ///
    /// - Throws: ``NPYError`` for malformed or truncated bytes or an unsupported dtype; never traps.
    public init(npyBytes bytes: [UInt8]) throws {
        let header = try NPYHeader(parsing: bytes)
        guard bytes.count - header.dataOffset >= header.dataByteCount else {
            throw NPYError("the data is truncated: \(bytes.count - header.dataOffset) bytes for \(header.dataByteCount)")
        }
        let stored = NDArray(uninitializedShape: header.fortranOrder ? header.shape.reversed() : header.shape,
                             dtype: header.dtype)
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, header.dataByteCount > 0 else { return }
            stored.storage.bytes.copyMemory(from: base + header.dataOffset, byteCount: header.dataByteCount)
        }
        stored.normalizeLoaded(bigEndian: header.bigEndian)
        self = header.fortranOrder ? try stored.transposedCopy(Array((0..<header.shape.count).reversed())) : stored
    }

    /// The array in the `.npy` file at `path`.
    ///
    /// - Throws: ``NPYError`` naming the file for a missing, unreadable, malformed or truncated file.
    public init(contentsOfNPY path: String) throws {
        let file = try NPYFile(path: path)
        defer { file.close() }
        let header = try file.header()
        guard file.size - header.dataOffset >= header.dataByteCount else {
            throw NPYError(path: path, "the data is truncated: \(file.size - header.dataOffset) bytes for \(header.dataByteCount)")
        }
        let stored = NDArray(uninitializedShape: header.fortranOrder ? header.shape.reversed() : header.shape,
                             dtype: header.dtype)
        try file.read(into: stored.storage.bytes, count: header.dataByteCount, at: header.dataOffset)
        stored.normalizeLoaded(bigEndian: header.bigEndian)
        self = header.fortranOrder ? try stored.transposedCopy(Array((0..<header.shape.count).reversed())) : stored
    }

    /// The array as `.npy` bytes (format 1.0, C order, little-endian), as `np.save` writes them.
    public func npyBytes() -> [UInt8] {
        let header = NPYHeader(dtype: dtype, shape: shape).encoded()
        let byteCount = count * dtype.itemSize
        return header + [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
            if let base = buffer.baseAddress, byteCount > 0 {
                UnsafeMutableRawPointer(base).copyMemory(from: storage.bytes, byteCount: byteCount)
            }
            initialized = byteCount
        }
    }

    /// Writes the array to `path` as a `.npy` file that `np.load` reads.
    ///
    /// - Throws: ``NPYError`` naming the file if it cannot be written.
    public func writeNPY(to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NPYError(path: path, "it cannot be created (\(String(cString: strerror(errno))))") }
        defer { closeDescriptor(fd) }
        let header = NPYHeader(dtype: dtype, shape: shape).encoded()
        try header.withUnsafeBytes { raw in try Self.writeAll(fd, raw.baseAddress, raw.count, path: path) }
        try Self.writeAll(fd, UnsafeRawPointer(storage.bytes), count * dtype.itemSize, path: path)
    }

    private static func writeAll(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, path: String) throws {
        guard var cursor = pointer else { return }
        var left = count
        while left > 0 {
            let written = write(fd, cursor, Swift.min(left, 1 << 30))
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw NPYError(path: path, "writing failed (\(String(cString: strerror(errno))))") }
            cursor += written
            left -= written
        }
    }

    /// Byte-swaps big-endian data and makes booleans 0 or 1 (any nonzero byte is true, as NumPy reads it).
    private func normalizeLoaded(bigEndian: Bool) {
        let n = count
        let bytes = storage.bytes
        if bigEndian {
            let width = dtype.itemSize
            for k in 0..<n {
                let element = bytes + k * width
                for i in 0..<(width / 2) {
                    let t = element.load(fromByteOffset: i, as: UInt8.self)
                    element.storeBytes(of: element.load(fromByteOffset: width - 1 - i, as: UInt8.self), toByteOffset: i,
                                       as: UInt8.self)
                    element.storeBytes(of: t, toByteOffset: width - 1 - i, as: UInt8.self)
                }
            }
        }
        if dtype == .bool {
            let flags = bytes.assumingMemoryBound(to: UInt8.self)
            for k in 0..<n where flags[k] > 1 { flags[k] = 1 }
        }
    }

    /// The block at `offset` with `shape` of the C-order `.npy` array described by `header` in
    /// the file at `path`, read with one positioned read per contiguous run.
    package static func readNPYBlock(path: String, header: NPYHeader, offset: [Int], shape blockShape: [Int]) throws
        -> NDArray {
        let file = try NPYFile(path: path)
        defer { file.close() }
        guard file.size - header.dataOffset >= header.dataByteCount else {
            throw NPYError(path: path, "the data is truncated: \(file.size - header.dataOffset) bytes for \(header.dataByteCount)")
        }
        let full = header.shape
        let block = NDArray(uninitializedShape: blockShape, dtype: header.dtype)
        let item = header.dtype.itemSize
        // Trailing axes taken whole merge into one run.
        var runAxes = full.count
        var run = 1
        while runAxes > 0 {
            let axis = runAxes - 1
            run *= blockShape[axis]
            runAxes -= 1
            if blockShape[axis] != full[axis] || offset[axis] != 0 { break }
        }
        if block.count > 0 {
            let strides = NDArray(shape: full, dtype: header.dtype, storage: block.storage).strides
            let outerShape = Array(blockShape.prefix(runAxes))
            var index = [Int](repeating: 0, count: outerShape.count)
            var target = block.storage.bytes
            for _ in 0..<outerShape.reduce(1, *) {
                var element = full.isEmpty ? 0 : offset[runAxes] * strides[runAxes]
                for (axis, i) in index.enumerated() { element += (offset[axis] + i) * strides[axis] }
                try file.read(into: target, count: run * item, at: header.dataOffset + element * item)
                target += run * item
                var axis = outerShape.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < outerShape[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        block.normalizeLoaded(bigEndian: header.bigEndian)
        return block
    }

    /// The header of the `.npy` file at `path`.
    package static func npyHeader(path: String) throws -> NPYHeader {
        let file = try NPYFile(path: path)
        defer { file.close() }
        let header = try file.header()
        guard file.size - header.dataOffset >= header.dataByteCount else {
            throw NPYError(path: path, "the data is truncated: \(file.size - header.dataOffset) bytes for \(header.dataByteCount)")
        }
        return header
    }
}

/// An open `.npy` file, read with positioned reads.
private struct NPYFile {
    let path: String
    let fd: Int32
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw NPYError(path: path, "it cannot be opened (\(String(cString: strerror(errno))))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            closeDescriptor(fd)
            throw NPYError(path: path, "its size cannot be read")
        }
        size = Int(info.st_size)
    }

    func close() { closeDescriptor(fd) }

    func header() throws -> NPYHeader {
        var prefix = [UInt8](repeating: 0, count: Swift.min(size, 12))
        try prefix.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { try read(into: base, count: raw.count, at: 0) }
        }
        guard prefix.count >= 10 else { throw NPYError(path: path, "it is too short to hold a .npy header") }
        let length = prefix[6] == 1 ? Int(prefix[8]) | Int(prefix[9]) << 8
            : (prefix.count >= 12 ? Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24 : 0)
        let total = Swift.min(size, (prefix[6] == 1 ? 10 : 12) + length)
        var bytes = [UInt8](repeating: 0, count: total)
        try bytes.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { try read(into: base, count: raw.count, at: 0) }
        }
        return try NPYHeader(parsing: bytes, path: path)
    }

    func read(into target: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let got = pread(fd, target + done, count - done, off_t(offset + done))
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw NPYError(path: path, "reading failed at byte \(offset + done)") }
            done += got
        }
    }
}

/// Closes a file descriptor (a free function, so `NPYFile.close()` does not shadow it).
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
