/// A problem found while decoding ORC bytes, before the file's path is known; the reader turns
/// it into a ``FileFormatError`` naming the file.
struct ORCFormatError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, as a sentence.
    var message: String
    /// A byte offset in the file, when one is known.
    var offset: Int?

    init(_ message: String, offset: Int? = nil) {
        self.message = message
        self.offset = offset
    }

    var description: String { message }

    /// The same problem, prefixed with where it happened (a column, a stripe).
    func context(_ prefix: String) -> ORCFormatError {
        ORCFormatError("\(prefix): \(message)", offset: offset)
    }

    /// The error for `path`.
    func fileError(path: String) -> FileFormatError {
        FileFormatError(path: path, location: offset.map { .byteOffset($0) } ?? .file, message: message)
    }
}
