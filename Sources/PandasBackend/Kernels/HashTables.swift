/// An open-addressing (linear probing) table from 64-bit keys to group numbers, over raw buffers.
///
/// Group numbers are handed out by the caller (`newID` is the next unused number); the table
/// doubles when a quarter full (half, once large). Call ``deallocate()`` when done.
struct KeyTable {
    private var keys: UnsafeMutablePointer<UInt64>
    private var ids: UnsafeMutablePointer<Int32>
    private var groupKeys: [(key: UInt64, id: Int32)] = []
    private var bits: Int
    private var mask: Int

    init(bits: Int = 10) {
        self.bits = bits
        mask = (1 << bits) - 1
        keys = .allocate(capacity: 1 << bits)
        ids = .allocate(capacity: 1 << bits)
        ids.initialize(repeating: -1, count: 1 << bits)
    }

    /// The table grows past `1 / divisor` full: a quarter while small (so that most lookups probe
    /// one slot, and their branches predict well), half once larger than 64K slots.
    @inline(__always)
    static func loadDivisor(_ mask: Int) -> Int { mask < 1 << 16 ? 4 : 2 }

    /// Frees the buffers.
    func deallocate() {
        keys.deallocate()
        ids.deallocate()
    }

    /// The group of `key`, inserting it as `newID` if it is not there yet.
    @inline(__always)
    mutating func findOrInsert(_ key: UInt64, newID: Int32) -> Int32 {
        var slot = HashMixer.slot(key, shift: UInt64(64 - bits))
        while true {
            let id = ids[slot]
            if id < 0 {
                ids[slot] = newID
                keys[slot] = key
                groupKeys.append((key, newID))
                if groupKeys.count * Self.loadDivisor(mask) > mask { grow() }
                return newID
            }
            if keys[slot] == key { return id }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        keys.deallocate()
        ids.deallocate()
        bits += 1
        mask = (1 << bits) - 1
        keys = .allocate(capacity: 1 << bits)
        ids = .allocate(capacity: 1 << bits)
        ids.initialize(repeating: -1, count: 1 << bits)
        let shift = UInt64(64 - bits)
        for (key, id) in groupKeys {
            var slot = HashMixer.slot(key, shift: shift)
            while ids[slot] >= 0 { slot = (slot + 1) & mask }
            ids[slot] = id
            keys[slot] = key
        }
    }
}

/// An open-addressing table from byte-string hashes to group numbers; equal hashes are confirmed
/// by the caller's equality check against the group's first row.
struct StringTable {
    private var hashes: UnsafeMutablePointer<UInt64>
    private var ids: UnsafeMutablePointer<Int32>
    private var groupHashes: [(hash: UInt64, id: Int32)] = []
    private var bits: Int
    private var mask: Int

    init(bits: Int = 10) {
        self.bits = bits
        mask = (1 << bits) - 1
        hashes = .allocate(capacity: 1 << bits)
        ids = .allocate(capacity: 1 << bits)
        ids.initialize(repeating: -1, count: 1 << bits)
    }

    /// Frees the buffers.
    func deallocate() {
        hashes.deallocate()
        ids.deallocate()
    }

    /// The group whose hash is `hash` and for which `isEqual` holds, inserting `newID` if none.
    @inline(__always)
    mutating func findOrInsert(hash: UInt64, newID: Int32, isEqual: (Int32) -> Bool) -> Int32 {
        var slot = Int(truncatingIfNeeded: hash >> UInt64(64 - bits))
        while true {
            let id = ids[slot]
            if id < 0 {
                ids[slot] = newID
                hashes[slot] = hash
                groupHashes.append((hash, newID))
                if groupHashes.count * KeyTable.loadDivisor(mask) > mask { grow() }
                return newID
            }
            if hashes[slot] == hash, isEqual(id) { return id }
            slot = (slot + 1) & mask
        }
    }

    private mutating func grow() {
        hashes.deallocate()
        ids.deallocate()
        bits += 1
        mask = (1 << bits) - 1
        hashes = .allocate(capacity: 1 << bits)
        ids = .allocate(capacity: 1 << bits)
        ids.initialize(repeating: -1, count: 1 << bits)
        for (hash, id) in groupHashes {
            var slot = Int(truncatingIfNeeded: hash >> UInt64(64 - bits))
            while ids[slot] >= 0 { slot = (slot + 1) & mask }
            ids[slot] = id
            hashes[slot] = hash
        }
    }
}
