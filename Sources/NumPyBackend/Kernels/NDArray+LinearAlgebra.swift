import Backends

extension NDArray {
    /// The product of two 2-d arrays, `op(a) · op(b)` where `op` transposes when asked, in the
    /// dtype NumPy gives (`promote(a, b)`; booleans give booleans).
    ///
    /// Floating-point products go to the BLAS that ``BLASLibrary`` loads, or to ``Gemm``; integer
    /// products are exact (wrapping at 64 bits, then at the result's width, as NumPy's).
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the inner lengths differ.
    package static func matrixProduct(_ a: NDArray, transposed transA: Bool = false, _ b: NDArray,
                                      transposed transB: Bool = false) throws -> NDArray {
        try matrixProductSum([(a, transA, b, transB)])
    }

    /// The sum of several 2-d products `op(a) · op(b)` of the same shape, accumulated in one
    /// buffer (`beta = 1` after the first product) for floating point.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` for mismatched shapes,
    ///   ``ShapeError/invalidArgument(_:)`` for an empty list.
    package static func matrixProductSum(_ pairs: [(NDArray, Bool, NDArray, Bool)]) throws -> NDArray {
        guard let (first, firstTransA, second, firstTransB) = pairs.first else {
            throw ShapeError.invalidArgument("A sum of products needs at least one pair of blocks.")
        }
        let promoted = pairs.reduce(DType.promote(first.dtype, second.dtype)) {
            DType.promote($0, DType.promote($1.0.dtype, $1.2.dtype))
        }
        let rows = firstTransA ? first.shape.last ?? 0 : first.shape.first ?? 0
        let columns = firstTransB ? second.shape.first ?? 0 : second.shape.last ?? 0
        if promoted != .float64 {
            var total: NDArray?
            for (a, ta, b, tb) in pairs {
                let product = try singleProduct(a, ta, b, tb)
                guard product.shape == [rows, columns] else {
                    throw ShapeError.incompatible(operation: "matmul", shapes: [[rows, columns], product.shape])
                }
                total = try total.map {
                    try evaluate(.binary(.add, .input(0, $0.dtype), .input(1, product.dtype)), inputs: [$0, product],
                                 shape: product.shape)
                } ?? product
            }
            if let total { return total }
            return try NDArray(zeros: [rows, columns], dtype: promoted)
        }
        let c = NDArray(uninitializedShape: [rows, columns], dtype: .float64)
        // Each pair a matrix times its own transpose: the symmetric rank-k update computes one
        // triangle (half the work), mirrored at the end.
        if let blas = BLASLibrary.current, let dsyrk = blas.dsyrk, rows == columns,
           pairs.allSatisfy({ $0.0.storage === $0.2.storage && $0.0.shape == $0.2.shape && $0.1 != $0.3
                              && $0.0.dtype == .float64 && $0.0.ndim == 2 }),
           BLASLibrary.fits(rows, pairs.map { $0.0.count }.max() ?? 0) {
            c.withUnsafeMutableElements(as: Double.self) { out in
                guard let pc = out.baseAddress else { return }
                for (index, (a, transA, _, _)) in pairs.enumerated() {
                    let k = transA ? a.shape[0] : a.shape[1]
                    a.withUnsafeElements(as: Double.self) { pa in
                        dsyrk(BLASLibrary.rowMajor, BLASLibrary.upper, transA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                              Int32(rows), Int32(k), 1, pa.baseAddress, Int32(a.shape[1]), index > 0 ? 1 : 0, pc, Int32(rows))
                    }
                }
                for i in 0..<rows {
                    for j in 0..<i { pc[i * rows + j] = pc[j * rows + i] }
                }
            }
            return c
        }
        for (index, (a, transA, b, transB)) in pairs.enumerated() {
            try gemmInto(c, a, transA, b, transB, accumulate: index > 0)
        }
        return c
    }

