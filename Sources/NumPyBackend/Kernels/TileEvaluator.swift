import Backends
import Foundation

/// Evaluates an ``ElementwiseExpression`` over arrays, one tile of about a thousand elements at a time.
///
/// The expression is flattened once into instructions in dependency order. Each instruction owns
/// one tile-sized register, so a whole chain of operations runs over a tile that stays in the L1
/// cache, and each input is read from memory once. Floating-point nodes compute in `Double`
/// registers (rounded to `Float` after each operation when the node is `float32`, which gives the
/// same result as computing in `Float` for the basic operations); boolean and integer nodes compute
/// in `Int64` registers, wrapped to their width after each operation as NumPy's integers wrap.
///
/// Inputs are read through *views*: an input may broadcast to the output (NumPy's rules) or be
/// read with its axes permuted (``ElementwiseExpression/permutedInput(_:_:permutation:)``), and
/// neither is copied first. When every input is contiguous the output is walked in flat runs of
/// ``tileSize`` elements and `float64` inputs are read in place. Otherwise the output, its axes
/// coalesced where every view allows, is walked in 2-d tiles over its last two axes: whole rows
/// when every input reads rows forward, 8 × 128 tiles when one reads across rows (a transposed
/// operand), so that both sides of a transpose stay in cache.
struct TileEvaluator {
    /// Elements per tile: 1024 doubles are 8 KiB, so a dozen registers fit in L1.
    static let tileSize = 1024
    /// Elements from which a transposed 2-d input is copied contiguous before evaluation.
    static let stagingThreshold = 1 << 14
    /// Output rows per band of a staged transposed matrix.
    static let bandRows = 64
    /// Rows of a band when an operand is read across rows (see ``forEachTile(_:)``).
    static let panelRows = 128

    /// Where an instruction's values live for the current tile.
    enum Register {
        case float(UnsafeMutablePointer<Double>)
        case integer(UnsafeMutablePointer<Int64>)
        case floatScalar(Double)
        case integerScalar(Int64)
    }

    /// Where a tile's values belong in the row-major output: `rows` runs of `columns` elements,
    /// the first at `offset`, each `rowStride` after the previous. A tile's register holds the
    /// runs back to back.
    struct Placement {
        var offset: Int
        var rows: Int
        var columns: Int
        var rowStride: Int
        var count: Int { rows * columns }
    }

    /// An input as the output sees it: element strides per (coalesced) output axis, 0 where it broadcasts.
    private struct View {
        var array: NDArray
        var strides: [Int]
        /// The single value of a one-element input.
        let scalar: ScalarValue?
        /// For a transposed matrix read band by band: the matrix, whose transposed band `array`
        /// (a scratch buffer) holds while the band is evaluated.
        var bandSource: NDArray? = nil
    }

    private enum Instruction {
        case input(view: Int, DType)
        case constant(ScalarValue, DType)
        case unary(UnaryOperation, Int, DType)
        case binary(BinaryOperation, Int, Int, DType)
        case cast(Int, DType)
        case select(Int, Int, Int, DType)
    }

    private var instructions: [Instruction] = []
    /// The instruction computing each root expression.
    private var roots: [Int] = []
    private var views: [View] = []
    private let inputs: [NDArray]
    /// The dtype of the expression's result.
    let resultType: DType
    /// The output's shape with mergeable axes merged (length-1 axes dropped).
    private var shape: [Int] = []
    /// The number of output elements.
    let count: Int
    /// Whether every view is contiguous (or a scalar), so tiles are flat runs.
    private var isFlat = true
    /// Output rows per band when transposed matrices are staged band by band, else 0.
    private var banded = 0
    /// The output's number of rows (its first axis, for a matrix).
    private var outputRows = 1
    private var tileRows = 1
    /// Rows walked together (all of them unless an operand is read across rows).
    private var panelRows = Int.max
    private var tileColumns = TileEvaluator.tileSize
    private var floatTiles: UnsafeMutablePointer<Double>
    private var integerTiles: UnsafeMutablePointer<Int64>
    private var registers: UnsafeMutablePointer<Register>
    /// Set when an operation meets values NumPy rejects (an integer to a negative power).
    private let failure: UnsafeMutablePointer<UInt8>

