import Backends

extension NDArray {
    /// The (outer, length, inner) layout of `axis` (already normalised).
    private func layout(of axis: Int) -> AxisLayout {
        AxisLayout(outer: shape[..<axis].reduce(1, *), reduced: shape[axis], inner: shape[(axis + 1)...].reduce(1, *))
    }

    /// A single normalised axis.
    private func normalizedAxis(_ axis: Int) throws -> Int {
        try Self.normalizeAxes([axis], ndim: ndim)[0]
    }

    // MARK: - Cumulative sums and products

    /// Running sums or products along `axis` (`np.cumsum`, `np.cumprod`, and with `.nansum` or
    /// `.nanprod` the `nan` forms, which count NaN as 0 or 1).
    ///
    /// The result has NumPy's dtype: `int64` for booleans and signed integers, `uint64` for
    /// unsigned ones, the input's float otherwise (a `float32` running sum accumulates in `float32`).
    ///
    /// - Throws: ``ShapeError/axisOutOfRange(axis:ndim:)``, ``ShapeError/invalidArgument(_:)`` for
    ///   another operation.
    package func cumulative(_ operation: ReductionOperation, axis requested: Int) throws -> NDArray {
        let axis = try normalizedAxis(requested)
        let multiply: Bool
        switch operation {
        case .sum, .nansum: multiply = false
        case .prod, .nanprod: multiply = true
        default: throw ShapeError.invalidArgument("There is no cumulative \(operation.rawValue); use sum or prod.")
        }
        let skipNaN = operation.skipsNaN
        let resultType = operation.resultType(dtype)
        let source = try converted(to: resultType == .uint64 ? .uint64 : resultType)
        let result = NDArray(uninitializedShape: shape, dtype: resultType)
        let layout = self.layout(of: axis)
        guard count > 0 else { return result }
        switch resultType {
        case .float64:
            source.withUnsafeElements(as: Double.self) { x in
                result.withUnsafeMutableElements(as: Double.self) { out in
                    guard let x = x.baseAddress, let out = out.baseAddress else { return }
                    Self.runCumulative(x, out, layout, multiply: multiply, skipNaN: skipNaN, identity: multiply ? 1.0 : 0.0)
                }
            }
        case .float32:
            source.withUnsafeElements(as: Float.self) { x in
                result.withUnsafeMutableElements(as: Float.self) { out in
                    guard let x = x.baseAddress, let out = out.baseAddress else { return }
                    Self.runCumulative(x, out, layout, multiply: multiply, skipNaN: skipNaN, identity: multiply ? 1 : 0)
                }
            }
        default:
            source.withUnsafeElements(as: Int64.self) { x in
                result.withUnsafeMutableElements(as: Int64.self) { out in
                    guard let x = x.baseAddress, let out = out.baseAddress else { return }
                    Self.runIntegerCumulative(x, out, layout, multiply: multiply)
                }
            }
        }
        return result
    }

