/// A named column: one column of a ``DataFrame``, or the result of an operation on columns.
public struct Series: Sendable {
    /// The column's name.
    public let name: String
    /// The values.
    public let column: Column

    /// A series from a name and a column.
    public init(name: String, column: Column) {
        self.name = name
        self.column = column
    }

    /// The number of rows.
    public var count: Int { column.count }

    /// The logical type.
    public var type: ColumnType { column.type }

    /// The values as `Element` (`nil` where missing, or where a value is not representable as
    /// `Element`: a string asked for as a number, a fraction asked for as an integer).
    ///
    /// ```swift
    /// frame["x"].toArray(Double.self)   // [0.5, 1.5, nil]
    /// ```
    public func toArray<Element: FrameElement>(_: Element.Type) -> [Element?] {
        (0..<column.count).map { Element(frameValue: column[$0]) }
    }

    /// The values as strings (`nil` where missing); numbers are formatted as pandas prints them.
    public var strings: [String?] { column.strings() }

    /// The cell at `row` (`.null` if missing).
    public subscript(row: Int) -> FrameValue { column[row] }
}

/// A Swift type a column's values can be read as (``Series/toArray(_:)``).
public protocol FrameElement: Sendable {
    /// The cell as this type, or `nil` if missing or not representable.
    init?(frameValue: FrameValue)
}

extension Double: FrameElement {
    /// Numbers and booleans as a double.
    public init?(frameValue: FrameValue) {
        guard let value = frameValue.doubleValue else { return nil }
        self = value
    }
}

extension Float: FrameElement {
    /// Numbers and booleans as a float (rounded).
    public init?(frameValue: FrameValue) {
        guard let value = frameValue.doubleValue else { return nil }
        self = Float(value)
    }
}

extension Int: FrameElement {
    /// Integers, booleans and integral floats that fit.
    public init?(frameValue: FrameValue) {
        guard let value = Int64(frameValue: frameValue) else { return nil }
        self = Int(value)
    }
}

extension Int64: FrameElement {
    /// Integers, booleans, timestamps, dates, and integral floats that fit.
    public init?(frameValue: FrameValue) {
        switch frameValue {
        case let .int(value): self = value
        case let .uint(value): guard let exact = Int64(exactly: value) else { return nil }; self = exact
        case let .bool(value): self = value ? 1 : 0
        case let .double(value): guard let exact = Int64(exactly: value) else { return nil }; self = exact
        case let .timestamp(value, _, _): self = value
        case let .date(days): self = Int64(days)
        case .null, .string: return nil
        }
    }
}

extension Bool: FrameElement {
    /// Booleans only.
    public init?(frameValue: FrameValue) {
        guard case let .bool(value) = frameValue else { return nil }
        self = value
    }
}

extension String: FrameElement {
    /// Any non-missing value, formatted as pandas prints it.
    public init?(frameValue: FrameValue) {
        if frameValue.isNull { return nil }
        self = frameValue.description
    }
}
