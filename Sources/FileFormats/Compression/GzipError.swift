/// Why gzip data could not be read or written.
package enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system zlib (`libz.so.1`) could not be loaded.
    case zlibNotInstalled
    /// The data is not valid gzip, or zlib failed.
    case corrupt(String)

    /// The message.
    package var description: String {
        switch self {
        case .zlibNotInstalled:
            "gzip support needs the system zlib (libz.so.1), which is not installed; install zlib (for example `apt-get install zlib1g`) or decompress the file first"
        case let .corrupt(message): "invalid gzip data: \(message)"
        }
    }
}
