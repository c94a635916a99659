/// The values of one column as a caller writes them: a Swift array, an ``NDArray``, a ``Column``, or
/// an array literal whose elements are numbers, booleans, strings or `nil`.
///
/// ```swift
/// let frame = try DataFrame(["key": [1, 2, 1, 3], "x": [0.5, 1.5, 2.5, nil], "name": ["a", "b", "c", "d"]])
/// ```
///
/// A literal's column type is inferred as pandas infers it: all integers give `int64`, any float
/// gives `float64`, all booleans `bool`, all strings `string`; `nil` is a null of that type. A literal
/// mixing strings with numbers is an error when the frame is built.
public struct ColumnValues: Sendable, ExpressibleByArrayLiteral {
    private let result: Result<Column, FrameError>

    /// Wraps a column.
    public init(_ column: Column) { result = .success(column) }

    /// A numeric column over a 1-d array.
    public init(_ array: NDArray) {
        result = Result { () throws(FrameError) in try Column(array) }
    }

    /// An `int64` column.
    public init(_ values: [Int]) { self.init(values.map { Int64($0) }) }

    /// An `int64` column.
    public init(_ values: [Int64]) { self.init(Column.numbers(values)) }

    /// A `float64` column.
    public init(_ values: [Double]) { self.init(Column.numbers(values)) }

    /// A `bool` column.
    public init(_ values: [Bool]) { self.init(Column.numbers(values)) }

    /// A `string` column.
    public init(_ values: [String]) { self.init(Column.strings(values.map { Optional($0) })) }

    /// An `int64` column with nulls.
    public init(_ values: [Int?]) { self.init(Column.numbers(values.map { $0.map { Int64($0) } })) }

    /// A `float64` column with nulls.
    public init(_ values: [Double?]) { self.init(Column.numbers(values)) }

    /// A `string` column with nulls.
    public init(_ values: [String?]) { self.init(Column.strings(values)) }

    /// A column from literal cells, typed as pandas would type them.
    public init(arrayLiteral elements: FrameLiteral...) {
        result = Result { () throws(FrameError) in try Column.inferring(elements.map(\.value)) }
    }

    /// The column, or the error that building it raised.
    public func column() throws(FrameError) -> Column { try result.get() }
}

/// One cell of an array literal given to ``ColumnValues``: a number, a boolean, a string or `nil`.
public struct FrameLiteral: Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    /// The cell.
    public let value: FrameValue

    /// An integer cell.
    public init(integerLiteral value: Int64) { self.value = .int(value) }
    /// A float cell.
    public init(floatLiteral value: Double) { self.value = .double(value) }
    /// A string cell.
    public init(stringLiteral value: String) { self.value = .string(value) }
    /// A boolean cell.
    public init(booleanLiteral value: Bool) { self.value = .bool(value) }
    /// A null cell.
    public init(nilLiteral: ()) { value = .null }
}
