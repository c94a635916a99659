#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The bytes of a CSV file, or of a byte range of one, in memory: mapped from the file (read
/// lazily through the page cache) or decompressed into the heap.
///
/// Two guarantees let the parser's inner loops run without bounds checks: a non-empty buffer ends
/// with a line feed (one is appended when the file's last line has none), and at least
/// ``padding`` readable bytes follow the end.
final class CSVInputBuffer: @unchecked Sendable {
    // @unchecked: the bytes are written only while the buffer is being built.

    /// Readable bytes after the end of the data.
    static let padding = 64

    /// The first byte.
    let base: UnsafePointer<UInt8>
    /// The number of bytes, the appended line feed included.
    let count: Int
    /// The number of bytes that came from the file (without the appended line feed).
    let originalCount: Int
    /// The offset of `base` in the (decompressed) file.
    let fileOffset: Int
    /// Whether the buffer reaches the end of the file.
    let reachesEndOfFile: Bool

    private enum Owner {
        case mapping(UnsafeMutableRawPointer, Int)
        case heap(UnsafeMutableRawPointer)
    }

    private let owner: Owner

    private init(base: UnsafePointer<UInt8>, count: Int, originalCount: Int, fileOffset: Int, reachesEndOfFile: Bool,
                 owner: Owner) {
        self.base = base
        self.count = count
        self.originalCount = originalCount
        self.fileOffset = fileOffset
        self.reachesEndOfFile = reachesEndOfFile
        self.owner = owner
    }

    deinit {
        switch owner {
        case let .mapping(address, length): munmap(address, length)
        case let .heap(pointer): free(pointer)
        }
    }

    /// The data as a buffer pointer.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Takes ownership of `malloc` memory holding `count` bytes followed by at least
    /// `padding + 1` writable bytes.
    static func adopting(heap pointer: UnsafeMutableRawPointer, count: Int, fileOffset: Int, reachesEndOfFile: Bool) -> CSVInputBuffer {
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        var length = count
        if length > 0, bytes[length - 1] != 0x0A {
            bytes[length] = 0x0A
            length += 1
        }
        (pointer + length).initializeMemory(as: UInt8.self, repeating: 0, count: padding)
        return CSVInputBuffer(base: UnsafePointer(bytes), count: length, originalCount: count, fileOffset: fileOffset,
                              reachesEndOfFile: reachesEndOfFile, owner: .heap(pointer))
    }

    /// A copy of `data` (for tests and small inputs).
    static func copying(_ data: UnsafeRawBufferPointer) -> CSVInputBuffer {
        let pointer = malloc(data.count + padding + 1) ?? UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)
        if let source = data.baseAddress, data.count > 0 { pointer.copyMemory(from: source, byteCount: data.count) }
        return adopting(heap: pointer, count: data.count, fileOffset: 0, reachesEndOfFile: true)
    }

    /// The size of the file at `path`.
    static func fileSize(path: String) throws(FileFormatError) -> Int {
        let descriptor = try openFile(path)
        defer { close(descriptor) }
        return try size(of: descriptor, path: path)
    }

    /// Bytes `range` of the uncompressed file at `path` (the whole file if `nil`).
    static func load(path: String, range: Range<Int>?) throws(FileFormatError) -> CSVInputBuffer {
        let descriptor = try openFile(path)
        defer { close(descriptor) }
        let fileSize = try size(of: descriptor, path: path)
        let lower = min(max(range?.lowerBound ?? 0, 0), fileSize)
        let upper = min(max(range?.upperBound ?? fileSize, lower), fileSize)
        let length = upper - lower
        let reachesEnd = upper == fileSize
        if length == 0 {
            return copying(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let page = pageSize
        let alignedLower = lower / page * page
        let mappedLength = upper - alignedLower
        let reserved = (mappedLength + padding + 1 + page - 1) / page * page
        if let reservation = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
           reservation != MAP_FAILED {
            let mapped = mmap(reservation, mappedLength, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED,
                              descriptor, off_t(alignedLower))
            if let mapped, mapped != MAP_FAILED {
                let start = mapped.assumingMemoryBound(to: UInt8.self) + (lower - alignedLower)
                var count = length
                if start[count - 1] != 0x0A {
                    // Beyond the end of the range: the rest of the last page (zero past the end of
                    // the file, writable in a private mapping) or the anonymous reservation.
                    start[count] = 0x0A
                    count += 1
                }
                #if canImport(Glibc)
                _ = madvise(mapped, mappedLength, MADV_SEQUENTIAL)
                #endif
                return CSVInputBuffer(base: UnsafePointer(start), count: count, originalCount: length, fileOffset: lower,
                                      reachesEndOfFile: reachesEnd, owner: .mapping(reservation, reserved))
            }
            munmap(reservation, reserved)
        }
        // No mapping: read the bytes.
        guard let pointer = malloc(length + padding + 1) else {
            throw FileFormatError(path: path, message: "Out of memory reading \(length) bytes.")
        }
        var done = 0
        while done < length {
            let got = pread(descriptor, pointer + done, length - done, off_t(lower + done))
            if got <= 0 {
                free(pointer)
                throw FileFormatError(path: path, message: "Cannot read the file: \(errorText()).")
            }
            done += got
        }
        return adopting(heap: pointer, count: length, fileOffset: lower, reachesEndOfFile: reachesEnd)
    }

    /// The decompressed bytes of the gzip file at `path`, all of them or (`limit`) at least the
    /// first `limit`.
    static func loadGzip(path: String, limit: Int? = nil) throws(FileFormatError) -> CSVInputBuffer {
        let compressed = try load(path: path, range: nil)
        do {
            let result = try Gzip.decompress(UnsafeRawBufferPointer(start: compressed.base, count: compressed.originalCount),
                                              limit: limit, padding: padding + 1)
            let complete = limit.map { result.count < $0 } ?? true
            return adopting(heap: result.bytes, count: result.count, fileOffset: 0, reachesEndOfFile: complete)
        } catch {
            throw FileFormatError(path: path, message: String(error.description.prefix(1).uppercased() + error.description.dropFirst()) + ".")
        }
    }

    private static var pageSize: Int {
        #if canImport(Glibc)
        Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        Int(getpagesize())
        #endif
    }

    private static func openFile(_ path: String) throws(FileFormatError) -> Int32 {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileFormatError(path: path, message: "Cannot open the file: \(errorText()).")
        }
        return descriptor
    }

    private static func size(of descriptor: Int32, path: String) throws(FileFormatError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw FileFormatError(path: path, message: "Cannot read the file's size: \(errorText()).")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw FileFormatError(path: path, message: "Not a regular file.")
        }
        return Int(info.st_size)
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}
