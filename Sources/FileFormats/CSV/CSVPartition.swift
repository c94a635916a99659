/// One piece of a CSV file that one task parses: a byte range starting and ending at line
/// boundaries, as ``CSVReader/partitions(path:options:blocksize:)`` computes them.
public struct CSVPartition: Sendable, Hashable {
    /// The file.
    public let path: String
    /// The bytes of the file this partition covers, or `nil` for the whole file.
    public let byteRange: Range<Int>?
    /// Whether this is the file's first partition, the one holding the skipped rows and the header.
    public let isFirstInFile: Bool

    /// A partition of `path`.
    public init(path: String, byteRange: Range<Int>?, isFirstInFile: Bool) {
        self.path = path
        self.byteRange = byteRange
        self.isFirstInFile = isFirstInFile
    }
}
