import Backends
import PandasBackend

/// A partition-wise function given to ``ChunkedDataFrame/mapPartitions(schema:_:)``, with an identity.
struct PartitionFunction: Sendable, Hashable {
    let id: Int
    let apply: @Sendable (DataFrame) throws -> DataFrame

    init(_ apply: @escaping @Sendable (DataFrame) throws -> DataFrame) {
        id = PartitionFunction.counter.next()
        self.apply = apply
    }

    static func == (lhs: PartitionFunction, rhs: PartitionFunction) -> Bool { lhs.id == rhs.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private static let counter = SourceCounter()
}

/// The logical plan of a ``ChunkedDataFrame``, as dask-expr's expressions: what to compute, not
/// how. The schema of every node is known without computing; ``optimized()`` pushes column
/// projections and filters down into the sources; lowering turns the plan into task-graph layers.
indirect enum FramePlan: Sendable, Hashable {
    /// Partitions read from a source, projected to `columns` and filtered by `predicate`.
    case source(SourceReference, columns: [String]?, predicate: ColumnExpression?)
    /// The named columns.
    case select(FramePlan, [String])
    /// Rows where the predicate holds.
    case filter(FramePlan, ColumnExpression)
    /// A column set to an expression.
    case assign(FramePlan, String, ColumnExpression)
    /// Rows with nulls removed.
    case dropNulls(FramePlan, [String]?)
    /// A Swift function applied to every partition, declaring its output schema.
    case mapPartitions(FramePlan, PartitionFunction, Schema)
    /// The partitions of several frames, one after another.
    case concat([FramePlan])
    /// The same rows in `count` partitions.
    case repartition(FramePlan, Int)
    /// Partition `index` of the input alone.
    case partition(FramePlan, Int)
    /// A groupby aggregation (or, with no keys, a whole-frame reduction) by tree reduction: one partition.
    case aggregate(FramePlan, keys: [String], specs: [AggregationSpec], dropna: Bool, splitEvery: Int)

    /// The output columns.
    var schema: Schema {
        switch self {
        case let .source(reference, columns, _):
            guard let columns else { return reference.source.schema }
            return Schema(columns.compactMap { name in reference.source.schema.fields.first { $0.name == name } })
        case let .select(input, columns):
            return Schema(columns.compactMap { name in input.schema.fields.first { $0.name == name } })
        case let .filter(input, _), let .dropNulls(input, _), let .repartition(input, _), let .partition(input, _):
            return input.schema
        case let .assign(input, name, expression):
            let type = (try? expression.resultType(in: input.schema)) ?? .float64
            var fields = input.schema.fields
            if let position = fields.firstIndex(where: { $0.name == name }) {
                fields[position] = Schema.Field(name: name, type: type)
            } else {
                fields.append(Schema.Field(name: name, type: type))
            }
            return Schema(fields)
        case let .mapPartitions(_, _, schema):
            return schema
        case let .concat(inputs):
            var fields: [Schema.Field] = []
            for input in inputs {
                for field in input.schema.fields {
                    if let position = fields.firstIndex(where: { $0.name == field.name }) {
                        let merged = (try? Column.commonType(fields[position].type, field.type)) ?? fields[position].type
                        fields[position] = Schema.Field(name: field.name, type: merged)
                    } else {
                        fields.append(field)
                    }
                }
            }
            return Schema(fields)
        case let .aggregate(input, keys, specs, _, _):
            let inputSchema = input.schema
            var fields = keys.compactMap { key in inputSchema.fields.first { $0.name == key } }
            for spec in specs {
                let type = inputSchema.type(of: spec.column) ?? .float64
                fields.append(Schema.Field(name: spec.outputName, type: Self.aggregateType(spec.aggregation, type)))
            }
            return Schema(fields)
        }
    }

    /// The output type of an aggregation of a column of `type`, as pandas gives it.
    static func aggregateType(_ aggregation: Aggregation, _ type: ColumnType) -> ColumnType {
        switch aggregation {
        case .count, .size, .nunique: .int64
        case .mean, .std, .var: .float64
        case .sum:
            if let dtype = type.numericDType { dtype.isFloatingPoint ? type : (dtype.kind == .unsignedInteger ? .numeric(.uint64) : .int64) }
            else { type }
        case .min, .max, .first, .last: type
        }
    }

    /// The number of output partitions.
    var partitionCount: Int {
        switch self {
        case let .source(reference, _, _): reference.source.partitionCount
        case let .select(input, _), let .filter(input, _), let .assign(input, _, _), let .dropNulls(input, _),
             let .mapPartitions(input, _, _):
            input.partitionCount
        case let .concat(inputs): inputs.reduce(0) { $0 + $1.partitionCount }
        case let .repartition(_, count): count
        case .aggregate, .partition: 1
        }
    }

    /// A short name of the node's operation, for layer names and reprs.
    var operationName: String {
        switch self {
        case let .source(reference, _, _): reference.source.kind
        case .select: "getitem"
        case .filter: "filter"
        case .assign: "assign"
        case .dropNulls: "dropna"
        case .mapPartitions: "map-partitions"
        case .concat: "concat"
        case .repartition: "repartition"
        case .partition: "partition"
        case let .aggregate(_, keys, _, _, _): keys.isEmpty ? "reduction" : "groupby-agg"
        }
    }

    /// The number of plan nodes (Dask's "expressions" count in reprs).
    var nodeCount: Int {
        switch self {
        case .source: 1
        case let .select(input, _), let .filter(input, _), let .assign(input, _, _), let .dropNulls(input, _),
             let .mapPartitions(input, _, _), let .repartition(input, _), let .aggregate(input, _, _, _, _),
             let .partition(input, _):
            1 + input.nodeCount
        case let .concat(inputs): 1 + inputs.reduce(0) { $0 + $1.nodeCount }
        }
    }
}
