import Backends
import NumPyBackend

extension DataFrame {
    /// Evaluates `expression` over this frame's rows.
    ///
    /// Numeric parts run fused, in one pass over their input columns (`NumPyBackend`'s tile
    /// evaluator); strings and null handling run their own kernels.
    ///
    /// - Throws: ``FrameError`` for unknown columns and operators that do not apply to a type.
    public func evaluate(_ expression: ColumnExpression) throws(FrameError) -> Column {
        _ = try expression.resultType(in: schema)
        do { return try ExpressionEvaluator(frame: self).evaluate(expression) }
        catch let error as FrameError { throw error }
        catch { throw .invalidValue("\(error)") }
    }

    /// The rows where `predicate` is true.
    public func filter(where predicate: ColumnExpression) throws(FrameError) -> DataFrame {
        try filter(evaluate(predicate))
    }
}

/// Evaluates ``ColumnExpression``s over one frame.
struct ExpressionEvaluator {
    let frame: DataFrame

    var rowCount: Int { frame.rowCount }

    func evaluate(_ expression: ColumnExpression) throws -> Column {
        switch expression {
        case let .column(name):
            return try frame.column(name).column
        case let .literal(value):
            return try broadcast(value)
        case let .binary(op, lhs, rhs):
            if op == .logicalAnd || op == .logicalOr { return try logical(op, lhs, rhs) }
            if op.isComparison { return try compare(op, lhs, rhs) }
            return try numeric(expression)
        case .unary:
            return try numeric(expression)
        case let .isNull(operand):
            let column = try evaluate(operand)
            return Column.numbers((0..<column.count).map { column.isNull($0) })
        case let .fillNull(operand, value):
            return try fillNull(evaluate(operand), with: value)
        case let .cast(operand, type):
            return try evaluate(operand).converted(to: type)
        case let .string(function, operand):
            return try StringKernels.apply(function, to: evaluate(operand))
        }
    }

    // MARK: Numeric fusion

    /// Evaluates an arithmetic tree as one fused elementwise pass; nulls propagate.
    private func numeric(_ expression: ColumnExpression) throws -> Column {
        var inputs: [Column] = []
        let compiled = try compile(expression, inputs: &inputs, sibling: nil)
        let values = try NDArray.evaluate(compiled, inputs: inputs.map(numericValues), shape: [rowCount])
        let validity = inputs.reduce(ValidityBitmap?.none) { ValidityBitmap.intersection($0, $1.validity) }
        return Column(unchecked: .numeric(compiled.dtype), storage: .fixedWidth(values), validity: validity, count: rowCount)
    }

    private func numericValues(_ column: Column) throws -> NDArray {
        guard let values = column.values, column.type.storageDType != nil, column.type != .categorical else {
            throw FrameError.unsupportedType(operation: "Arithmetic", type: column.type)
        }
        return values
    }

    /// Compiles the numeric part of `expression`; anything else is evaluated to a column input.
    private func compile(_ expression: ColumnExpression, inputs: inout [Column], sibling: DType?) throws -> ElementwiseExpression {
        switch expression {
        case let .literal(value) where value.doubleValue != nil:
            return .constant(scalar(value), literalDType(value, sibling: sibling))
        case let .literal(.timestamp(value, _, _)):
            return .constant(.int(value), .int64)
        case let .literal(.date(days)):
            return .constant(.int(Int64(days)), .int32)
        case let .binary(op, lhs, rhs) where !op.isComparison:
            let left = try compile(lhs, inputs: &inputs, sibling: try hint(rhs))
            let right = try compile(rhs, inputs: &inputs, sibling: left.dtype)
            return .binary(op, left, right)
        case let .unary(op, operand):
            return .unary(op, try compile(operand, inputs: &inputs, sibling: nil))
        case let .cast(operand, .numeric(dtype)):
            let inner = try compile(operand, inputs: &inputs, sibling: nil)
            return .cast(inner, dtype)
        default:
            let column = try evaluate(expression)
            guard let dtype = column.type.storageDType, column.type != .categorical else {
                throw FrameError.unsupportedType(operation: "Arithmetic", type: column.type)
            }
            inputs.append(column)
            return .input(inputs.count - 1, dtype)
        }
    }

    /// The dtype an expression will have, when cheap to know (to type a literal beside it).
    func hint(_ expression: ColumnExpression) throws -> DType? {
        if case let .column(name) = expression { return frame.schema.type(of: name)?.storageDType }
        return nil
    }

