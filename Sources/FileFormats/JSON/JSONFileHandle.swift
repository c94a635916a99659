#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file read with `pread`, closed when released.
struct JSONFileHandle: ~Copyable {
    /// The path, for messages.
    let path: String
    private let descriptor: Int32

    /// Opens `path` for reading.
    init(path: String) throws(FileFormatError) {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw FileFormatError(path: path, message: "Cannot open the file: \(Self.lastError()).")
        }
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(descriptor)
            throw FileFormatError(path: path, message: "The path is a directory, not a JSON file.")
        }
    }

    deinit { close(descriptor) }

    /// The size of the file in bytes.
    func size() throws(FileFormatError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw FileFormatError(path: path, message: "Cannot read the file's size: \(Self.lastError()).")
        }
        return Int(info.st_size)
    }

    /// Reads `count` bytes at `offset` into `target`; fewer bytes than asked is an error.
    func read(into target: UnsafeMutablePointer<UInt8>, count: Int, at offset: Int) throws(FileFormatError) {
        var done = 0
        while done < count {
            let got = pread(descriptor, target + done, count - done, off_t(offset + done))
            if got < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(path: path, location: .byteOffset(offset + done),
                                      message: "Cannot read the file: \(Self.lastError()).")
            }
            if got == 0 {
                throw FileFormatError(path: path, location: .byteOffset(offset + done),
                                      message: "The file ended early (it changed while being read).")
            }
            done += got
        }
    }

    /// The number of newline bytes in the first `limit` bytes of the file.
    func countNewlines(before limit: Int) throws(FileFormatError) -> Int {
        let chunk = 1 << 20
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var newlines = 0
        var offset = 0
        while offset < limit {
            let length = min(chunk, limit - offset)
            try read(into: buffer, count: length, at: offset)
            for index in 0..<length where buffer[index] == 0x0A { newlines += 1 }
            offset += length
        }
        return newlines
    }

    /// The offset just past the first newline at or after `offset`, or `size` if there is none.
    func lineEnd(after offset: Int, size: Int) throws(FileFormatError) -> Int {
        let chunk = 64 * 1024
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var position = offset
        while position < size {
            let length = min(chunk, size - position)
            try read(into: buffer, count: length, at: position)
            for index in 0..<length where buffer[index] == 0x0A { return position + index + 1 }
            position += length
        }
        return size
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
