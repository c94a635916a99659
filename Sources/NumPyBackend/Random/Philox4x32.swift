// Philox4x32-10 counter-based block function (Salmon, Moraes, Dror & Shaw, "Parallel random
// numbers: as easy as 1, 2, 3", SC'11; reference implementation: Random123's philox.h).
//
// One block maps a 128-bit counter (four 32-bit words) and a 64-bit key (two words) to 128
// pseudo-random bits. Ten rounds; round r (r = 0 ... 9) uses the key bumped r times by the
// Weyl constants (W0, W1):
//
//     (hi0, lo0) = M0 * c0            (32 x 32 -> 64-bit product, split in halves)
//     (hi1, lo1) = M1 * c2
//     c = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
//     k = (k0 + W0, k1 + W1)          (mod 2^32, between rounds)
//
// Only 32-bit integer multiplies, xors and adds: a CUDA kernel using __umulhi reproduces every
// bit. Known-answer vectors (Random123 kat_vectors) are checked in CounterRandomStreamTests.

/// The Philox4x32-10 block function of Random123: a keyed bijection on 128-bit counters.
///
/// `Philox4x32(key: k).block(c)` equals Random123's `philox4x32(c, k)` (ten rounds) word for word.
package struct Philox4x32: Sendable, Hashable {
    /// First round multiplier (applied to counter word 0).
    static let m0: UInt32 = 0xD251_1F53
    /// Second round multiplier (applied to counter word 2).
    static let m1: UInt32 = 0xCD9E_8D57
    /// Weyl increment of key word 0 between rounds (golden ratio).
    static let w0: UInt32 = 0x9E37_79B9
    /// Weyl increment of key word 1 between rounds (sqrt(3) - 1).
    static let w1: UInt32 = 0xBB67_AE85

    /// Key word 0 (the round-0 value).
    let k0: UInt32
    /// Key word 1 (the round-0 value).
    let k1: UInt32

    /// Creates the block function for a 64-bit key given as two 32-bit words.
    package init(key: SIMD2<UInt32>) {
        k0 = key.x
        k1 = key.y
    }

    /// Creates the block function for the key words `k0`, `k1`.
    init(k0: UInt32, k1: UInt32) {
        self.k0 = k0
        self.k1 = k1
    }

    /// Returns the 128 random bits for `counter` (ten Philox rounds).
    package func block(_ counter: SIMD4<UInt32>) -> SIMD4<UInt32> {
        let (a, b, c, d) = block(counter.x, counter.y, counter.z, counter.w)
        return SIMD4(a, b, c, d)
    }

    /// Scalar Philox4x32-10 on the counter words (c0, c1, c2, c3).
    @inline(__always)
    func block(_ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32)
        -> (UInt32, UInt32, UInt32, UInt32)
    {
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var key0 = k0, key1 = k1
        for round in 0..<10 {
            if round > 0 {
                key0 &+= Self.w0
                key1 &+= Self.w1
            }
            let p0 = UInt64(x0) &* UInt64(Self.m0)
            let p1 = UInt64(x2) &* UInt64(Self.m1)
            let y0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ x1 ^ key0
            let y2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ x3 ^ key1
            x1 = UInt32(truncatingIfNeeded: p1)
            x3 = UInt32(truncatingIfNeeded: p0)
            x0 = y0
            x2 = y2
        }
        return (x0, x1, x2, x3)
    }

    /// The SIMD vector the batched block functions work on: one Philox block per lane.
    ///
    /// A concrete type on purpose: the generic `SIMD` operators are lane loops, the concrete
    /// ones map to vector instructions. Sixteen lanes measured fastest on x86-64 with SSE2
    /// (the default target), AVX2 and AVX-512 alike: more independent multiply chains in flight.
    typealias V = SIMD16<UInt64>

    /// Philox4x32-10 on `V.scalarCount` counters at once, one block per SIMD lane.
    ///
    /// Every lane holds a 32-bit word zero-extended to 64 bits, so each round's two products are
    /// exact 32 x 32 -> 64-bit multiplies (`pmuludq` on x86; the explicit masks tell the compiler
    /// the high halves are zero) and the product halves are a shift and a mask away. Input lanes
    /// must be < 2^32; output lanes are < 2^32. The ten rounds are unrolled by hand.
    @inline(__always)
    func blocks(_ c0: V, _ c1: V, _ c2: V, _ c3: V) -> (V, V, V, V) {
        let low = V(repeating: 0xFFFF_FFFF)
        let m0 = V(repeating: UInt64(Self.m0))
        let m1 = V(repeating: UInt64(Self.m1))
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        @inline(__always)
        func round(_ key0: UInt32, _ key1: UInt32) {
            let p0 = (x0 & low) &* m0
            let p1 = (x2 & low) &* m1
            let y0 = (p1 &>> 32) ^ x1 ^ V(repeating: UInt64(key0))
            let y2 = (p0 &>> 32) ^ x3 ^ V(repeating: UInt64(key1))
            x1 = p1 & low
            x3 = p0 & low
            x0 = y0
            x2 = y2
        }
        let a = k0, b = k1
        round(a, b)
        round(a &+ Self.w0, b &+ Self.w1)
        round(a &+ 2 &* Self.w0, b &+ 2 &* Self.w1)
        round(a &+ 3 &* Self.w0, b &+ 3 &* Self.w1)
        round(a &+ 4 &* Self.w0, b &+ 4 &* Self.w1)
        round(a &+ 5 &* Self.w0, b &+ 5 &* Self.w1)
        round(a &+ 6 &* Self.w0, b &+ 6 &* Self.w1)
        round(a &+ 7 &* Self.w0, b &+ 7 &* Self.w1)
        round(a &+ 8 &* Self.w0, b &+ 8 &* Self.w1)
        round(a &+ 9 &* Self.w0, b &+ 9 &* Self.w1)
        return (x0 & low, x1, x2 & low, x3)
    }

    /// Philox4x32-10 on `V.scalarCount` counters that differ only in word 1:
    /// counter (c0, c1[lane], c2, c3) for each lane, with c0, c2, c3 shared by all lanes.
    ///
    /// Bit-identical to `blocks(V(repeating: c0), c1, V(repeating: c2), V(repeating: c3))`, but
    /// the parts of rounds 1 to 4 that depend only on the shared words are computed once in
    /// scalar registers (about a fifth fewer vector operations). `c1` lanes must be < 2^32.
    @inline(__always)
    func blocks(sharing c0: UInt32, _ c1: V, _ c2: UInt32, _ c3: UInt32) -> (V, V, V, V) {
        let low = V(repeating: 0xFFFF_FFFF)
        let m0 = V(repeating: UInt64(Self.m0))
        let m1 = V(repeating: UInt64(Self.m1))
        let w0 = Self.w0, w1 = Self.w1
        // Round 1: both products are shared; only y0 = hi(c2 M1) ^ c1 ^ k0 varies.
        let q0 = UInt64(c0) &* UInt64(Self.m0)
        let q1 = UInt64(c2) &* UInt64(Self.m1)
        let r1x0 = c1 ^ V(repeating: (q1 &>> 32) ^ UInt64(k0))
        let r1x1 = UInt32(truncatingIfNeeded: q1)
        let r1x2 = UInt32(truncatingIfNeeded: q0 &>> 32) ^ c3 ^ k1
        let r1x3 = UInt32(truncatingIfNeeded: q0)
        // Round 2: x0 varies, x1..x3 shared.
        let a2 = k0 &+ w0, b2 = k1 &+ w1
        let p2 = (r1x0 & low) &* m0
        let q2 = UInt64(r1x2) &* UInt64(Self.m1)
        let r2x0 = UInt32(truncatingIfNeeded: q2 &>> 32) ^ r1x1 ^ a2
        let r2x1 = UInt32(truncatingIfNeeded: q2)
        let r2x2 = (p2 &>> 32) ^ V(repeating: UInt64(r1x3 ^ b2))
        let r2x3 = p2
        // Round 3: x0, x1 shared; x2, x3 vary.
        let a3 = a2 &+ w0, b3 = b2 &+ w1
        let q3 = UInt64(r2x0) &* UInt64(Self.m0)
        let p3 = (r2x2 & low) &* m1
        let r3x0 = (p3 &>> 32) ^ V(repeating: UInt64(r2x1 ^ a3))
        let r3x1 = p3
        let r3x2 = r2x3 ^ V(repeating: (q3 &>> 32) ^ UInt64(b3))
        let r3x3 = UInt32(truncatingIfNeeded: q3)
        // Round 4: only x3 is still shared.
        let a4 = a3 &+ w0, b4 = b3 &+ w1
        let p40 = (r3x0 & low) &* m0
        let p41 = (r3x2 & low) &* m1
        var x0 = (p41 &>> 32) ^ r3x1 ^ V(repeating: UInt64(a4))
        var x1 = p41 & low
        var x2 = (p40 &>> 32) ^ V(repeating: UInt64(r3x3 ^ b4))
        var x3 = p40 & low
        @inline(__always)
        func round(_ key0: UInt32, _ key1: UInt32) {
            let p0 = (x0 & low) &* m0
            let p1 = (x2 & low) &* m1
            let y0 = (p1 &>> 32) ^ x1 ^ V(repeating: UInt64(key0))
            let y2 = (p0 &>> 32) ^ x3 ^ V(repeating: UInt64(key1))
            x1 = p1 & low
            x3 = p0 & low
            x0 = y0
            x2 = y2
        }
        round(k0 &+ 4 &* w0, k1 &+ 4 &* w1)
        round(k0 &+ 5 &* w0, k1 &+ 5 &* w1)
        round(k0 &+ 6 &* w0, k1 &+ 6 &* w1)
        round(k0 &+ 7 &* w0, k1 &+ 7 &* w1)
        round(k0 &+ 8 &* w0, k1 &+ 8 &* w1)
        round(k0 &+ 9 &* w0, k1 &+ 9 &* w1)
        return (x0 & low, x1, x2 & low, x3)
    }
}