    func scalar(_ value: FrameValue) -> ScalarValue {
        switch value {
        case let .bool(flag): .bool(flag)
        case let .int(number): .int(number)
        case let .uint(number): .uint(number)
        case let .double(number): .double(number)
        default: .double(.nan)
        }
    }

    /// A Python-style scalar takes the type of the array beside it when it is of the same kind (NumPy 2).
    func literalDType(_ value: FrameValue, sibling: DType?) -> DType {
        switch value {
        case .int: if let sibling, sibling != .bool { return sibling }; return .int64
        case .uint: return .uint64
        case .double: if let sibling, sibling.isFloatingPoint { return sibling }; return .float64
        case .bool: return .bool
        default: return .float64
        }
    }

    // MARK: Comparisons and logic

    private func compare(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> Column {
        let leftType = try lhs.resultType(in: frame.schema), rightType = try rhs.resultType(in: frame.schema)
        if leftType.isTextual || rightType.isTextual {
            return try StringKernels.compare(op, evaluate(lhs), evaluate(rhs), rowCount: rowCount)
        }
        var inputs: [Column] = []
        let left = try compile(lhs, inputs: &inputs, sibling: try hint(rhs))
        let right = try compile(rhs, inputs: &inputs, sibling: left.dtype)
        let compiled = ElementwiseExpression.binary(op, left, right)
        let values = try NDArray.evaluate(compiled, inputs: inputs.map(numericValues), shape: [rowCount])
        let validity = inputs.reduce(ValidityBitmap?.none) { ValidityBitmap.intersection($0, $1.validity) }
        if let validity {
            // A null compares as NaN does: false, and true for "!=".
            let nullResult: UInt8 = op == .notEqual ? 1 : 0
            values.withUnsafeMutableElements(as: UInt8.self) { flags in
                for row in 0..<rowCount where !validity.isValid(row) { flags[row] = nullResult }
            }
        }
        return Column(unchecked: .bool, storage: .fixedWidth(values), validity: nil, count: rowCount)
    }

    private func logical(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> Column {
        let left = try booleanFlags(evaluate(lhs)), right = try booleanFlags(evaluate(rhs))
        let result = NDArray(uninitializedShape: [rowCount], dtype: .bool)
        result.withUnsafeMutableElements(as: UInt8.self) { target in
            for row in 0..<rowCount {
                target[row] = op == .logicalAnd ? (left[row] & right[row]) : (left[row] | right[row])
            }
        }
        return Column(unchecked: .bool, storage: .fixedWidth(result), validity: nil, count: rowCount)
    }

    /// 0/1 per row, null as 0.
    private func booleanFlags(_ column: Column) throws -> [UInt8] {
        guard column.type == .bool, let values = column.values else {
            throw FrameError.unsupportedType(operation: "A logical operator", type: column.type)
        }
        var flags = values.withUnsafeElements(as: UInt8.self) { Array($0) }
        if column.count == 1, rowCount != 1 { flags = [UInt8](repeating: flags[0], count: rowCount) }
        if let validity = column.validity {
            for row in 0..<flags.count where !validity.isValid(row) { flags[row] = 0 }
        }
        return flags
    }

    // MARK: Literals and nulls

    /// A column holding `value` on every row.
    private func broadcast(_ value: FrameValue) throws -> Column {
        switch value {
        case .null: return Column.nulls(.float64, count: rowCount)
        case let .string(text): return Column.strings([String?](repeating: text, count: rowCount))
        default: return try Column.inferring([FrameValue](repeating: value, count: rowCount))
        }
    }

    private func fillNull(_ column: Column, with value: FrameValue) throws -> Column {
        guard column.nullCount > 0, !value.isNull else { return column }
        var cells: [FrameValue] = []
        cells.reserveCapacity(column.count)
        for row in 0..<column.count { cells.append(column.isNull(row) ? value : column[row]) }
        if let dtype = column.type.numericDType {
            let filled = try Column.inferring(cells)
            let target: ColumnType = filled.type == .float64 && dtype.isInteger ? .float64 : column.type
            return try filled.converted(to: target)
        }
        if column.type == .categorical { return try Column.inferring(cells).converted(to: .categorical) }
        let filled = try Column.inferring(cells)
        return filled.type == column.type ? filled : try filled.converted(to: column.type)
    }
}
