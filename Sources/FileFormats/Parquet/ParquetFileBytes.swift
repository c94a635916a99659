#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// The bytes of a Parquet file in memory: mapped read-only from the file (pages are read lazily
/// through the page cache, so columns that are not read cost nothing) or copied into the heap.
final class ParquetFileBytes: @unchecked Sendable {
    // @unchecked: the bytes are never written after the object is made.

    /// The first byte (`nil` for an empty file).
    let base: UnsafeRawPointer?
    /// The number of bytes.
    let count: Int

    private enum Owner {
        case mapping(UnsafeMutableRawPointer, Int)
        case heap(UnsafeMutableRawPointer)
        case none
    }

    private let owner: Owner

    private init(base: UnsafeRawPointer?, count: Int, owner: Owner) {
        self.base = base
        self.count = count
        self.owner = owner
    }

    deinit {
        switch owner {
        case let .mapping(address, length): munmap(address, length)
        case let .heap(pointer): pointer.deallocate()
        case .none: break
        }
    }

    /// A copy of `bytes`.
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0, let source = bytes.baseAddress else {
            self.init(base: nil, count: 0, owner: .none)
            return
        }
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 16)
        pointer.copyMemory(from: source, byteCount: bytes.count)
        self.init(base: UnsafeRawPointer(pointer), count: bytes.count, owner: .heap(pointer))
    }

    /// A copy of `bytes`.
    convenience init(_ bytes: [UInt8]) {
        self.init(copying: bytes.withUnsafeBytes { $0 })
    }

    /// Asks for transparent huge pages for the 2 MiB-aligned part of `count` bytes at `pointer`
    /// (fewer page faults when a large output buffer is first written); a hint only.
    static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, count: Int) {
        #if os(Linux)
        let huge = 2 << 20
        let address = Int(bitPattern: pointer)
        let start = (address + huge - 1) / huge * huge
        let end = (address + count) / huge * huge
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, 14) // MADV_HUGEPAGE
        #endif
    }

    /// The bytes as a buffer.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Bytes `range`, which the caller has checked lie inside the file.
    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// The file at `path`, mapped (or read, where mapping fails).
    static func load(path: String) throws(FileFormatError) -> ParquetFileBytes {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileFormatError(path: path, message: "Cannot open the file: \(String(cString: strerror(errno))).")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw FileFormatError(path: path, message: "Cannot read the file's size: \(String(cString: strerror(errno))).")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw FileFormatError(path: path, message: "This is a directory, not a Parquet file.")
        }
        let size = Int(info.st_size)
        if size == 0 { return ParquetFileBytes(base: nil, count: 0, owner: .none) }
        if let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED {
            return ParquetFileBytes(base: UnsafeRawPointer(mapped), count: size, owner: .mapping(mapped, size))
        }
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        var done = 0
        while done < size {
            let got = pread(descriptor, pointer + done, size - done, off_t(done))
            if got <= 0 {
                pointer.deallocate()
                throw FileFormatError(path: path, message: "Cannot read the file: \(String(cString: strerror(errno))).")
            }
            done += got
        }
        return ParquetFileBytes(base: UnsafeRawPointer(pointer), count: size, owner: .heap(pointer))
    }
}
