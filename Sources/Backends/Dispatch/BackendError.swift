/// An error from choosing or using a backend library.
public enum BackendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No backend of this kind ("array" or "dataframe") is registered or discoverable as `label`.
    case unknownBackend(label: String, kind: String, available: [String])
    /// The backend does not implement the public function `function`.
    case notImplemented(function: String, backend: String)
    /// The backend exists but cannot run here (no driver, no device, a library that fails to load).
    case unavailable(backend: String, reason: String)

    /// A sentence a person can act on, naming the label and what is available.
    public var description: String {
        switch self {
        case let .unknownBackend(label, kind, available):
            let choices = available.isEmpty ? "none" : available.map { "\"\($0)\"" }.joined(separator: ", ")
            return "No \(kind) backend is registered as \"\(label)\". Available: \(choices). "
                + "Set \"\(kind).backend\" to one of them, or register one with "
                + "\(kind == "array" ? "ChunkedArray" : "ChunkedDataFrame").backends.register(_:as:)."
        case let .notImplemented(function, backend):
            return "The \"\(backend)\" backend does not implement \(function). "
                + "Use a backend that does (for example with Config.set), or convert with toBackend(_:)."
        case let .unavailable(backend, reason):
            return "The \"\(backend)\" backend is unavailable: \(reason)."
        }
    }
}
