import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// The elements in the given ranges, one per leading axis (axes not given are taken whole).
    ///
    /// ```swift
    /// let corner = try a[0..<100, 5..<10]
    /// ```
    ///
    /// - Throws: ``ShapeError/indexOutOfRange(axis:index:length:)`` for a range outside its axis.
    public subscript(_ ranges: Range<Int>...) -> ChunkedArray {
        get throws { try slice(ranges) }
    }

    /// The elements a NumPy-style index selects: integers, ranges, ``ArrayIndex/slice(_:_:step:)``,
    /// ``ArrayIndex/newAxis``, ``ArrayIndex/ellipsis``, and one integer array (`[Int]`) or boolean
    /// mask (`[Bool]`) per index.
    ///
    /// ```swift
    /// let last = try x[-1]                          // the last row, axis 0 dropped
    /// let evens = try x[.all, ArrayIndex.slice(step: 2)]
    /// let some = try x[[3, 0, 3]]                   // rows 3, 0 and 3
    /// ```
    ///
    /// Result blocks follow the source blocks they come from, so a slice never moves data between blocks.
    ///
    /// - Throws: ``ShapeError/indexOutOfRange(axis:index:length:)`` for an integer or a strict range
    ///   outside its axis, ``ShapeError/invalidArgument(_:)`` for too many indices, two ellipses,
    ///   a zero step, a mask of the wrong length, or more than one array index.
    public subscript(_ items: any ArrayIndexConvertible...) -> ChunkedArray {
        get throws { try index(items.map(\.arrayIndex)) }
    }

    /// The elements in the given ranges, one per leading axis.
    ///
    /// - Throws: ``ShapeError/indexOutOfRange(axis:index:length:)`` for a range outside its axis.
    public func slice(_ ranges: [Range<Int>]) throws -> ChunkedArray {
        try index(ranges.map { .range($0) })
    }

    /// The elements `items` select (see ``subscript(_:)-(any ArrayIndexConvertible...)``).
    public func index(_ items: [ArrayIndex]) throws -> ChunkedArray {
        let consuming = items.filter { $0 != .newAxis && $0 != .ellipsis }.count
        guard items.filter({ $0 == .ellipsis }).count <= 1 else {
            throw ShapeError.invalidArgument("An index can only have a single ellipsis ('...').")
        }
        guard consuming <= ndim else {
            throw ShapeError.invalidArgument("Too many indices: \(consuming) for an array of \(ndim) dimensions.")
        }
        var expanded: [ArrayIndex] = []
        for item in items {
            if item == .ellipsis {
                expanded += [ArrayIndex](repeating: .all, count: ndim - consuming)
            } else {
                expanded.append(item)
            }
        }
        if !items.contains(.ellipsis) { expanded += [ArrayIndex](repeating: .all, count: ndim - consuming) }

        var ranges: [StridedRange] = []
        var dropped: Set<Int> = []
        var plan: [Int?] = []                // output axes: a source axis, or nil for a new axis
        var fancy: (axis: Int, positions: [Int])?
        var axis = 0
        for item in expanded {
            if item == .newAxis {
                plan.append(nil)
                continue
            }
            let length = shape[axis]
            switch item {
            case let .index(position):
                let resolved = position < 0 ? position + length : position
                guard resolved >= 0, resolved < length else {
                    throw ShapeError.indexOutOfRange(axis: axis, index: String(position), length: length)
                }
                ranges.append(StridedRange(start: resolved, count: 1))
                dropped.insert(axis)
            case let .range(range):
                guard range.lowerBound >= 0, range.upperBound <= length else {
                    throw ShapeError.indexOutOfRange(axis: axis, index: "\(range.lowerBound)..<\(range.upperBound)",
                                                     length: length)
                }
                ranges.append(StridedRange(start: range.lowerBound, count: range.count))
                plan.append(axis)
            case let .slice(start, stop, step):
                ranges.append(try Self.resolveSlice(start: start, stop: stop, step: step, length: length))
                plan.append(axis)
            case let .positions(positions):
                guard fancy == nil else {
                    throw ShapeError.invalidArgument("Only one integer-array or boolean index is supported per index.")
                }
                fancy = (plan.count, positions)
                ranges.append(.all(length))
                plan.append(axis)
            case let .mask(mask):
                guard fancy == nil else {
                    throw ShapeError.invalidArgument("Only one integer-array or boolean index is supported per index.")
                }
                guard mask.count == length else {
                    throw ShapeError.invalidArgument(
                        "A boolean index of length \(mask.count) does not match axis \(axis) of length \(length).")
                }
                fancy = (plan.count, mask.indices.filter { mask[$0] })
                ranges.append(.all(length))
                plan.append(axis)
            case .newAxis, .ellipsis:
                break
            }
            axis += 1
        }
        if fancy != nil, !dropped.isEmpty {
            throw ShapeError.invalidArgument(
                "Combining an integer index with an integer-array or boolean index is not supported; index in two steps.")
        }
        var result = try selecting(ranges)
        if !dropped.isEmpty || plan.contains(where: { $0 == nil }) {
            result = result.arrangingAxes(plan)
        }
        if let fancy { result = try result.take(fancy.positions, axis: fancy.axis) }
        return result
    }

    /// NumPy's normalisation of `start:stop:step` for an axis of `length` (`PySlice_AdjustIndices`).
    static func resolveSlice(start: Int?, stop: Int?, step: Int?, length: Int) throws -> StridedRange {
        let step = step ?? 1
        guard step != 0 else { throw ShapeError.invalidArgument("A slice step cannot be zero.") }
        func clamp(_ value: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var v = value else { return defaultValue }
            if v < 0 { v += length }
            return Swift.min(Swift.max(v, low), high)
        }
        let first: Int, end: Int
        if step > 0 {
            first = clamp(start, 0, low: 0, high: length)
            end = clamp(stop, length, low: 0, high: length)
        } else {
            first = clamp(start, length - 1, low: -1, high: length - 1)
            end = clamp(stop, -1, low: -1, high: length - 1)
        }
        let span = step > 0 ? end - first : first - end
        let magnitude = Swift.abs(step)
        let count = span > 0 ? (span + magnitude - 1) / magnitude : 0
        return StridedRange(start: count > 0 ? first : 0, count: count, step: count > 0 ? step : 1)
    }

    /// The elements selected by one strided range per axis; each result block is cut from one source block.
    func selecting(_ ranges: [StridedRange]) throws -> ChunkedArray {
        if zip(ranges, shape).allSatisfy({ $0.start == 0 && $0.count == $1 && $0.step == 1 }) { return self }
        // Per axis: the pieces (source block, local range) in output order.
        let pieces: [[(block: Int, local: StridedRange)]] = ranges.enumerated().map { axis, range in
            Self.pieces(of: range, bounds: BlockGrid.boundaries(chunks[axis]))
        }
        let outChunks = pieces.map { $0.map(\.local.count) }
        let source = self
        let outShape = ranges.map(\.count)
        return ChunkedArray.derived(
            from: [source], shape: outShape, chunks: outChunks, dtype: dtype, meta: meta, prefix: "getitem",
            dependencies: { index in [source.key(zip(pieces, index).map { $0[$1].block })] },
            compute: { index, inputs in try inputs[0].slice(zip(pieces, index).map { $0[$1].local }) })
    }

    /// The source blocks a strided range touches, in the range's order, with the local range in each.
    static func pieces(of range: StridedRange, bounds: [Int]) -> [(block: Int, local: StridedRange)] {
        var result: [(Int, StridedRange)] = []
        let blocks = bounds.count - 1
        if range.count > 0 {
            let order = range.step > 0 ? Array(0..<blocks) : Array((0..<blocks).reversed())
            for block in order {
                let (low, high) = (bounds[block], bounds[block + 1])
                guard high > low else { continue }
                let first: Int, last: Int
                if range.step > 0 {
                    first = Swift.max(0, ceilDivide(low - range.start, range.step))
                    last = Swift.min(range.count - 1, integerFloorDivide(high - 1 - range.start, range.step))
                } else {
                    let s = -range.step
                    first = Swift.max(0, integerFloorDivide(range.start - high, s) + 1)
                    last = Swift.min(range.count - 1, integerFloorDivide(range.start - low, s))
                }
                guard first <= last else { continue }
                result.append((block, StridedRange(start: range.index(first) - low, count: last - first + 1,
                                                   step: range.step)))
            }
        }
        if result.isEmpty { result.append((0, StridedRange(start: 0, count: 0))) }
        return result
    }

    /// The array with axes dropped and new length-1 axes inserted: output axis `i` is source axis
    /// `plan[i]`, or a new axis where `plan[i]` is `nil`; source axes not in `plan` must have length 1.
    func arrangingAxes(_ plan: [Int?]) -> ChunkedArray {
        let outChunks = plan.map { $0.map { chunks[$0] } ?? [1] }
        let source = self
        let sourceAxes = ndim
        return ChunkedArray.derived(
            from: [source], shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: dtype, meta: meta,
            prefix: "reshape",
            dependencies: { index in
                var original = [Int](repeating: 0, count: sourceAxes)
                for (k, axis) in plan.enumerated() { if let axis { original[axis] = index[k] } }
                return [source.key(original)]
            },
            compute: { index, inputs in
                try inputs[0].reshaped(zip(outChunks, index).map { $0[$1] })
            })
    }

    /// The elements at `positions` along `axis`, in that order (`np.take`; negative positions count
    /// from the end).
    ///
    /// Sorted positions give one result block per source block they fall in; others are cut into
    /// blocks of the axis's largest chunk, each gathering from the source blocks it needs.
    ///
    /// - Throws: ``ShapeError/indexOutOfRange(axis:index:length:)`` for a position outside the axis,
    ///   ``ShapeError/axisOutOfRange(axis:ndim:)`` for a bad axis.
    public func take(_ positions: [Int], axis requested: Int) throws -> ChunkedArray {
        let axis = try NDArray.normalizeAxes([requested], ndim: ndim)[0]
        let length = shape[axis]
        let resolved = try positions.map { position -> Int in
            let p = position < 0 ? position + length : position
            guard p >= 0, p < length else {
                throw ShapeError.indexOutOfRange(axis: axis, index: String(position), length: length)
            }
            return p
        }
        let bounds = BlockGrid.boundaries(chunks[axis])
        func block(of position: Int) -> Int {
            var low = 0, high = bounds.count - 2
            while low < high {
                let mid = (low + high + 1) / 2
                if bounds[mid] <= position { low = mid } else { high = mid - 1 }
            }
            return low
        }
        // Output pieces along the axis: lists of (source block, local positions) runs.
        typealias Run = (block: Int, local: [Int])
        var outPieces: [[Run]] = []
        let sorted = zip(resolved, resolved.dropFirst()).allSatisfy { $0 <= $1 }
        let pieceSize = Swift.max(chunks[axis].max() ?? 1, 1)
        var current: [Run] = []
        var currentCount = 0
        for position in resolved {
            let b = block(of: position)
            let startsPiece = sorted ? (current.last.map { $0.block != b } ?? false) : currentCount == pieceSize
            if startsPiece {
                outPieces.append(current)
                current = []
                currentCount = 0
            }
            if let last = current.last, last.block == b {
                current[current.count - 1].local.append(position - bounds[b])
            } else {
                current.append((b, [position - bounds[b]]))
            }
            currentCount += 1
        }
        if !current.isEmpty || outPieces.isEmpty { outPieces.append(current) }
        var outChunks = chunks
        outChunks[axis] = outPieces.map { $0.reduce(0) { $0 + $1.local.count } }
        let source = self
        let meta = self.meta
        let pieces = outPieces
        return ChunkedArray.derived(
            from: [source], shape: outChunks.map { $0.reduce(0, +) }, chunks: outChunks, dtype: dtype, meta: meta,
            prefix: "take",
            dependencies: { index in
                let runs = pieces[index[axis]]
                if runs.isEmpty { return [source.key(index.enumerated().map { $0.offset == axis ? 0 : $0.element })] }
                return runs.map { run in
                    source.key(index.enumerated().map { $0.offset == axis ? run.block : $0.element })
                }
            },
            compute: { index, inputs in
                let runs = pieces[index[axis]]
                if runs.isEmpty { return try inputs[0].take([], axis: axis) }
                let parts = try zip(runs, inputs).map { run, input in try input.take(run.local, axis: axis) }
                return parts.count == 1 ? parts[0] : try meta.chunk.concatenate(parts, axis: axis)
            })
    }

    /// The elements where the host boolean array `mask` (this array's shape) is true, in row-major
    /// order, as a 1-d array with one block per block of this array (NumPy's `x[mask]`).
    ///
    /// The mask is known when the graph is built, so every block's length is known; for a lazy
    /// condition use ``where(_:_:_:)`` or compute the mask first.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the shapes differ,
    ///   ``ShapeError/invalidArgument(_:)`` if `mask` is not boolean.
    public func compress(where mask: NDArray) throws -> ChunkedArray {
        guard mask.shape == shape else {
            throw ShapeError.incompatible(operation: "boolean index", shapes: [shape, mask.shape])
        }
        guard mask.dtype == .bool else {
            throw ShapeError.invalidArgument("A boolean index must have dtype bool, not \(mask.dtype).")
        }
        let blocks = blockIndices
        let bounds = chunks.map(BlockGrid.boundaries)
        let blockMasks = try blocks.map { index in
            try mask.sliced(zip(bounds, index).enumerated().map { axis, pair in
                StridedRange(start: pair.0[pair.1], count: chunks[axis][pair.1])
            })
        }
        let counts = blockMasks.map { $0.toArray(Int.self).reduce(0, +) }
        let source = self
        return ChunkedArray.derived(
            from: [source], shape: [counts.reduce(0, +)], chunks: [counts.isEmpty ? [0] : counts], dtype: dtype,
            meta: meta, prefix: "getitem-mask",
            dependencies: { index in [source.key(blocks.isEmpty ? [] : blocks[index[0]])] },
            compute: { index, inputs in
                guard !blockMasks.isEmpty else { return try inputs[0].reshaped([0]) }
                return try inputs[0].compress(blockMasks[index[0]])
            })
    }
}

/// `a / b` rounded toward negative infinity (`b > 0`).
func integerFloorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && a < 0) ? q - 1 : q
}

/// `a / b` rounded toward positive infinity (`b > 0`).
func ceilDivide(_ a: Int, _ b: Int) -> Int {
    -integerFloorDivide(-a, b)
}
