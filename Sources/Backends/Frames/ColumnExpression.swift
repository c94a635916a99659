/// A computation over a frame's columns, row by row: what `df["x"] * 2 > df["y"]` builds.
///
/// Expressions are symbolic, so the type of a result (the output's schema, Dask's meta) is known
/// without computing anything, and a backend evaluates a whole expression at once: the "pandas"
/// backend fuses the numeric parts into one pass over the columns.
///
/// Nulls follow pandas: arithmetic with a null is null; a comparison with a null is `false`
/// (`true` for `!=`), as NaN compares in NumPy; logical operators treat null as `false`.
public indirect enum ColumnExpression: Sendable, Hashable, CustomStringConvertible {
    /// The column of this name.
    case column(String)
    /// The same value on every row.
    case literal(FrameValue)
    /// An arithmetic, comparison or logical operator.
    case binary(BinaryOperation, ColumnExpression, ColumnExpression)
    /// A numeric function or negation.
    case unary(UnaryOperation, ColumnExpression)
    /// Whether each row is missing (`isnull`).
    case isNull(ColumnExpression)
    /// Missing rows replaced by a value (`fillna`).
    case fillNull(ColumnExpression, FrameValue)
    /// Values converted to another type (`astype`).
    case cast(ColumnExpression, ColumnType)
    /// A string function (`.str.contains`, `.str.lower`, ...).
    case string(StringFunction, ColumnExpression)

    /// The string functions of `Series.str`.
    public enum StringFunction: Sendable, Hashable {
        /// Whether the string contains the text.
        case contains(String)
        /// Whether the string starts with the text.
        case startsWith(String)
        /// Whether the string ends with the text.
        case endsWith(String)
        /// Lowercased.
        case lower
        /// Uppercased.
        case upper
        /// The number of characters (Unicode scalars, as Python counts).
        case length
    }

    /// The names of the columns the expression reads.
    public var columnNames: Set<String> {
        switch self {
        case let .column(name): [name]
        case .literal: []
        case let .binary(_, lhs, rhs): lhs.columnNames.union(rhs.columnNames)
        case let .unary(_, operand), let .isNull(operand), let .fillNull(operand, _), let .cast(operand, _),
             let .string(_, operand):
            operand.columnNames
        }
    }

    /// The expression as pandas-like source text.
    public var description: String {
        switch self {
        case let .column(name): "df[\"\(name)\"]"
        case let .literal(value): value.description
        case let .binary(op, lhs, rhs): "(\(lhs) \(op.rawValue) \(rhs))"
        case let .unary(op, operand): "\(op)(\(operand))"
        case let .isNull(operand): "\(operand).isnull()"
        case let .fillNull(operand, value): "\(operand).fillna(\(value))"
        case let .cast(operand, type): "\(operand).astype(\(type))"
        case let .string(function, operand): "\(operand).str.\(function)"
        }
    }

    /// The type of the result over a frame of `schema`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a column that is not there,
    ///   ``FrameError/unsupportedType(operation:type:)`` for an operator that does not apply.
    public func resultType(in schema: Schema) throws(FrameError) -> ColumnType {
        switch self {
        case let .column(name):
            guard let type = schema.type(of: name) else { throw .unknownColumn(name, available: schema.names) }
            return type
        case let .literal(value):
            return Self.literalType(value)
        case let .binary(op, lhs, rhs):
            let left = try lhs.resultType(in: schema), right = try rhs.resultType(in: schema)
            return try Self.binaryResultType(op, left, right, lhs: lhs, rhs: rhs)
        case let .unary(op, operand):
            let type = try operand.resultType(in: schema)
            guard let dtype = type.numericDType else { throw .unsupportedType(operation: "\(op)", type: type) }
            return .numeric(op.resultType(dtype))
        case let .isNull(operand):
            _ = try operand.resultType(in: schema)
            return .bool
        case let .fillNull(operand, value):
            let type = try operand.resultType(in: schema)
            if value.isNull { return type }
            if type.isNumeric, let fill = value.doubleValue {
                if case .double = value, let dtype = type.numericDType, dtype.isInteger {
                    return Int64(exactly: fill) == nil ? .float64 : type
                }
                return type
            }
            guard Self.literal(value, fits: type) else {
                throw .invalidValue("Cannot fill a \(type) column with \(value).")
            }
            return type
        case let .cast(operand, target):
            let type = try operand.resultType(in: schema)
            guard Self.canCast(type, to: target) else { throw .unsupportedType(operation: "astype(\(target))", type: type) }
            return target
        case let .string(function, operand):
            let type = try operand.resultType(in: schema)
            guard type.isTextual else { throw .unsupportedType(operation: ".str.\(function)", type: type) }
            switch function {
            case .contains, .startsWith, .endsWith: return .bool
            case .lower, .upper: return .string
            case .length: return .int64
            }
        }
    }

    static func literalType(_ value: FrameValue) -> ColumnType {
        switch value {
        case .null: .float64
        case .bool: .bool
        case .int: .int64
        case .uint: .numeric(.uint64)
        case .double: .float64
        case .string: .string
        case let .timestamp(_, unit, zone): .timestamp(unit, timeZone: zone)
        case .date: .date
        }
    }

    static func literal(_ value: FrameValue, fits type: ColumnType) -> Bool {
        switch (value, type) {
        case (.null, _): true
        case (.string, .string), (.string, .categorical): true
        case (.bool, .numeric(.bool)): true
        case (.int, .numeric), (.uint, .numeric), (.double, .numeric): type != .bool
        case (.timestamp, .timestamp), (.date, .date): true
        default: false
        }
    }

    static func canCast(_ source: ColumnType, to target: ColumnType) -> Bool {
        switch (source, target) {
        case (.numeric, .numeric), (_, .string), (.string, .categorical), (.categorical, .categorical): true
        case (.string, .numeric): true
        case (.timestamp, .numeric(.int64)), (.date, .numeric(.int32)), (.date, .numeric(.int64)): true
        case (.timestamp, .timestamp), (.date, .timestamp), (.timestamp, .date): true
        default: source == target
        }
    }

    static func binaryResultType(_ op: BinaryOperation, _ left: ColumnType, _ right: ColumnType,
                                 lhs: ColumnExpression, rhs: ColumnExpression) throws(FrameError) -> ColumnType {
        if op.isComparison && op != .logicalAnd && op != .logicalOr {
            let comparable = (left.numericDType != nil && right.numericDType != nil)
                || (left.isTextual && right.isTextual)
                || (left == right)
                || (Self.isNullLiteral(lhs) || Self.isNullLiteral(rhs))
            guard comparable else {
                throw .invalidValue("Cannot compare a \(left) column with a \(right) value (\(lhs) \(op.rawValue) \(rhs)).")
            }
            return .bool
        }
        guard let a = left.numericDType else { throw .unsupportedType(operation: "the \(op.rawValue) operator", type: left) }
        guard let b = right.numericDType else { throw .unsupportedType(operation: "the \(op.rawValue) operator", type: right) }
        if op == .logicalAnd || op == .logicalOr {
            guard a == .bool, b == .bool else {
                throw .unsupportedType(operation: "the \(op.rawValue) operator", type: a == .bool ? right : left)
            }
            return .bool
        }
        // A Python int or float scalar takes the column's type where it fits, as NumPy 2 does.
        if case .literal(.int) = rhs, a != .bool { return .numeric(op.resultType(a, a)) }
        if case .literal(.int) = lhs, b != .bool { return .numeric(op.resultType(b, b)) }
        if case .literal(.double) = rhs, a.isFloatingPoint { return .numeric(op.resultType(a, a)) }
        if case .literal(.double) = lhs, b.isFloatingPoint { return .numeric(op.resultType(b, b)) }
        return .numeric(op.resultType(a, b))
    }

    private static func isNullLiteral(_ expression: ColumnExpression) -> Bool {
        if case .literal(.null) = expression { return true }
        return false
    }
}
