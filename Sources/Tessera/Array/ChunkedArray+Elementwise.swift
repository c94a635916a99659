import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// This array as an expression over materialised arrays (itself, if it is not fused).
    var asFused: FusedElementwise {
        fused ?? FusedElementwise(expression: .input(0, dtype), inputs: [FusedInput(self)])
    }

    /// Applies an elementwise function of several arrays and scalars, fusing with the operands'
    /// own elementwise expressions.
    ///
    /// Operands broadcast by NumPy's rules: shapes are aligned on their last axes, and an axis of
    /// length 1 stretches to the others' length. Along every other axis an operand is rechunked to
    /// the chunks of the largest operand, so each result block reads one block of each.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the shapes do not broadcast,
    ///   ``ShapeError/invalidArgument(_:)`` for an operation NumPy rejects on these dtypes,
    ///   ``BackendError/notImplemented(function:backend:)`` if the operands come from different backends.
    static func elementwise(_ operands: [ChunkedArray], operation: String,
                            _ build: ([ElementwiseExpression]) -> ElementwiseExpression) throws -> ChunkedArray {
        guard let reference = operands.max(by: { $0.size < $1.size }) else {
            throw ShapeError.invalidArgument("An elementwise operation needs at least one array.")
        }
        for operand in operands where operand.backend != reference.backend {
            throw BackendError.notImplemented(
                function: "\(operation) between \"\(reference.backend)\" and \"\(operand.backend)\" arrays "
                    + "(convert one with toBackend(_:))",
                backend: operand.backend)
        }
        let shape = try broadcastShape(operands.map(\.shape), operation: operation)
        let chunks = alignedChunks(operands, shape: shape)
        // Bring every operand to the result's chunks along the axes it does not broadcast.
        var inputs: [FusedInput] = []
        var identities: [String: Int] = [:]
        var substitutes: [ElementwiseExpression] = []
        for operand in operands {
            let lead = shape.count - operand.ndim
            let target = operand.shape.enumerated().map { axis, length in
                length == 1 && shape[axis + lead] != 1 ? [1] : chunks[axis + lead]
            }
            let aligned = operand.chunks == target || operand.size == 0 ? operand : try operand.rechunk(.explicit(target))
            let fused = aligned.asFused
            var mapping: [Int] = []
            for input in fused.inputs {
                if let existing = identities[input.identity] {
                    mapping.append(existing)
                } else {
                    inputs.append(input)
                    identities[input.identity] = inputs.count - 1
                    mapping.append(inputs.count - 1)
                }
            }
            substitutes.append(fused.expression.renumberingInputs(mapping))
        }
        let expression = build(substitutes)
        if let reason = expression.rejection { throw ShapeError.invalidArgument(reason) }
        return fromFused(FusedElementwise(expression: expression, inputs: inputs), shape: shape, chunks: chunks,
                         meta: reference.meta)
    }

    /// The shape arrays of `shapes` broadcast to, by NumPy's rules.
    static func broadcastShape(_ shapes: [[Int]], operation: String) throws -> [Int] {
        var result: [Int] = []
        for shape in shapes {
            do {
                result = try NDArray.broadcastShape(result, shape)
            } catch {
                throw ShapeError.incompatible(operation: operation, shapes: shapes)
            }
        }
        return result
    }

    /// The chunks of a result of `shape` that `operands` broadcast to: along each axis, those of
    /// the largest operand that does not broadcast along it.
    static func alignedChunks(_ operands: [ChunkedArray], shape: [Int]) -> [[Int]] {
        let bySize = operands.enumerated().sorted { ($0.element.size, -$0.offset) > ($1.element.size, -$1.offset) }
            .map(\.element)
        return shape.enumerated().map { axis, length in
            for operand in bySize {
                let local = axis - (shape.count - operand.ndim)
                if local >= 0, operand.shape[local] == length { return operand.chunks[local] }
            }
            return ChunkSpec.split(length, by: Swift.max(length, 1))
        }
    }

    /// The array computing a fused expression block by block, with the given shape and chunks.
    static func fromFused(_ fused: FusedElementwise, shape: [Int], chunks: [[Int]], meta: ArrayMeta) -> ChunkedArray {
        let expression = fused.expression
        let inputs = fused.inputs
        if inputs.isEmpty {
            return generated(shape: shape, chunks: chunks, dtype: expression.dtype, meta: meta,
                             prefix: Self.layerPrefix(expression), fused: fused) { block in
                try meta.chunk.evaluate(expression, inputs: [], shape: block.shape)
            }
        }
        let inputNames = inputs.map(\.array.name)
        let layerName = LayerName.unique(Self.layerPrefix(expression))
        let counts = chunks.map(\.count)
        let layer = Layer(name: layerName, dependencies: inputNames, taskCount: counts.reduce(1, *),
                          summary: "elementwise " + expression.formula) {
            BlockGrid.indices(counts).map { index in
                let dependencies = inputs.map { $0.key(forOutput: index, outputShape: shape) }
                let blockShape = zip(chunks, index).map { $0[$1] }
                return GraphTask(TaskKey(layerName, index), dependencies: dependencies, label: "elementwise") { values in
                    try meta.chunk.evaluate(expression, inputs: values.map(asChunk), shape: blockShape)
                }
            }
        }
        return ChunkedArray(shape: shape, chunks: chunks, dtype: expression.dtype, meta: meta,
                            graph: HighLevelGraph(adding: layer, to: inputs.map(\.array.graph)), name: layerName,
                            fused: fused)
    }

    private static func layerPrefix(_ expression: ElementwiseExpression) -> String {
        switch expression {
        case let .binary(op, _, _): "elementwise-" + String(describing: op)
        case let .unary(op, _): "elementwise-" + op.rawValue
        case let .constant(value, _): "full-\(value)"
        case .cast(_, let dtype): "astype-\(dtype)"
        default: "elementwise"
        }
    }

    /// A 0-d array of `value`, on this array's backend, to combine with it.
    func scalarOperand(_ value: ScalarValue, dtype: DType) -> ChunkedArray {
        let fused = FusedElementwise(expression: .constant(value, dtype), inputs: [])
        let meta = self.meta
        return ChunkedArray.generated(shape: [], chunks: [], dtype: dtype, meta: meta, prefix: "scalar",
                                      fused: fused) { _ in try meta.chunk.full(shape: [], value: value, dtype: dtype) }
    }

    /// The dtype NumPy 2 gives a Python scalar combined with an array of `dtype` (NEP 50: scalars
    /// do not widen arrays, so `int32_array + 1` stays `int32` and `float32_array * 2.0` stays
    /// `float32`; an integer combined with booleans is `int64`, a float with integers `float64`).
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for an integer outside an integer dtype's range
    ///   (NumPy's `OverflowError`), except in a comparison, which then compares in a wider type.
    static func scalarType(for value: ScalarValue, with dtype: DType, comparison: Bool = false) throws -> DType {
        switch value {
        case .bool: return dtype
        case .double: return dtype.isFloatingPoint ? dtype : .float64
        case .int, .uint:
            if dtype == .bool { return value.defaultDType }
            if dtype.isFloatingPoint || value.fits(in: dtype) { return dtype }
            if comparison { return DType.promote(dtype, value.defaultDType) }
            throw ShapeError.invalidArgument("Python integer \(value) out of bounds for \(dtype).")
        }
    }

    /// `self op scalar` (or `scalar op self` when `scalarFirst`).
    func combined(with value: ScalarValue, _ op: BinaryOperation, scalarFirst: Bool = false) throws -> ChunkedArray {
        let type = try Self.scalarType(for: value, with: dtype, comparison: op.isComparison)
        let scalar = scalarOperand(value, dtype: type)
        return try Self.elementwise(scalarFirst ? [scalar, self] : [self, scalar], operation: op.rawValue) { e in
            .binary(op, e[0], e[1])
        }
    }

    /// `self op other`.
    func combined(with other: ChunkedArray, _ op: BinaryOperation) throws -> ChunkedArray {
        try Self.elementwise([self, other], operation: op.rawValue) { e in .binary(op, e[0], e[1]) }
    }

    /// `lhs op rhs` for boolean operands only (`&`, `|`, `^` as NumPy applies them to booleans).
    static func logical(_ lhs: ChunkedArray, _ rhs: ChunkedArray, _ op: BinaryOperation, symbol: String) throws
        -> ChunkedArray {
        guard lhs.dtype == .bool, rhs.dtype == .bool else {
            throw ShapeError.invalidArgument(
                "\(symbol) is defined here for boolean arrays only (got \(lhs.dtype) and \(rhs.dtype)); "
                    + "bitwise integer operations are not supported, compare first or use \(op).")
        }
        return try lhs.combined(with: rhs, op)
    }

    /// Applies a unary function elementwise.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` where NumPy rejects the dtype (`-` of booleans).
    public func apply(_ op: UnaryOperation) throws -> ChunkedArray {
        try Self.elementwise([self], operation: op.rawValue) { e in .unary(op, e[0]) }
    }

    /// The elements converted to `dtype` (NumPy's `astype`: floats truncate toward zero when cast
    /// to integers, integers wrap to narrower widths, nonzero is `true`).
    public func astype(_ dtype: DType) throws -> ChunkedArray {
        if dtype == self.dtype { return self }
        return try Self.elementwise([self], operation: "astype") { e in .cast(e[0], dtype) }
    }

    // MARK: - Named elementwise functions

    /// `|x|` elementwise (`np.abs`; unsigned integers and booleans are unchanged).
    public func abs() throws -> ChunkedArray { try apply(.abs) }
    /// -1, 0 or 1 by the sign of each element (`np.sign`; NaN stays NaN).
    public func sign() throws -> ChunkedArray { try apply(.sign) }
    /// The square root (`np.sqrt`; float64 for integers wider than 16 bits, float32 for narrower).
    public func sqrt() throws -> ChunkedArray { try apply(.sqrt) }
    /// `e^x` (`np.exp`).
    public func exp() throws -> ChunkedArray { try apply(.exp) }
    /// The natural logarithm (`np.log`; NaN for negatives, `-inf` for zero).
    public func log() throws -> ChunkedArray { try apply(.log) }
    /// `log(1 + x)`, accurate near zero (`np.log1p`).
    public func log1p() throws -> ChunkedArray { try apply(.log1p) }
    /// The sine, in radians (`np.sin`).
    public func sin() throws -> ChunkedArray { try apply(.sin) }
    /// The cosine, in radians (`np.cos`).
    public func cos() throws -> ChunkedArray { try apply(.cos) }
    /// The hyperbolic tangent (`np.tanh`).
    public func tanh() throws -> ChunkedArray { try apply(.tanh) }
    /// The largest integer not above each element (`np.floor`; integers are unchanged).
    public func floor() throws -> ChunkedArray { try apply(.floor) }
    /// The smallest integer not below each element (`np.ceil`; integers are unchanged).
    public func ceil() throws -> ChunkedArray { try apply(.ceil) }
    /// Each element rounded to the nearest integer, halves to even (`np.rint`, `np.round`).
    public func round() throws -> ChunkedArray { try apply(.round) }
    /// Whether each element is NaN (`np.isnan`; false for integers).
    public func isnan() throws -> ChunkedArray { try apply(.isnan) }
    /// Whether each element is neither NaN nor infinite (`np.isfinite`).
    public func isfinite() throws -> ChunkedArray { try apply(.isfinite) }
    /// Whether each element is infinite (`np.isinf`).
    public func isinf() throws -> ChunkedArray { try apply(.isinf) }
    /// Whether each element is zero (`np.logical_not`).
    public func logicalNot() throws -> ChunkedArray { try apply(.logicalNot) }
    /// Whether both elements are nonzero (`np.logical_and`), broadcasting.
    public func logicalAnd(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .logicalAnd) }
    /// Whether either element is nonzero (`np.logical_or`), broadcasting.
    public func logicalOr(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .logicalOr) }
    /// Whether exactly one element is nonzero (`np.logical_xor`), broadcasting.
    public func logicalXor(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .logicalXor) }

    /// `self ** exponent` elementwise, broadcasting (`np.power`).
    ///
    /// - Throws: when computed, ``ShapeError/invalidArgument(_:)`` for an integer array raised to a
    ///   negative integer power, as NumPy raises.
    public func power(_ exponent: ChunkedArray) throws -> ChunkedArray { try combined(with: exponent, .power) }
    /// `self ** exponent` elementwise.
    public func power(_ exponent: Double) throws -> ChunkedArray { try combined(with: .double(exponent), .power) }
    /// `self ** exponent` elementwise; integer arrays stay integers.
    public func power(_ exponent: Int) throws -> ChunkedArray { try combined(with: .int(Int64(exponent)), .power) }
    /// Python's floor division `self // other` elementwise (`np.floor_divide`; 0 for an integer zero divisor).
    public func floorDivide(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .floorDivide) }
    /// `self // divisor` elementwise.
    public func floorDivide(_ divisor: Double) throws -> ChunkedArray { try combined(with: .double(divisor), .floorDivide) }
    /// `self // divisor` elementwise; integer arrays stay integers.
    public func floorDivide(_ divisor: Int) throws -> ChunkedArray { try combined(with: .int(Int64(divisor)), .floorDivide) }

    /// The elementwise minimum of two arrays, broadcasting (`np.minimum`: NaN propagates).
    public func minimum(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .minimum) }
    /// The elementwise maximum of two arrays, broadcasting (`np.maximum`: NaN propagates).
    public func maximum(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .maximum) }
    /// The smaller of each element and `value` (NaN propagates).
    public func minimum(_ value: Double) throws -> ChunkedArray { try combined(with: .double(value), .minimum) }
    /// The larger of each element and `value` (NaN propagates).
    public func maximum(_ value: Double) throws -> ChunkedArray { try combined(with: .double(value), .maximum) }
    /// The elementwise minimum ignoring NaN (`np.fmin`: NaN only where both are NaN).
    public func fmin(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .fmin) }
    /// The elementwise maximum ignoring NaN (`np.fmax`).
    public func fmax(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .fmax) }

    /// The elements limited to `[min, max]` (`np.clip`; either bound may be `nil`, NaN stays NaN).
    ///
    /// Bounds are Python-style scalars: an integer array clipped by integer bounds stays integer.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` if both bounds are `nil`.
    public func clip(min lower: Double? = nil, max upper: Double? = nil) throws -> ChunkedArray {
        guard lower != nil || upper != nil else {
            throw ShapeError.invalidArgument("clip needs at least one of min and max.")
        }
        var result = self
        if let lower { result = try result.combined(with: Self.scalar(lower), .maximum) }
        if let upper { result = try result.combined(with: Self.scalar(upper), .minimum) }
        return result
    }

    /// The elements limited elementwise to `[min, max]`, broadcasting (`np.clip` with array bounds).
    public func clip(min lower: ChunkedArray?, max upper: ChunkedArray?) throws -> ChunkedArray {
        guard lower != nil || upper != nil else {
            throw ShapeError.invalidArgument("clip needs at least one of min and max.")
        }
        var result = self
        if let lower { result = try result.maximum(lower) }
        if let upper { result = try result.minimum(upper) }
        return result
    }

    /// An integral double as a Python int would be (so integer arrays keep their dtype), else a float.
    static func scalar(_ value: Double) -> ScalarValue {
        value == value.rounded() && Swift.abs(value) < 9e15 ? .int(Int64(value)) : .double(value)
    }

    /// `condition ? x : y` elementwise, broadcasting all three (`np.where`).
    ///
    /// ```swift
    /// let clipped = try ChunkedArray.where(x .> 0, x, y)
    /// ```
    public static func `where`(_ condition: ChunkedArray, _ x: ChunkedArray, _ y: ChunkedArray) throws -> ChunkedArray {
        try elementwise([condition, x, y], operation: "where") { e in .select(e[0], e[1], e[2]) }
    }

    /// `condition ? x : value` elementwise.
    public static func `where`(_ condition: ChunkedArray, _ x: ChunkedArray, _ value: Double) throws -> ChunkedArray {
        let y = x.scalarOperand(.double(value), dtype: try scalarType(for: .double(value), with: x.dtype))
        return try `where`(condition, x, y)
    }

    /// `condition ? value : y` elementwise.
    public static func `where`(_ condition: ChunkedArray, _ value: Double, _ y: ChunkedArray) throws -> ChunkedArray {
        let x = y.scalarOperand(.double(value), dtype: try scalarType(for: .double(value), with: y.dtype))
        return try `where`(condition, x, y)
    }

    /// `condition ? a : b` elementwise with two numbers (float64).
    public static func `where`(_ condition: ChunkedArray, _ a: Double, _ b: Double) throws -> ChunkedArray {
        try `where`(condition, condition.scalarOperand(.double(a), dtype: .float64),
                    condition.scalarOperand(.double(b), dtype: .float64))
    }

    /// `condition ? self : other`, elementwise (NumPy's `where(condition, self, other)`).
    public func replacing(where condition: ChunkedArray, with other: ChunkedArray) throws -> ChunkedArray {
        try Self.where(condition, self, other)
    }

    // MARK: - Operators

    /// Elementwise sum, broadcasting.
    public static func + (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .add) }
    /// Elementwise difference, broadcasting.
    public static func - (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .subtract) }
    /// Elementwise product, broadcasting.
    public static func * (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .multiply) }
    /// Elementwise true division, broadcasting.
    public static func / (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .divide) }
    /// Elementwise remainder with the divisor's sign (Python's `%`), broadcasting.
    public static func % (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .remainder) }
    /// Adds a number to every element.
    public static func + (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .add) }
    /// Subtracts a number from every element.
    public static func - (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .subtract) }
    /// Multiplies every element by a number.
    public static func * (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .multiply) }
    /// Divides every element by a number.
    public static func / (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .divide) }
    /// The remainder of every element divided by a number.
    public static func % (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .remainder) }
    /// Adds every element to a number.
    public static func + (lhs: Double, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .double(lhs), .add, scalarFirst: true) }
    /// Subtracts every element from a number.
    public static func - (lhs: Double, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .double(lhs), .subtract, scalarFirst: true) }
    /// Multiplies a number by every element.
    public static func * (lhs: Double, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .double(lhs), .multiply, scalarFirst: true) }
    /// Divides a number by every element.
    public static func / (lhs: Double, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .double(lhs), .divide, scalarFirst: true) }
    /// Adds an integer to every element (the array's dtype is kept for integer arrays).
    public static func + (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .add) }
    /// Subtracts an integer from every element.
    public static func - (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .subtract) }
    /// Multiplies every element by an integer.
    public static func * (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .multiply) }
    /// Divides every element by an integer (true division).
    public static func / (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .divide) }
    /// The remainder of every element divided by an integer (integer arrays stay integers).
    public static func % (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .remainder) }
    /// Adds every element to an integer.
    public static func + (lhs: Int, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .int(Int64(lhs)), .add, scalarFirst: true) }
    /// Subtracts every element from an integer.
    public static func - (lhs: Int, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .int(Int64(lhs)), .subtract, scalarFirst: true) }
    /// Multiplies an integer by every element.
    public static func * (lhs: Int, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .int(Int64(lhs)), .multiply, scalarFirst: true) }
    /// Divides an integer by every element (true division).
    public static func / (lhs: Int, rhs: ChunkedArray) throws -> ChunkedArray { try rhs.combined(with: .int(Int64(lhs)), .divide, scalarFirst: true) }
    /// Negates every element (NumPy rejects booleans: use ``logicalNot()``).
    public static prefix func - (operand: ChunkedArray) throws -> ChunkedArray { try operand.apply(.negate) }

    /// Elementwise logical and of boolean arrays (NumPy's `&` on booleans), broadcasting.
    public static func & (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try logical(lhs, rhs, .logicalAnd, symbol: "&") }
    /// Elementwise logical or of boolean arrays (NumPy's `|` on booleans), broadcasting.
    public static func | (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try logical(lhs, rhs, .logicalOr, symbol: "|") }
    /// Elementwise exclusive or of boolean arrays (NumPy's `^` on booleans), broadcasting.
    public static func ^ (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try logical(lhs, rhs, .logicalXor, symbol: "^") }
    /// Elementwise not of a boolean array (NumPy's `~` on booleans).
    public static prefix func ~ (operand: ChunkedArray) throws -> ChunkedArray {
        guard operand.dtype == .bool else {
            throw ShapeError.invalidArgument("~ is defined here for boolean arrays only (got \(operand.dtype)); use logicalNot().")
        }
        return try operand.logicalNot()
    }

    /// Elementwise `==`, broadcasting.
    public static func .== (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .equal) }
    /// Elementwise `!=`, broadcasting.
    public static func .!= (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .notEqual) }
    /// Elementwise `<`, broadcasting.
    public static func .< (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .less) }
    /// Elementwise `<=`, broadcasting.
    public static func .<= (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .lessEqual) }
    /// Elementwise `>`, broadcasting.
    public static func .> (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .greater) }
    /// Elementwise `>=`, broadcasting.
    public static func .>= (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .greaterEqual) }
    /// Elementwise `==` against a number.
    public static func .== (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .equal) }
    /// Elementwise `!=` against a number.
    public static func .!= (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .notEqual) }
    /// Elementwise `<` against a number.
    public static func .< (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .less) }
    /// Elementwise `<=` against a number.
    public static func .<= (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .lessEqual) }
    /// Elementwise `>` against a number.
    public static func .> (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .greater) }
    /// Elementwise `>=` against a number.
    public static func .>= (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .greaterEqual) }
    /// Elementwise `==` against an integer (compared exactly for integer arrays).
    public static func .== (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .equal) }
    /// Elementwise `!=` against an integer.
    public static func .!= (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .notEqual) }
    /// Elementwise `<` against an integer.
    public static func .< (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .less) }
    /// Elementwise `<=` against an integer.
    public static func .<= (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .lessEqual) }
    /// Elementwise `>` against an integer.
    public static func .> (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .greater) }
    /// Elementwise `>=` against an integer.
    public static func .>= (lhs: ChunkedArray, rhs: Int) throws -> ChunkedArray { try lhs.combined(with: .int(Int64(rhs)), .greaterEqual) }
}

extension ScalarValue {
    /// Whether the value is exactly representable in the integer dtype `dtype`.
    func fits(in dtype: DType) -> Bool {
        let (low, high): (Double, Double)
        switch dtype {
        case .bool: (low, high) = (0, 1)
        case .int8: (low, high) = (-128, 127)
        case .int16: (low, high) = (-32_768, 32_767)
        case .int32: (low, high) = (-2_147_483_648, 2_147_483_647)
        case .uint8: (low, high) = (0, 255)
        case .uint16: (low, high) = (0, 65_535)
        case .uint32: (low, high) = (0, 4_294_967_295)
        case .int64:
            if case let .uint(v) = self { return v <= UInt64(Int64.max) }
            return true
        case .uint64:
            if case let .int(v) = self { return v >= 0 }
            return true
        case .float32, .float64: return true
        }
        let v: Double
        switch self {
        case let .int(x): v = Double(x)
        case let .uint(x): v = Double(x)
        case let .bool(x): v = x ? 1 : 0
        case let .double(x): v = x
        }
        return v >= low && v <= high
    }
}
