import Foundation
import Synchronization

/// Tessera's configuration: layered, scoped and typed.
///
/// A lookup takes the value from the first layer that has the key, in this order:
///
/// 1. scoped values, set by ``set(_:_:)`` for the duration of a closure (task-local, so other
///    threads and tasks never see them; the schedulers re-install them on their worker threads
///    for graphs computed inside the scope);
/// 2. global values, set by ``set(_:)``;
/// 3. `TESSERA_` environment variables (`TESSERA_ARRAY__BACKEND=cupy` sets `array.backend`);
/// 4. `*.yaml`, `*.yml` and `*.json` files in `~/.config/tessera/` and in the folder named by
///    `TESSERA_CONFIG` (the latter wins);
/// 5. defaults (see ``ConfigSchema``).
///
/// A `nil` (null) value at any layer means "use the default". Keys are dotted paths in which `-`
/// and `_` are the same character. Known keys are typed: a wrong type is a thrown ``ConfigError``
/// when it is set, or, for environment variables and files, from every creation function and
/// ``check()`` until it is fixed.
///
/// ```swift
/// let x = try Config.set(["array.backend": "cupy"]) {
///     try ChunkedArray.ones(shape: [10], chunks: [5])
/// }
/// try Config.set(["scheduler": "threads", "num-workers": 2])
/// ```
public enum Config {
    /// The scoped layer of the current task or thread.
    @TaskLocal package static var scoped = ConfigLayer()

    /// The global layer.
    private static let global = Mutex(ConfigLayer())

    /// The environment and file layers, loaded on first use.
    private static let sources = Mutex<SourceState?>(nil)

    /// What was read from the environment and files, or why it could not be.
    private struct SourceState {
        var environment = ConfigLayer()
        var files = ConfigLayer()
        var error: ConfigError?
    }

    // MARK: - Reading

    /// The effective value of `key`, or `nil` if no layer sets it and it has no default.
    ///
    /// Reading never throws: a malformed environment variable or file is reported by ``check()``
    /// and by every function that creates or computes a collection.
    public static func get(_ key: ConfigKey) -> ConfigValue? {
        let state = loadedSources()
        for layer in [scoped, global.withLock { $0 }, state.environment, state.files] {
            if let value = layer.lookup(key) {
                return value.isNull ? ConfigSchema.defaults.lookup(key) : value
            }
        }
        return ConfigSchema.defaults.lookup(key)
    }

    /// Throws the error, if any, that reading `TESSERA_` environment variables or configuration
    /// files produced.
    public static func check() throws {
        if let error = loadedSources().error { throw error }
    }

    /// Re-reads environment variables and configuration files, as Dask's `config.refresh()`.
    ///
    /// - Throws: ``ConfigError`` if a variable or file is malformed (the error is also kept, and
    ///   thrown by ``check()``, until a later refresh succeeds).
    public static func refresh() throws {
        let state = readSources()
        sources.withLock { $0 = state }
        if let error = state.error { throw error }
    }

    /// The typed configuration that creation and compute functions use, read once per call.
    ///
    /// - Throws: ``ConfigError`` from a malformed environment variable or file.
    package static func resolved() throws -> ResolvedConfig {
        try check()
        return ResolvedConfig(
            arrayBackend: get("array.backend")?.stringValue ?? "numpy",
            dataframeBackend: get("dataframe.backend")?.stringValue ?? "pandas",
            chunkSizeBytes: get("array.chunk-size").flatMap(ByteSize.parse) ?? 134_217_728,
            splitEvery: get("array.split-every")?.intValue ?? 4,
            scheduler: get("scheduler")?.stringValue ?? "threads",
            numWorkers: get("num-workers")?.intValue ?? ConfigSchema.coreCount,
            backendSearchPaths: (get("backends.path")?.listValue ?? []).compactMap(\.stringValue)
        )
    }

    // MARK: - Setting

    /// Sets values process-wide, until they are set again.
    ///
    /// Scoped values (``set(_:_:)``) still take precedence inside their scopes.
    ///
    /// - Parameter values: Keys (dotted; `-` and `_` are equivalent) and their values; `nil`
    ///   restores the default.
    /// - Throws: ``ConfigError`` for a known key with a value of the wrong type or range; nothing
    ///   is changed then.
    public static func set(_ values: [String: ConfigValue]) throws {
        let layer = try validatedLayer(values)
        global.withLock { $0 = $0.merging(layer) }
    }

