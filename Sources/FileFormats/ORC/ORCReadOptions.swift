/// How to read ORC files, with their defaults.
public struct ORCReadOptions: Sendable, Hashable {
    /// How many consecutive stripes of a file make one partition: 1 gives a partition per stripe,
    /// `nil` a partition per file.
    public var stripesPerPartition: Int? = 1
    /// Whether columns and stripes are decoded in parallel.
    public var useThreads: Bool = true
    /// The most rows a stripe may claim: guards memory against corrupt or hostile files.
    public var maxRowsPerStripe: Int = 1 << 31
    /// The most bytes one stream may decompress to.
    public var maxStreamSize: Int = 1 << 32

    /// The default options.
    public init() {}
}