    /// Prepares `expression` over `inputs`, each of which must broadcast to `outputShape` (after
    /// the permutation of a permuted leaf).
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` for an input that does not
    ///   broadcast, ``ShapeError/invalidArgument(_:)`` for a bad permutation or input index.
    init(_ expression: ElementwiseExpression, inputs: [NDArray], shape outputShape: [Int]) throws {
        try self.init(roots: [expression], inputs: inputs, shape: outputShape)
    }

    /// Prepares several expressions over the same inputs and output shape, evaluated together
    /// tile by tile (their common subexpressions once): after each tile, ``register(ofRoot:)``
    /// gives each one's values. ``resultType`` is the last one's dtype.
    ///
    /// - Throws: as ``init(_:inputs:shape:)``; ``ShapeError/invalidArgument(_:)`` for no expression.
    init(roots expressions: [ElementwiseExpression], inputs: [NDArray], shape outputShape: [Int]) throws {
        guard let last = expressions.last else { throw ShapeError.invalidArgument("No expression to evaluate.") }
        self.inputs = inputs
        resultType = last.dtype
        count = outputShape.reduce(1, *)
        outputRows = outputShape.first ?? 1
        floatTiles = .allocate(capacity: 1)
        integerTiles = .allocate(capacity: 1)
        registers = .allocate(capacity: 1)
        failure = .allocate(capacity: 1)
        failure.initialize(to: 0)
        var memo: [ElementwiseExpression: Int] = [:]
        var viewMemo: [String: Int] = [:]
        do {
            for expression in expressions {
                roots.append(try flatten(expression, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo))
            }
        } catch {
            release()
            throw error
        }
        floatTiles.deallocate()
        integerTiles.deallocate()
        registers.deallocate()
        planTiles(outputShape)
        // Two tiles per instruction: the result, and scratch for a converted second operand.
        floatTiles = .allocate(capacity: instructions.count * 2 * Self.tileSize)
        integerTiles = .allocate(capacity: instructions.count * 2 * Self.tileSize)
        registers = .allocate(capacity: Swift.max(instructions.count, 1))
    }

    /// Frees the registers.
    func release() {
        floatTiles.deallocate()
        integerTiles.deallocate()
        registers.deallocate()
        failure.deallocate()
    }

    /// Throws if an operation met values NumPy rejects.
    func checkFailure() throws {
        if failure.pointee == 1 { throw ShapeError.invalidArgument("Integers to negative integer powers are not allowed.") }
    }

    // MARK: - Planning

    private mutating func flatten(_ node: ElementwiseExpression, outputShape: [Int],
                                  memo: inout [ElementwiseExpression: Int], viewMemo: inout [String: Int]) throws -> Int {
        if let index = memo[node] { return index }
        let instruction: Instruction
        switch node {
        case let .input(k, dtype):
            instruction = .input(view: try view(k, permutation: nil, outputShape, &viewMemo), dtype)
        case let .permutedInput(k, dtype, permutation):
            instruction = .input(view: try view(k, permutation: permutation, outputShape, &viewMemo), dtype)
        case let .constant(value, dtype): instruction = .constant(value, dtype)
        case let .unary(op, operand):
            instruction = .unary(op, try flatten(operand, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo),
                                 node.dtype)
        case let .binary(op, lhs, rhs):
            let a = try flatten(lhs, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo)
            let b = try flatten(rhs, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo)
            instruction = .binary(op, a, b, node.dtype)
        case let .cast(operand, dtype):
            instruction = .cast(try flatten(operand, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo), dtype)
        case let .select(c, a, b):
            let ci = try flatten(c, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo)
            let ai = try flatten(a, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo)
            let bi = try flatten(b, outputShape: outputShape, memo: &memo, viewMemo: &viewMemo)
            instruction = .select(ci, ai, bi, node.dtype)
        }
        instructions.append(instruction)
        memo[node] = instructions.count - 1
        return instructions.count - 1
    }

    /// The view of input `k` (permuted if asked) over the output, made once per distinct view.
    private mutating func view(_ k: Int, permutation: [Int]?, _ outputShape: [Int],
                               _ viewMemo: inout [String: Int]) throws -> Int {
        let key = "\(k)/\(permutation ?? [])"
        if let existing = viewMemo[key] { return existing }
        guard k >= 0, k < inputs.count else {
            throw ShapeError.invalidArgument("The expression reads input \(k) but \(inputs.count) were given.")
        }
        let array = inputs[k]
        var shape = array.shape
        var strides = array.strides
        if let permutation {
            guard permutation.sorted() == Array(0..<shape.count) else {
                throw ShapeError.invalidArgument("\(permutation) is not a permutation of the \(shape.count) axes.")
            }
            shape = permutation.map { shape[$0] }
            strides = permutation.map { strides[$0] }
        }
        let lead = outputShape.count - shape.count
        guard lead >= 0 || array.count == 1 else {
            throw ShapeError.incompatible(operation: "broadcast", shapes: [shape, outputShape])
        }
        var viewStrides = [Int](repeating: 0, count: outputShape.count)
        if array.count != 1 {
            for axis in 0..<outputShape.count where axis >= lead {
                let length = shape[axis - lead]
                if length == outputShape[axis] {
                    viewStrides[axis] = outputShape[axis] == 1 ? 0 : strides[axis - lead]
                } else if length != 1 {
                    throw ShapeError.incompatible(operation: "broadcast", shapes: [shape, outputShape])
                }
            }
        }
        views.append(View(array: array, strides: viewStrides, scalar: array.count == 1 ? array.scalar(at: 0) : nil))
        viewMemo[key] = views.count - 1
        return views.count - 1
    }

    /// Coalesces the output's axes and picks flat runs or 2-d tiles.
    private mutating func planTiles(_ outputShape: [Int]) {
        stageTransposes(outputShape)
        // Drop length-1 axes, then merge an axis into the next wherever every view steps through
        // the pair as through one axis.
        let kept = outputShape.indices.filter { outputShape[$0] != 1 }
        var merged: [Int] = []
        var mergedStrides = [[Int]](repeating: [], count: views.count)
        for axis in kept {
            let length = outputShape[axis]
            if let last = merged.last,
               views.indices.allSatisfy({ views[$0].scalar != nil
                   || mergedStrides[$0][mergedStrides[$0].count - 1] == views[$0].strides[axis] * length }) {
                merged[merged.count - 1] = last * length
                for v in views.indices where views[v].scalar == nil {
                    mergedStrides[v][mergedStrides[v].count - 1] = views[v].strides[axis]
                }
            } else {
                merged.append(length)
                for v in views.indices { mergedStrides[v].append(views[v].strides[axis]) }
            }
        }
        shape = merged
        for v in views.indices { views[v].strides = mergedStrides[v] }
        let ndim = merged.count
        isFlat = ndim == 0 || (ndim == 1 && views.allSatisfy { $0.scalar != nil || $0.strides[0] == 1 })
        if isFlat { return }
        let rows = ndim >= 2 ? merged[ndim - 2] : 1
        let columns = merged[ndim - 1]
        let acrossRows = views.contains { $0.scalar == nil && $0.strides[ndim - 1] != 0 && $0.strides[ndim - 1] != 1 }
        tileColumns = Swift.min(columns, acrossRows ? 32 : Self.tileSize)
        tileRows = Swift.max(1, Swift.min(rows, Self.tileSize / tileColumns))
        panelRows = acrossRows ? Swift.max(tileRows, Self.panelRows) : Int.max
        if !acrossRows { panelRows = rows }
    }

    /// Replaces transposed matrices by contiguous data before tiling.
    ///
    /// Read tile by tile, a transposed matrix the size of a block touches a new cache line and
    /// page for nearly every element, which the hardware prefetcher cannot follow. When the output
    /// is a matrix and every other input is contiguous (or a scalar), such a matrix is transposed
    /// band by band into a scratch buffer of ``bandRows`` output rows, read in runs of a band's
    /// width, and the band is evaluated in flat runs while the buffer is in the L2 cache, so each
    /// input crosses memory once. Elsewhere a large transposed matrix is copied whole first.
    private mutating func stageTransposes(_ outputShape: [Int]) {
        func isTransposedMatrix(_ view: View) -> Bool {
            view.scalar == nil && view.array.ndim == 2 && view.strides.count == 2 && outputShape.count == 2
                && view.array.shape == [outputShape[1], outputShape[0]] && view.strides == [1, outputShape[0]]
        }
        let transposed = views.indices.filter { isTransposedMatrix(views[$0]) && views[$0].array.count >= Self.stagingThreshold }
        guard !transposed.isEmpty else { return }
        let contiguous = outputShape.count == 2 ? [outputShape[1], 1] : []
        let bandable = views.indices.allSatisfy { v in
            transposed.contains(v) || views[v].scalar != nil || views[v].strides == contiguous
        }
        for v in transposed {
            let source = views[v].array
            if bandable {
                let rows = Swift.min(Self.bandRows, outputShape[0])
                views[v].array = NDArray(uninitializedShape: [rows, outputShape[1]], dtype: source.dtype)
                views[v].bandSource = source
            } else {
                views[v].array = source.transposed2D()
            }
            views[v].strides = contiguous
        }
        if bandable { banded = Swift.min(Self.bandRows, outputShape[0]) }
    }

    // MARK: - Walking the output

    /// The values of root expression `k` (see ``init(roots:inputs:shape:)``) for the tile last
    /// evaluated: valid inside the body of ``forEachTile(_:)`` only.
    func register(ofRoot k: Int) -> Register { registers[roots[k]] }

    /// Calls `body` with every tile's result register and its place in the output, in row-major
    /// order of tiles.
    func forEachTile(_ body: (Register, Placement) throws -> Void) rethrows {
        guard count > 0 else { return }
        if isFlat {
            // Bands of output rows when transposed matrices are staged band by band; else one band.
            let bandLength = banded > 0 ? banded * (count / Swift.max(outputRows, 1)) : count
            var bandStart = 0
            while bandStart < count {
                let bandEnd = Swift.min(bandStart + bandLength, count)
                if banded > 0 { fillBands(firstRow: bandStart / (count / outputRows), rows: (bandEnd - bandStart) / (count / outputRows)) }
                var start = bandStart
                while start < bandEnd {
                    let length = Swift.min(Self.tileSize, bandEnd - start)
                    let register = evaluateTile(flatStart: start, length: length, offsets: nil, row: 0, column: 0,
                                                rows: 1, columns: length, bandStart: bandStart)
                    try body(register, Placement(offset: start, rows: 1, columns: length, rowStride: length))
                    start += length
                }
                bandStart = bandEnd
            }
            return
        }
        let ndim = shape.count
        let rows = ndim >= 2 ? shape[ndim - 2] : 1
        let columns = shape[ndim - 1]
        let outerShape = Array(shape.prefix(Swift.max(ndim - 2, 0)))
        let outerCount = outerShape.reduce(1, *)
        var outerIndex = [Int](repeating: 0, count: outerShape.count)
        var offsets = [Int](repeating: 0, count: views.count)
        try offsets.withUnsafeMutableBufferPointer { viewOffsets in
            for outer in 0..<outerCount {
                for v in views.indices {
                    var offset = 0
                    for (axis, index) in outerIndex.enumerated() { offset += index * views[v].strides[axis] }
                    viewOffsets[v] = offset
                }
                let outputBase = outer * rows * columns
                // Bands of `panelRows` rows, walked column strip by column strip: a transposed
                // operand is then read in runs of a band's length, long enough for the hardware
                // prefetcher, while the band of the other operands stays in the L2 cache.
                var band = 0
                while band < rows {
                    let bandEnd = Swift.min(band + panelRows, rows)
                    var c0 = 0
                    while c0 < columns {
                        let tc = Swift.min(tileColumns, columns - c0)
                        var r0 = band
                        while r0 < bandEnd {
                            let tr = Swift.min(tileRows, bandEnd - r0)
                            let register = evaluateTile(flatStart: 0, length: tr * tc, offsets: viewOffsets, row: r0,
                                                        column: c0, rows: tr, columns: tc)
                            try body(register, Placement(offset: outputBase + r0 * columns + c0, rows: tr, columns: tc,
                                                         rowStride: columns))
                            r0 += tr
                        }
                        c0 += tc
                    }
                    band = bandEnd
                }
                var axis = outerShape.count - 1
                while axis >= 0 {
                    outerIndex[axis] += 1
                    if outerIndex[axis] < outerShape[axis] { break }
                    outerIndex[axis] = 0
                    axis -= 1
                }
            }
        }
    }

    /// Evaluates one tile: elements `flatStart..<flatStart+length` in flat mode, or the
    /// `rows` × `columns` tile at (`row`, `column`) of the last two axes, whose views start at `offsets`.
    /// Transposes rows `firstRow..<firstRow+rows` of every staged matrix's view into its band buffer.
    private func fillBands(firstRow: Int, rows: Int) {
        for view in views {
            guard let source = view.bandSource else { continue }
            source.transposeColumns(firstRow..<(firstRow + rows), into: view.array)
        }
    }

    private func evaluateTile(flatStart: Int, length: Int, offsets: UnsafeMutableBufferPointer<Int>?, row: Int,
                              column: Int, rows: Int, columns: Int, bandStart: Int = 0) -> Register {
        for (index, instruction) in instructions.enumerated() {
            let f = floatTiles + index * 2 * Self.tileSize
            let i = integerTiles + index * 2 * Self.tileSize
            let register: Register
            switch instruction {
            case let .input(v, dtype):
                let view = views[v]
                let loaded: Register
                if let scalar = view.scalar {
                    loaded = view.array.dtype.isFloatingPoint ? .floatScalar(scalar.doubleValue)
                        : .integerScalar(scalar.int64Value)
                } else if let offsets {
                    let ndim = view.strides.count
                    let rowStride = ndim >= 2 ? view.strides[ndim - 2] : 0
                    let columnStride = view.strides[ndim - 1]
                    loaded = gather(view.array, offset: offsets[v] + row * rowStride + column * columnStride,
                                    rowStride: rowStride, columnStride: columnStride, rows: rows, columns: columns,
                                    float: f, integer: i)
                } else {
                    let start = view.bandSource == nil ? flatStart : flatStart - bandStart
                    loaded = loadContiguous(view.array, start: start, length: length, float: f, integer: i)
                }
                register = view.array.dtype == dtype ? loaded
                    : convert(loaded, from: view.array.dtype, to: dtype, length: length, float: f, integer: i)
            case let .constant(value, dtype):
                register = dtype.isFloatingPoint ? .floatScalar(round(value.doubleValue, dtype))
                    : .integerScalar(dtype == .uint64 ? Int64(bitPattern: value.uint64Value) : wrap(value.int64Value, dtype))
            case let .unary(op, a, dtype):
                register = unary(op, registers[a], operandType: typeOf(a), result: dtype, length: length,
                                 float: f, integer: i)
            case let .binary(op, a, b, dtype):
                register = binary(op, registers[a], registers[b], types: (typeOf(a), typeOf(b)), result: dtype,
                                  length: length, float: f, integer: i)
            case let .cast(a, dtype):
                register = convert(registers[a], from: typeOf(a), to: dtype, length: length, float: f, integer: i)
            case let .select(c, a, b, dtype):
                let x = convert(registers[a], from: typeOf(a), to: dtype, length: length, float: f, integer: i)
                let y = convert(registers[b], from: typeOf(b), to: dtype, length: length,
                                float: f + Self.tileSize, integer: i + Self.tileSize)
                register = select(registers[c], x, y, length: length, float: f, integer: i)
            }
            (registers + index).initialize(to: register)
        }
        return registers[roots[roots.count - 1]]
    }

    private func typeOf(_ index: Int) -> DType {
        switch instructions[index] {
        case let .input(_, dtype), let .constant(_, dtype), let .unary(_, _, dtype), let .binary(_, _, _, dtype),
             let .cast(_, dtype), let .select(_, _, _, dtype):
            dtype
        }
    }

    // MARK: - Loading

    /// Elements `start..<start+length` of a contiguous input: `float64` and 64-bit integers in
    /// place, other dtypes widened into the scratch tile.
    private func loadContiguous(_ array: NDArray, start: Int, length: Int,
                                float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        let raw = UnsafeRawPointer(array.storage.bytes)
        func widen<T: NDArrayElement>(_: T.Type) -> Register {
            let source = raw.assumingMemoryBound(to: T.self) + start
            if T.dtype.isFloatingPoint {
                for k in 0..<length { float[k] = source[k].doubleValue }
                return .float(float)
            }
            for k in 0..<length { integer[k] = source[k].int64Value }
            return .integer(integer)
        }
        switch array.dtype {
        case .float64: return .float(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Double.self)) + start)
        case .int64, .uint64: return .integer(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Int64.self)) + start)
        case .float32: return widen(Float.self)
        case .bool: return widen(Bool.self)
        case .int8: return widen(Int8.self)
        case .int16: return widen(Int16.self)
        case .int32: return widen(Int32.self)
        case .uint8: return widen(UInt8.self)
        case .uint16: return widen(UInt16.self)
        case .uint32: return widen(UInt32.self)
        }
    }

    /// A `rows` × `columns` tile of an input read with the given element strides from `offset`.
    private func gather(_ array: NDArray, offset: Int, rowStride: Int, columnStride: Int, rows: Int, columns: Int,
                        float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        let raw = UnsafeRawPointer(array.storage.bytes)
        // One contiguous run: read in place where the dtype allows.
        if columnStride == 1 && (rows == 1 || rowStride == columns) {
            switch array.dtype {
            case .float64:
                return .float(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Double.self)) + offset)
            case .int64, .uint64:
                return .integer(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Int64.self)) + offset)
            default: break
            }
        }
        func copy<T: NDArrayElement, R>(_: T.Type, into target: UnsafeMutablePointer<R>, _ convert: (T) -> R) {
            let source = raw.assumingMemoryBound(to: T.self) + offset
            Self.gatherTile(source, rowStride: rowStride, columnStride: columnStride, rows: rows, columns: columns,
                            into: target, convert)
        }
        switch array.dtype {
        case .float64: copy(Double.self, into: float) { $0 }; return .float(float)
        case .float32: copy(Float.self, into: float) { Double($0) }; return .float(float)
        case .int64, .uint64: copy(Int64.self, into: integer) { $0 }
        case .bool: copy(Bool.self, into: integer) { $0 ? 1 : 0 }
        case .int8: copy(Int8.self, into: integer) { Int64($0) }
        case .int16: copy(Int16.self, into: integer) { Int64($0) }
        case .int32: copy(Int32.self, into: integer) { Int64($0) }
        case .uint8: copy(UInt8.self, into: integer) { Int64($0) }
        case .uint16: copy(UInt16.self, into: integer) { Int64($0) }
        case .uint32: copy(UInt32.self, into: integer) { Int64($0) }
        }
        return .integer(integer)
    }

    /// Copies a strided `rows` × `columns` tile into `target` (row-major), walking the source in
    /// the order of its smaller stride so each cache line is used whole.
    @inline(__always)
    private static func gatherTile<T, R>(_ source: UnsafePointer<T>, rowStride: Int, columnStride: Int, rows: Int,
                                         columns: Int, into target: UnsafeMutablePointer<R>, _ convert: (T) -> R) {
        if columnStride == 1 {
            for r in 0..<rows {
                let from = source + r * rowStride, to = target + r * columns
                for c in 0..<columns { to[c] = convert(from[c]) }
            }
        } else if columnStride == 0 {
            for r in 0..<rows {
                let value = convert(source[r * rowStride])
                (target + r * columns).update(repeating: value, count: columns)
            }
        } else if rowStride == 1 {
            // A transposed operand: each column of the tile is a contiguous run of the source.
            for c in 0..<columns {
                let from = source + c * columnStride, to = target + c
                for r in 0..<rows { to[r * columns] = convert(from[r]) }
            }
        } else {
            for r in 0..<rows {
                let from = source + r * rowStride, to = target + r * columns
                for c in 0..<columns { to[c] = convert(from[c * columnStride]) }
            }
        }
    }

    // MARK: - Conversions

    @inline(__always)
    private func round(_ value: Double, _ dtype: DType) -> Double {
        dtype == .float32 ? Double(Float(value)) : value
    }

    @inline(__always)
    private func wrap(_ value: Int64, _ dtype: DType) -> Int64 {
        switch dtype {
        case .bool: value != 0 ? 1 : 0
        case .int8: Int64(Int8(truncatingIfNeeded: value))
        case .int16: Int64(Int16(truncatingIfNeeded: value))
        case .int32: Int64(Int32(truncatingIfNeeded: value))
        case .uint8: Int64(UInt8(truncatingIfNeeded: value))
        case .uint16: Int64(UInt16(truncatingIfNeeded: value))
        case .uint32: Int64(UInt32(truncatingIfNeeded: value))
        default: value
        }
    }

    @inline(__always)
    private func integerToDouble(_ value: Int64, _ dtype: DType) -> Double {
        dtype == .uint64 ? Double(UInt64(bitPattern: value)) : Double(value)
    }

    @inline(__always)
    private func doubleToInteger(_ value: Double, _ dtype: DType) -> Int64 {
        if dtype == .bool { return value != 0 ? 1 : 0 }
        if dtype == .uint64 {
            if value >= 9_223_372_036_854_775_808.0 {
                return value < 18_446_744_073_709_551_616.0 ? Int64(bitPattern: UInt64(value)) : Int64.min
            }
            if value < 0, value > -9_223_372_036_854_775_808.0 { return Int64(value) }
        }
        return wrap(Int64(truncatingIfNeeded: value), dtype)
    }

    /// Converts a register to `target`, writing any tile it must produce into `float` or `integer`.
    private func convert(_ register: Register, from source: DType, to target: DType, length: Int,
                         float f: UnsafeMutablePointer<Double>, integer i: UnsafeMutablePointer<Int64>) -> Register {
        switch (register, target.isFloatingPoint) {
        case let (.floatScalar(v), true): return .floatScalar(round(v, target))
        case let (.floatScalar(v), false): return .integerScalar(doubleToInteger(v, target))
        case let (.integerScalar(v), true): return .floatScalar(round(integerToDouble(v, source), target))
        case let (.integerScalar(v), false): return .integerScalar(wrap(v, target))
        case let (.float(p), true):
            if target == .float64 || source == .float32 { return .float(p) }
            for k in 0..<length { f[k] = Double(Float(p[k])) }
            return .float(f)
        case let (.float(p), false):
            if target == .bool {
                for k in 0..<length { i[k] = p[k] != 0 ? 1 : 0 }
            } else {
                for k in 0..<length { i[k] = doubleToInteger(p[k], target) }
            }
            return .integer(i)
        case let (.integer(p), true):
            if source == .uint64 {
                for k in 0..<length { f[k] = round(Double(UInt64(bitPattern: p[k])), target) }
            } else if target == .float32 {
                for k in 0..<length { f[k] = Double(Float(p[k])) }
            } else {
                for k in 0..<length { f[k] = Double(p[k]) }
            }
            return .float(f)
        case let (.integer(p), false):
            if target == source || target == .int64 || target == .uint64 { return .integer(p) }
            for k in 0..<length { i[k] = wrap(p[k], target) }
            return .integer(i)
        }
    }

    // MARK: - Unary

    @inline(__always)
    private func mapFloat(_ x: Register, length: Int, out: UnsafeMutablePointer<Double>, round32: Bool,
                          _ f: (Double) -> Double) -> Register {
        switch x {
        case let .floatScalar(v): return .floatScalar(round32 ? Double(Float(f(v))) : f(v))
        case let .float(p):
            if round32 { for k in 0..<length { out[k] = Double(Float(f(p[k]))) } }
            else { for k in 0..<length { out[k] = f(p[k]) } }
            return .float(out)
        default: return x
        }
    }

    @inline(__always)
    private func testFloat(_ x: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                           _ f: (Double) -> Bool) -> Register {
        switch x {
        case let .floatScalar(v): return .integerScalar(f(v) ? 1 : 0)
        case let .float(p):
            for k in 0..<length { out[k] = f(p[k]) ? 1 : 0 }
            return .integer(out)
        default: return x
        }
    }

    @inline(__always)
    private func mapInteger(_ x: Register, length: Int, out: UnsafeMutablePointer<Int64>, _ f: (Int64) -> Int64)
        -> Register {
        switch x {
        case let .integerScalar(v): return .integerScalar(f(v))
        case let .integer(p):
            for k in 0..<length { out[k] = f(p[k]) }
            return .integer(out)
        default: return x
        }
    }

    private func unary(_ op: UnaryOperation, _ a: Register, operandType: DType, result: DType, length: Int,
                       float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        if operandType.isFloatingPoint || result.isFloatingPoint {
            let x = operandType.isFloatingPoint ? a : convert(a, from: operandType, to: .float64, length: length,
                                                                float: float, integer: integer)
            let r32 = result == .float32
            switch op {
            case .negate: return mapFloat(x, length: length, out: float, round32: r32) { -$0 }
            case .abs: return mapFloat(x, length: length, out: float, round32: r32) { Swift.abs($0) }
            case .sign:
                return mapFloat(x, length: length, out: float, round32: r32) { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }
            case .sqrt: return mapFloat(x, length: length, out: float, round32: r32) { $0.squareRoot() }
            case .exp: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.exp($0) }
            case .log: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.log($0) }
            case .log1p: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.log1p($0) }
            case .sin: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.sin($0) }
            case .cos: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.cos($0) }
            case .tanh: return mapFloat(x, length: length, out: float, round32: r32) { Foundation.tanh($0) }
            case .floor: return mapFloat(x, length: length, out: float, round32: r32) { $0.rounded(.down) }
            case .ceil: return mapFloat(x, length: length, out: float, round32: r32) { $0.rounded(.up) }
            case .round: return mapFloat(x, length: length, out: float, round32: r32) { $0.rounded(.toNearestOrEven) }
            case .logicalNot: return testFloat(x, length: length, out: integer) { $0 == 0 }
            case .isnan: return testFloat(x, length: length, out: integer) { $0.isNaN }
            case .isfinite: return testFloat(x, length: length, out: integer) { $0.isFinite }
            case .isinf: return testFloat(x, length: length, out: integer) { $0.isInfinite }
            }
        }
        // Integer and boolean operands with integer or boolean results.
        let unsigned = operandType.kind == .unsignedInteger
        let w = result
        switch op {
        case .negate:
            if w == .bool { return a }
            return mapInteger(a, length: length, out: integer) { self.wrap(0 &- $0, w) }
        case .abs:
            if unsigned || w == .bool { return a }
            return mapInteger(a, length: length, out: integer) { self.wrap($0 < 0 ? 0 &- $0 : $0, w) }
        case .sign:
            if unsigned { return mapInteger(a, length: length, out: integer) { $0 != 0 ? 1 : 0 } }
            return mapInteger(a, length: length, out: integer) { $0 > 0 ? 1 : ($0 < 0 ? self.wrap(-1, w) : 0) }
        case .logicalNot: return mapInteger(a, length: length, out: integer) { $0 == 0 ? 1 : 0 }
        case .isnan, .isinf: return mapInteger(a, length: length, out: integer) { _ in 0 }
        case .isfinite: return mapInteger(a, length: length, out: integer) { _ in 1 }
        default: return a   // floor, ceil, round of integers are the integers
        }
    }

    // MARK: - Binary

    private func binary(_ op: BinaryOperation, _ a: Register, _ b: Register, types: (DType, DType), result: DType,
                        length: Int, float: UnsafeMutablePointer<Double>,
                        integer: UnsafeMutablePointer<Int64>) -> Register {
        let operandType = DType.promote(types.0, types.1)
        let computeType = op.isComparison ? operandType : result
        if computeType.isFloatingPoint {
            let x = toFloat(a, unsigned: types.0 == .uint64, length: length, scratch: float)
            let y = toFloat(b, unsigned: types.1 == .uint64, length: length, scratch: float + Self.tileSize)
            if op.isComparison {
                switch op {
                case .equal: return compareLoop(x, y, length: length, out: integer) { $0 == $1 }
                case .notEqual: return compareLoop(x, y, length: length, out: integer) { $0 != $1 }
                case .less: return compareLoop(x, y, length: length, out: integer) { $0 < $1 }
                case .lessEqual: return compareLoop(x, y, length: length, out: integer) { $0 <= $1 }
                case .greater: return compareLoop(x, y, length: length, out: integer) { $0 > $1 }
                case .greaterEqual: return compareLoop(x, y, length: length, out: integer) { $0 >= $1 }
                case .logicalAnd: return compareLoop(x, y, length: length, out: integer) { $0 != 0 && $1 != 0 }
                case .logicalOr: return compareLoop(x, y, length: length, out: integer) { $0 != 0 || $1 != 0 }
                default: return compareLoop(x, y, length: length, out: integer) { ($0 != 0) != ($1 != 0) }
                }
            }
            let r32 = computeType == .float32
            switch op {
            case .add: return floatLoop(x, y, length: length, out: float, r32) { $0 + $1 }
            case .subtract: return floatLoop(x, y, length: length, out: float, r32) { $0 - $1 }
            case .multiply: return floatLoop(x, y, length: length, out: float, r32) { $0 * $1 }
            case .divide:
                // By a power of two: the same as multiplying by its reciprocal (both are the exact
                // quotient rounded once), and a multiplication is several times cheaper.
                if case let .floatScalar(divisor) = y, divisor.isNormal, divisor.significandBitPattern == 0,
                   (1 / divisor).isNormal {
                    let reciprocal = 1 / divisor
                    return floatLoop(x, .floatScalar(reciprocal), length: length, out: float, r32) { $0 * $1 }
                }
                return floatLoop(x, y, length: length, out: float, r32) { $0 / $1 }
            case .power: return floatLoop(x, y, length: length, out: float, r32) { Foundation.pow($0, $1) }
            case .floorDivide: return floatLoop(x, y, length: length, out: float, r32) { Self.floorDivide($0, $1) }
            case .remainder: return floatLoop(x, y, length: length, out: float, r32) { Self.remainder($0, $1) }
            case .minimum:
                return floatLoop(x, y, length: length, out: float, r32) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            case .maximum:
                return floatLoop(x, y, length: length, out: float, r32) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            case .fmin: return floatLoop(x, y, length: length, out: float, r32) { $1.isNaN || $0 <= $1 ? $0 : $1 }
            default: return floatLoop(x, y, length: length, out: float, r32) { $1.isNaN || $0 >= $1 ? $0 : $1 }
            }
        }
        let x = toInteger(a, length: length, scratch: integer)
        let y = toInteger(b, length: length, scratch: integer + Self.tileSize)
        let unsigned = computeType == .uint64
        if op.isComparison {
            switch op {
            case .equal: return integerCompareLoop(x, y, length: length, out: integer) { $0 == $1 }
            case .notEqual: return integerCompareLoop(x, y, length: length, out: integer) { $0 != $1 }
            case .logicalAnd: return integerCompareLoop(x, y, length: length, out: integer) { $0 != 0 && $1 != 0 }
            case .logicalOr: return integerCompareLoop(x, y, length: length, out: integer) { $0 != 0 || $1 != 0 }
            case .logicalXor: return integerCompareLoop(x, y, length: length, out: integer) { ($0 != 0) != ($1 != 0) }
            default: break
            }
            if unsigned {
                switch op {
                case .less: return integerCompareLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) < UInt64(bitPattern: $1) }
                case .lessEqual: return integerCompareLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) }
                case .greater: return integerCompareLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) > UInt64(bitPattern: $1) }
                default: return integerCompareLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) }
                }
            }
            switch op {
            case .less: return integerCompareLoop(x, y, length: length, out: integer) { $0 < $1 }
            case .lessEqual: return integerCompareLoop(x, y, length: length, out: integer) { $0 <= $1 }
            case .greater: return integerCompareLoop(x, y, length: length, out: integer) { $0 > $1 }
            default: return integerCompareLoop(x, y, length: length, out: integer) { $0 >= $1 }
            }
        }
        let w = result
        switch op {
        case .add:
            if w == .bool { return integerLoop(x, y, length: length, out: integer) { $0 | $1 } }
            if w == .int64 || w == .uint64 { return integerLoop(x, y, length: length, out: integer) { $0 &+ $1 } }
            return integerLoop(x, y, length: length, out: integer) { self.wrap($0 &+ $1, w) }
        case .subtract: return integerLoop(x, y, length: length, out: integer) { self.wrap($0 &- $1, w) }
        case .multiply:
            if w == .bool { return integerLoop(x, y, length: length, out: integer) { $0 & $1 } }
            return integerLoop(x, y, length: length, out: integer) { self.wrap($0 &* $1, w) }
        case .power:
            let failed = failure
            return integerLoop(x, y, length: length, out: integer) {
                if $1 < 0 && !unsigned { failed.pointee = 1; return 0 }
                return self.wrap(Self.integerPower($0, $1), w)
            }
        case .floorDivide:
            return integerLoop(x, y, length: length, out: integer) {
                self.wrap(unsigned ? Self.unsignedDivide($0, $1) : Self.floorDivide($0, $1), w)
            }
        case .remainder:
            return integerLoop(x, y, length: length, out: integer) {
                self.wrap(unsigned ? Self.unsignedRemainder($0, $1) : Self.remainder($0, $1), w)
            }
        case .minimum, .fmin:
            if unsigned {
                return integerLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) ? $0 : $1 }
            }
            return integerLoop(x, y, length: length, out: integer) { Swift.min($0, $1) }
        default:
            if unsigned {
                return integerLoop(x, y, length: length, out: integer) { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) ? $0 : $1 }
            }
            return integerLoop(x, y, length: length, out: integer) { Swift.max($0, $1) }
        }
    }

    /// `base ** exponent` with wrapping, for a non-negative exponent (NumPy rejects negative ones).
    static func integerPower(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 { return base == 1 ? 1 : (base == -1 ? (exponent & 1 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1
        var b = base
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }

    /// Python's `a // b` on signed integers; 0 for a zero divisor, as NumPy gives.
    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 0 { return 0 }
        if b == -1 { return 0 &- a }
        let q = a / b
        return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Python's `a % b` on signed integers (the sign of `b`); 0 for a zero divisor.
    @inline(__always)
    static func remainder(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 0 || b == -1 { return 0 }
        let r = a % b
        return r != 0 && ((r < 0) != (b < 0)) ? r + b : r
    }

