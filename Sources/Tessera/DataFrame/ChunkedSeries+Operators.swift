import Backends

/// A value a series can be combined with: another series of the same frame, or a scalar.
public protocol SeriesOperand: Sendable {
    /// The operand as an expression.
    var operandExpression: ColumnExpression { get }
}

extension ChunkedSeries: SeriesOperand {
    /// The series' expression.
    public var operandExpression: ColumnExpression { expression }
}
extension Double: SeriesOperand {
    /// The number as a literal.
    public var operandExpression: ColumnExpression { .literal(.double(self)) }
}
extension Int: SeriesOperand {
    /// The number as a literal.
    public var operandExpression: ColumnExpression { .literal(.int(Int64(self))) }
}
extension String: SeriesOperand {
    /// The string as a literal.
    public var operandExpression: ColumnExpression { .literal(.string(self)) }
}
extension Bool: SeriesOperand {
    /// The flag as a literal.
    public var operandExpression: ColumnExpression { .literal(.bool(self)) }
}

extension ChunkedSeries {
    private static func combine(_ op: BinaryOperation, _ lhs: any SeriesOperand, _ rhs: any SeriesOperand) throws -> ChunkedSeries {
        let series = (lhs as? ChunkedSeries) ?? (rhs as? ChunkedSeries)
        guard let series else { throw FrameOperationError.internalError("an operator without a series") }
        if let left = lhs as? ChunkedSeries, let right = rhs as? ChunkedSeries { try left.frame.checkAligned(right) }
        return try series.derived(.binary(op, lhs.operandExpression, rhs.operandExpression))
    }

    /// Element-wise sum.
    public static func + (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.add, lhs, rhs) }
    /// Element-wise sum.
    public static func + <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.add, lhs, rhs) }
    /// Element-wise sum.
    public static func + <L: SeriesOperand>(lhs: L, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.add, lhs, rhs) }
    /// Element-wise difference.
    public static func - (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.subtract, lhs, rhs) }
    /// Element-wise difference.
    public static func - <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.subtract, lhs, rhs) }
    /// Element-wise difference.
    public static func - <L: SeriesOperand>(lhs: L, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.subtract, lhs, rhs) }
    /// Element-wise product.
    public static func * (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.multiply, lhs, rhs) }
    /// Element-wise product.
    public static func * <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.multiply, lhs, rhs) }
    /// Element-wise product.
    public static func * <L: SeriesOperand>(lhs: L, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.multiply, lhs, rhs) }
    /// Element-wise true division (always float).
    public static func / (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.divide, lhs, rhs) }
    /// Element-wise true division (always float).
    public static func / <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.divide, lhs, rhs) }
    /// Element-wise true division (always float).
    public static func / <L: SeriesOperand>(lhs: L, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.divide, lhs, rhs) }

    /// Element-wise `>`.
    public static func > (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.greater, lhs, rhs) }
    /// Element-wise `>`.
    public static func > <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.greater, lhs, rhs) }
    /// Element-wise `>=`.
    public static func >= (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.greaterEqual, lhs, rhs) }
    /// Element-wise `>=`.
    public static func >= <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.greaterEqual, lhs, rhs) }
    /// Element-wise `<`.
    public static func < (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.less, lhs, rhs) }
    /// Element-wise `<`.
    public static func < <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.less, lhs, rhs) }
    /// Element-wise `<=`.
    public static func <= (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.lessEqual, lhs, rhs) }
    /// Element-wise `<=`.
    public static func <= <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.lessEqual, lhs, rhs) }
    /// Element-wise equality.
    public static func == (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.equal, lhs, rhs) }
    /// Element-wise equality.
    public static func == <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.equal, lhs, rhs) }
    /// Element-wise inequality.
    public static func != (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.notEqual, lhs, rhs) }
    /// Element-wise inequality.
    public static func != <R: SeriesOperand>(lhs: ChunkedSeries, rhs: R) throws -> ChunkedSeries { try combine(.notEqual, lhs, rhs) }

    /// Element-wise logical and of boolean series (pandas' `&`).
    public static func & (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.logicalAnd, lhs, rhs) }
    /// Element-wise logical or of boolean series (pandas' `|`).
    public static func | (lhs: ChunkedSeries, rhs: ChunkedSeries) throws -> ChunkedSeries { try combine(.logicalOr, lhs, rhs) }
    /// Element-wise logical not of a boolean series (pandas' `~`).
    public static prefix func ! (operand: ChunkedSeries) throws -> ChunkedSeries {
        try operand.derived(.unary(.logicalNot, operand.expression))
    }
    /// Element-wise negation.
    public static prefix func - (operand: ChunkedSeries) throws -> ChunkedSeries {
        try operand.derived(.unary(.negate, operand.expression))
    }
}
