import Backends
import PandasBackend
import TaskGraph

/// The label and meta chunk of the backend whose partitions a dataframe holds.
public struct FrameMeta: Sendable {
    /// The backend label, for example `"pandas"`.
    public let backend: String
    /// An empty partition of the backend's type: operations call its ``DataFrameChunk`` methods.
    public let chunk: any DataFrameChunk

    /// A meta for `backend` whose partitions are of `chunk`'s type.
    public init(backend: String, chunk: any DataFrameChunk) {
        self.backend = backend
        self.chunk = chunk
    }
}

/// A lazy dataframe cut into partitions by rows, each a frame of the backend library chosen by
/// `dataframe.backend` when it was created (Dask's `dask.dataframe.DataFrame`).
///
/// Operations build a logical plan; the schema of the result is known at once, without
/// computing. ``compute()`` optimises the plan (projections and filters pushed into the readers),
/// lowers it to a task graph and runs it.
///
/// ```swift
/// let df = try ChunkedDataFrame.fromDict(["key": [1, 2, 1], "x": [0.5, 1.5, nil]], npartitions: 2)
/// let out = try df[df["x"] > 1.0].groupby("key").agg(["x": .mean])
/// print(try out.toHost())
/// ```
public struct ChunkedDataFrame: Sendable {
    /// The backend and its meta chunk.
    public let meta: FrameMeta
    /// The logical plan.
    let plan: FramePlan
    /// The index ``setIndex(_:sorted:divisions:npartitions:)`` gave the frame, with the plan it
    /// was set on (see ``index``: it lasts while only row-local operations follow).
    let indexState: FrameIndex?

    init(plan: FramePlan, meta: FrameMeta, index: FrameIndex? = nil) {
        self.plan = plan
        self.meta = meta
        self.indexState = index
    }

    /// The backend label, for example `"pandas"`.
    public var backend: String { meta.backend }

    /// The column names, in order.
    public var columns: [String] { plan.schema.names }

    /// The names and types of the columns (Dask's `meta`/`dtypes`), known without computing.
    public var schema: Schema { plan.schema }

    /// The number of partitions.
    public var npartitions: Int { plan.partitionCount }

    /// A frame over `source`'s partitions, in the backend of `meta` (for backend authors).
    public static func fromSource(_ source: any FrameSource, meta: FrameMeta) -> ChunkedDataFrame {
        ChunkedDataFrame(plan: .source(SourceReference(source), columns: nil, predicate: nil), meta: meta)
    }

    func with(_ plan: FramePlan) -> ChunkedDataFrame { ChunkedDataFrame(plan: plan, meta: meta, index: indexState) }

    // MARK: Columns and rows

    /// The column `name`, as a lazy series.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` listing the columns.
    public subscript(name: String) -> ChunkedSeries {
        get throws {
            guard schema.type(of: name) != nil else { throw FrameError.unknownColumn(name, available: columns) }
            return ChunkedSeries(frame: self, expression: .column(name), name: name)
        }
    }

    /// The named columns, in that order.
    public subscript(names: [String]) -> ChunkedDataFrame {
        get throws { try select(names) }
    }

    /// The rows where `mask` is true (a boolean series of this frame).
    public subscript(mask: ChunkedSeries) -> ChunkedDataFrame {
        get throws { try filter(mask) }
    }

    /// The named columns, in that order; the index column (see ``index``) comes first whether
    /// named or not, as pandas keeps a frame's index through a selection.
    public func select(_ names: [String]) throws -> ChunkedDataFrame {
        for name in names where schema.type(of: name) == nil { throw FrameError.unknownColumn(name, available: columns) }
        guard Set(names).count == names.count else { throw FrameError.duplicateColumn(names.first { n in names.filter { $0 == n }.count > 1 } ?? "") }
        if let index, !names.contains(index) { return with(.select(plan, [index] + names)) }
        return with(.select(plan, names))
    }

    /// The rows where `mask` is true.
    ///
    /// - Throws: if `mask` is not boolean or belongs to another frame.
    public func filter(_ mask: ChunkedSeries) throws -> ChunkedDataFrame {
        try checkAligned(mask)
        let type = try mask.expression.resultType(in: schema)
        guard type == .bool else { throw FrameError.unsupportedType(operation: "Filtering by a mask", type: type) }
        return with(.filter(plan, mask.expression))
    }

    /// The frame with column `name` set to `series` (added at the end if new).
    public func assign(_ name: String, _ series: ChunkedSeries) throws -> ChunkedDataFrame {
        try checkAligned(series)
        _ = try series.expression.resultType(in: schema)
        return with(.assign(plan, name, series.expression))
    }

    /// The frame with column `name` set to `value` on every row.
    public func assign(_ name: String, _ value: FrameLiteral) throws -> ChunkedDataFrame {
        with(.assign(plan, name, .literal(value.value)))
    }

