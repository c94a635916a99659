#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The object keys the parser has met, each mapped to a column (or to none, for keys it skips).
///
/// Keys are matched two ways. The fast way compares the raw bytes of the key in the input, up to
/// and including its closing quote, with a key expected at that position of the object (objects
/// usually repeat one key order), one or two 64-bit word comparisons for short keys. The slow way
/// decodes the key and looks it up in an open-addressing hash table. Only keys whose JSON spelling
/// is their raw UTF-8 (no quote, backslash or control character) take the fast way.
struct JSONKeyTable {
    /// One known key.
    struct Entry {
        /// Where the key's bytes start in `names`.
        var offset: Int
        /// The key's length in bytes.
        var length: Int
        /// The column index, or -1 for a key that is skipped.
        var target: Int
        /// Whether the key can be matched by raw comparison.
        var fast: Bool
        /// The first eight bytes of the key followed by a quote, and which of them count.
        var word0: UInt64
        var mask0: UInt64
        /// Bytes 8 ..< 16 of the same, for keys of 8 to 15 bytes.
        var word1: UInt64
        var mask1: UInt64
    }

    /// What the parser expects at one position of an object: a copy of one entry's matching data,
    /// so that the comparison loads nothing that depends on the previous key.
    struct Slot {
        /// The key (under 8 bytes) and its closing quote, as a little-endian word, and which bytes count.
        var word0: UInt64 = 0
        var mask0: UInt64 = 0
        /// The entry (-1: none yet).
        var entry: Int32 = -1
        /// The entry's column (-1: skipped).
        var target: Int32 = -1
        /// The key's length in bytes.
        var length: Int32 = 0
        /// Whether `word0` and `mask0` decide the match alone (a fast key under 8 bytes).
        var short = false
    }

    /// The slot for entry `index`.
    func slot(_ index: Int) -> Slot {
        let entry = entries.unsafelyUnwrapped[index]
        return Slot(word0: entry.word0, mask0: entry.mask0, entry: Int32(index), target: Int32(entry.target),
                    length: Int32(entry.length), short: entry.fast && entry.length < 8)
    }

    /// Skipped keys beyond this many are looked up but not remembered (bounds memory for inputs
    /// with endless distinct keys); keys of columns are always remembered.
    static let maximumEntries = 1 << 16

    private var names = JSONByteBuffer()
    private var entries: UnsafeMutablePointer<Entry>?
    private(set) var count = 0
    private var entryCapacity = 0
    private var slots: UnsafeMutablePointer<Int32>?
    private var slotCount = 0

    /// An empty table.
    init() {}

    /// The column of entry `index` (-1: skipped).
    @inline(__always)
    func target(_ index: Int) -> Int { entries.unsafelyUnwrapped[index].target }

    /// The key length of entry `index`.
    @inline(__always)
    func length(_ index: Int) -> Int { entries.unsafelyUnwrapped[index].length }

    /// Whether the input at `p` (just after an opening quote) is entry `index`'s key and its closing
    /// quote. Reads up to 16 bytes at `p`, which the input's padding makes safe, and longer keys
    /// only when `available` (the bytes from `p` to the end of the input) holds them.
    @inline(__always)
    func matches(_ index: Int, at p: UnsafePointer<UInt8>, available: Int) -> Bool {
        let entry = entries.unsafelyUnwrapped[index]
        guard entry.fast else { return false }
        let raw = UnsafeRawPointer(p)
        let first = raw.loadUnaligned(as: UInt64.self)
        if entry.length < 8 { return first & entry.mask0 == entry.word0 }
        guard first == entry.word0 else { return false }
        if entry.length < 16 { return raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & entry.mask1 == entry.word1 }
        guard let name = names.base, available > entry.length else { return false }
        return memcmp(p, name + entry.offset, entry.length) == 0 && p[entry.length] == UInt8(ascii: "\"")
    }

    /// The entry of the key `key ..< key + length`, if known.
    func find(_ key: UnsafePointer<UInt8>, _ length: Int) -> Int? {
        guard let slots, let entries, let base = names.base else { return nil }
        var slot = Int(Self.hash(key, length) & UInt64(slotCount - 1))
        while true {
            let index = Int(slots[slot])
            if index < 0 { return nil }
            let entry = entries[index]
            if entry.length == length, memcmp(base + entry.offset, key, length) == 0 { return index }
            slot = (slot + 1) & (slotCount - 1)
        }
    }

    /// Remembers a key (not already present) mapped to `target`; returns its entry, or `nil` if the
    /// table is full and the key is a skipped one.
    mutating func insert(_ key: UnsafePointer<UInt8>, _ length: Int, target: Int) -> Int? {
        guard count < Self.maximumEntries || target >= 0 else { return nil }
        if count == entryCapacity {
            entryCapacity = max(16, entryCapacity * 2)
            guard let raw = realloc(entries, entryCapacity * MemoryLayout<Entry>.stride) else { fatalError("Out of memory reading JSON.") }
            entries = raw.assumingMemoryBound(to: Entry.self)
        }
        if (count + 1) * 2 > slotCount { rehash(max(32, slotCount * 2)) }
        let offset = names.count
        names.append(key, length)
        var fast = true
        for index in 0..<length where key[index] < 0x20 || key[index] == UInt8(ascii: "\"") || key[index] == UInt8(ascii: "\\") {
            fast = false
        }
        // The key and its closing quote, as the two words `matches` compares.
        var spelled = [UInt8](repeating: 0, count: 16)
        for index in 0..<min(length, 16) { spelled[index] = key[index] }
        if length < 16 { spelled[length] = UInt8(ascii: "\"") }
        var word0: UInt64 = 0, word1: UInt64 = 0
        for index in 0..<8 {
            word0 |= UInt64(spelled[index]) << UInt64(8 * index)
            word1 |= UInt64(spelled[8 + index]) << UInt64(8 * index)
        }
        let mask0: UInt64 = length < 7 ? (1 << UInt64(8 * (length + 1))) - 1 : ~0
        let mask1: UInt64 = length >= 8 && length < 15 ? (1 << UInt64(8 * (length - 7))) - 1 : ~0
        let index = count
        entries.unsafelyUnwrapped[index] = Entry(offset: offset, length: length, target: target, fast: fast,
                                                 word0: word0 & mask0, mask0: mask0, word1: word1 & mask1, mask1: mask1)
        count += 1
        place(index)
        return index
    }

    private mutating func place(_ index: Int) {
        guard let slots, let entries, let base = names.base else { return }
        let entry = entries[index]
        var slot = Int(Self.hash(base + entry.offset, entry.length) & UInt64(slotCount - 1))
        while slots[slot] >= 0 { slot = (slot + 1) & (slotCount - 1) }
        slots[slot] = Int32(index)
    }

    private mutating func rehash(_ newCount: Int) {
        free(slots)
        guard let raw = malloc(newCount * 4) else { fatalError("Out of memory reading JSON.") }
        slots = raw.assumingMemoryBound(to: Int32.self)
        slots.unsafelyUnwrapped.initialize(repeating: -1, count: newCount)
        slotCount = newCount
        for index in 0..<count { place(index) }
    }

    private static func hash(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in 0..<length { hash = (hash ^ UInt64(key[index])) &* 0x0000_0100_0000_01B3 }
        return hash ^ (hash >> 29)
    }

    /// Frees the memory.
    mutating func release() {
        names.release()
        free(entries)
        free(slots)
        entries = nil
        slots = nil
        count = 0
        entryCapacity = 0
        slotCount = 0
    }
}
