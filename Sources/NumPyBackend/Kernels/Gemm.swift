/// Tessera's own double-precision matrix product: `C = A·B + beta·C` for row-major matrices,
/// either operand read transposed, used when no BLAS library can be loaded.
///
/// The structure is the classic one of BLIS and OpenBLAS: the `k` dimension is cut into panels of
/// ``kc`` so a panel of `B` stays in the L2/L3 cache and a panel of `A` in L2; both are packed into
/// contiguous micro-panels (which also absorbs the transposes), and a 6 × 4 micro-kernel keeps
/// its 24 accumulators in SIMD registers across the whole panel. Swift compiles for baseline
/// x86-64 here (SSE2, no FMA), which caps the kernel at 2-wide multiplies and adds: measured
/// with `tessera-bench arr_matmul` it reaches ~13-20 GFLOP/s per core, against ~55 for OpenBLAS's
/// AVX2 kernels on the reference machine.
enum Gemm {
    /// Rows of a micro-tile.
    static let mr = 6
    /// Columns of a micro-tile.
    static let nr = 4
    /// Depth of a packed panel.
    static let kc = 256
    /// Rows of `A` packed at once (a multiple of `mr`).
    static let mc = 96
    /// Columns of `B` packed at once (a multiple of `nr`).
    static let nc = 2048

