import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend
import PandasBackend

/// Evaluates ``ColumnExpression``s over one ``CuDataFrame`` with device kernels.
struct DeviceExpressionEvaluator {
    let frame: CuDataFrame
    let ops: FrameOps

    var rowCount: Int { frame.rowCount }

    /// An empty array on the device: what the "cupy" elementwise evaluation is called on.
    /// (The "cupy" evaluation runs on a stream of its own: this stream's work is finished first.)
    private func anchor() throws -> CuArray {
        try ops.synchronize()
        return try ops.array(0, .float64)
    }

    func evaluate(_ expression: ColumnExpression) throws -> CuColumn {
        switch expression {
        case let .column(name):
            return try frame.column(name)
        case let .literal(value) where value.doubleValue != nil:
            return try numeric(expression)
        case let .binary(op, lhs, rhs):
            if op == .logicalAnd || op == .logicalOr { return try logical(op, lhs, rhs) }
            if op.isComparison { return try compare(op, lhs, rhs) }
            return try numeric(expression)
        case .unary:
            return try numeric(expression)
        case let .cast(operand, .numeric):
            let type = try operand.resultType(in: frame.schema)
            if type.numericDType != nil { return try numeric(expression) }
            return try onHost(expression)
        case let .isNull(operand):
            let column = try evaluate(operand)
            return CuColumn(type: .bool, storage: .fixedWidth(try ops.isNull(column)), validity: nil, count: rowCount)
        case let .fillNull(operand, value):
            let type = try operand.resultType(in: frame.schema)
            if let dtype = type.numericDType, dtype != .bool, let fill = value.doubleValue, !value.isNull {
                return try fillNumeric(try evaluate(operand), value: value, fill: fill,
                                       target: try expression.resultType(in: frame.schema))
            }
            if case let .string(text) = value, type.isTextual, let filled = try fillText(try evaluate(operand), text) {
                return filled
            }
            return try onHost(expression)
        case let .string(function, operand):
            return try stringFunction(function, operand) ?? onHost(expression)
        default:
            return try onHost(expression)
        }
    }

    /// `.str.contains`, `.startswith`, `.endswith` and `.len` of a string column, on the device;
    /// `nil` for other functions and for categoricals.
    private func stringFunction(_ function: ColumnExpression.StringFunction, _ operand: ColumnExpression) throws -> CuColumn? {
        let mode: Int32, text: String
        switch function {
        case let .contains(pattern): (mode, text) = (0, pattern)
        case let .startsWith(pattern): (mode, text) = (1, pattern)
        case let .endsWith(pattern): (mode, text) = (2, pattern)
        case .length: (mode, text) = (-1, "")
        case .lower, .upper: return try asciiCase(function == .upper, operand)
        }
        let column = try evaluate(operand)
        if case .dictionary = column.storage { return try perCategory(column, .string(function, .column("__category"))) }
        guard case let .strings(offsets, bytes) = column.storage else { return nil }
        if mode < 0 {
            let out = try ops.array(rowCount, .int64)
            try ops.launch("cudf_string_length", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
                $0.append(offsets.pointer); $0.append(bytes.pointer) }
            return CuColumn(type: .int64, storage: .fixedWidth(out), validity: column.validity, count: rowCount)
        }
        let utf8 = try ops.upload(Array(text.utf8))
        let out = try ops.array(rowCount, .bool)
        try ops.launch("cudf_string_match", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
            $0.append(offsets.pointer); $0.append(bytes.pointer); $0.append(utf8.pointer); $0.append(Int64(text.utf8.count)); $0.append(mode) }
        // pandas gives a missing value for a missing string.
        return CuColumn(type: .bool, storage: .fixedWidth(out), validity: column.validity, count: rowCount)
    }

