/// Which rows of a column hold a value: one bit per row, set for a valid row, as Arrow lays it out.
///
/// A column with no nulls has no bitmap at all (``Column/validity`` is `nil`), so kernels test for
/// that case once and run their fast loop.
public struct ValidityBitmap: Sendable, Hashable {
    /// The bits, 64 rows per word, row `i` at bit `i % 64` of word `i / 64`.
    public var words: [UInt64]

    /// The number of rows described.
    public let count: Int

    /// A bitmap of `count` rows, all valid or all null.
    public init(count: Int, allValid: Bool) {
        self.count = count
        let wordCount = (count + 63) / 64
        words = [UInt64](repeating: allValid ? ~0 : 0, count: wordCount)
        if allValid { clearPadding() }
    }

    /// A bitmap from one flag per row.
    public init<S: Sequence>(_ flags: S) where S.Element == Bool {
        var words: [UInt64] = []
        var current: UInt64 = 0
        var count = 0
        for flag in flags {
            if flag { current |= 1 << UInt64(count & 63) }
            count += 1
            if count & 63 == 0 { words.append(current); current = 0 }
        }
        if count & 63 != 0 { words.append(current) }
        self.words = words
        self.count = count
    }

    /// Wraps words already laid out (bits beyond `count` are cleared).
    ///
    /// - Throws: ``FrameError/invalidColumn(_:)`` if there are not `(count + 63) / 64` words.
    public init(words: [UInt64], count: Int) throws(FrameError) {
        guard count >= 0, words.count == (count + 63) / 64 else {
            throw .invalidColumn("a bitmap of \(count) rows needs \((max(count, 0) + 63) / 64) words, got \(words.count)")
        }
        self.init(unchecked: words, count: count)
    }

    /// Wraps words the caller (a kernel) guarantees to number `(count + 63) / 64`.
    package init(unchecked words: [UInt64], count: Int) {
        self.words = words
        self.count = count
        clearPadding()
    }

    private mutating func clearPadding() {
        let tail = count & 63
        if tail != 0, !words.isEmpty { words[words.count - 1] &= (1 << UInt64(tail)) - 1 }
    }

    /// Whether row `index` holds a value.
    @inlinable
    public func isValid(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Marks row `index` valid or null.
    @inlinable
    public mutating func set(_ index: Int, valid: Bool) {
        if valid { words[index >> 6] |= 1 << UInt64(index & 63) } else { words[index >> 6] &= ~(1 << UInt64(index & 63)) }
    }

    /// The number of valid rows.
    public var validCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The number of null rows.
    public var nullCount: Int { count - validCount }

    /// Rows valid in both bitmaps; `nil` operands mean all valid.
    ///
    /// Bitmaps of different lengths are intersected over the shorter one's words; kernels only
    /// pass bitmaps of one column length.
    public static func intersection(_ a: ValidityBitmap?, _ b: ValidityBitmap?) -> ValidityBitmap? {
        guard let a else { return b }
        guard let b else { return a }
        var result = a
        for i in result.words.indices { result.words[i] &= i < b.words.count ? b.words[i] : 0 }
        return result
    }

    /// `nil` if every row is valid, the bitmap otherwise: the canonical form columns store.
    public var normalized: ValidityBitmap? { validCount == count ? nil : self }
}
