import Foundation

/// A table in host memory: ordered, named columns of equal length, with a default range index.
///
/// This is the chunk type of the "pandas" backend and the host form every dataframe backend
/// converts through (`toHost`, `toBackend`), the role pandas frames play for Dask; its kernels
/// live in the `PandasBackend` module.
///
/// ```swift
/// let frame = try DataFrame(["key": [1, 2], "x": [0.5, nil]])
/// frame.columnNames            // ["key", "x"]
/// frame["x"].toArray(Double.self)   // [0.5, nil]
/// ```
public struct DataFrame: Sendable {
    /// The columns, in order.
    public let columns: [Series]
    /// The number of rows.
    public let rowCount: Int
    /// The label of the first row: rows are labelled `indexStart ..< indexStart + rowCount`.
    public let indexStart: Int

    /// A frame from named columns.
    ///
    /// - Throws: ``FrameError`` if two columns share a name or their lengths differ.
    public init(columns: [Series], indexStart: Int = 0) throws(FrameError) {
        let rowCount = columns.first?.count ?? 0
        var seen = Set<String>()
        for series in columns {
            guard seen.insert(series.name).inserted else { throw .duplicateColumn(series.name) }
            guard series.count == rowCount else {
                throw .lengthMismatch(column: series.name, count: series.count, expected: rowCount)
            }
        }
        self.init(unchecked: columns, rowCount: rowCount, indexStart: indexStart)
    }

    /// A frame from a literal of named columns, in the literal's order.
    ///
    /// ```swift
    /// let frame = try DataFrame(["key": [1, 2, 1], "name": ["a", nil, "c"]])
    /// ```
    public init(_ columns: KeyValuePairs<String, ColumnValues>) throws(FrameError) {
        var series: [Series] = []
        for (name, values) in columns { series.append(Series(name: name, column: try values.column())) }
        try self.init(columns: series)
    }

    /// A frame whose columns the caller guarantees distinct and of `rowCount` rows.
    package init(unchecked columns: [Series], rowCount: Int, indexStart: Int = 0) {
        self.columns = columns
        self.rowCount = rowCount
        self.indexStart = indexStart
    }

    /// An empty frame with the given schema.
    public init(emptyWith schema: Schema) {
        self.init(unchecked: schema.fields.map { Series(name: $0.name, column: Column.empty($0.type)) }, rowCount: 0)
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.map(\.name) }

    /// The names and types of the columns.
    public var schema: Schema { Schema(columns.map { Schema.Field(name: $0.name, type: $0.type) }) }

    /// The column called `name`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` naming the columns that exist.
    public func column(_ name: String) throws(FrameError) -> Series {
        guard let series = columns.first(where: { $0.name == name }) else {
            throw .unknownColumn(name, available: columnNames)
        }
        return series
    }

    /// The column called `name`; an unknown name gives an all-null `float64` series of that name
    /// (use ``column(_:)`` to get an error instead).
    public subscript(name: String) -> Series {
        if let series = columns.first(where: { $0.name == name }) { return series }
        return Series(name: name, column: Column.nulls(.float64, count: rowCount))
    }

    /// The same rows with the index relabelled to start at `start`.
    public func withIndexStart(_ start: Int) -> DataFrame {
        DataFrame(unchecked: columns, rowCount: rowCount, indexStart: start)
    }
}

/// The names and types of a frame's columns: Dask's `meta`, without any rows.
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    /// One column's name and type.
    public struct Field: Sendable, Hashable {
        /// The column name.
        public let name: String
        /// The column type.
        public let type: ColumnType

        /// A field.
        public init(name: String, type: ColumnType) {
            self.name = name
            self.type = type
        }
    }

    /// The fields, in column order.
    public let fields: [Field]

    /// A schema from fields.
    public init(_ fields: [Field]) { self.fields = fields }

    /// The column names.
    public var names: [String] { fields.map(\.name) }

    /// The type of column `name`, if there is one.
    public func type(of name: String) -> ColumnType? { fields.first { $0.name == name }?.type }

    /// One line per column: `name  type`.
    public var description: String {
        let width = fields.map(\.name.count).max() ?? 0
        return fields.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.type.description }
            .joined(separator: "\n")
    }
}
