/// An error in configuration: a value of the wrong type or out of range, or a malformed file or
/// environment variable.
public enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A known key was given a value of the wrong type.
    case wrongType(key: String, expected: String, found: String)
    /// A known key was given a value of the right type that it cannot take.
    case invalidValue(key: String, value: String, reason: String)
    /// A configuration file could not be parsed.
    case malformedFile(path: String, line: Int, reason: String)
    /// An environment variable could not be used.
    case malformedEnvironment(variable: String, reason: String)

    /// A sentence naming the key, file or variable and what to do.
    public var description: String {
        switch self {
        case let .wrongType(key, expected, found):
            "Configuration key \"\(key)\" takes a \(expected), but was given a \(found)."
        case let .invalidValue(key, value, reason):
            "Configuration key \"\(key)\" cannot be \(value): \(reason)."
        case let .malformedFile(path, line, reason):
            "Configuration file \(path), line \(line): \(reason)."
        case let .malformedEnvironment(variable, reason):
            "Environment variable \(variable): \(reason)."
        }
    }
}
