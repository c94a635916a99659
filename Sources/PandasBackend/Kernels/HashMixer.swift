/// The 64-bit hash functions behind ``Backends/DataFrame/hashRows(_:)`` and the groupby hash tables.
///
/// - `mix` is the SplitMix64 finalizer (Stafford's variant 13 with the golden-ratio increment): a
///   bijection on 64-bit words whose output bits each depend on every input bit.
/// - `bytes` hashes a UTF-8 string: its length, then its bytes read as little-endian 64-bit words
///   (the last one zero-padded), each folded in with `h = rotl((h ^ word) * K, 29)`, and `mix` at
///   the end.
enum HashMixer {
    /// The starting value of a row hash and of a byte hash.
    static let seed: UInt64 = 0x243F_6A88_85A3_08D3

    /// The multiplier folding words into a byte hash.
    static let wordMultiplier: UInt64 = 0x9FB2_1C65_1E98_DF25

    /// SplitMix64's finalizer of `value + golden ratio`.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A hash of `count` bytes at `base`; `readable` bytes from `base` on may be read (at least
    /// `count`: more lets the last partial word be read at once and masked).
    @inline(__always)
    static func bytes(_ base: UnsafePointer<UInt8>, count: Int, readable: Int = 0) -> UInt64 {
        var hash = seed ^ (UInt64(truncatingIfNeeded: count) &* wordMultiplier)
        let raw = UnsafeRawPointer(base)
        var index = 0
        while index + 8 <= count {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            hash = ((hash ^ word) &* wordMultiplier).rotatedLeft(29)
            index += 8
        }
        if index < count, index + 8 <= readable {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            let masked = word & (UInt64.max >> UInt64(8 * (8 - (count - index))))
            hash = ((hash ^ masked) &* wordMultiplier).rotatedLeft(29)
        } else if index < count {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while index < count {
                word |= UInt64(base[index]) << shift
                shift += 8
                index += 1
            }
            hash = ((hash ^ word) &* wordMultiplier).rotatedLeft(29)
        }
        return mix(hash)
    }

    /// Folds one column's value hash into a row hash.
    @inline(__always)
    static func combine(_ rowHash: UInt64, _ valueHash: UInt64) -> UInt64 {
        mix((rowHash &* 0x9E37_79B9_7F4A_7C15) ^ valueHash)
    }

    /// The partition in `0 ..< count` of a row hash: the high word of `hash × count` (Lemire's
    /// multiply-shift range reduction), uniform for uniform hashes and far cheaper than a modulo.
    @inline(__always)
    static func partition(_ hash: UInt64, count: Int) -> Int {
        Int(truncatingIfNeeded: hash.multipliedFullWidth(by: UInt64(truncatingIfNeeded: count)).high)
    }

    /// The hash given to a missing value.
    static let nullHash: UInt64 = 0x5555_5555_5555_5555

    /// The slot of `key` in a table of `1 << (64 - shift)` slots: the top bits of `mix(key)`.
    @inline(__always)
    static func slot(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: mix(key) >> shift)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(_ count: UInt64) -> UInt64 { (self << count) | (self >> (64 - count)) }
}