    /// Two string columns compared row by row on the device; `nil` unless both are strings.
    private func compareColumns(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> CuColumn? {
        let codes: [BinaryOperation: Int32] = [.less: 0, .lessEqual: 1, .greater: 2, .greaterEqual: 3, .equal: 4, .notEqual: 5]
        guard let code = codes[op] else { return nil }
        let left = try evaluate(lhs), right = try evaluate(rhs)
        guard case let .strings(ao, ab) = left.storage, case let .strings(bo, bb) = right.storage,
              left.count == rowCount, right.count == rowCount else { return nil }
        let out = try ops.array(rowCount, .bool)
        try ops.launch("cudf_string_compare", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
            $0.append(ao.pointer); $0.append(ab.pointer); $0.append(left.validity?.pointer ?? 0)
            $0.append(bo.pointer); $0.append(bb.pointer); $0.append(right.validity?.pointer ?? 0); $0.append(code) }
        return CuColumn(type: .bool, storage: .fixedWidth(out), validity: nil, count: rowCount)
    }

    /// `.str.upper` / `.str.lower` of a string column whose bytes are all ASCII (then Unicode case
    /// mapping is ASCII's, byte for byte, and the offsets stay); `nil` otherwise.
    private func asciiCase(_ upper: Bool, _ operand: ColumnExpression) throws -> CuColumn? {
        let column = try evaluate(operand)
        guard case let .strings(offsets, bytes) = column.storage else { return nil }
        let count = bytes.count
        let flag = try ops.zeroed(1, .uint64)
        try ops.launch("cudf_any_non_ascii", count: count) { $0.append(Int64(count)); $0.append(flag.pointer); $0.append(bytes.pointer) }
        guard try ops.download(flag, count: 1, as: UInt64.self)[0] == 0 else { return nil }
        let out = try ops.array(count, .uint8)
        try ops.launch("cudf_ascii_case", count: count) { $0.append(Int64(count)); $0.append(out.pointer); $0.append(bytes.pointer)
            $0.append(UInt8(upper ? 1 : 0)) }
        return CuColumn(type: .string, storage: .strings(offsets: offsets, bytes: out), validity: column.validity, count: rowCount)
    }

    /// Missing strings replaced by a text: lengths, a scan, then the bytes; a categorical's
    /// missing codes replaced by the text's code when it is a category. `nil` otherwise.
    private func fillText(_ column: CuColumn, _ text: String) throws -> CuColumn? {
        guard let validity = column.validity else { return column }
        switch column.storage {
        case let .strings(offsets, bytes):
            let n = rowCount
            let utf8 = Array(text.utf8)
            let lengths = try ops.array(n, .int64)
            try ops.launch("cudf_fill_lengths", count: n) { $0.append(Int64(n)); $0.append(lengths.pointer); $0.append(offsets.pointer)
                $0.append(validity.pointer); $0.append(Int64(utf8.count)) }
            let (starts, total) = try ops.exclusiveScan(lengths, count: n)
            let newOffsets = try ops.array(n + 1, .int64)
            try ops.device.copy(n * 8, from: starts.buffer, to: newOffsets.buffer, stream: ops.stream)
            try ops.store(Int64(total), into: newOffsets, at: n)
            let textBytes = try ops.upload(utf8)
            let out = try ops.array(total, .uint8)
            try ops.launch("cudf_fill_bytes", count: n) { $0.append(Int64(n)); $0.append(out.pointer); $0.append(newOffsets.pointer)
                $0.append(bytes.pointer); $0.append(offsets.pointer); $0.append(validity.pointer); $0.append(textBytes.pointer)
                $0.append(Int64(utf8.count)) }
            return CuColumn(type: .string, storage: .strings(offsets: newOffsets, bytes: out), validity: nil, count: n)
        case let .dictionary(codes, categories):
            guard let code = (0..<categories.count).first(where: { categories[$0] == text }) else { return nil }
            let missing = try ops.isNull(column)
            let filled = try ops.evaluate(.select(.input(1, .bool), .constant(.int(Int64(code)), .int32), .input(0, .int32)),
                                          [codes, missing.reinterpreted(as: .bool)], count: rowCount)
            return CuColumn(type: .categorical, storage: .dictionary(codes: filled, categories: categories), validity: nil, count: rowCount)
        case .fixedWidth:
            return nil
        }
    }

    /// A categorical column's `expression` (over its categories, called `__category`), computed
    /// once per category by the "pandas" kernels and spread to the rows by their codes on the
    /// device; the column's bitmap keeps its nulls. `nil` unless the result is boolean or `int64`.
    private func perCategory(_ column: CuColumn, _ expression: ColumnExpression) throws -> CuColumn? {
        guard case let .dictionary(codes, categories) = column.storage else { return nil }
        let categoryColumn = Column(unchecked: .string, storage: .strings(categories), validity: nil, count: categories.count)
        let host = DataFrame(unchecked: [Series(name: "__category", column: categoryColumn)], rowCount: categories.count)
        let values = try host.evaluate(expression)
        guard values.validity == nil, let array = values.values, array.count == categories.count,
              values.type == .bool || values.type == .int64 else { return nil }
        let table = try CuArray(array, on: frame.device)
        ops.stream.hold(table.buffer)
        let width = array.dtype.itemSize
        let out = try ops.array(rowCount, array.dtype)
        try ops.launch("cudf_take_by_code_\(width)", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
            $0.append(table.pointer); $0.append(codes.pointer); $0.append(Int64(categories.count)) }
        return CuColumn(type: values.type, storage: .fixedWidth(out), validity: column.validity, count: rowCount)
    }

    /// A boolean column with its null rows as false and no bitmap (comparisons' null rule).
    private func nullsAsFalse(_ column: CuColumn?) throws -> CuColumn? {
        guard let column else { return nil }
        return try flags(column)
    }

    /// The expression computed by the "pandas" kernels on the columns it reads, the result uploaded.
    private func onHost(_ expression: ColumnExpression) throws -> CuColumn {
        let names = frame.names.filter { expression.columnNames.contains($0) }
        var series: [Series] = []
        for name in names { series.append(Series(name: name, column: try frame.column(name).download())) }
        let host = DataFrame(unchecked: series, rowCount: rowCount)
        var column = try host.evaluate(expression)
        if column.count == 1 && rowCount != 1 {
            column = [Int](repeating: 0, count: rowCount).withUnsafeBufferPointer { column.take($0) }
        }
        return try CuColumn(column, on: frame.device)
    }

    // MARK: Numeric fusion

    /// An arithmetic tree as one generated kernel; nulls propagate through the bitmaps.
    private func numeric(_ expression: ColumnExpression) throws -> CuColumn {
        var inputs: [CuColumn] = []
        let compiled = try compile(expression, inputs: &inputs, sibling: nil)
        return try run(compiled, inputs: inputs, type: .numeric(compiled.dtype))
    }

    private func run(_ compiled: ElementwiseExpression, inputs: [CuColumn], type: ColumnType) throws -> CuColumn {
        let arrays = try inputs.map { try numericValues($0) }
        let result = try anchor().evaluate(compiled, inputs: arrays, shape: [rowCount])
        guard let values = result as? CuArray else { throw FrameError.invalidValue("the elementwise kernel gave no device array") }
        ops.stream.hold(values.buffer)
        var validity: CuArray? = nil
        for input in inputs { validity = try ops.intersect(validity, input.validity, count: rowCount) }
        return CuColumn(type: type, storage: .fixedWidth(values), validity: validity, count: rowCount)
    }

    private func numericValues(_ column: CuColumn) throws -> CuArray {
        guard let values = column.values, column.type.storageDType != nil, column.type != .categorical else {
            throw FrameError.unsupportedType(operation: "Arithmetic", type: column.type)
        }
        return values
    }

    /// Compiles the numeric part of `expression` as the "pandas" evaluator does; anything else
    /// is evaluated to a column input.
    private func compile(_ expression: ColumnExpression, inputs: inout [CuColumn], sibling: DType?) throws -> ElementwiseExpression {
        switch expression {
        case let .literal(value) where value.doubleValue != nil:
            return .constant(scalar(value), literalDType(value, sibling: sibling))
        case let .literal(.timestamp(value, _, _)):
            return .constant(.int(value), .int64)
        case let .literal(.date(days)):
            return .constant(.int(Int64(days)), .int32)
        case let .binary(op, lhs, rhs) where !op.isComparison:
            let left = try compile(lhs, inputs: &inputs, sibling: hint(rhs))
            let right = try compile(rhs, inputs: &inputs, sibling: left.dtype)
            return .binary(op, left, right)
        case let .unary(op, operand):
            return .unary(op, try compile(operand, inputs: &inputs, sibling: nil))
        case let .cast(operand, .numeric(dtype)):
            return .cast(try compile(operand, inputs: &inputs, sibling: nil), dtype)
        default:
            let column = try evaluate(expression)
            guard let dtype = column.type.storageDType, column.type != .categorical else {
                throw FrameError.unsupportedType(operation: "Arithmetic", type: column.type)
            }
            inputs.append(column)
            return .input(inputs.count - 1, dtype)
        }
    }

    private func hint(_ expression: ColumnExpression) -> DType? {
        if case let .column(name) = expression { return frame.schema.type(of: name)?.storageDType }
        return nil
    }

    private func scalar(_ value: FrameValue) -> ScalarValue {
        switch value {
        case let .bool(flag): .bool(flag)
        case let .int(number): .int(number)
        case let .uint(number): .uint(number)
        case let .double(number): .double(number)
        default: .double(.nan)
        }
    }

    /// A Python-style scalar takes the type of the array beside it when of the same kind (NumPy 2).
    private func literalDType(_ value: FrameValue, sibling: DType?) -> DType {
        switch value {
        case .int: if let sibling, sibling != .bool { return sibling }; return .int64
        case .uint: return .uint64
        case .double: if let sibling, sibling.isFloatingPoint { return sibling }; return .float64
        case .bool: return .bool
        default: return .float64
        }
    }

    // MARK: Comparisons and logic

    private func compare(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> CuColumn {
        let leftType = try lhs.resultType(in: frame.schema), rightType = try rhs.resultType(in: frame.schema)
        if leftType.isTextual || rightType.isTextual {
            return try compareText(op, lhs, rhs) ?? onHost(.binary(op, lhs, rhs))
        }
        var inputs: [CuColumn] = []
        let left = try compile(lhs, inputs: &inputs, sibling: hint(rhs))
        let right = try compile(rhs, inputs: &inputs, sibling: left.dtype)
        let column = try run(.binary(op, left, right), inputs: inputs, type: .bool)
        guard let validity = column.validity, case let .fixedWidth(flags) = column.storage else { return column }
        // A null compares as NaN does: false, and true for "!=".
        try ops.launch("cudf_mask_flags", count: rowCount) { $0.append(Int64(rowCount)); $0.append(flags.pointer)
            $0.append(validity.pointer); $0.append(UInt8(op == .notEqual ? 1 : 0)) }
        return CuColumn(type: .bool, storage: column.storage, validity: nil, count: rowCount)
    }

    /// A string or categorical column compared with a text, on the device (`==`, `!=`; and `<`,
    /// `<=`, `>`, `>=` for strings, bytewise); `nil` for other shapes.
    private func compareText(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> CuColumn? {
        let (columnSide, text, swapped): (ColumnExpression, String, Bool)
        switch (lhs, rhs) {
        case let (column, .literal(.string(value))): (columnSide, text, swapped) = (column, value, false)
        case let (.literal(.string(value)), column): (columnSide, text, swapped) = (column, value, true)
        default: return try compareColumns(op, lhs, rhs)
        }
        if op != .equal && op != .notEqual {
            // `text < column` is `column > text`.
            let orders: [BinaryOperation: Int32] = [.less: 0, .lessEqual: 1, .greater: 2, .greaterEqual: 3]
            let mirror: [BinaryOperation: BinaryOperation] = [.less: .greater, .lessEqual: .greaterEqual, .greater: .less,
                                                             .greaterEqual: .lessEqual]
            guard let code = orders[swapped ? (mirror[op] ?? op) : op] else { return nil }
            let column = try evaluate(columnSide)
            if case .dictionary = column.storage {
                let compared = try perCategory(column, .binary(op, swapped ? .literal(.string(text)) : .column("__category"),
                                                                swapped ? .column("__category") : .literal(.string(text))))
                return try nullsAsFalse(compared)
            }
            guard case let .strings(offsets, bytes) = column.storage else { return nil }
            let utf8 = try ops.upload(Array(text.utf8))
            let out = try ops.array(rowCount, .bool)
            try ops.launch("cudf_string_order", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
                $0.append(offsets.pointer); $0.append(bytes.pointer); $0.append(column.validity?.pointer ?? 0); $0.append(utf8.pointer)
                $0.append(Int64(text.utf8.count)); $0.append(code) }
            return CuColumn(type: .bool, storage: .fixedWidth(out), validity: nil, count: rowCount)
        }
        let column = try evaluate(columnSide)
        let out = try ops.array(rowCount, .bool)
        let equal: UInt8 = op == .equal ? 1 : 0, nullValue: UInt8 = op == .notEqual ? 1 : 0
        switch column.storage {
        case let .strings(offsets, bytes):
            let utf8 = try ops.upload(Array(text.utf8))
            try ops.launch("cudf_string_equal", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
                $0.append(offsets.pointer); $0.append(bytes.pointer); $0.append(column.validity?.pointer ?? 0); $0.append(utf8.pointer)
                $0.append(Int64(text.utf8.count)); $0.append(equal); $0.append(nullValue) }
        case let .dictionary(codes, categories):
            let code = (0..<categories.count).first { categories[$0] == text }.map { Int32($0) } ?? -1
            try ops.launch("cudf_codes_equal", count: rowCount) { $0.append(Int64(rowCount)); $0.append(out.pointer)
                $0.append(codes.pointer); $0.append(column.validity?.pointer ?? 0); $0.append(code); $0.append(equal); $0.append(nullValue) }
        case .fixedWidth:
            return nil
        }
        return CuColumn(type: .bool, storage: .fixedWidth(out), validity: nil, count: rowCount)
    }

    private func logical(_ op: BinaryOperation, _ lhs: ColumnExpression, _ rhs: ColumnExpression) throws -> CuColumn {
        let left = try flags(evaluate(lhs)), right = try flags(evaluate(rhs))
        let expression = ElementwiseExpression.binary(op, .input(0, .bool), .input(1, .bool))
        return try run(expression, inputs: [left, right], type: .bool)
    }

    /// A boolean column's values with nulls as false, and no bitmap.
    private func flags(_ column: CuColumn) throws -> CuColumn {
        guard column.type == .bool, case let .fixedWidth(values) = column.storage else {
            throw FrameError.unsupportedType(operation: "A logical operator", type: column.type)
        }
        guard let validity = column.validity else { return column }
        let copy = try ops.copyFlags(values, count: column.count)
        try ops.launch("cudf_mask_flags", count: column.count) { $0.append(Int64(column.count)); $0.append(copy.pointer)
            $0.append(validity.pointer); $0.append(UInt8(0)) }
        return CuColumn(type: .bool, storage: .fixedWidth(copy), validity: nil, count: column.count)
    }

    // MARK: Nulls

    /// Missing rows (null or NaN) replaced by a number: `isnull ? fill : value` in one kernel.
    private func fillNumeric(_ column: CuColumn, value: FrameValue, fill: Double, target: ColumnType) throws -> CuColumn {
        guard let dtype = target.numericDType, let source = column.type.numericDType else { return column }
        let missing = try ops.isNull(column)
        let constant: ScalarValue
        switch value {
        case let .int(number): constant = .int(number)
        case let .uint(number): constant = .uint(number)
        default: constant = dtype.isInteger ? .int(Int64(fill)) : .double(fill)
        }
        let expression = ElementwiseExpression.select(.input(1, .bool), .constant(constant, dtype), .cast(.input(0, source), dtype))
        let result = try anchor().evaluate(expression, inputs: [try numericValues(column), missing], shape: [rowCount])
        guard let values = result as? CuArray else { throw FrameError.invalidValue("the elementwise kernel gave no device array") }
        ops.stream.hold(values.buffer)
        return CuColumn(type: target, storage: .fixedWidth(values), validity: nil, count: rowCount)
    }
}
