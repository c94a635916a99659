/// A binary elementwise operation.
public enum BinaryOperation: String, Sendable, Hashable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "**"
    case minimum, maximum
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case logicalAnd = "&", logicalOr = "|"

    /// Whether the result is boolean whatever the operands are.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .logicalAnd, .logicalOr: true
        default: false
        }
    }

    /// The result dtype for operands of these dtypes, as NumPy's ufuncs give it.
    public func resultType(_ a: DType, _ b: DType) -> DType {
        if isComparison { return .bool }
        if self == .divide { return DType.divisionResult(a, b) }
        let promoted = DType.promote(a, b)
        if promoted == .bool, self == .add || self == .multiply { return .bool }
        if promoted == .bool { return .int8 }
        return promoted
    }
}

/// A unary elementwise operation.
public enum UnaryOperation: String, Sendable, Hashable, CaseIterable {
    case negate, abs, sqrt, exp, log, log1p, sin, cos, tanh, floor, ceil, logicalNot, isnan, isfinite

    /// The result dtype for an operand of this dtype, as NumPy's ufuncs give it.
    public func resultType(_ a: DType) -> DType {
        switch self {
        case .negate, .abs: a == .bool ? .bool : a
        case .floor, .ceil: a.isFloatingPoint ? a : (a == .bool ? .float16Substitute : a)
        case .logicalNot, .isnan, .isfinite: .bool
        case .sqrt, .exp, .log, .log1p, .sin, .cos, .tanh:
            a.isFloatingPoint ? a : (a.itemSize <= 2 ? .float32 : .float64)
        }
    }
}

extension DType {
    /// NumPy gives float16 for some boolean ufuncs; Tessera has no float16 and uses float32.
    fileprivate static var float16Substitute: DType { .float32 }
}

/// A fused elementwise computation over the blocks of several inputs.
///
/// Elementwise operations on collections build these trees instead of one task per operation; a
/// backend evaluates the whole tree per block (the "numpy" backend tile by tile, so intermediate
/// values stay in cache; a GPU backend as one generated kernel). Every node knows its dtype.
public indirect enum ElementwiseExpression: Sendable, Hashable {
    /// The block of input number `index`, of the given dtype.
    case input(Int, DType)
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
        case let .input(_, dtype), let .constant(_, dtype): dtype
        case let .unary(op, operand): op.resultType(operand.dtype)
        case let .binary(op, lhs, rhs): op.resultType(lhs.dtype, rhs.dtype)
        case let .cast(_, dtype): dtype
        case let .select(_, a, b): DType.promote(a.dtype, b.dtype)
        }
    }

    /// The largest input index used, plus one.
    public var inputCount: Int {
        switch self {
        case let .input(index, _): index + 1
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
        case .input, .constant: 0
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
        case .constant: self
        case let .unary(op, operand): .unary(op, operand.substitutingInputs(substitutes))
        case let .binary(op, lhs, rhs):
            .binary(op, lhs.substitutingInputs(substitutes), rhs.substitutingInputs(substitutes))
        case let .cast(operand, dtype): .cast(operand.substitutingInputs(substitutes), dtype)
        case let .select(c, a, b):
            .select(c.substitutingInputs(substitutes), a.substitutingInputs(substitutes), b.substitutingInputs(substitutes))
        }
    }

    /// A readable form, for example `((x0 + 1.0) * x1)`, used in task names and graph pictures.
    public var formula: String {
        switch self {
        case let .input(index, _): "x\(index)"
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
