import Backends

extension NDArray {
    /// The elements selected by one strided range per axis.
    package func sliced(_ ranges: [StridedRange]) throws -> NDArray {
        guard ranges.count == shape.count else {
            throw ShapeError.invalidArgument("Slicing an array of \(shape.count) dimensions needs \(shape.count) ranges, got \(ranges.count).")
        }
        for (axis, range) in ranges.enumerated() where range.count > 0 {
            let last = range.index(range.count - 1)
            guard range.step != 0, range.start >= 0, range.start < shape[axis], last >= 0, last < shape[axis] else {
                throw ShapeError.indexOutOfRange(axis: axis, index: range.description, length: shape[axis])
            }
        }
        let outShape = ranges.map(\.count)
        if outShape == shape, ranges.allSatisfy({ $0.step == 1 && $0.start == 0 }) { return self }
        let result = NDArray(uninitializedShape: outShape, dtype: dtype)
        guard result.count > 0 else { return result }
        let item = dtype.itemSize
        let strides = self.strides
        let source = UnsafeRawPointer(storage.bytes)
        var destination = result.storage.bytes
        let ndim = shape.count
        // The innermost axis is copied as a run when its step is 1.
        let innerRun = ndim > 0 && ranges[ndim - 1].step == 1
        let outerAxes = innerRun ? ndim - 1 : ndim
        let runLength = innerRun ? ranges[ndim - 1].count : 1
        var index = [Int](repeating: 0, count: outerAxes)
        let runs = outShape[..<outerAxes].reduce(1, *)
        for _ in 0..<runs {
            var offset = innerRun ? ranges[ndim - 1].start : 0
            for axis in 0..<outerAxes { offset += ranges[axis].index(index[axis]) * strides[axis] }
            destination.copyMemory(from: source + offset * item, byteCount: runLength * item)
            destination += runLength * item
            var axis = outerAxes - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// A row-major copy with axes permuted: result axis `i` is axis `permutation[i]`.
    ///
    /// The tile evaluator reads the input through the permuted view in cache-sized 2-d tiles, so
    /// both sides of a 2-d transpose stay in cache.
    package func transposedCopy(_ permutation: [Int]) throws -> NDArray {
        guard permutation.sorted() == Array(0..<shape.count) else {
            throw ShapeError.invalidArgument("\(permutation) is not a permutation of the \(shape.count) axes.")
        }
        if permutation == Array(0..<shape.count) { return self }
        if permutation == [1, 0] { return transposed2D() }
        return try NDArray.evaluate(.permutedInput(0, dtype, permutation: permutation), inputs: [self],
                                    shape: permutation.map { shape[$0] })
    }

    /// The transpose of a 2-d array, as a contiguous copy.
    ///
    /// The source is read eight rows at a time, so there are eight sequential streams the hardware
    /// prefetcher follows, and each destination row receives eight consecutive elements (a whole
    /// cache line of doubles) per pass, so every line written is written whole.
    package func transposed2D() -> NDArray {
        let (rows, columns) = (shape[0], shape[1])
        let result = NDArray(uninitializedShape: [columns, rows], dtype: dtype)
        func run<T>(_: T.Type) {
            let source = UnsafeRawPointer(storage.bytes).assumingMemoryBound(to: T.self)
            let target = result.storage.bytes.assumingMemoryBound(to: T.self)
            var r0 = 0
            while r0 + 8 <= rows {
                let s0 = source + r0 * columns
                for c in 0..<columns {
                    let t = target + c * rows + r0
                    t[0] = s0[c]
                    t[1] = s0[columns + c]
                    t[2] = s0[2 * columns + c]
                    t[3] = s0[3 * columns + c]
                    t[4] = s0[4 * columns + c]
                    t[5] = s0[5 * columns + c]
                    t[6] = s0[6 * columns + c]
                    t[7] = s0[7 * columns + c]
                }
                r0 += 8
            }
            while r0 < rows {
                for c in 0..<columns { target[c * rows + r0] = source[r0 * columns + c] }
                r0 += 1
            }
        }
        guard count > 0 else { return result }
        switch dtype.itemSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        default: run(UInt64.self)
        }
        return result
    }

    /// Writes columns `columns` of this matrix, transposed, into the first rows of `band`
    /// (`band[i][j] = self[j][columns.lowerBound + i]`), reading eight rows at a time.
    package func transposeColumns(_ columns: Range<Int>, into band: NDArray) {
        let (rows, width) = (shape[0], shape[1])
        let count = columns.count
        func run<T>(_: T.Type) {
            let source = UnsafeRawPointer(storage.bytes).assumingMemoryBound(to: T.self) + columns.lowerBound
            let target = band.storage.bytes.assumingMemoryBound(to: T.self)
            var r0 = 0
            while r0 + 8 <= rows {
                let s0 = source + r0 * width
                for c in 0..<count {
                    let t = target + c * rows + r0
                    t[0] = s0[c]
                    t[1] = s0[width + c]
                    t[2] = s0[2 * width + c]
                    t[3] = s0[3 * width + c]
                    t[4] = s0[4 * width + c]
                    t[5] = s0[5 * width + c]
                    t[6] = s0[6 * width + c]
                    t[7] = s0[7 * width + c]
                }
                r0 += 8
            }
            while r0 < rows {
                for c in 0..<count { target[c * rows + r0] = source[r0 * width + c] }
                r0 += 1
            }
        }
        guard count > 0, rows > 0 else { return }
        switch dtype.itemSize {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        default: run(UInt64.self)
        }
    }

    /// An array of `shape` whose region at each piece's offset is that piece's `ranges` of its
    /// array: one copy of every element, run by run (the pieces must tile `shape` and share a dtype).
    ///
    /// - Throws: ``ShapeError`` for pieces that do not fit or mixed dtypes.
    package static func assembled(_ pieces: [(NDArray, [StridedRange], [Int])], shape: [Int]) throws -> NDArray {
        guard let dtype = pieces.first?.0.dtype else { throw ShapeError.invalidArgument("Nothing to assemble into \(shape).") }
        if pieces.count == 1, let (array, ranges, _) = pieces.first { return try array.sliced(ranges) }
        let result = NDArray(uninitializedShape: shape, dtype: dtype)
        let item = dtype.itemSize
        let targetStrides = result.strides
        for (array, ranges, offset) in pieces {
            guard array.dtype == dtype, ranges.count == shape.count, offset.count == shape.count,
                  zip(zip(ranges, offset), shape).allSatisfy({ $0.0.count + $0.1 <= $1 && $0.1 >= 0 }) else {
                throw ShapeError.incompatible(operation: "assemble", shapes: [array.shape, shape])
            }
            let unitSteps = ranges.allSatisfy { $0.step == 1 }
            let part = unitSteps ? array : try array.sliced(ranges)
            let local = unitSteps ? ranges : part.shape.map { StridedRange.all($0) }
            for (axis, range) in local.enumerated() where range.count > 0 {
                guard range.start >= 0, range.start + range.count <= part.shape[axis] else {
                    throw ShapeError.indexOutOfRange(axis: axis, index: range.description, length: part.shape[axis])
                }
            }
            let sourceStrides = part.strides
            let ndim = shape.count
            guard ndim > 0 else {
                result.storage.bytes.copyMemory(from: part.storage.bytes, byteCount: item)
                continue
            }
            let run = local[ndim - 1].count * item
            let outer = local.dropLast().map { $0.count }
            var index = [Int](repeating: 0, count: outer.count)
            guard run > 0, !outer.contains(0) else { continue }
            for _ in 0..<outer.reduce(1, *) {
                var from = local[ndim - 1].start, to = offset[ndim - 1]
                for (axis, i) in index.enumerated() {
                    from += (local[axis].start + i) * sourceStrides[axis]
                    to += (offset[axis] + i) * targetStrides[axis]
                }
                (result.storage.bytes + to * item).copyMemory(from: UnsafeRawPointer(part.storage.bytes) + from * item,
                                                              byteCount: run)
                var axis = outer.count - 1
                while axis >= 0 {
                    index[axis] += 1
                    if index[axis] < outer[axis] { break }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
        return result
    }

    /// The same elements with a new shape of the same size (no copy).
    package func reshapedView(_ newShape: [Int]) throws -> NDArray {
        try Self.checkShape(newShape)
        guard newShape.reduce(1, *) == count else {
            throw ShapeError.incompatible(operation: "reshape", shapes: [shape, newShape])
        }
        return NDArray(shape: newShape, dtype: dtype, storage: storage)
    }

    /// Arrays joined along `axis`; all must agree on the other axes and share a dtype after promotion.
    package static func concatenated(_ arrays: [NDArray], axis: Int) throws -> NDArray {
        guard let first = arrays.first else {
            throw ShapeError.invalidArgument("Need at least one array to concatenate.")
        }
        let ndim = first.ndim
        guard axis >= 0, axis < ndim else { throw ShapeError.axisOutOfRange(axis: axis, ndim: ndim) }
        for array in arrays {
            guard array.ndim == ndim,
                  array.shape.enumerated().allSatisfy({ $0.offset == axis || $0.element == first.shape[$0.offset] })
            else { throw ShapeError.incompatible(operation: "concatenate", shapes: arrays.map(\.shape)) }
        }
        let dtype = arrays.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let parts = try arrays.map { try $0.converted(to: dtype) }
        if parts.count == 1 { return parts[0] }
        var outShape = first.shape
        outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
        let result = NDArray(uninitializedShape: outShape, dtype: dtype)
        let outer = first.shape[..<axis].reduce(1, *)
        let item = dtype.itemSize
        var destination = result.storage.bytes
        for o in 0..<outer {
            for part in parts {
                let run = part.shape[axis...].reduce(1, *) * item
                destination.copyMemory(from: UnsafeRawPointer(part.storage.bytes) + o * run, byteCount: run)
                destination += run
            }
        }
        return result
    }
}
