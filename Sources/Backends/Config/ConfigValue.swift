/// A configuration value: a string, number, boolean, list, map or null.
///
/// Values are written as Swift literals (`"cupy"`, `2`, `true`) and read back with the typed
/// accessors, which return `nil` when the value has another type:
///
/// ```swift
/// Config.get("array.backend")?.stringValue   // "numpy"
/// Config.get("num-workers")?.intValue        // 2
/// ```
public enum ConfigValue: Sendable, Hashable, CustomStringConvertible {
    /// A string.
    case string(String)
    /// An integer.
    case int(Int)
    /// A floating-point number.
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// A list of values.
    case list([ConfigValue])
    /// A map of string keys to values (a nested section).
    case map([String: ConfigValue])
    /// An explicit null: the key falls back to its default (as `None` does in Dask).
    case null

    /// The string, if this is a string.
    public var stringValue: String? {
        if case let .string(value) = self { return value }
        return nil
    }

    /// The integer, if this is an integer (a double with an integral value counts too).
    public var intValue: Int? {
        switch self {
        case let .int(value): return value
        case let .double(value) where value.rounded() == value && abs(value) < 9.0e15: return Int(value)
        default: return nil
        }
    }

    /// The number, if this is a double or an integer.
    public var doubleValue: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        default: nil
        }
    }

    /// The boolean, if this is a boolean.
    public var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    /// The elements, if this is a list.
    public var listValue: [ConfigValue]? {
        if case let .list(value) = self { return value }
        return nil
    }

    /// The entries, if this is a map.
    public var mapValue: [String: ConfigValue]? {
        if case let .map(value) = self { return value }
        return nil
    }

    /// Whether this is `.null`.
    public var isNull: Bool { self == .null }

    /// The name of the value's type, for error messages ("string", "int", ...).
    public var typeName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .double: "double"
        case .bool: "bool"
        case .list: "list"
        case .map: "map"
        case .null: "null"
        }
    }

    /// The value as it would be written in a YAML file.
    public var description: String {
        switch self {
        case let .string(value): "\"\(value)\""
        case let .int(value): String(value)
        case let .double(value): String(value)
        case let .bool(value): String(value)
        case let .list(values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case let .map(entries):
            "{" + entries.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .null: "null"
        }
    }
}

extension ConfigValue: ExpressibleByStringLiteral {
    /// Creates a string value from a literal.
    public init(stringLiteral value: String) { self = .string(value) }
}

extension ConfigValue: ExpressibleByIntegerLiteral {
    /// Creates an integer value from a literal.
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension ConfigValue: ExpressibleByFloatLiteral {
    /// Creates a double value from a literal.
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension ConfigValue: ExpressibleByBooleanLiteral {
    /// Creates a boolean value from a literal.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension ConfigValue: ExpressibleByArrayLiteral {
    /// Creates a list value from a literal.
    public init(arrayLiteral elements: ConfigValue...) { self = .list(elements) }
}

extension ConfigValue: ExpressibleByDictionaryLiteral {
    /// Creates a map value from a literal.
    public init(dictionaryLiteral elements: (String, ConfigValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension ConfigValue: ExpressibleByNilLiteral {
    /// Creates `.null` from `nil`.
    public init(nilLiteral: ()) { self = .null }
}
