import Backends

/// An error reading or writing a file, naming the file and where in it the problem is.
public struct FileFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the file the problem was found.
    public enum Location: Sendable, Equatable {
        /// A 1-based line number.
        case line(Int)
        /// A 0-based byte offset into the (decompressed) file.
        case byteOffset(Int)
        /// The file as a whole.
        case file
    }

    /// The file's path.
    public let path: String
    /// Where the problem is.
    public let location: Location
    /// What is wrong, as a sentence.
    public let message: String

    /// An error in `path` at `location`.
    public init(path: String, location: Location = .file, message: String) {
        self.path = path
        self.location = location
        self.message = message
    }

    /// `path:line N: message`, `path at byte N: message` or `path: message`.
    public var description: String {
        switch location {
        case let .line(line): "\(path), line \(line): \(message)"
        case let .byteOffset(offset): "\(path), byte \(offset): \(message)"
        case .file: "\(path): \(message)"
        }
    }
}
