/// UTF-8 strings packed as Arrow packs them: one byte buffer and `count + 1` offsets into it.
///
/// String `i` is `bytes[offsets[i] ..< offsets[i + 1]]`. Null rows have an empty range; whether a
/// row is null is the column's validity bitmap's business.
public struct StringBuffer: Sendable, Hashable {
    /// Start of each string in `bytes`, plus the end of the last one.
    public private(set) var offsets: [Int64]
    /// The concatenated UTF-8 bytes.
    public private(set) var bytes: [UInt8]

    /// An empty buffer, optionally with room reserved.
    public init(reservingCapacity count: Int = 0, bytes byteCount: Int = 0) {
        offsets = [0]
        offsets.reserveCapacity(count + 1)
        bytes = []
        bytes.reserveCapacity(byteCount)
    }

    /// A buffer holding `strings` (a `nil` is stored as an empty string).
    public init<S: Sequence>(_ strings: S) where S.Element == String? {
        self.init()
        for string in strings { append(string ?? "") }
    }

    /// Wraps offsets and bytes already laid out.
    ///
    /// - Throws: ``FrameError/invalidColumn(_:)`` unless the offsets start at 0, never decrease
    ///   and end at `bytes.count`.
    public init(offsets: [Int64], bytes: [UInt8]) throws(FrameError) {
        guard offsets.first == 0, offsets.last == Int64(bytes.count), zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw .invalidColumn("string offsets must start at 0, never decrease and end at the byte count \(bytes.count)")
        }
        self.init(unchecked: offsets, bytes: bytes)
    }

    /// Wraps offsets and bytes a kernel built consistently.
    package init(unchecked offsets: [Int64], bytes: [UInt8]) {
        self.offsets = offsets
        self.bytes = bytes
    }

    /// The number of strings.
    public var count: Int { offsets.count - 1 }

    /// Appends one string.
    public mutating func append(_ string: String) {
        var string = string
        string.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(Int64(bytes.count))
    }

    /// Appends one string given as UTF-8 bytes.
    public mutating func append(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: utf8)
        offsets.append(Int64(bytes.count))
    }

    /// Appends an empty string (the placeholder of a null row).
    public mutating func appendEmpty() {
        offsets.append(Int64(bytes.count))
    }

    /// The string at `index`.
    public subscript(index: Int) -> String {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of string `index`.
    @inlinable
    public func withUTF8<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = Int(offsets[index]), end = Int(offsets[index + 1])
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// The byte length of string `index`.
    @inlinable
    public func byteCount(_ index: Int) -> Int { Int(offsets[index + 1] - offsets[index]) }
}
