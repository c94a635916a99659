import Backends
import NumPyBackend

extension DataFrame {
    /// The aggregations the fused path computes: those whose state is a count, sum, extremes or
    /// squared deviations of a column's non-NaN values.
    private static let fusable: Set<Aggregation> = [.sum, .mean, .min, .max, .std, .var, .count, .size]

    /// The whole-frame partial aggregate (the state ``groupbyPartial(keys:specs:dropna:)`` gives
    /// with no keys) of the rows where `predicate` holds after `steps`, in one pass over this
    /// frame's columns without materialising the filtered rows: the predicate and every
    /// aggregated column are evaluated together tile by tile and reduced while in cache
    /// (``NDArray/maskedMoments(mask:values:inputs:count:deviations:)``).
    ///
    /// Returns `nil` when that does not apply: an aggregation other than sum, mean, min, max, std,
    /// var, count and size; a column read that has nulls or is not a number; an aggregated value
    /// that is not `float64`; or an expression that is not plain numeric arithmetic, comparison
    /// and logic. The caller then filters, assigns and aggregates one step at a time.
    func fusedFilteredPartial(where predicate: ColumnExpression, steps: [FrameStep], specs: [AggregationSpec]) throws
        -> DataFrame? {
        guard !specs.isEmpty, specs.allSatisfy({ Self.fusable.contains($0.aggregation) }) else { return nil }
        // Each visible column as an expression over this frame's columns.
        var definitions = Dictionary(uniqueKeysWithValues: schema.names.map { ($0, ColumnExpression.column($0)) })
        for step in steps {
            switch step {
            case let .select(columns):
                var kept: [String: ColumnExpression] = [:]
                for column in columns {
                    guard let definition = definitions[column] else { return nil }
                    kept[column] = definition
                }
                definitions = kept
            case let .assign(name, expression):
                guard let substituted = expression.substituting(definitions) else { return nil }
                definitions[name] = substituted
            }
        }
        var fused = FusedNumericCompiler(frame: self)
        guard let mask = try fused.compile(predicate), mask.dtype == .bool else { return nil }
        var names: [String] = []
        var values: [ElementwiseExpression] = []
        for spec in specs where !names.contains(spec.column) {
            guard let definition = definitions[spec.column], let value = try fused.compile(definition),
                  value.dtype == .float64 else { return nil }
            names.append(spec.column)
            values.append(value)
        }
        let plan = try GroupByPlan(keys: [], specs: specs,
                                   types: Dictionary(uniqueKeysWithValues: names.map { ($0, ColumnType.float64) }))
        let wanted = Set(plan.valueColumns.flatMap(\.components))
        let (kept, moments) = try NDArray.maskedMoments(mask: mask, values: values, inputs: fused.inputs, count: rowCount,
                                                        extremes: wanted.contains(.min) || wanted.contains(.max),
                                                        deviations: wanted.contains(.m2))
        var state = [Series(name: GroupByPlan.sizeColumn, column: Column.groupingColumn(.int64, [Int64(kept)]))]
        for (name, moment) in zip(names, moments) {
            let some = moment.count > 0
            for component in plan.components(of: name) {
                let column: Column
                switch component {
                case .count: column = Column.groupingColumn(.int64, [Int64(moment.count)])
                case .sum: column = Column.groupingColumn(.float64, [moment.sum])
                case .m2: column = Column.groupingColumn(.float64, [moment.m2])
                case .min: column = Column.groupingColumn(.float64, [some ? moment.min : 0], valid: [some])
                case .max: column = Column.groupingColumn(.float64, [some ? moment.max : 0], valid: [some])
                case .sumFloat32, .fsum, .first, .last: return nil    // not the state of a float64 column's fusable aggregations
                }
                state.append(Series(name: GroupByPlan.stateName(component, name), column: column))
            }
        }
        return try DataFrame(columns: state)
    }
}

/// Compiles numeric column expressions over one frame's null-free numeric columns into one
/// elementwise expression, sharing the inputs; `nil` for anything else.
private struct FusedNumericCompiler {
    let frame: DataFrame
    private(set) var inputs: [NDArray] = []
    private var inputIndex: [String: Int] = [:]

    init(frame: DataFrame) { self.frame = frame }

    mutating func compile(_ expression: ColumnExpression, sibling: DType? = nil) throws -> ElementwiseExpression? {
        let evaluator = ExpressionEvaluator(frame: frame)
        switch expression {
        case let .column(name):
            guard let column = try? frame.column(name).column, column.validity == nil, case let .numeric(dtype) = column.type,
                  let values = column.values else { return nil }
            if let index = inputIndex[name] { return .input(index, dtype) }
            inputs.append(values)
            inputIndex[name] = inputs.count - 1
            return .input(inputs.count - 1, dtype)
        case let .literal(value):
            guard value.doubleValue != nil else { return nil }
            return .constant(evaluator.scalar(value), evaluator.literalDType(value, sibling: sibling))
        case let .binary(op, lhs, rhs):
            guard let left = try compile(lhs, sibling: try evaluator.hint(rhs)),
                  let right = try compile(rhs, sibling: left.dtype) else { return nil }
            return .binary(op, left, right)
        case let .unary(op, operand):
            guard let inner = try compile(operand) else { return nil }
            return .unary(op, inner)
        case let .cast(operand, .numeric(dtype)):
            guard let inner = try compile(operand) else { return nil }
            return .cast(inner, dtype)
        case .cast, .isNull, .fillNull, .string:
            return nil
        }
    }
}

extension ColumnExpression {
    /// The expression with each column replaced by its definition; `nil` if a column has none.
    func substituting(_ definitions: [String: ColumnExpression]) -> ColumnExpression? {
        switch self {
        case let .column(name): return definitions[name]
        case .literal: return self
        case let .binary(op, lhs, rhs):
            guard let left = lhs.substituting(definitions), let right = rhs.substituting(definitions) else { return nil }
            return .binary(op, left, right)
        case let .unary(op, operand): return operand.substituting(definitions).map { .unary(op, $0) }
        case let .isNull(operand): return operand.substituting(definitions).map { .isNull($0) }
        case let .fillNull(operand, value): return operand.substituting(definitions).map { .fillNull($0, value) }
        case let .cast(operand, type): return operand.substituting(definitions).map { .cast($0, type) }
        case let .string(function, operand): return operand.substituting(definitions).map { .string(function, $0) }
        }
    }
}
