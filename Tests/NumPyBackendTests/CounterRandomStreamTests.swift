import Testing
@testable import NumPyBackend

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

/// Fills a fresh array of `count` elements with `fill`.
private func filled<T: Numeric>(_ count: Int, _ fill: (UnsafeMutableBufferPointer<T>) -> Void) -> [T] {
    var values = [T](repeating: 0, count: count)
    values.withUnsafeMutableBufferPointer { fill($0) }
    return values
}

/// Philox4x32-10, the counter scheme, and the transforms of `CounterRandomStream`.
@Suite struct CounterRandomStreamTests {
    // MARK: Philox

    /// Random123's published known-answer vectors for philox4x32 with 10 rounds (kat_vectors).
    @Test func philoxKnownAnswers() {
        let cases: [(SIMD4<UInt32>, SIMD2<UInt32>, SIMD4<UInt32>)] = [
            (SIMD4(0, 0, 0, 0), SIMD2(0, 0),
             SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8)),
            (SIMD4(repeating: 0xffff_ffff), SIMD2(repeating: 0xffff_ffff),
             SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd)),
            (SIMD4(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344), SIMD2(0xa409_3822, 0x299f_31d0),
             SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1)),
        ]
        for (counter, key, expected) in cases {
            #expect(Philox4x32(key: key).block(counter) == expected)
        }
    }

    /// The SIMD batch functions used by the fills agree with the scalar block function.
    @Test func philoxBatchesMatchScalar() {
        typealias V = Philox4x32.V
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next32() -> UInt32 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt32(truncatingIfNeeded: state >> 29)
        }
        for _ in 0..<20 {
            let philox = Philox4x32(key: SIMD2(next32(), next32()))
            var c0 = V(), c1 = V(), c2 = V(), c3 = V()
            for lane in 0..<V.scalarCount {
                c0[lane] = UInt64(next32()); c1[lane] = UInt64(next32())
                c2[lane] = UInt64(next32()); c3[lane] = UInt64(next32())
            }
            let general = philox.blocks(c0, c1, c2, c3)
            let s0 = next32(), s2 = next32(), s3 = next32()
            let shared = philox.blocks(sharing: s0, c1, s2, s3)
            for lane in 0..<V.scalarCount {
                let g = philox.block(SIMD4(UInt32(c0[lane]), UInt32(c1[lane]), UInt32(c2[lane]), UInt32(c3[lane])))
                #expect(SIMD4(UInt32(general.0[lane]), UInt32(general.1[lane]),
                              UInt32(general.2[lane]), UInt32(general.3[lane])) == g)
                let s = philox.block(SIMD4(s0, UInt32(c1[lane]), s2, s3))
                #expect(SIMD4(UInt32(shared.0[lane]), UInt32(shared.1[lane]),
                              UInt32(shared.2[lane]), UInt32(shared.3[lane])) == s)
            }
        }
    }

    // MARK: Counter scheme

    /// The documented counter layout (docs/random-streams.md), rebuilt by hand from Philox.
    @Test func counterSchemeMatchesSpecification() {
        let seeds: [UInt64] = [0, 1, 0x1234_5678_9ABC_DEF0, .max]
        let streams: [UInt64] = [0, 7, 1 << 32 | 5, .max]
        let indices: [UInt64] = [0, 1, 2, 3, 1001, (1 << 33) + 4, (1 << 33) + 5, (1 << 49) - 1, 1 << 49, .max]
        for seed in seeds {
            let philox = Philox4x32(key: SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
            for streamID in streams {
                let stream = CounterRandomStream(seed: seed, stream: streamID)
                for i in indices {
                    for attempt: UInt32 in [0, 1, 2, 65535] {
                        let j = (i >> 1) & (1 << 48 - 1)
                        let w = philox.block(SIMD4(
                            UInt32(truncatingIfNeeded: streamID),
                            UInt32(truncatingIfNeeded: j),
                            UInt32(truncatingIfNeeded: streamID >> 32),
                            UInt32(truncatingIfNeeded: j >> 32) | (attempt << 16)))
                        let expected = i & 1 == 0
                            ? UInt64(w[0]) << 32 | UInt64(w[1]) : UInt64(w[2]) << 32 | UInt64(w[3])
                        #expect(stream.word(element: i, attempt: attempt) == expected)
                        if attempt == 0 {
                            #expect(stream.uint64(at: Int(bitPattern: UInt(i))) == expected)
                        }
                    }
                }
            }
        }
    }

    /// Golden values from the independent Python reference of the scheme (bit-exact).
    @Test func goldenValues() {
        let stream = CounterRandomStream(seed: 0x1234_5678_9ABC_DEF0, stream: 7)
        #expect((0..<5).map { stream.uint64(at: $0) } ==
                [0x2a23_b679_84c6_9006, 0x0481_a097_0ae2_270e, 0x6ff4_6a4e_e69f_e888,
                 0x60b6_e0bb_9a2b_9367, 0xae39_c650_c54c_5d6c])
        #expect(filled(5) { stream.fillStandardNormal($0, start: 0) } as [Double] ==
                [0x1.1beb03e73276ep-3, -0x1.5ab9b089f648cp-4, 0x1.95e235789432fp-1,
                 -0x1.f439ad39cbdf4p-6, -0x1.3ee78af04fae3p-1])
        #expect(filled(3) { stream.fillUniform($0, start: 0) } as [Double] ==
                [0x1.511db3cc26348p-3, 0x1.206825c2b8880p-6, 0x1.bfd1a93b9a7fap-2])
        #expect(filled(5) { stream.fillIntegers($0, low: -5, high: 995, start: 0) } as [Int64] ==
                [159, 12, 432, 372, 675])
        // Tail draws (layer 0, beyond r): they go through log1p, so allow a few ulps.
        let tail = CounterRandomStream(seed: 99, stream: 5)
        let expected: [(Int, Double)] = [(1569, 0x1.de676ee60d054p+1), (5040, 0x1.e880d65639af6p+1),
                                         (9909, -0x1.e97e3f1843d9ep+1), (11736, -0x1.ee7fc3ebbfa8bp+1)]
        for (index, value) in expected {
            let x: [Double] = filled(1) { tail.fillStandardNormal($0, start: index) }
            #expect(abs(x[0] - value) <= 4 * value.ulp)
        }
    }

    /// Every fill agrees with its per-element definition on the attempt-0 word.
    @Test func fillsFollowTheirWordDefinitions() {
        let stream = CounterRandomStream(seed: 2024, stream: 3)
        let start = 777, n = 1500
        let u: [Double] = filled(n) { stream.fillUniform($0, start: start) }
        let f: [Float] = filled(n) { stream.fillUniform($0, start: start) }
        let normals: [Double] = filled(n) { stream.fillStandardNormal($0, start: start) }
        let normalsF: [Float] = filled(n) { stream.fillStandardNormal($0, start: start) }
        let raw: [UInt64] = filled(n) { stream.fillUInt64($0, start: start) }
        var fastPath = 0
        for k in 0..<n {
            let v = stream.uint64(at: start + k)
            #expect(raw[k] == v)
            #expect(u[k] == Double(v >> 11) * 0x1p-53)
            #expect(f[k] == Float(v >> 40) * 0x1p-24)
            #expect(normalsF[k] == Float(normals[k]))
            let idx = Int(v & 0xFF), m = (v >> 9) & (1 << 52 - 1)
            if m < ZigguratTables.k[idx] {
                fastPath += 1
                let x = Double(m) * ZigguratTables.w[idx]
                #expect(normals[k] == ((v >> 8) & 1 == 1 ? -x : x))
            }
        }
        #expect(fastPath > n * 95 / 100)
    }

    // MARK: Chunking and independence

    /// Filling [0, n) at once equals filling [0, k) and [k, n) separately, for every kind.
    @Test(arguments: [0, 1, 2, 15, 16, 17, 511, 512, 513, 1000, 1999])
    func chunkIndependence(split: Int) {
        let stream = CounterRandomStream(seed: 0xDEAD_BEEF, stream: 11)
        let n = 2000
        for base in [0, 12_345, (1 << 33) - 101] {
            func check<T: Numeric & Equatable>(_ fill: (UnsafeMutableBufferPointer<T>, Int) -> Void) {
                let whole: [T] = filled(n) { fill($0, base) }
                var parts = [T](repeating: 0, count: n)
                parts.withUnsafeMutableBufferPointer { buffer in
                    fill(UnsafeMutableBufferPointer(rebasing: buffer[0..<split]), base)
                    fill(UnsafeMutableBufferPointer(rebasing: buffer[split..<n]), base + split)
                }
                #expect(whole == parts)
            }
            check { (b: UnsafeMutableBufferPointer<UInt64>, s) in stream.fillUInt64(b, start: s) }
            check { (b: UnsafeMutableBufferPointer<Double>, s) in stream.fillUniform(b, start: s) }
            check { (b: UnsafeMutableBufferPointer<Float>, s) in stream.fillUniform(b, start: s) }
            check { (b: UnsafeMutableBufferPointer<Double>, s) in stream.fillStandardNormal(b, start: s) }
            check { (b: UnsafeMutableBufferPointer<Float>, s) in stream.fillStandardNormal(b, start: s) }
            check { (b: UnsafeMutableBufferPointer<Int64>, s) in stream.fillIntegers(b, low: -3, high: 1 << 40, start: s) }
            check { (b: UnsafeMutableBufferPointer<Int64>, s) in
                stream.fillIntegers(b, low: -(1 << 62), high: (1 << 62) + 1, start: s)  // ~50% rejections
            }
        }
    }

    /// Single elements filled one at a time match the bulk fill (odd and even starts).
    @Test func elementwiseEqualsBulk() {
        let stream = CounterRandomStream(seed: 5, stream: 6)
        let start = 99, n = 64
        let bulk: [Double] = filled(n) { stream.fillStandardNormal($0, start: start) }
        for k in 0..<n {
            let one: [Double] = filled(1) { stream.fillStandardNormal($0, start: start + k) }
            #expect(one[0] == bulk[k])
        }
    }

    /// Huge start indices wrap instead of trapping; empty fills are no-ops.
    @Test func extremeStartsDoNotTrap() {
        let stream = CounterRandomStream(seed: 1, stream: 2)
        let n = 40
        let start = Int.max - n + 1
        let u: [Double] = filled(n) { stream.fillUniform($0, start: start) }
        let z: [Double] = filled(n) { stream.fillStandardNormal($0, start: start) }
        let i: [Int64] = filled(n) { stream.fillIntegers($0, low: 0, high: 10, start: start) }
        for k in 0..<n {
            #expect(u[k] == Double(stream.uint64(at: start + k) >> 11) * 0x1p-53)
            #expect(z[k].isFinite)
            #expect((0..<10).contains(i[k]))
        }
        // Streams repeat after 2^49 elements.
        #expect(stream.uint64(at: 12) == stream.uint64(at: (1 << 49) + 12))
        let empty: [Double] = filled(0) { stream.fillStandardNormal($0, start: 3) }
        #expect(empty.isEmpty)
    }

    /// Different seeds, streams (including their high 32 bits) and kinds give different values.
    @Test func seedsAndStreamsDiffer() {
        let pairs: [(UInt64, UInt64)] = [(0, 0), (1, 0), (0, 1), (1, 1), (1 << 32, 0), (0, 1 << 32),
                                         (0, 1 << 32 | 1), (1 << 32 | 1, 0), (.max, .max), (42, 0xFFFF_FFFF)]
        var seen = Set<[UInt64]>()
        for (seed, streamID) in pairs {
            let stream = CounterRandomStream(seed: seed, stream: streamID)
            let words = (0..<16).map { stream.uint64(at: $0) }
            #expect(seen.insert(words).inserted, "seed \(seed) stream \(streamID) repeats another stream")
            #expect(Set(words).count == 16)
        }
        #expect(CounterRandomStream(seed: 1, stream: 2) == CounterRandomStream(seed: 1, stream: 2))
        #expect(CounterRandomStream(seed: 1, stream: 2) != CounterRandomStream(seed: 2, stream: 1))
    }

    // MARK: Distributions

    /// Uniforms lie in [0, 1) with the right mean and spread, Double and Float.
    @Test func uniformRangeAndMoments() {
        let stream = CounterRandomStream(seed: 77, stream: 0)
        let n = 200_000
        let d: [Double] = filled(n) { stream.fillUniform($0, start: 0) }
        let f: [Float] = filled(n) { stream.fillUniform($0, start: 0) }
        #expect(d.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(f.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = d.reduce(0, +) / Double(n)
        let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean - 0.5) < 0.003)
        #expect(abs(variance - 1.0 / 12) < 0.001)
        let meanF = f.reduce(0) { $0 + Double($1) } / Double(n)
        #expect(abs(meanF - 0.5) < 0.003)
        // Deciles are evenly filled.
        var bins = [Int](repeating: 0, count: 10)
        for x in d { bins[Int(x * 10)] += 1 }
        #expect(bins.allSatisfy { abs($0 - n / 10) < 5 * Int(Double(n / 10).squareRoot()) })
    }

    /// Moments and tails of 10^6 standard normals.
    @Test func normalStatistics() {
        let stream = CounterRandomStream(seed: 20_240_601, stream: 9)
        let n = 1_000_000
        let z: [Double] = filled(n) { stream.fillStandardNormal($0, start: 0) }
        var sum = 0.0, sumSquares = 0.0, beyond3 = 0, beyondR = 0, within1 = 0, positive = 0
        for x in z {
            sum += x
            sumSquares += x * x
            if abs(x) > 3 { beyond3 += 1 }
            if abs(x) > 3.65 { beyondR += 1 }
            if abs(x) < 1 { within1 += 1 }
            if x > 0 { positive += 1 }
        }
        let mean = sum / Double(n)
        let std = (sumSquares / Double(n) - mean * mean).squareRoot()
        #expect(abs(mean) < 0.005)
        #expect(abs(std - 1) < 0.005)
        // P(|Z| > 3) = 0.0026998; binomial sd at n = 1e6 is 5.2e-5.
        #expect(abs(Double(beyond3) / Double(n) - 0.0027) < 0.0003)
        // P(|Z| > 3.65) = 2.62e-4: the tail algorithm must produce them (about 262).
        #expect(beyondR > 180 && beyondR < 350)
        #expect(abs(Double(within1) / Double(n) - 0.682_689) < 0.002)
        #expect(abs(Double(positive) / Double(n) - 0.5) < 0.002)
        #expect(z.allSatisfy { $0.isFinite && abs($0) < 8 })

        let zf: [Float] = filled(n / 10) { stream.fillStandardNormal($0, start: 0) }
        for k in 0..<zf.count { #expect(zf[k] == Float(z[k])) }
    }

    /// A coarse chi-square test of the normal CDF on 40 equiprobable-ish bins.
    @Test func normalHistogram() {
        let stream = CounterRandomStream(seed: 3, stream: 1 << 40)
        let n = 400_000
        let z: [Double] = filled(n) { stream.fillStandardNormal($0, start: 0) }
        let edges = stride(from: -4.0, through: 4.0, by: 0.2).map { $0 }
        func cdf(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
        var counts = [Int](repeating: 0, count: edges.count + 1)
        for x in z {
            var lo = 0, hi = edges.count
            while lo < hi { let mid = (lo + hi) / 2; if x < edges[mid] { hi = mid } else { lo = mid + 1 } }
            counts[lo] += 1
        }
        var chi2 = 0.0
        for b in 0...edges.count {
            let p = (b == edges.count ? 1 : cdf(edges[b])) - (b == 0 ? 0 : cdf(edges[b - 1]))
            let expected = p * Double(n)
            chi2 += (Double(counts[b]) - expected) * (Double(counts[b]) - expected) / expected
        }
        // 41 bins -> 40 degrees of freedom; P(chi2 > 80) is about 1e-4.
        #expect(chi2 < 80, "chi-square \(chi2)")
    }

    /// Integers stay in [low, high), spread evenly, for small, huge and extreme ranges.
    @Test func integerRanges() {
        let stream = CounterRandomStream(seed: 8, stream: 8)
        let n = 100_000
        let small: [Int64] = filled(n) { stream.fillIntegers($0, low: -3, high: 7, start: 5) }
        var counts = [Int](repeating: 0, count: 10)
        for x in small {
            #expect(x >= -3 && x < 7)
            counts[Int(x + 3)] += 1
        }
        #expect(counts.allSatisfy { abs($0 - n / 10) < 5 * Int(Double(n / 10).squareRoot()) })

        let one: [Int64] = filled(1000) { stream.fillIntegers($0, low: 41, high: 42, start: 0) }
        #expect(one.allSatisfy { $0 == 41 })

        let full: [Int64] = filled(n) { stream.fillIntegers($0, low: .min, high: .max, start: 0) }
        #expect(full.allSatisfy { $0 != .max })
        let negatives = full.filter { $0 < 0 }.count
        #expect(abs(negatives - n / 2) < 5 * Int(Double(n / 4).squareRoot()))

        // Span 2^63 + 1: about half of the attempt-0 words are rejected.
        let low: Int64 = -(1 << 62), high: Int64 = (1 << 62) + 1
        let awkward: [Int64] = filled(n) { stream.fillIntegers($0, low: low, high: high, start: 0) }
        #expect(awkward.allSatisfy { $0 >= low && $0 < high })
        let upper = awkward.filter { $0 >= 0 }.count
        #expect(abs(upper - n / 2) < 5 * Int(Double(n / 4).squareRoot()))

        let top: [Int64] = filled(1000) { stream.fillIntegers($0, low: .max - 3, high: .max, start: 0) }
        #expect(top.allSatisfy { $0 >= .max - 3 && $0 < .max })
        #expect(Set(top).count == 3)
        let bottom: [Int64] = filled(1000) { stream.fillIntegers($0, low: .min, high: .min + 2, start: 0) }
        #expect(Set(bottom) == Set<Int64>([.min, .min + 1]))
    }

    // MARK: Ziggurat tables

    /// Invariants of the generated 256-layer tables (scripts/make_ziggurat_tables.py).
    @Test func zigguratTableInvariants() {
        let k = ZigguratTables.k, w = ZigguratTables.w, f = ZigguratTables.f
        let r = ZigguratTables.r, v = ZigguratTables.v
        #expect(k.count == 256 && w.count == 256 && f.count == 256)
        // Top layer: x[0] = 0, so layer 1 has no inner box, and f(x[0]) = 1.
        #expect(k[1] == 0)
        #expect(f[0] == 1)
        // Outermost layer ends at r.
        #expect(w[255] * 0x1p52 == r)
        #expect(abs(r * ZigguratTables.inverseR - 1) < 1e-15)
        #expect(abs(r - 3.654_152_885_361_009) < 1e-14)
        // Monotone: x[i] increases, f(x[i]) decreases; box fractions lie in (0, 2^52) below the top.
        for i in 2..<256 {
            #expect(w[i] > w[i - 1])
            #expect(f[i] < f[i - 1])
            #expect(k[i] > 1 << 51 && k[i] < 1 << 52)
        }
        #expect(k[0] > 1 << 51 && k[0] < 1 << 52)
        for i in 1..<256 {
            let x = w[i] * 0x1p52
            // f is exp(-x^2/2) at each edge (checked with libm and the rounded x, so only to
            // about x^2 ulps).
            #expect(abs(f[i] - exp(-0.5 * x * x)) <= (4 + x * x) * f[i].ulp)
            // Every layer i >= 1 has area v: x[i] (f(x[i-1]) - f(x[i])) = v.
            #expect(abs(x * (f[i - 1] - f[i]) - v) < 1e-13 * v * 256)
            // k[i] = floor(2^52 x[i-1] / x[i]).
            let ratio = i == 1 ? 0 : (w[i - 1] / w[i]) * 0x1p52
            #expect(abs(Double(k[i]) - ratio) < 8)
        }
        // Base strip: width q = v / f(r) with q f(r) = v = r f(r) + tail area.
        let q = w[0] * 0x1p52
        #expect(abs(q * f[255] - v) < 1e-15)
        let tailArea = (Double.pi / 2).squareRoot() * erfc(r / 2.0.squareRoot())
        #expect(abs(r * f[255] + tailArea - v) < 1e-15)
        #expect(abs(Double(k[0]) - r / q * 0x1p52) < 8)
        // The layers together cover the half-normal: 256 v = area + overhang, efficiency ~99.3%.
        let efficiency = (Double.pi / 2).squareRoot() / (256 * v)
        #expect(efficiency > 0.99 && efficiency < 1)
        #expect(ZigguratTables.kAsDouble.elementsEqual(k.map { Double($0) }))
    }
}