    /// Rows with a null in any of `subset` (every column when `nil`) removed.
    public func dropna(subset: [String]? = nil) throws -> ChunkedDataFrame {
        for name in subset ?? [] where schema.type(of: name) == nil { throw FrameError.unknownColumn(name, available: columns) }
        return with(.dropNulls(plan, subset))
    }

    /// Nulls replaced by `value` in every column whose type it fits.
    public func fillna(_ value: FrameLiteral) throws -> ChunkedDataFrame {
        var result = plan
        for field in schema.fields where ColumnExpression.literalFits(value.value, field.type) {
            result = .assign(result, field.name, .fillNull(.column(field.name), value.value))
        }
        return with(result)
    }

    /// Whether each value is missing, as a frame of booleans.
    public func isnull() -> ChunkedDataFrame {
        var result = plan
        for field in schema.fields { result = .assign(result, field.name, .isNull(.column(field.name))) }
        return with(result)
    }

    /// Columns converted to the given types.
    public func astype(_ types: [String: ColumnType]) throws -> ChunkedDataFrame {
        var result = plan
        for (name, type) in types.sorted(by: { $0.key < $1.key }) {
            let expression = ColumnExpression.cast(.column(name), type)
            _ = try expression.resultType(in: schema)
            result = .assign(result, name, expression)
        }
        return with(result)
    }

    /// `transform` applied to every partition; `schema` declares its output (Dask's `meta=`),
    /// so later operations know it without computing. Each output partition is checked against it.
    public func mapPartitions(schema: Schema? = nil, _ transform: @escaping @Sendable (DataFrame) throws -> DataFrame)
        throws -> ChunkedDataFrame {
        let declared = schema ?? self.schema
        let function = PartitionFunction { frame in
            let output = try transform(frame)
            guard output.schema == declared else {
                throw FrameOperationError.invalidArgument(
                    "mapPartitions returned columns \(output.schema.fields.map { "\($0.name): \($0.type)" }) "
                        + "but declared \(declared.fields.map { "\($0.name): \($0.type)" }); pass the schema it returns.")
            }
            return output
        }
        return with(.mapPartitions(plan, function, declared))
    }

    /// The same rows in `npartitions` partitions.
    public func repartition(npartitions: Int) throws -> ChunkedDataFrame {
        guard npartitions > 0 else { throw FrameOperationError.invalidArgument("npartitions must be positive, got \(npartitions).") }
        return with(.repartition(plan, npartitions))
    }

    /// The frames' rows one after another (Dask's `dd.concat`): columns matched by name, missing
    /// ones null, numbers promoted.
    public static func concat(_ frames: [ChunkedDataFrame]) throws -> ChunkedDataFrame {
        guard let first = frames.first else { throw FrameOperationError.invalidArgument("concat needs at least one frame.") }
        for frame in frames where frame.backend != first.backend {
            throw FrameOperationError.invalidArgument(
                "Cannot concatenate frames of backends '\(first.backend)' and '\(frame.backend)'; move one with toBackend first.")
        }
        var fields: [String: ColumnType] = [:]
        for frame in frames {
            for field in frame.schema.fields {
                if let existing = fields[field.name] { fields[field.name] = try Column.commonType(existing, field.type) }
                else { fields[field.name] = field.type }
            }
        }
        return first.with(.concat(frames.map(\.plan)))
    }

    /// Checks that `series` can be evaluated on this frame's rows: it comes from this frame, or from
    /// an ancestor that only row-filtering or column operations separate from it (as
    /// `df[df["a"] > 1].assign("e", df["b"] * 2)`), with the columns it reads unchanged.
    func checkAligned(_ series: ChunkedSeries) throws {
        guard series.frame.plan == plan || Self.isAligned(series.expression.columnNames, from: series.frame.plan, to: plan) else {
            throw FrameOperationError.unaligned(
                "The series '\(series.name)' comes from another frame; combine columns of one frame "
                    + "(index alignment across frames arrives with shuffles and joins).")
        }
    }
}

extension ChunkedDataFrame {
    /// Whether `columns` of `ancestor` reach `plan` unchanged through partition-wise, index-keeping nodes.
    static func isAligned(_ columns: Set<String>, from ancestor: FramePlan, to plan: FramePlan) -> Bool {
        var current = plan
        while current != ancestor {
            switch current {
            case let .filter(input, _), let .dropNulls(input, _):
                current = input
            case let .select(input, kept):
                guard columns.isSubset(of: kept) else { return false }
                current = input
            case let .assign(input, name, _):
                guard !columns.contains(name) else { return false }
                current = input
            default:
                return false
            }
        }
        return true
    }
}

extension ColumnExpression {
    /// Whether a fill value suits a column type.
    static func literalFits(_ value: FrameValue, _ type: ColumnType) -> Bool {
        switch (value, type) {
        case (.string, .string), (.string, .categorical), (.bool, .numeric(.bool)): true
        case (.int, .numeric), (.uint, .numeric), (.double, .numeric): type != .bool
        default: false
        }
    }
}