    /// `C[m×n] = op(A)·op(B) + beta·C`, where `op(A)` is `m×k` and `op(B)` is `k×n`.
    ///
    /// `A` is stored row-major as `m×k` (leading dimension `lda`), or as `k×m` when `transA`;
    /// likewise `B` as `k×n` or `n×k` when `transB`. `beta` is 0 or 1.
    static func multiply(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, lda: Int, transA: Bool,
                         b: UnsafePointer<Double>, ldb: Int, transB: Bool, beta: Double,
                         c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        if beta == 0 { for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) } }
        guard k > 0 else { return }
        let packedA = UnsafeMutablePointer<Double>.allocate(capacity: 2 * mc * kc)
        let packedB = UnsafeMutablePointer<Double>.allocate(capacity: kc * ((Swift.min(nc, n) + nr - 1) / nr * nr))
        defer {
            packedA.deallocate()
            packedB.deallocate()
        }
        var j0 = 0
        while j0 < n {
            let nb = Swift.min(nc, n - j0)
            var p0 = 0
            while p0 < k {
                let kb = Swift.min(kc, k - p0)
                packB(b, ldb: ldb, trans: transB, rowStart: p0, depth: kb, columnStart: j0, width: nb, into: packedB)
                var i0 = 0
                while i0 < m {
                    let mb = Swift.min(mc, m - i0)
                    packA(a, lda: lda, trans: transA, rowStart: i0, height: mb, columnStart: p0, depth: kb, into: packedA)
                    var jr = 0
                    while jr < nb {
                        let width = Swift.min(nr, nb - jr)
                        let panelB = packedB + jr * kb
                        var ir = 0
                        while ir < mb {
                            let height = Swift.min(mr, mb - ir)
                            let target = c + (i0 + ir) * ldc + j0 + jr
                            microKernel(depth: kb, a: packedA + 2 * ir * kb, b: panelB, c: target, ldc: ldc,
                                        rows: height, columns: width)
                            ir += mr
                        }
                        jr += nr
                    }
                    i0 += mb
                }
                p0 += kb
            }
            j0 += nb
        }
    }

    /// Packs rows `rowStart..<rowStart+height`, columns `columnStart..<+depth` of `op(A)` into
    /// micro-panels of `mr` rows, each stored column by column (`depth × mr`), zero-padded, every
    /// value twice: one 16-byte load is then a value broadcast to both lanes (SSE2 has no broadcast load).
    private static func packA(_ a: UnsafePointer<Double>, lda: Int, trans: Bool, rowStart: Int, height: Int,
                              columnStart: Int, depth: Int, into packed: UnsafeMutablePointer<Double>) {
        var ir = 0
        while ir < height {
            let rows = Swift.min(mr, height - ir)
            let panel = packed + 2 * ir * depth
            for i in 0..<mr {
                if i >= rows {
                    for p in 0..<depth { panel[2 * (p * mr + i)] = 0; panel[2 * (p * mr + i) + 1] = 0 }
                    continue
                }
                let row = rowStart + ir + i
                if trans {
                    let source = a + columnStart * lda + row
                    for p in 0..<depth {
                        let v = source[p * lda]
                        panel[2 * (p * mr + i)] = v; panel[2 * (p * mr + i) + 1] = v
                    }
                } else {
                    let source = a + row * lda + columnStart
                    for p in 0..<depth {
                        let v = source[p]
                        panel[2 * (p * mr + i)] = v; panel[2 * (p * mr + i) + 1] = v
                    }
                }
            }
            ir += mr
        }
    }

    /// Packs rows `rowStart..<+depth`, columns `columnStart..<+width` of `op(B)` into micro-panels
    /// of `nr` columns, each stored row by row (`depth × nr`), zero-padded.
    private static func packB(_ b: UnsafePointer<Double>, ldb: Int, trans: Bool, rowStart: Int, depth: Int,
                              columnStart: Int, width: Int, into packed: UnsafeMutablePointer<Double>) {
        var jr = 0
        while jr < width {
            let columns = Swift.min(nr, width - jr)
            let panel = packed + jr * depth
            if trans {
                for j in 0..<nr {
                    if j >= columns {
                        for p in 0..<depth { panel[p * nr + j] = 0 }
                        continue
                    }
                    let source = b + (columnStart + jr + j) * ldb + rowStart
                    for p in 0..<depth { panel[p * nr + j] = source[p] }
                }
            } else {
                for p in 0..<depth {
                    let source = b + (rowStart + p) * ldb + columnStart + jr
                    for j in 0..<nr { panel[p * nr + j] = j < columns ? source[j] : 0 }
                }
            }
            jr += nr
        }
    }

    /// `C[rows×columns] += Apanel · Bpanel` over `depth`, accumulating a full 6 × 4 tile in registers.
    @inline(__always)
    private static func microKernel(depth: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                                    c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, columns: Int) {
        var c00 = SIMD2<Double>(), c01 = SIMD2<Double>(), c10 = SIMD2<Double>(), c11 = SIMD2<Double>()
        var c20 = SIMD2<Double>(), c21 = SIMD2<Double>(), c30 = SIMD2<Double>(), c31 = SIMD2<Double>()
        var c40 = SIMD2<Double>(), c41 = SIMD2<Double>(), c50 = SIMD2<Double>(), c51 = SIMD2<Double>()
        let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
        for p in 0..<depth {
            let b0 = rawB.loadUnaligned(fromByteOffset: p * 32, as: SIMD2<Double>.self)
            let b1 = rawB.loadUnaligned(fromByteOffset: p * 32 + 16, as: SIMD2<Double>.self)
            let row = p * 96
            let a0 = rawA.loadUnaligned(fromByteOffset: row, as: SIMD2<Double>.self)
            c00 += a0 * b0; c01 += a0 * b1
            let a1 = rawA.loadUnaligned(fromByteOffset: row + 16, as: SIMD2<Double>.self)
            c10 += a1 * b0; c11 += a1 * b1
            let a2 = rawA.loadUnaligned(fromByteOffset: row + 32, as: SIMD2<Double>.self)
            c20 += a2 * b0; c21 += a2 * b1
            let a3 = rawA.loadUnaligned(fromByteOffset: row + 48, as: SIMD2<Double>.self)
            c30 += a3 * b0; c31 += a3 * b1
            let a4 = rawA.loadUnaligned(fromByteOffset: row + 64, as: SIMD2<Double>.self)
            c40 += a4 * b0; c41 += a4 * b1
            let a5 = rawA.loadUnaligned(fromByteOffset: row + 80, as: SIMD2<Double>.self)
            c50 += a5 * b0; c51 += a5 * b1
        }
        let c0 = SIMD4(lowHalf: c00, highHalf: c01), c1 = SIMD4(lowHalf: c10, highHalf: c11)
        let c2 = SIMD4(lowHalf: c20, highHalf: c21), c3 = SIMD4(lowHalf: c30, highHalf: c31)
        let c4 = SIMD4(lowHalf: c40, highHalf: c41), c5 = SIMD4(lowHalf: c50, highHalf: c51)
        @inline(__always) func store(_ v: SIMD4<Double>, _ i: Int) {
            guard i < rows else { return }
            if columns == nr {
                let target = UnsafeMutableRawPointer(c + i * ldc)
                target.storeBytes(of: target.loadUnaligned(as: SIMD4<Double>.self) + v, as: SIMD4<Double>.self)
            } else {
                for j in 0..<columns { c[i * ldc + j] += v[j] }
            }
        }
        store(c0, 0)
        store(c1, 1)
        store(c2, 2)
        store(c3, 3)
        store(c4, 4)
        store(c5, 5)
    }
}