    private static func runCumulative<T: BinaryFloatingPoint>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>,
                                                              _ layout: AxisLayout, multiply: Bool, skipNaN: Bool,
                                                              identity: T) {
        let step = layout.inner
        for o in 0..<layout.outer {
            let base = o * layout.reduced * step
            for r in 0..<layout.reduced {
                let row = x + base + r * step, target = out + base + r * step
                let previous = r == 0 ? nil : out + base + (r - 1) * step
                for i in 0..<step {
                    var v = row[i]
                    if skipNaN && v.isNaN { v = identity }
                    let before = previous?[i] ?? identity
                    target[i] = multiply ? before * v : before + v
                }
            }
        }
    }

    private static func runIntegerCumulative(_ x: UnsafePointer<Int64>, _ out: UnsafeMutablePointer<Int64>,
                                             _ layout: AxisLayout, multiply: Bool) {
        let step = layout.inner
        for o in 0..<layout.outer {
            let base = o * layout.reduced * step
            for r in 0..<layout.reduced {
                let row = x + base + r * step, target = out + base + r * step
                if r == 0 {
                    target.update(from: row, count: step)
                    continue
                }
                let previous = out + base + (r - 1) * step
                if multiply {
                    for i in 0..<step { target[i] = previous[i] &* row[i] }
                } else {
                    for i in 0..<step { target[i] = previous[i] &+ row[i] }
                }
            }
        }
    }

    // MARK: - Sorting

    /// The elements sorted along `axis`, NaN last (`np.sort`).
    package func sortedAlong(_ requested: Int) throws -> NDArray {
        let axis = try normalizedAxis(requested)
        let layout = self.layout(of: axis)
        let result = try NDArray.evaluate(.input(0, dtype), inputs: [self], shape: shape)
        guard count > 0, layout.reduced > 1 else { return result }
        func sort<T: NDArrayElement>(_: T.Type, _ less: @escaping (T, T) -> Bool) {
            result.withUnsafeMutableElements(as: T.self) { values in
                guard let base = values.baseAddress else { return }
                var line = [T]()
                line.reserveCapacity(layout.reduced)
                for o in 0..<layout.outer {
                    for i in 0..<layout.inner {
                        let start = base + o * layout.reduced * layout.inner + i
                        if layout.inner == 1 {
                            var run = UnsafeMutableBufferPointer(start: start, count: layout.reduced)
                            run.sort(by: less)
                            continue
                        }
                        line.removeAll(keepingCapacity: true)
                        for r in 0..<layout.reduced { line.append(start[r * layout.inner]) }
                        line.sort(by: less)
                        for r in 0..<layout.reduced { start[r * layout.inner] = line[r] }
                    }
                }
            }
        }
        switch dtype {
        case .bool: sort(UInt8.self, <)
        case .int8: sort(Int8.self, <)
        case .int16: sort(Int16.self, <)
        case .int32: sort(Int32.self, <)
        case .int64: sort(Int64.self, <)
        case .uint8: sort(UInt8.self, <)
        case .uint16: sort(UInt16.self, <)
        case .uint32: sort(UInt32.self, <)
        case .uint64: sort(UInt64.self, <)
        case .float32: sort(Float.self) { $0 < $1 || ($1.isNaN && !$0.isNaN) }
        case .float64: sort(Double.self) { $0 < $1 || ($1.isNaN && !$0.isNaN) }
        }
        return result
    }

    /// The distinct elements, sorted, as a 1-d array (`np.unique`: NaNs collapse into one, last).
    package func uniqueValues() throws -> NDArray {
        let flat = try sortedAlong(0, flattening: true)
        guard flat.count > 1 else { return flat }
        func dedupe<T: NDArrayElement>(_: T.Type, _ same: (T, T) -> Bool) throws -> NDArray {
            let kept: [T] = flat.withUnsafeElements(as: T.self) { values in
                var kept: [T] = [values[0]]
                for v in values.dropFirst() where !same(v, kept[kept.count - 1]) { kept.append(v) }
                return kept
            }
            return try NDArray(kept, shape: [kept.count]).reinterpreted(as: dtype)
        }
        switch dtype {
        case .bool, .uint8: return try dedupe(UInt8.self, ==)
        case .int8: return try dedupe(Int8.self, ==)
        case .int16: return try dedupe(Int16.self, ==)
        case .int32: return try dedupe(Int32.self, ==)
        case .int64: return try dedupe(Int64.self, ==)
        case .uint16: return try dedupe(UInt16.self, ==)
        case .uint32: return try dedupe(UInt32.self, ==)
        case .uint64: return try dedupe(UInt64.self, ==)
        case .float32: return try dedupe(Float.self) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case .float64: return try dedupe(Double.self) { $0 == $1 || ($0.isNaN && $1.isNaN) }
        }
    }

    /// The elements sorted as one row (flattened first when `flattening`).
    private func sortedAlong(_ axis: Int, flattening: Bool) throws -> NDArray {
        try reshapedView([count]).sortedAlong(0)
    }

    // MARK: - Percentiles

    /// The `q`-th percentiles (0...100) along `axis`, linear interpolation (NumPy's default
    /// method); the result's first axis holds one entry per `q`. NaN anywhere along a line gives NaN.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for `q` outside `0...100`.
    package func percentiles(_ q: [Double], axis requested: Int) throws -> NDArray {
        guard q.allSatisfy({ $0 >= 0 && $0 <= 100 }) else {
            throw ShapeError.invalidArgument("Percentiles must be in the range [0, 100], got \(q).")
        }
        let axis = try normalizedAxis(requested)
        let sorted = try converted(to: .float64).sortedAlong(axis)
        let layout = self.layout(of: axis)
        let lines = layout.outer * layout.inner
        let resultType: DType = dtype == .float32 ? .float32 : .float64
        var kept = shape
        kept.remove(at: axis)
        let result = NDArray(uninitializedShape: [q.count] + kept, dtype: .float64)
        sorted.withUnsafeElements(as: Double.self) { x in
            result.withUnsafeMutableElements(as: Double.self) { out in
                for line in 0..<lines {
                    let (o, i) = (line / Swift.max(layout.inner, 1), line % Swift.max(layout.inner, 1))
                    let base = o * layout.reduced * layout.inner + i
                    let n = layout.reduced
                    for (k, p) in q.enumerated() {
                        let target = k * lines + line
                        guard n > 0 else { out[target] = .nan; continue }
                        if x[base + (n - 1) * layout.inner].isNaN { out[target] = .nan; continue }
                        let position = p / 100 * Double(n - 1)
                        let lower = Swift.min(Int(position.rounded(.down)), n - 1)
                        let upper = Swift.min(lower + 1, n - 1)
                        let fraction = position - Double(lower)
                        let a = x[base + lower * layout.inner], b = x[base + upper * layout.inner]
                        // NumPy's lerp: a + (b - a) * t, from the other end when t >= 0.5.
                        out[target] = fraction >= 0.5 ? b - (b - a) * (1 - fraction) : a + (b - a) * fraction
                    }
                }
            }
        }
        return try result.converted(to: resultType)
    }

    /// The `q`-th percentiles (0...100) of all elements, linear interpolation (NumPy's default).
    package func percentiles(_ q: [Double]) throws -> NDArray {
        try reshapedView([count]).percentiles(q, axis: 0)
    }

    // MARK: - Selection

    /// The elements at `indices` along `axis` (`np.take`; negative indices count from the end).
    ///
    /// - Throws: ``ShapeError/indexOutOfRange(axis:index:length:)`` for an index outside the axis.
    package func taking(_ indices: [Int], axis requested: Int) throws -> NDArray {
        let axis = try normalizedAxis(requested)
        let length = shape[axis]
        let resolved = try indices.map { index -> Int in
            let positive = index < 0 ? index + length : index
            guard positive >= 0, positive < length else {
                throw ShapeError.indexOutOfRange(axis: axis, index: String(index), length: length)
            }
            return positive
        }
        var outShape = shape
        outShape[axis] = resolved.count
        let result = NDArray(uninitializedShape: outShape, dtype: dtype)
        let layout = self.layout(of: axis)
        let run = layout.inner * dtype.itemSize
        let source = UnsafeRawPointer(storage.bytes)
        var target = result.storage.bytes
        for o in 0..<layout.outer {
            for index in resolved {
                target.copyMemory(from: source + (o * layout.reduced + index) * run, byteCount: run)
                target += run
            }
        }
        return result
    }

    /// The elements where `mask` (a boolean array of the same shape) is true, row-major, 1-d.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the shapes differ,
    ///   ``ShapeError/invalidArgument(_:)`` if `mask` is not boolean.
    package func compressed(by mask: NDArray) throws -> NDArray {
        guard mask.shape == shape else {
            throw ShapeError.incompatible(operation: "boolean index", shapes: [shape, mask.shape])
        }
        guard mask.dtype == .bool else {
            throw ShapeError.invalidArgument("A boolean index must have dtype bool, not \(mask.dtype).")
        }
        let flags = mask.withUnsafeElements(as: UInt8.self) { Array($0) }
        let kept = flags.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        let result = NDArray(uninitializedShape: [kept], dtype: dtype)
        let item = dtype.itemSize
        let source = UnsafeRawPointer(storage.bytes)
        var target = result.storage.bytes
        for (k, flag) in flags.enumerated() where flag != 0 {
            target.copyMemory(from: source + k * item, byteCount: item)
            target += item
        }
        return result
    }
}
