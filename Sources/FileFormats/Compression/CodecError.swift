/// Why compressed data could not be read or written by one of the codecs Parquet uses.
package enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The system library a codec needs could not be loaded.
    case libraryMissing(codec: String, library: String, debianPackage: String)
    /// The data is not valid for the codec, or the library failed.
    case corrupt(codec: String, message: String)

    /// The message.
    package var description: String {
        switch self {
        case let .libraryMissing(codec, library, package):
            "\(codec) support needs the system library \(library), which is not installed; install it (for example `apt-get install \(package)`)"
        case let .corrupt(codec, message): "invalid \(codec) data: \(message)"
        }
    }
}