    @inline(__always)
    static func unsignedDivide(_ a: Int64, _ b: Int64) -> Int64 {
        b == 0 ? 0 : Int64(bitPattern: UInt64(bitPattern: a) / UInt64(bitPattern: b))
    }

    @inline(__always)
    static func unsignedRemainder(_ a: Int64, _ b: Int64) -> Int64 {
        b == 0 ? 0 : Int64(bitPattern: UInt64(bitPattern: a) % UInt64(bitPattern: b))
    }

    /// NumPy's `floor_divide` of doubles (`npy_divmod`).
    @inline(__always)
    static func floorDivide(_ a: Double, _ b: Double) -> Double {
        if b == 0 { return a / b }
        var mod = Foundation.fmod(a, b)
        var div = (a - mod) / b
        if mod != 0 {
            if (b < 0) != (mod < 0) { mod += b; div -= 1 }
        }
        if div != 0 {
            var floored = div.rounded(.down)
            if div - floored > 0.5 { floored += 1 }
            return floored
        }
        return Double(signOf: a / b, magnitudeOf: 0)
    }

    /// NumPy's `remainder` of doubles: the sign of the divisor.
    @inline(__always)
    static func remainder(_ a: Double, _ b: Double) -> Double {
        if b == 0 { return Foundation.fmod(a, b) }
        let mod = Foundation.fmod(a, b)
        if mod != 0 { return (b < 0) != (mod < 0) ? mod + b : mod }
        return Double(signOf: b, magnitudeOf: 0)
    }

