import Backends
import PandasBackend

/// One column of a ``ChunkedDataFrame``, or an expression over its columns: what `df["x"]` and
/// `df["x"] * 2 > df["y"]` are (Dask's `Series`). Lazy, like the frame.
public struct ChunkedSeries: Sendable {
    /// The frame whose rows the series runs over.
    let frame: ChunkedDataFrame
    /// The values, as an expression over the frame's columns.
    let expression: ColumnExpression
    /// The series' name (the column's, or the left operand's).
    public let name: String

    init(frame: ChunkedDataFrame, expression: ColumnExpression, name: String) {
        self.frame = frame
        self.expression = expression
        self.name = name
    }

    /// The series' type, known without computing.
    public var type: ColumnType { (try? expression.resultType(in: frame.schema)) ?? .float64 }

    /// The number of partitions.
    public var npartitions: Int { frame.npartitions }

    /// The backend label.
    public var backend: String { frame.backend }

    func derived(_ expression: ColumnExpression) throws -> ChunkedSeries {
        _ = try expression.resultType(in: frame.schema)
        return ChunkedSeries(frame: frame, expression: expression, name: name)
    }

    /// The series as a one-column frame.
    public func toFrame() -> ChunkedDataFrame {
        frame.with(.select(.assign(frame.plan, name, expression), [name]))
    }

    /// Computes the series into a host series.
    public func compute() throws -> Series { try toFrame().compute().column(name) }

    /// Computes the series; same as ``compute()``.
    public func toHost() throws -> Series { try compute() }

    // MARK: Element-wise functions

    /// Whether each value is missing.
    public func isnull() throws -> ChunkedSeries { try derived(.isNull(expression)) }

    /// Whether each value is present.
    public func notnull() throws -> ChunkedSeries { try derived(.unary(.logicalNot, .isNull(expression))) }

    /// Missing values replaced by `value`.
    public func fillna(_ value: FrameLiteral) throws -> ChunkedSeries { try derived(.fillNull(expression, value.value)) }

    /// The values converted to `type`.
    public func astype(_ type: ColumnType) throws -> ChunkedSeries { try derived(.cast(expression, type)) }

    /// Absolute values.
    public func abs() throws -> ChunkedSeries { try derived(.unary(.abs, expression)) }

    /// String functions (`series.str.lower()`, ...).
    public var str: StringAccessor { StringAccessor(series: self) }

    // MARK: Reductions

    /// The sum of the non-null values.
    public func sum() throws -> ChunkedScalar { try reduce(.sum) }
    /// The mean of the non-null values.
    public func mean() throws -> ChunkedScalar { try reduce(.mean) }
    /// The smallest value.
    public func min() throws -> ChunkedScalar { try reduce(.min) }
    /// The largest value.
    public func max() throws -> ChunkedScalar { try reduce(.max) }
    /// The number of non-null values.
    public func count() throws -> ChunkedScalar { try reduce(.count) }
    /// The sample standard deviation.
    public func std() throws -> ChunkedScalar { try reduce(.std) }
    /// The sample variance.
    public func `var`() throws -> ChunkedScalar { try reduce(.var) }
    /// The number of distinct non-null values.
    public func nunique() throws -> ChunkedScalar { try reduce(.nunique) }

    /// `aggregation` of the series, by tree reduction over the partitions.
    public func reduce(_ aggregation: Aggregation) throws -> ChunkedScalar {
        try ChunkedScalar.check(aggregation, type, column: name)
        let spec = AggregationSpec(column: name, aggregation: aggregation, outputName: name)
        let plan = FramePlan.aggregate(.assign(frame.plan, name, expression), keys: [], specs: [spec], dropna: true,
                                       splitEvery: ChunkedDataFrame.splitEvery)
        return ChunkedScalar(frame: frame.with(plan), column: name)
    }

    /// How often each distinct value occurs, most frequent first: columns `name` and `count`.
    public func valueCounts() throws -> ChunkedDataFrame {
        let spec = AggregationSpec(column: name, aggregation: .size, outputName: "count")
        let grouped = FramePlan.aggregate(.select(.assign(frame.plan, name, expression), [name]), keys: [name], specs: [spec],
                                          dropna: true, splitEvery: ChunkedDataFrame.splitEvery)
        // The grouped counts (sorted by value) are ranked by count on the single output partition.
        let function = PartitionFunction { frame in try frame.sorted(by: [SortKey(column: "count", ascending: false)]) }
        let countSchema = Schema([Schema.Field(name: name, type: type), Schema.Field(name: "count", type: .int64)])
        return frame.with(.mapPartitions(grouped, function, countSchema))
    }
}

/// A lazy single value: the result of reducing a series (Dask's `Scalar`).
public struct ChunkedScalar: Sendable {
    let frame: ChunkedDataFrame
    let column: String

    /// Computes the value (`.null` when undefined, for example the mean of nothing).
    public func compute() throws -> FrameValue {
        let host = try frame.compute()
        let series = try host.column(column)
        return series.count == 0 ? .null : series[0]
    }

    /// Computes the value as `T`.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` if the value is null or not representable as `T`.
    public func item<T: FrameElement>(_: T.Type = T.self) throws -> T {
        let value = try compute()
        guard let converted = T(frameValue: value) else {
            throw FrameError.invalidValue("The result \(value) cannot be read as \(T.self).")
        }
        return converted
    }

    static func check(_ aggregation: Aggregation, _ type: ColumnType, column: String) throws {
        switch aggregation {
        case .sum, .mean, .std, .var:
            guard type.numericDType != nil else {
                throw FrameError.unsupportedType(operation: "\(aggregation) of column '\(column)'", type: type)
            }
        default: break
        }
    }
}

/// The string functions of a series (`series.str`).
public struct StringAccessor: Sendable {
    let series: ChunkedSeries

    /// Whether each string contains `text`.
    public func contains(_ text: String) throws -> ChunkedSeries { try apply(.contains(text)) }
    /// Whether each string starts with `text`.
    public func startswith(_ text: String) throws -> ChunkedSeries { try apply(.startsWith(text)) }
    /// Whether each string ends with `text`.
    public func endswith(_ text: String) throws -> ChunkedSeries { try apply(.endsWith(text)) }
    /// The strings lowercased.
    public func lower() throws -> ChunkedSeries { try apply(.lower) }
    /// The strings uppercased.
    public func upper() throws -> ChunkedSeries { try apply(.upper) }
    /// The length of each string in characters.
    public func len() throws -> ChunkedSeries { try apply(.length) }

    private func apply(_ function: ColumnExpression.StringFunction) throws -> ChunkedSeries {
        try series.derived(.string(function, series.expression))
    }
}
