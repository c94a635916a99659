/// A piece of one JSON file that one task reads: the whole file, or (JSON Lines only) a byte range
/// that starts at the beginning of a line and ends just after a newline or at the end of the file.
public struct JSONPartition: Sendable, Hashable {
    /// The file's path.
    public let path: String
    /// The bytes of the file this partition covers; `nil` for the whole file.
    public let byteRange: Range<Int>?

    /// A partition of `path` covering `byteRange` (`nil`: the whole file).
    public init(path: String, byteRange: Range<Int>? = nil) {
        self.path = path
        self.byteRange = byteRange
    }
}