    private func toFloat(_ register: Register, unsigned: Bool, length: Int, scratch: UnsafeMutablePointer<Double>)
        -> Register {
        switch register {
        case .float, .floatScalar: return register
        case let .integerScalar(v): return .floatScalar(unsigned ? Double(UInt64(bitPattern: v)) : Double(v))
        case let .integer(p):
            if unsigned {
                for k in 0..<length { scratch[k] = Double(UInt64(bitPattern: p[k])) }
            } else {
                for k in 0..<length { scratch[k] = Double(p[k]) }
            }
            return .float(scratch)
        }
    }

    private func toInteger(_ register: Register, length: Int, scratch: UnsafeMutablePointer<Int64>) -> Register {
        switch register {
        case .integer, .integerScalar: return register
        case let .floatScalar(v): return .integerScalar(Int64(truncatingIfNeeded: v))
        case let .float(p):
            for k in 0..<length { scratch[k] = Int64(truncatingIfNeeded: p[k]) }
            return .integer(scratch)
        }
    }

    @inline(__always)
    private func floatLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Double>,
                           _ round32: Bool, _ f: (Double, Double) -> Double) -> Register {
        switch (a, b) {
        case let (.float(x), .float(y)):
            for k in 0..<length { out[k] = f(x[k], y[k]) }
        case let (.float(x), .floatScalar(s)):
            for k in 0..<length { out[k] = f(x[k], s) }
        case let (.floatScalar(s), .float(y)):
            for k in 0..<length { out[k] = f(s, y[k]) }
        case let (.floatScalar(s), .floatScalar(t)):
            let v = f(s, t)
            return .floatScalar(round32 ? Double(Float(v)) : v)
        default:
            return .floatScalar(.nan)
        }
        if round32 { for k in 0..<length { out[k] = Double(Float(out[k])) } }
        return .float(out)
    }

    @inline(__always)
    private func compareLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                             _ c: (Double, Double) -> Bool) -> Register {
        switch (a, b) {
        case let (.float(x), .float(y)): for k in 0..<length { out[k] = c(x[k], y[k]) ? 1 : 0 }
        case let (.float(x), .floatScalar(s)): for k in 0..<length { out[k] = c(x[k], s) ? 1 : 0 }
        case let (.floatScalar(s), .float(y)): for k in 0..<length { out[k] = c(s, y[k]) ? 1 : 0 }
        case let (.floatScalar(s), .floatScalar(t)): return .integerScalar(c(s, t) ? 1 : 0)
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    @inline(__always)
    private func integerLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                             _ f: (Int64, Int64) -> Int64) -> Register {
        switch (a, b) {
        case let (.integer(x), .integer(y)): for k in 0..<length { out[k] = f(x[k], y[k]) }
        case let (.integer(x), .integerScalar(s)): for k in 0..<length { out[k] = f(x[k], s) }
        case let (.integerScalar(s), .integer(y)): for k in 0..<length { out[k] = f(s, y[k]) }
        case let (.integerScalar(s), .integerScalar(t)): return .integerScalar(f(s, t))
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    @inline(__always)
    private func integerCompareLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                                    _ c: (Int64, Int64) -> Bool) -> Register {
        switch (a, b) {
        case let (.integer(x), .integer(y)): for k in 0..<length { out[k] = c(x[k], y[k]) ? 1 : 0 }
        case let (.integer(x), .integerScalar(s)): for k in 0..<length { out[k] = c(x[k], s) ? 1 : 0 }
        case let (.integerScalar(s), .integer(y)): for k in 0..<length { out[k] = c(s, y[k]) ? 1 : 0 }
        case let (.integerScalar(s), .integerScalar(t)): return .integerScalar(c(s, t) ? 1 : 0)
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    private func select(_ c: Register, _ a: Register, _ b: Register, length: Int,
                        float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        if case let .integerScalar(v) = c { return v != 0 ? a : b }
        if case let .floatScalar(v) = c { return v != 0 ? a : b }
        // A comparison's 0/1 tile: one loop per operand form, without a switch or a branch per
        // element (the bits of the two values blended with an all-ones or all-zeros mask, since a
        // data-dependent branch mispredicts on half the rows of a random filter).
        if case let .integer(mask) = c {
            @inline(__always) func blend(_ k: Int, _ x: UInt64, _ y: UInt64) -> UInt64 {
                let m = UInt64(bitPattern: 0 &- (mask[k] != 0 ? 1 : 0))
                return (x & m) | (y & ~m)
            }
            let output = UnsafeMutableRawPointer(float).assumingMemoryBound(to: UInt64.self)
            let integers = UnsafeMutableRawPointer(integer).assumingMemoryBound(to: UInt64.self)
            switch (a, b) {
            case let (.float(p), .float(q)):
                for k in 0..<length { output[k] = blend(k, p[k].bitPattern, q[k].bitPattern) }
                return .float(float)
            case let (.float(p), .floatScalar(t)):
                let y = t.bitPattern
                for k in 0..<length { output[k] = blend(k, p[k].bitPattern, y) }
                return .float(float)
            case let (.floatScalar(s), .float(q)):
                let x = s.bitPattern
                for k in 0..<length { output[k] = blend(k, x, q[k].bitPattern) }
                return .float(float)
            case let (.integer(p), .integer(q)):
                for k in 0..<length { integers[k] = blend(k, UInt64(bitPattern: p[k]), UInt64(bitPattern: q[k])) }
                return .integer(integer)
            case let (.integer(p), .integerScalar(t)):
                let y = UInt64(bitPattern: t)
                for k in 0..<length { integers[k] = blend(k, UInt64(bitPattern: p[k]), y) }
                return .integer(integer)
            case let (.integerScalar(s), .integer(q)):
                let x = UInt64(bitPattern: s)
                for k in 0..<length { integers[k] = blend(k, x, UInt64(bitPattern: q[k])) }
                return .integer(integer)
            default:
                break
            }
        }
        @inline(__always) func condition(_ k: Int) -> Bool {
            switch c {
            case let .integer(p): p[k] != 0
            case let .float(p): p[k] != 0
            case let .integerScalar(v): v != 0
            case let .floatScalar(v): v != 0
            }
        }
        switch (a, b) {
        case (.float, _), (.floatScalar, _):
            for k in 0..<length {
                let pick = condition(k) ? a : b
                switch pick {
                case let .float(p): float[k] = p[k]
                case let .floatScalar(v): float[k] = v
                default: float[k] = 0
                }
            }
            return .float(float)
        default:
            for k in 0..<length {
                let pick = condition(k) ? a : b
                switch pick {
                case let .integer(p): integer[k] = p[k]
                case let .integerScalar(v): integer[k] = v
                default: integer[k] = 0
                }
            }
            return .integer(integer)
        }
    }
}

extension ScalarValue {
    /// The value as an unsigned 64-bit integer: negative integers wrap, doubles are truncated
    /// and clamped (NaN and negatives give 0), never a trap.
    var uint64Value: UInt64 {
        switch self {
        case let .uint(v): v
        case let .int(v): UInt64(bitPattern: v)
        case let .bool(v): v ? 1 : 0
        case let .double(v): v.isNaN || v < 0 ? 0 : (v >= 18_446_744_073_709_551_616.0 ? .max : UInt64(v))
        }
    }
}
