import Backends

/// One piece of per-group state kept for a value column between the partial, combine and
/// finalize steps of a groupby; its state column is named `__<component>__<column>`.
enum GroupStateComponent: String, CaseIterable, Sendable {
    /// The number of valid values (`int64`).
    case count
    /// The sum of the valid values: `int64` for signed integers and booleans, `uint64` for
    /// unsigned integers, `float64` for `float64` columns (also the mean's numerator there).
    case sum
    /// The sum of a `float32` column's valid values, accumulated as `float64`.
    case sumFloat32 = "sum_f32"
    /// The sum of an integer or boolean column's valid values as `float64` (the mean's numerator).
    case fsum
    /// The sum of squared deviations from the group mean (`float64`), for var and std.
    case m2
    /// The smallest valid value (column type; null when none).
    case min
    /// The largest valid value.
    case max
    /// The first valid value in row order.
    case first
    /// The last valid value in row order.
    case last
}

/// The layout of a groupby's partial state, derived from the keys and the aggregation specs.
///
/// A partial state is a frame: the key columns, `__size` (rows per group, `int64`), then for each
/// value column its state components (``GroupStateComponent``), one row per group. When a spec asks
/// for `nunique`, an `int32` column `__kind` is 0 on those group rows, and further rows follow
/// with `__kind` = k (1-based) carrying one distinct (key, value) pair of the k-th distinct column
/// in `__distinct__<column>`; their other state cells are null.
struct GroupByPlan {
    /// The rows-per-group state column.
    static let sizeColumn = "__size"
    /// The row-kind column (only when a spec asks for `nunique`).
    static let kindColumn = "__kind"

    /// The name of a component's state column.
    static func stateName(_ component: GroupStateComponent, _ column: String) -> String {
        "__\(component.rawValue)__\(column)"
    }

    /// The name of a distinct-values state column.
    static func distinctName(_ column: String) -> String { "__distinct__\(column)" }

    /// A value column and the state it needs.
    struct ValueColumn {
        /// The column's name.
        let name: String
        /// Its state components, in ``GroupStateComponent`` order.
        var components: [GroupStateComponent]
    }

    /// The key columns.
    let keys: [String]
    /// The aggregations.
    let specs: [AggregationSpec]
    /// The value columns with state, in order of first mention.
    private(set) var valueColumns: [ValueColumn] = []
    /// The columns whose distinct values are kept (for `nunique`), in order of first mention.
    private(set) var distinctColumns: [String] = []

    /// The plan for aggregating `input`: checks that the columns exist and support their aggregations.
    init(input: DataFrame, keys: [String], specs: [AggregationSpec]) throws(FrameError) {
        self.keys = keys
        self.specs = specs
        try Self.checkKeys(keys, in: input)
        var needs: [String: Set<GroupStateComponent>] = [:]
        var order: [String] = []
        for spec in specs {
            let type = try input.column(spec.column).type
            try Self.check(spec, type: type)
            if needs[spec.column] == nil {
                needs[spec.column] = []
                order.append(spec.column)
            }
            if spec.aggregation == .nunique, !distinctColumns.contains(spec.column) { distinctColumns.append(spec.column) }
            needs[spec.column, default: []].formUnion(Self.components(of: spec.aggregation, type: type))
        }
        valueColumns = Self.valueColumns(order, needs)
    }

    /// The plan of a partial state built without an input frame (a fused kernel's): `types` gives
    /// each aggregated column's type; no `nunique`.
    init(keys: [String], specs: [AggregationSpec], types: [String: ColumnType]) throws(FrameError) {
        self.keys = keys
        self.specs = specs
        var needs: [String: Set<GroupStateComponent>] = [:]
        var order: [String] = []
        for spec in specs {
            guard let type = types[spec.column] else { throw .unknownColumn(spec.column, available: types.keys.sorted()) }
            try Self.check(spec, type: type)
            if needs[spec.column] == nil {
                needs[spec.column] = []
                order.append(spec.column)
            }
            needs[spec.column, default: []].formUnion(Self.components(of: spec.aggregation, type: type))
        }
        valueColumns = Self.valueColumns(order, needs)
    }

    /// The state an aggregation of a column of `type` needs.
    static func components(of aggregation: Aggregation, type: ColumnType) -> [GroupStateComponent] {
        let isFloat = type.numericDType?.isFloatingPoint ?? false
        let floatSum: GroupStateComponent = type == .float32 ? .sumFloat32 : .sum
        switch aggregation {
        case .size: return []
        case .count, .nunique: return [.count]
        case .sum: return [.count, isFloat ? floatSum : .sum]
        case .mean: return [.count, isFloat ? floatSum : .fsum]
        case .std, .var: return [.count, isFloat ? floatSum : .fsum, .m2]
        case .min: return [.count, .min]
        case .max: return [.count, .max]
        case .first: return [.count, .first]
        case .last: return [.count, .last]
        }
    }

    private static func valueColumns(_ order: [String], _ needs: [String: Set<GroupStateComponent>]) -> [ValueColumn] {
        order.map { name in
            ValueColumn(name: name, components: GroupStateComponent.allCases.filter { needs[name]?.contains($0) ?? false })
        }
    }

    /// The plan for merging or finalizing `state`: its components are the state columns present.
    init(state: DataFrame, keys: [String], specs: [AggregationSpec]) throws(FrameError) {
        self.keys = keys
        self.specs = specs
        try Self.checkKeys(keys, in: state)
        let names = Set(state.columnNames)
        var order: [String] = []
        for spec in specs {
            if !order.contains(spec.column) { order.append(spec.column) }
            if spec.aggregation == .nunique, !distinctColumns.contains(spec.column) { distinctColumns.append(spec.column) }
        }
        valueColumns = order.map { name in
            ValueColumn(name: name, components: GroupStateComponent.allCases.filter { names.contains(Self.stateName($0, name)) })
        }
        guard names.contains(Self.sizeColumn) else {
            throw .unknownColumn(Self.sizeColumn, available: state.columnNames)
        }
        if !distinctColumns.isEmpty, !names.contains(Self.kindColumn) {
            throw .unknownColumn(Self.kindColumn, available: state.columnNames)
        }
    }

    /// The components kept for `column`.
    func components(of column: String) -> [GroupStateComponent] {
        valueColumns.first { $0.name == column }?.components ?? []
    }

    private static func checkKeys(_ keys: [String], in frame: DataFrame) throws(FrameError) {
        var seen = Set<String>()
        for key in keys {
            _ = try frame.column(key)
            guard seen.insert(key).inserted else { throw .duplicateColumn(key) }
        }
    }

    /// Throws ``FrameError/unsupportedType(operation:type:)`` if `spec` does not apply to `type`.
    static func check(_ spec: AggregationSpec, type: ColumnType) throws(FrameError) {
        let supported: Bool
        switch spec.aggregation {
        case .count, .size, .first, .last, .nunique:
            supported = true
        case .sum, .mean, .std, .var:
            supported = type.numericDType != nil
        case .min, .max:
            supported = type != .categorical
        }
        guard supported else {
            throw .unsupportedType(operation: "\(spec.aggregation.rawValue) of column '\(spec.column)'", type: type)
        }
    }
}
