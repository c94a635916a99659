import Backends
import NumPyBackend
import TaskGraph

extension ChunkedArray {
    /// This array as an expression over materialised arrays (itself, if it is not fused).
    var asFused: FusedElementwise {
        fused ?? FusedElementwise(expression: .input(0, dtype), inputs: [self])
    }

    /// Applies an elementwise function of several arrays and scalars, fusing with the operands'
    /// own elementwise expressions.
    ///
    /// - Throws: ``ShapeError/incompatible(operation:shapes:)`` if the shapes differ (arrays of
    ///   one element broadcast), ``BackendError/notImplemented(function:backend:)`` if the operands
    ///   come from different backends.
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
        for operand in operands where operand.shape != reference.shape && operand.size != 1 {
            throw ShapeError.incompatible(operation: operation, shapes: operands.map(\.shape))
        }
        // Bring every operand to the reference chunks; single-element arrays are broadcast blocks.
        var inputs: [ChunkedArray] = []
        var substitutes: [ElementwiseExpression] = []
        for operand in operands {
            let aligned: ChunkedArray
            if operand.shape == reference.shape && operand.chunks != reference.chunks {
                aligned = try operand.rechunk(.explicit(reference.chunks))
            } else {
                aligned = operand
            }
            let fused = aligned.asFused
            var mapping: [Int] = []
            for input in fused.inputs {
                if let existing = inputs.firstIndex(where: { $0.name == input.name }) {
                    mapping.append(existing)
                } else {
                    inputs.append(input)
                    mapping.append(inputs.count - 1)
                }
            }
            substitutes.append(fused.expression.renumberingInputs(mapping))
        }
        let expression = build(substitutes)
        return try fromFused(FusedElementwise(expression: expression, inputs: inputs), like: reference)
    }

    /// The array computing a fused expression block by block, with `reference`'s shape and chunks.
    static func fromFused(_ fused: FusedElementwise, like reference: ChunkedArray) throws -> ChunkedArray {
        let shape = reference.shape
        let chunks = reference.chunks
        let meta = reference.meta
        let expression = fused.expression
        let inputs = fused.inputs
        if inputs.isEmpty {
            return generated(shape: shape, chunks: chunks, dtype: expression.dtype, meta: meta,
                             prefix: Self.layerPrefix(expression), fused: fused) { block in
                try meta.chunk.evaluate(expression, inputs: [], shape: block.shape)
            }
        }
        let inputNames = inputs.map(\.name)
        let layerName = LayerName.unique(Self.layerPrefix(expression))
        let counts = chunks.map(\.count)
        let layer = Layer(name: layerName, dependencies: inputNames, taskCount: counts.reduce(1, *),
                          summary: "elementwise " + expression.formula) {
            BlockGrid.indices(counts).map { index in
                // An input with one element (broadcast) is read from its only block.
                let dependencies = inputs.map { input in
                    input.shape == shape ? TaskKey(input.name, index)
                                         : TaskKey(input.name, [Int](repeating: 0, count: input.ndim))
                }
                let blockShape = zip(chunks, index).map { $0[$1] }
                return GraphTask(TaskKey(layerName, index), dependencies: dependencies, label: "elementwise") { values in
                    try meta.chunk.evaluate(expression, inputs: values.map(asChunk), shape: blockShape)
                }
            }
        }
        return ChunkedArray(shape: shape, chunks: chunks, dtype: expression.dtype, meta: meta,
                            graph: HighLevelGraph(adding: layer, to: inputs.map(\.graph)), name: layerName,
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

    /// The dtype NumPy 2 gives a Python scalar combined with an array of `dtype` (scalars do not
    /// widen arrays: `int32_array + 1` stays `int32`, `float32_array * 2.0` stays `float32`).
    static func scalarType(for value: ScalarValue, with dtype: DType) -> DType {
        switch value {
        case .bool: return dtype
        case .int, .uint: return dtype == .bool ? .int64 : dtype
        case .double: return dtype.isFloatingPoint ? dtype : .float64
        }
    }

    /// `self op scalar` (or `scalar op self` when `scalarFirst`).
    func combined(with value: ScalarValue, _ op: BinaryOperation, scalarFirst: Bool = false) throws -> ChunkedArray {
        let scalar = scalarOperand(value, dtype: Self.scalarType(for: value, with: dtype))
        return try Self.elementwise(scalarFirst ? [scalar, self] : [self, scalar], operation: op.rawValue) { e in
            .binary(op, e[0], e[1])
        }
    }

    /// `self op other`.
    func combined(with other: ChunkedArray, _ op: BinaryOperation) throws -> ChunkedArray {
        try Self.elementwise([self, other], operation: op.rawValue) { e in .binary(op, e[0], e[1]) }
    }

    /// Applies a unary function elementwise.
    public func apply(_ op: UnaryOperation) throws -> ChunkedArray {
        try Self.elementwise([self], operation: op.rawValue) { e in .unary(op, e[0]) }
    }

    /// The elements converted to `dtype` (NumPy's `astype`).
    public func astype(_ dtype: DType) throws -> ChunkedArray {
        if dtype == self.dtype { return self }
        return try Self.elementwise([self], operation: "astype") { e in .cast(e[0], dtype) }
    }

    /// `condition ? self : other`, elementwise (NumPy's `where(condition, self, other)`).
    public func replacing(where condition: ChunkedArray, with other: ChunkedArray) throws -> ChunkedArray {
        try Self.elementwise([condition, other, self], operation: "where") { e in .select(e[0], e[2], e[1]) }
    }

    /// The elementwise minimum of two arrays (NaN propagates).
    public func minimum(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .minimum) }

    /// The elementwise maximum of two arrays (NaN propagates).
    public func maximum(_ other: ChunkedArray) throws -> ChunkedArray { try combined(with: other, .maximum) }

    /// `self ** exponent`, elementwise.
    public func power(_ exponent: Double) throws -> ChunkedArray { try combined(with: .double(exponent), .power) }

    // MARK: - Operators

    /// Elementwise sum.
    public static func + (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .add) }
    /// Elementwise difference.
    public static func - (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .subtract) }
    /// Elementwise product.
    public static func * (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .multiply) }
    /// Elementwise true division.
    public static func / (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .divide) }
    /// Adds a number to every element.
    public static func + (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .add) }
    /// Subtracts a number from every element.
    public static func - (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .subtract) }
    /// Multiplies every element by a number.
    public static func * (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .multiply) }
    /// Divides every element by a number.
    public static func / (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .divide) }
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
    /// Negates every element.
    public static prefix func - (operand: ChunkedArray) throws -> ChunkedArray { try operand.apply(.negate) }

    /// Elementwise `==`.
    public static func .== (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .equal) }
    /// Elementwise `!=`.
    public static func .!= (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .notEqual) }
    /// Elementwise `<`.
    public static func .< (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .less) }
    /// Elementwise `>`.
    public static func .> (lhs: ChunkedArray, rhs: ChunkedArray) throws -> ChunkedArray { try lhs.combined(with: rhs, .greater) }
    /// Elementwise `<` against a number.
    public static func .< (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .less) }
    /// Elementwise `>` against a number.
    public static func .> (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .greater) }
    /// Elementwise `<=` against a number.
    public static func .<= (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .lessEqual) }
    /// Elementwise `>=` against a number.
    public static func .>= (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .greaterEqual) }
    /// Elementwise `==` against a number.
    public static func .== (lhs: ChunkedArray, rhs: Double) throws -> ChunkedArray { try lhs.combined(with: .double(rhs), .equal) }
}
