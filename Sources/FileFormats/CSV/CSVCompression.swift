/// How a CSV file is compressed.
public enum CSVCompression: String, Sendable, Hashable, CaseIterable {
    /// Gzip when the path ends in `.gz`, none otherwise.
    case infer
    /// Not compressed.
    case none
    /// Gzip (RFC 1952), decompressed with the system zlib loaded at run time.
    case gzip

    /// The compression of the file at `path`: `self`, with ``infer`` resolved from the suffix.
    public func resolved(for path: String) -> CSVCompression {
        guard self == .infer else { return self }
        return path.lowercased().hasSuffix(".gz") ? .gzip : .none
    }
}
