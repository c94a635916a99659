/// A binary elementwise operation.
public enum BinaryOperation: String, Sendable, Hashable, CaseIterable {
    /// Arithmetic: `+ - * /` (true division) and `**`.
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"
    /// Python's floor division and remainder (the remainder has the divisor's sign).
    case floorDivide = "//", remainder = "%"
    /// NaN-propagating minimum and maximum (`np.minimum`, `np.maximum`).
    case minimum, maximum
    /// NaN-ignoring minimum and maximum (`np.fmin`, `np.fmax`).
    case fmin, fmax
    /// Comparisons, giving booleans (false wherever NaN is compared, except `!=`).
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    /// Logical connectives of truth values (nonzero is true), giving booleans.
    case logicalAnd = "&", logicalOr = "|", logicalXor = "^"

    /// Whether the result is boolean whatever the operands are.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .logicalAnd, .logicalOr, .logicalXor: true
        default: false
        }
    }

    /// Whether the operation is a logical connective (`&`, `|`, `^` on truth values).
    public var isLogical: Bool { self == .logicalAnd || self == .logicalOr || self == .logicalXor }

    /// The result dtype for operands of these dtypes, as NumPy's ufuncs give it.
    public func resultType(_ a: DType, _ b: DType) -> DType {
        if isComparison { return .bool }
        if self == .divide { return DType.divisionResult(a, b) }
        let promoted = DType.promote(a, b)
        if promoted == .bool {
            switch self {
            case .add, .multiply, .minimum, .maximum, .fmin, .fmax: return .bool
            default: return .int8
            }
        }
        return promoted
    }

    /// Why NumPy refuses this operation on operands of these dtypes, or `nil` when it accepts it.
    ///
    /// NumPy raises `TypeError` for `bool - bool`; Tessera throws the same sentence.
    public func rejection(_ a: DType, _ b: DType) -> String? {
        if self == .subtract, a == .bool, b == .bool {
            return "numpy boolean subtract, the `-` operator, is not supported; use logicalXor instead."
        }
        return nil
    }
}

/// A unary elementwise operation.
public enum UnaryOperation: String, Sendable, Hashable, CaseIterable {
    /// NumPy's `negative`, `absolute`, `sign`, `sqrt`, `exp`, `log`, `log1p`, `sin`, `cos`, `tanh`,
    /// `floor`, `ceil`, `rint` and `logical_not`.
    case negate, abs, sign, sqrt, exp, log, log1p, sin, cos, tanh, floor, ceil, round, logicalNot
    /// Tests of floating-point values, giving booleans.
    case isnan, isfinite, isinf

    /// The result dtype for an operand of this dtype, as NumPy's ufuncs give it.
    ///
    /// NumPy gives `float16` for `sqrt`, `exp` and the like of `bool`, `int8`, `uint8`; Tessera has
    /// no `float16` and gives `float32` (the values agree within `float16`'s precision).
    public func resultType(_ a: DType) -> DType {
        switch self {
        case .negate, .abs, .sign, .floor, .ceil, .round: a
        case .logicalNot, .isnan, .isfinite, .isinf: .bool
        case .sqrt, .exp, .log, .log1p, .sin, .cos, .tanh:
            a.isFloatingPoint ? a : (a.itemSize <= 2 ? .float32 : .float64)
        }
    }

    /// Why NumPy refuses this operation on an operand of this dtype, or `nil` when it accepts it.
    public func rejection(_ a: DType) -> String? {
        guard a == .bool else { return nil }
        switch self {
        case .negate: return "The numpy boolean negative, the `-` operator, is not supported, use logicalNot instead."
        case .sign: return "numpy sign is not supported for booleans."
        default: return nil
        }
    }
}

