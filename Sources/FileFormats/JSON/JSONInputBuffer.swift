/// The bytes of a file (or part of one) in memory, followed by zeroed padding.
///
/// The padding lets the parser load eight bytes at a time and look one byte past the last token
/// without bounds checks: a zero byte is never valid JSON outside a string, nor raw inside one, so
/// every scan stops on it and then asks whether it reached ``end``.
final class JSONInputBuffer {
    /// Zero bytes after the data.
    static let padding = 64

    /// The first byte.
    let start: UnsafePointer<UInt8>
    /// One past the last byte of data (the first padding byte).
    private(set) var end: UnsafePointer<UInt8>
    /// The number of data bytes.
    private(set) var count: Int
    private let storage: UnsafeMutablePointer<UInt8>

    /// A buffer of `count` uninitialised data bytes and zeroed padding.
    init(count: Int) {
        storage = UnsafeMutablePointer<UInt8>.allocate(capacity: count + Self.padding)
        (storage + count).initialize(repeating: 0, count: Self.padding)
        self.count = count
        start = UnsafePointer(storage)
        end = start + count
    }

    /// A buffer holding `bytes`.
    convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { storage.update(from: base, count: bytes.count) }
        }
    }

    deinit { storage.deallocate() }

    /// Keeps only the first `length` data bytes (the rest become padding).
    func truncate(to length: Int) {
        guard length < count else { return }
        (storage + length).update(repeating: 0, count: count - length)
        count = length
        end = start + length
    }

    /// The data bytes, for writing while the buffer is filled.
    var mutableStart: UnsafeMutablePointer<UInt8> { storage }

    /// Reads `range` of the file at `path` (the whole file when `nil`).
    static func read(path: String, range: Range<Int>?) throws(FileFormatError) -> JSONInputBuffer {
        let file = try JSONFileHandle(path: path)
        let size = try file.size()
        let lower = range.map { max(0, $0.lowerBound) } ?? 0
        let upper = range.map { min(size, $0.upperBound) } ?? size
        let buffer = JSONInputBuffer(count: max(0, upper - lower))
        try file.read(into: buffer.mutableStart, count: buffer.count, at: lower)
        return buffer
    }
}