    /// `c (+)= op(a) · op(b)` in float64, by BLAS or ``Gemm``.
    private static func gemmInto(_ c: NDArray, _ a: NDArray, _ transA: Bool, _ b: NDArray, _ transB: Bool,
                                 accumulate: Bool) throws {
        guard a.ndim == 2, b.ndim == 2 else { throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape]) }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2, c.shape == [m, n] else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let x = try a.converted(to: .float64), y = try b.converted(to: .float64)
        guard m > 0, n > 0 else { return }
        x.withUnsafeElements(as: Double.self) { xa in
            y.withUnsafeElements(as: Double.self) { yb in
                c.withUnsafeMutableElements(as: Double.self) { out in
                    guard let pc = out.baseAddress else { return }
                    guard let pa = xa.baseAddress, let pb = yb.baseAddress, k > 0 else {
                        if !accumulate { pc.update(repeating: 0, count: m * n) }
                        return
                    }
                    if let blas = BLASLibrary.current, BLASLibrary.fits(m, n, k, x.shape[1], y.shape[1]) {
                        blas.dgemm(BLASLibrary.rowMajor, transA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                                   transB ? BLASLibrary.transpose : BLASLibrary.noTranspose, Int32(m), Int32(n), Int32(k),
                                   1, pa, Int32(x.shape[1]), pb, Int32(y.shape[1]), accumulate ? 1 : 0, pc, Int32(n))
                    } else {
                        Gemm.multiply(m: m, n: n, k: k, a: pa, lda: x.shape[1], transA: transA, b: pb, ldb: y.shape[1],
                                      transB: transB, beta: accumulate ? 1 : 0, c: pc, ldc: n)
                    }
                }
            }
        }
    }

    /// One 2-d product in NumPy's result dtype.
    private static func singleProduct(_ a: NDArray, _ transA: Bool, _ b: NDArray, _ transB: Bool) throws -> NDArray {
        guard a.ndim == 2, b.ndim == 2 else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
        let (k2, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
        guard k == k2 else {
            throw ShapeError.incompatible(operation: "matmul", shapes: [transA ? a.shape.reversed() : a.shape,
                                                                       transB ? b.shape.reversed() : b.shape])
        }
        let resultType = DType.promote(a.dtype, b.dtype)
        if !resultType.isFloatingPoint {
            return try integerProduct(a, transA, b, transB, m: m, n: n, k: k, resultType: resultType)
        }
        let blas = BLASLibrary.current
        if resultType == .float32, let blas, let sgemm = blas.sgemm, BLASLibrary.fits(m, n, k, a.shape[1], b.shape[1]) {
            let x = try a.converted(to: .float32), y = try b.converted(to: .float32)
            let c = NDArray(uninitializedShape: [m, n], dtype: .float32)
            guard m > 0, n > 0 else { return c }
            if k == 0 { return NDArray(filled: .double(0), shape: [m, n], dtype: .float32) }
            x.withUnsafeElements(as: Float.self) { xa in
                y.withUnsafeElements(as: Float.self) { yb in
                    c.withUnsafeMutableElements(as: Float.self) { out in
                        sgemm(BLASLibrary.rowMajor, transA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                              transB ? BLASLibrary.transpose : BLASLibrary.noTranspose, Int32(m), Int32(n), Int32(k),
                              1, xa.baseAddress, Int32(x.shape[1]), yb.baseAddress, Int32(y.shape[1]), 0,
                              out.baseAddress, Int32(n))
                    }
                }
            }
            return c
        }
        let x = try a.converted(to: .float64), y = try b.converted(to: .float64)
        let c = NDArray(uninitializedShape: [m, n], dtype: .float64)
        guard m > 0, n > 0 else { return try c.converted(to: resultType) }
        x.withUnsafeElements(as: Double.self) { xa in
            y.withUnsafeElements(as: Double.self) { yb in
                c.withUnsafeMutableElements(as: Double.self) { out in
                    guard let pa = xa.baseAddress ?? UnsafePointer(out.baseAddress),
                          let pb = yb.baseAddress ?? UnsafePointer(out.baseAddress), let pc = out.baseAddress else { return }
                    if let blas, k > 0, BLASLibrary.fits(m, n, k, x.shape[1], y.shape[1]) {
                        blas.dgemm(BLASLibrary.rowMajor, transA ? BLASLibrary.transpose : BLASLibrary.noTranspose,
                                   transB ? BLASLibrary.transpose : BLASLibrary.noTranspose, Int32(m), Int32(n), Int32(k),
                                   1, pa, Int32(x.shape[1]), pb, Int32(y.shape[1]), 0, pc, Int32(n))
                    } else {
                        Gemm.multiply(m: m, n: n, k: k, a: pa, lda: x.shape[1], transA: transA, b: pb, ldb: y.shape[1],
                                      transB: transB, beta: 0, c: pc, ldc: n)
                    }
                }
            }
        }
        return try c.converted(to: resultType)
    }

    /// An exact integer (or boolean) matrix product, accumulated in wrapping 64-bit integers.
    private static func integerProduct(_ a: NDArray, _ transA: Bool, _ b: NDArray, _ transB: Bool, m: Int, n: Int,
                                       k: Int, resultType: DType) throws -> NDArray {
        let x = try (transA ? a.transposedCopy([1, 0]) : a).converted(to: .int64)
        let y = try (transB ? b.transposedCopy([1, 0]) : b).converted(to: .int64)
        let c = try NDArray(zeros: [m, n], dtype: .int64)
        x.withUnsafeElements(as: Int64.self) { xa in
            y.withUnsafeElements(as: Int64.self) { yb in
                c.withUnsafeMutableElements(as: Int64.self) { out in
                    for i in 0..<m {
                        for p in 0..<k {
                            let aip = xa[i * k + p]
                            if aip == 0 { continue }
                            for j in 0..<n { out[i * n + j] &+= aip &* yb[p * n + j] }
                        }
                    }
                }
            }
        }
        if resultType == .bool { return try c.converted(to: .bool) }
        return try c.converted(to: resultType)
    }

    /// NumPy's `matmul`: 1-d operands become a row or a column (removed again after), and arrays
    /// of more than two axes are stacks of matrices whose leading axes broadcast.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` for mismatched inner lengths or
    ///   leading axes that do not broadcast, ``ShapeError/invalidArgument(_:)`` for 0-d operands.
    package static func matmul(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        guard a.ndim >= 1, b.ndim >= 1 else {
            throw ShapeError.invalidArgument("matmul: Input operand does not have enough dimensions (0-d arrays are not matrices).")
        }
        let left = a.ndim == 1 ? try a.reshapedView([1, a.shape[0]]) : a
        let right = b.ndim == 1 ? try b.reshapedView([b.shape[0], 1]) : b
        if left.ndim == 2, right.ndim == 2 {
            let product = try matrixProduct(left, right)
            var shape = product.shape
            if b.ndim == 1 { shape.removeLast() }
            if a.ndim == 1 { shape.removeFirst() }
            return try product.reshapedView(shape)
        }
        let batchA = Array(left.shape.dropLast(2)), batchB = Array(right.shape.dropLast(2))
        let batch: [Int]
        do { batch = try broadcastShape(batchA, batchB) } catch {
            throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape])
        }
        let (m, k) = (left.shape[left.ndim - 2], left.shape[left.ndim - 1])
        let (k2, n) = (right.shape[right.ndim - 2], right.shape[right.ndim - 1])
        guard k == k2 else { throw ShapeError.incompatible(operation: "matmul", shapes: [a.shape, b.shape]) }
        let x = try left.expanded(to: batch + [m, k]), y = try right.expanded(to: batch + [k, n])
        let count = batch.reduce(1, *)
        var products: [NDArray] = []
        for index in 0..<count {
            let flatX = try x.reshapedView([count, m, k]).sliced([StridedRange(start: index, count: 1), .all(m), .all(k)])
            let flatY = try y.reshapedView([count, k, n]).sliced([StridedRange(start: index, count: 1), .all(k), .all(n)])
            products.append(try matrixProduct(flatX.reshapedView([m, k]), flatY.reshapedView([k, n])).reshapedView([1, m, n]))
        }
        let joined = products.isEmpty
            ? try NDArray(zeros: [0, m, n], dtype: DType.promote(a.dtype, b.dtype))
            : try concatenated(products, axis: 0)
        var shape = batch + [m, n]
        if b.ndim == 1 { shape.removeLast() }
        if a.ndim == 1 { shape.remove(at: shape.count - 2) }
        return try joined.reshapedView(shape)
    }

    /// `np.tensordot(a, b, axes)`: sums products over `axes.0` of `a` and `axes.1` of `b`; the
    /// result's axes are `a`'s other axes, then `b`'s.
    ///
    /// Two 2-d operands contracted over one axis each are multiplied in place with the matching
    /// transposes; otherwise the operands are permuted into matrices first.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the paired lengths differ,
    ///   ``ShapeError/axisOutOfRange(axis:ndim:)``, ``ShapeError/invalidArgument(_:)`` for a repeated axis.
    package static func tensordot(_ a: NDArray, _ b: NDArray, axes: ([Int], [Int])) throws -> NDArray {
        let axesA = try axes.0.map { try normalizeAxes([$0], ndim: a.ndim)[0] }
        let axesB = try axes.1.map { try normalizeAxes([$0], ndim: b.ndim)[0] }
        guard Set(axesA).count == axesA.count, Set(axesB).count == axesB.count else {
            throw ShapeError.invalidArgument("tensordot: repeated axes \(axes.0) or \(axes.1).")
        }
        guard axesA.count == axesB.count, zip(axesA, axesB).allSatisfy({ a.shape[$0] == b.shape[$1] }) else {
            throw ShapeError.incompatible(operation: "tensordot", shapes: [a.shape, b.shape])
        }
        if a.ndim == 2, b.ndim == 2, axesA.count == 1 {
            return try matrixProduct(a, transposed: axesA[0] == 0, b, transposed: axesB[0] == 1)
        }
        let freeA = a.shape.indices.filter { !axesA.contains($0) }
        let freeB = b.shape.indices.filter { !axesB.contains($0) }
        let summed = axesA.map { a.shape[$0] }.reduce(1, *)
        let left = try a.transposedCopy(freeA + axesA).reshapedView([freeA.map { a.shape[$0] }.reduce(1, *), summed])
        let right = try b.transposedCopy(axesB + freeB).reshapedView([summed, freeB.map { b.shape[$0] }.reduce(1, *)])
        return try matrixProduct(left, right).reshapedView(freeA.map { a.shape[$0] } + freeB.map { b.shape[$0] })
    }

    /// NumPy's `dot`: scalars multiply, 1-d · 1-d is the inner product, otherwise the last axis
    /// of `a` is summed against the second-to-last of `b` (the last, for a 1-d `b`).
    package static func dot(_ a: NDArray, _ b: NDArray) throws -> NDArray {
        if a.ndim == 0 || b.ndim == 0 {
            return try evaluate(.binary(.multiply, .input(0, a.dtype), .input(1, b.dtype)), inputs: [a, b],
                                shape: broadcastShape(a.shape, b.shape))
        }
        return try tensordot(a, b, axes: ([a.ndim - 1], [b.ndim == 1 ? 0 : b.ndim - 2]))
    }
}
