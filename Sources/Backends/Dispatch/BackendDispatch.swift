import Synchronization

/// A registry from backend labels to entrypoints, read by the creation functions of one kind of
/// collection.
///
/// The label comes from a config key (`array.backend` or `dataframe.backend`) at the moment a
/// creation function is called, and is recorded in the collection's metadata, so optimising and
/// computing never read the config again. Built-in backends are registered as factories and made
/// on first use; a label nobody registered is looked up with the discovery function (dynamic
/// libraries found by label) before it is reported as unknown.
///
/// ```swift
/// ChunkedArray.backends.register(MyArrayBackend(), as: "mylib")
/// ChunkedArray.backends.labels      // ["cupy", "mylib", "numpy"]
/// ```
public final class BackendDispatch<Entrypoint: Sendable>: Sendable {
    /// The kind of collection, `"array"` or `"dataframe"`, for messages.
    public let kind: String

    /// The config key that selects the label, for example `array.backend`.
    public let configKey: ConfigKey

    private let state = Mutex(State())
    private let discover: @Sendable (String) throws -> Entrypoint?

    private struct State {
        var entrypoints: [String: Entrypoint] = [:]
        var factories: [String: @Sendable () throws -> Entrypoint] = [:]
    }

    /// Creates an empty registry.
    ///
    /// - Parameters:
    ///   - kind: `"array"` or `"dataframe"`.
    ///   - configKey: The key whose value names the current backend.
    ///   - discover: Looks for a label nobody registered (for example a dynamic library); returns
    ///     `nil` if there is none, and throws if one exists but cannot be loaded.
    public init(kind: String, configKey: ConfigKey,
                discover: @escaping @Sendable (String) throws -> Entrypoint? = { _ in nil }) {
        self.kind = kind
        self.configKey = configKey
        self.discover = discover
    }

    /// Registers `entrypoint` as the backend named `label`, replacing any earlier one.
    public func register(_ entrypoint: Entrypoint, as label: String) {
        state.withLock { state in
            state.entrypoints[label] = entrypoint
            state.factories[label] = nil
        }
    }

    /// Registers a backend that is made the first time its label is used.
    ///
    /// A factory that throws (for example ``BackendError/unavailable(backend:reason:)``) throws
    /// again on every use, so a missing driver is reported each time, with its reason.
    public func registerLazily(as label: String, _ factory: @escaping @Sendable () throws -> Entrypoint) {
        state.withLock { state in
            state.entrypoints[label] = nil
            state.factories[label] = factory
        }
    }

    /// Removes the backend named `label`; returns whether there was one.
    @discardableResult
    public func unregister(_ label: String) -> Bool {
        state.withLock { state in
            let existed = state.entrypoints[label] != nil || state.factories[label] != nil
            state.entrypoints[label] = nil
            state.factories[label] = nil
            return existed
        }
    }

    /// The registered labels, sorted.
    public var labels: [String] {
        state.withLock { state in Set(state.entrypoints.keys).union(state.factories.keys).sorted() }
    }

    /// The entrypoint registered as `label`.
    ///
    /// - Throws: ``BackendError/unknownBackend(label:kind:available:)`` listing the labels, or what
    ///   a lazily made or discovered backend throws when it cannot be loaded.
    public func entrypoint(for label: String) throws -> Entrypoint {
        let (ready, factory) = state.withLock { ($0.entrypoints[label], $0.factories[label]) }
        if let ready { return ready }
        if let factory {
            let made = try factory()
            state.withLock { state in
                if state.factories[label] != nil {
                    state.entrypoints[label] = made
                    state.factories[label] = nil
                }
            }
            return made
        }
        if let found = try discover(label) {
            state.withLock { $0.entrypoints[label] = found }
            return found
        }
        throw BackendError.unknownBackend(label: label, kind: kind, available: labels)
    }

    /// The label the configuration names now (scoped value first).
    public var currentLabel: String {
        Config.get(configKey)?.stringValue ?? ConfigSchema.defaults.lookup(configKey)?.stringValue ?? ""
    }

    /// The label the configuration names now and its entrypoint.
    ///
    /// - Throws: ``ConfigError`` from a malformed environment variable or file, or the errors of
    ///   ``entrypoint(for:)``.
    public func current() throws -> (label: String, entrypoint: Entrypoint) {
        try Config.check()
        let label = currentLabel
        return (label, try entrypoint(for: label))
    }
}
