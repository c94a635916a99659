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
    /// A groupby aggregation through a hash shuffle: partial states split by key into `splitOut`
    /// partitions, each combined and finalized there (Dask's `split_out`).
    case hashAggregate(FramePlan, keys: [String], specs: [AggregationSpec], dropna: Bool, splitOut: Int)
    /// The rows dealt into `count` partitions by the hash of `keys`.
    case shuffle(FramePlan, keys: [String], count: Int)
    /// Two frames joined as pandas' `merge`, by broadcasting one side or hash-partitioning both.
    case merge(FramePlan, FramePlan, JoinSpec, JoinStrategy)
    /// The rows sorted by `keys` across `count` partitions: sampled boundaries, a range shuffle,
    /// then a sort of each partition.
    case sort(FramePlan, keys: [SortKey], nulls: NullPlacement, count: Int)
    /// Rows repeating the values of `subset` (all columns when `nil`) dropped, through a hash
    /// shuffle into `count` partitions.
    case dropDuplicates(FramePlan, subset: [String]?, keep: DuplicateKeep, count: Int)

    /// The output columns.
    var schema: Schema {
        switch self {
        case let .source(reference, columns, _):
            guard let columns else { return reference.source.schema }
            return Schema(columns.compactMap { name in reference.source.schema.fields.first { $0.name == name } })
        case let .select(input, columns):
            return Schema(columns.compactMap { name in input.schema.fields.first { $0.name == name } })
        case let .filter(input, _), let .dropNulls(input, _), let .repartition(input, _), let .partition(input, _),
             let .shuffle(input, _, _), let .sort(input, _, _, _), let .dropDuplicates(input, _, _, _):
            return input.schema
        case let .merge(left, right, spec, _):
            return (try? JoinLayout(left: left.schema, right: right.schema, spec: spec))?.schema ?? Schema([])
        case let .hashAggregate(input, keys, specs, dropna, _):
            return FramePlan.aggregate(input, keys: keys, specs: specs, dropna: dropna, splitEvery: 2).schema
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
        case let .hashAggregate(_, _, _, _, count), let .shuffle(_, _, count), let .sort(_, _, _, count),
             let .dropDuplicates(_, _, _, count):
            count
        case let .merge(left, right, _, strategy):
            switch strategy {
            case .broadcastRight: left.partitionCount
            case .broadcastLeft: right.partitionCount
            case let .hash(count): count
            case .aligned: left.partitionCount
            }
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
        case .hashAggregate: "groupby-agg-shuffle"
        case .shuffle: "shuffle"
        case .merge: "merge"
        case .sort: "sort-values"
        case .dropDuplicates: "drop-duplicates"
        }
    }

    /// The number of plan nodes (Dask's "expressions" count in reprs).
    var nodeCount: Int {
        switch self {
        case .source: 1
        case let .select(input, _), let .filter(input, _), let .assign(input, _, _), let .dropNulls(input, _),
             let .mapPartitions(input, _, _), let .repartition(input, _), let .aggregate(input, _, _, _, _),
             let .partition(input, _), let .hashAggregate(input, _, _, _, _), let .shuffle(input, _, _),
             let .sort(input, _, _, _), let .dropDuplicates(input, _, _, _):
            1 + input.nodeCount
        case let .merge(left, right, _, _): 1 + left.nodeCount + right.nodeCount
        case let .concat(inputs): 1 + inputs.reduce(0) { $0 + $1.nodeCount }
        }
    }
}

/// How a merge meets rows of both sides: Dask's broadcast join or hash join.
enum JoinStrategy: Sendable, Hashable {
    /// Every left partition joined with the whole right side (one partition, or concatenated).
    case broadcastRight
    /// Every right partition joined with the whole left side.
    case broadcastLeft
    /// Both sides hash-partitioned by their keys into `count` partitions, joined pairwise.
    case hash(Int)
    /// Both sides already cut at the same divisions of their keys (an index join): partition `i`
    /// of one joined with partition `i` of the other, nothing moved.
    case aligned
}