/// A fused elementwise computation over the blocks of several inputs.
///
/// Elementwise operations on collections build these trees instead of one task per operation; a
/// backend evaluates the whole tree per block (the "numpy" backend tile by tile, so intermediate
/// values stay in cache; a GPU backend as one generated kernel). Every node knows its dtype.
public indirect enum ElementwiseExpression: Sendable, Hashable {
    /// The block of input number `index`, of the given dtype.
    case input(Int, DType)
    /// The block of input number `index` with its axes permuted (axis `i` of the view is axis
    /// `permutation[i]` of the input), as a transposed operand is read without being copied.
    case permutedInput(Int, DType, permutation: [Int])
    /// A constant broadcast over the block, of the given dtype.
    case constant(ScalarValue, DType)
    /// A unary operation.
    case unary(UnaryOperation, ElementwiseExpression)
    /// A binary operation.
    case binary(BinaryOperation, ElementwiseExpression, ElementwiseExpression)
    /// A conversion to another dtype.
    case cast(ElementwiseExpression, DType)
    /// `condition ? a : b` per element.
    case select(ElementwiseExpression, ElementwiseExpression, ElementwiseExpression)

    /// The dtype of the values this node produces.
    public var dtype: DType {
        switch self {
        case let .input(_, dtype), let .permutedInput(_, dtype, _), let .constant(_, dtype): dtype
        case let .unary(op, operand): op.resultType(operand.dtype)
        case let .binary(op, lhs, rhs): op.resultType(lhs.dtype, rhs.dtype)
        case let .cast(_, dtype): dtype
        case let .select(_, a, b): DType.promote(a.dtype, b.dtype)
        }
    }

    /// The largest input index used, plus one.
    public var inputCount: Int {
        switch self {
        case let .input(index, _), let .permutedInput(index, _, _): index + 1
        case .constant: 0
        case let .unary(_, operand): operand.inputCount
        case let .binary(_, lhs, rhs): Swift.max(lhs.inputCount, rhs.inputCount)
        case let .cast(operand, _): operand.inputCount
        case let .select(c, a, b): Swift.max(c.inputCount, a.inputCount, b.inputCount)
        }
    }

    /// The number of operation nodes (a measure of how much work is fused).
    public var operationCount: Int {
        switch self {
        case .input, .permutedInput, .constant: 0
        case let .unary(_, operand): 1 + operand.operationCount
        case let .binary(_, lhs, rhs): 1 + lhs.operationCount + rhs.operationCount
        case let .cast(operand, _): 1 + operand.operationCount
        case let .select(c, a, b): 1 + c.operationCount + a.operationCount + b.operationCount
        }
    }

    /// This expression with input `i` renumbered to `mapping[i]`.
    public func renumberingInputs(_ mapping: [Int]) -> ElementwiseExpression {
        switch self {
        case let .input(index, dtype): .input(mapping[index], dtype)
        case let .permutedInput(index, dtype, permutation): .permutedInput(mapping[index], dtype, permutation: permutation)
        case .constant: self
        case let .unary(op, operand): .unary(op, operand.renumberingInputs(mapping))
        case let .binary(op, lhs, rhs): .binary(op, lhs.renumberingInputs(mapping), rhs.renumberingInputs(mapping))
        case let .cast(operand, dtype): .cast(operand.renumberingInputs(mapping), dtype)
        case let .select(c, a, b):
            .select(c.renumberingInputs(mapping), a.renumberingInputs(mapping), b.renumberingInputs(mapping))
        }
    }

    /// This expression with each input replaced by the expression `substitutes[i]`.
    public func substitutingInputs(_ substitutes: [ElementwiseExpression]) -> ElementwiseExpression {
        switch self {
        case let .input(index, _): substitutes[index]
        case let .permutedInput(index, _, permutation): substitutes[index].permutingInputs(permutation)
        case .constant: self
        case let .unary(op, operand): .unary(op, operand.substitutingInputs(substitutes))
        case let .binary(op, lhs, rhs):
            .binary(op, lhs.substitutingInputs(substitutes), rhs.substitutingInputs(substitutes))
        case let .cast(operand, dtype): .cast(operand.substitutingInputs(substitutes), dtype)
        case let .select(c, a, b):
            .select(c.substitutingInputs(substitutes), a.substitutingInputs(substitutes), b.substitutingInputs(substitutes))
        }
    }

    /// This expression read through an axis permutation: every input leaf's view is permuted by
    /// `permutation` (composed with any permutation it already has).
    ///
    /// Only meaningful when every input has the expression's full number of axes.
    public func permutingInputs(_ permutation: [Int]) -> ElementwiseExpression {
        switch self {
        case let .input(index, dtype): .permutedInput(index, dtype, permutation: permutation)
        case let .permutedInput(index, dtype, inner):
            .permutedInput(index, dtype, permutation: permutation.map { inner[$0] })
        case .constant: self
        case let .unary(op, operand): .unary(op, operand.permutingInputs(permutation))
        case let .binary(op, lhs, rhs): .binary(op, lhs.permutingInputs(permutation), rhs.permutingInputs(permutation))
        case let .cast(operand, dtype): .cast(operand.permutingInputs(permutation), dtype)
        case let .select(c, a, b):
            .select(c.permutingInputs(permutation), a.permutingInputs(permutation), b.permutingInputs(permutation))
        }
    }

    /// The first reason NumPy would refuse an operation in this expression, or `nil`.
    public var rejection: String? {
        switch self {
        case .input, .permutedInput, .constant: nil
        case let .unary(op, operand): operand.rejection ?? op.rejection(operand.dtype)
        case let .binary(op, lhs, rhs): lhs.rejection ?? rhs.rejection ?? op.rejection(lhs.dtype, rhs.dtype)
        case let .cast(operand, _): operand.rejection
        case let .select(c, a, b): c.rejection ?? a.rejection ?? b.rejection
        }
    }

    /// A readable form, for example `((x0 + 1.0) * x1)`, used in task names and graph pictures.
    public var formula: String {
        switch self {
        case let .input(index, _): "x\(index)"
        case let .permutedInput(index, _, permutation): "x\(index).transpose(\(permutation))"
        case let .constant(value, _): value.description
        case let .unary(op, operand): "\(op.rawValue)(\(operand.formula))"
        case let .binary(op, lhs, rhs):
            op.rawValue.first?.isLetter == true
                ? "\(op.rawValue)(\(lhs.formula), \(rhs.formula))" : "(\(lhs.formula) \(op.rawValue) \(rhs.formula))"
        case let .cast(operand, dtype): "\(dtype)(\(operand.formula))"
        case let .select(c, a, b): "where(\(c.formula), \(a.formula), \(b.formula))"
        }
    }
}