    /// Runs `body` with configuration values that override the current ones.
    ///
    /// The overrides hold for the closure and for work it awaits, including child tasks, and for
    /// the worker threads that compute a graph inside it. Other threads and tasks are unaffected,
    /// and scopes can end in any order. Collections read the backend when they are created, so a
    /// collection keeps its backend after the scope ends:
    ///
    /// ```swift
    /// let x = try Config.set(["array.backend": "cupy"]) {
    ///     try ChunkedArray.ones(shape: [10], chunks: [5])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - values: Keys (dotted; `-` and `_` are equivalent) and their values.
    ///   - body: The work to run with the overrides in place.
    /// - Returns: Whatever `body` returns.
    /// - Throws: ``ConfigError`` for a known key of the wrong type (before `body` runs), or what
    ///   `body` throws.
    public static func set<R>(_ values: [String: ConfigValue], _ body: () throws -> R) throws -> R {
        let layer = scoped.merging(try validatedLayer(values))
        return try $scoped.withValue(layer, operation: body)
    }

    /// Runs the async `body` with configuration values that override the current ones.
    ///
    /// The async form of ``set(_:_:)``; child tasks of `body` inherit the values.
    public static func set<R>(
        _ values: [String: ConfigValue],
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> R
    ) async throws -> R {
        let layer = scoped.merging(try validatedLayer(values))
        return try await $scoped.withValue(layer, operation: body, isolation: isolation)
    }

    /// Clears every global value set with ``set(_:)`` (scoped values are untouched).
    public static func resetGlobal() {
        global.withLock { $0 = ConfigLayer() }
    }

    // MARK: - Snapshots

    /// The scoped configuration in force where a snapshot was taken.
    public struct Snapshot: Sendable, Hashable {
        /// The scoped layer captured.
        package let layer: ConfigLayer
    }

    /// Captures the scoped configuration of the current task or thread.
    ///
    /// The schedulers take one when `compute()` is entered and re-install it on every worker
    /// thread with ``with(_:_:)`` before running a task.
    public static var snapshot: Snapshot { Snapshot(layer: scoped) }

    /// Runs `body` with the scoped configuration `snapshot` captured.
    public static func with<R>(_ snapshot: Snapshot, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(snapshot.layer, operation: body)
    }

    // MARK: - Private

    private static func validatedLayer(_ values: [String: ConfigValue]) throws(ConfigError) -> ConfigLayer {
        var layer = ConfigLayer()
        for (name, value) in values {
            let key = ConfigKey(name)
            guard !key.components.contains(where: \.isEmpty) else {
                throw .invalidValue(key: name, value: value.description, reason: "a key cannot have an empty part")
            }
            layer.values[key] = try ConfigSchema.validate(value, for: key)
        }
        return layer
    }

    private static func loadedSources() -> SourceState {
        sources.withLock { state in
            if let state { return state }
            let loaded = readSources()
            state = loaded
            return loaded
        }
    }

    private static func readSources() -> SourceState {
        let environment = ProcessInfo.processInfo.environment
        var state = SourceState()
        do {
            state.files = try ConfigSchema.validate(
                ConfigLayer(ConfigSources.fileLayer(directories: ConfigSources.defaultDirectories(environment: environment))))
        } catch {
            state.error = error
        }
        do {
            state.environment = try ConfigSchema.validate(ConfigLayer(ConfigSources.environmentLayer(environment)))
        } catch {
            state.error = state.error ?? error
        }
        return state
    }
}

/// The configuration values Tessera itself uses, resolved and typed.
package struct ResolvedConfig: Sendable, Hashable {
    /// The label `array.backend` names.
    package var arrayBackend: String
    /// The label `dataframe.backend` names.
    package var dataframeBackend: String
    /// `array.chunk-size` in bytes.
    package var chunkSizeBytes: Int
    /// `array.split-every`.
    package var splitEvery: Int
    /// `scheduler`.
    package var scheduler: String
    /// `num-workers`.
    package var numWorkers: Int
    /// `backends.path`.
    package var backendSearchPaths: [String]

    /// Whether `scheduler` names the synchronous scheduler.
    package var isSynchronous: Bool { ["sync", "synchronous", "single-threaded"].contains(scheduler) }
}
