#if canImport(Glibc)
import Glibc
#endif

/// The keys Tessera knows, their defaults and how their values are checked.
///
/// | key | type | default |
/// | --- | --- | --- |
/// | `array.backend` | string label | `"numpy"` |
/// | `dataframe.backend` | string label | `"pandas"` |
/// | `array.chunk-size` | bytes (`"128MiB"` or an int) | `"128MiB"` |
/// | `array.split-every` | int ≥ 2 | `4` |
/// | `scheduler` | `"threads"` or `"sync"` (aliases `threading`, `synchronous`, `single-threaded`) | `"threads"` |
/// | `num-workers` | int ≥ 1 | the number of cores |
/// | `backends.path` | string or list of folder paths | `[]` |
/// | `dataframe.shuffle.method` | `"tasks"` (in memory, spilling past the budget) or `"disk"` (always spill) | `"tasks"` |
/// | `dataframe.shuffle.memory-budget` | bytes: shuffle shards held in memory before spilling | `"2GiB"` |
/// | `dataframe.shuffle.spill-directory` | folder path for spilled shards | the system's temporary folder |
/// | `dataframe.shuffle.max-branch` | int ≥ 2: the widest all-to-all exchange before a shuffle goes in stages | `32` |
/// | `dataframe.groupby.split-out-groups` | int ≥ 1: estimated groups from which a groupby shuffles (automatic `splitOut`) | `1000000` |
/// | `mpi.library` | path or name of the MPI library to open | the search of docs/distributed.md |
/// | `mpi.timeout` | int ≥ 1: seconds without a word from a rank before it counts as gone | `60` |
/// | `mpi.results` | `"root"` (rank 0 gets `compute()`'s result) or `"all"` (every rank does) | `"root"` |
/// | `mpi.max-message` | bytes: the largest single MPI message; longer ones are split | `"1GiB"` |
///
/// Any other key is accepted as it is, for third-party backends to read.
package enum ConfigSchema {
    /// How one known key's values are checked.
    package enum Kind: Sendable {
        /// A backend label (non-empty string).
        case label
        /// A size in bytes.
        case byteSize
        /// An integer no smaller than the bound.
        case integer(atLeast: Int)
        /// One of a fixed set of strings.
        case choice([String])
        /// A list of strings, or one string.
        case stringList
        /// A non-empty string (a path).
        case path
    }

    /// The scheduler names `scheduler` accepts.
    package static let schedulerNames = ["threads", "threading", "sync", "synchronous", "single-threaded", "mpi"]

    /// Known keys and their kinds.
    package static let kinds: [ConfigKey: Kind] = [
        "array.backend": .label,
        "dataframe.backend": .label,
        "array.chunk-size": .byteSize,
        "array.split-every": .integer(atLeast: 2),
        "scheduler": .choice(schedulerNames),
        "num-workers": .integer(atLeast: 1),
        "backends.path": .stringList,
        "dataframe.shuffle.method": .choice(shuffleMethods),
        "dataframe.shuffle.memory-budget": .byteSize,
        "dataframe.shuffle.spill-directory": .path,
        "dataframe.shuffle.max-branch": .integer(atLeast: 2),
        "dataframe.groupby.split-out-groups": .integer(atLeast: 1),
        "mpi.library": .path,
        "mpi.timeout": .integer(atLeast: 1),
        "mpi.results": .choice(["root", "all"]),
        "mpi.max-message": .byteSize,
    ]

    /// The shuffle methods `dataframe.shuffle.method` accepts.
    package static let shuffleMethods = ["tasks", "disk"]

    /// The defaults layer.
    package static let defaults = ConfigLayer([
        "array.backend": "numpy",
        "dataframe.backend": "pandas",
        "array.chunk-size": "128MiB",
        "array.split-every": 4,
        "scheduler": "threads",
        "num-workers": .int(coreCount),
        "backends.path": [],
        "dataframe.shuffle.method": "tasks",
        "dataframe.shuffle.memory-budget": "2GiB",
        "dataframe.shuffle.max-branch": 32,
        "dataframe.groupby.split-out-groups": 1_000_000,
        "mpi.timeout": 60,
        "mpi.results": "root",
        "mpi.max-message": "1GiB",
    ])

    /// The number of cores this process may use.
    package static var coreCount: Int {
        #if canImport(Glibc)
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return online > 0 ? Int(online) : 1
        #else
        return 1
        #endif
    }

    /// Checks `value` for `key`, converting where the conversion is lossless and obvious
    /// (a string `"4"` from an environment variable for an integer key).
    ///
    /// `.null` is always accepted: it means "use the default".
    package static func validate(_ value: ConfigValue, for key: ConfigKey) throws(ConfigError) -> ConfigValue {
        guard let kind = kinds[key], value != .null else { return value }
        let name = key.description
        switch kind {
        case .label:
            guard let label = value.stringValue else {
                throw .wrongType(key: name, expected: "string (a backend label)", found: value.typeName)
            }
            guard !label.isEmpty else {
                throw .invalidValue(key: name, value: "\"\"", reason: "a backend label cannot be empty")
            }
            return value
        case .byteSize:
            switch value {
            case .int, .double, .string:
                guard let bytes = ByteSize.parse(value), bytes > 0 else {
                    throw .invalidValue(key: name, value: value.description,
                                        reason: "expected a positive size such as \"128MiB\", \"64 MB\" or 1000000")
                }
                return .int(bytes)
            default:
                throw .wrongType(key: name, expected: "size (\"128MiB\" or an integer number of bytes)",
                                 found: value.typeName)
            }
        case let .integer(bound):
            let number: Int
            if let int = value.intValue {
                number = int
            } else if let text = value.stringValue, let parsed = Int(text) {
                number = parsed
            } else {
                throw .wrongType(key: name, expected: "int", found: value.typeName)
            }
            guard number >= bound else {
                throw .invalidValue(key: name, value: String(number), reason: "it must be at least \(bound)")
            }
            return .int(number)
        case let .choice(names):
            guard let text = value.stringValue else {
                throw .wrongType(key: name, expected: "string", found: value.typeName)
            }
            guard names.contains(text) else {
                throw .invalidValue(key: name, value: "\"\(text)\"",
                                    reason: "expected one of \(names.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return value
        case .path:
            guard let text = value.stringValue else {
                throw .wrongType(key: name, expected: "string (a folder path)", found: value.typeName)
            }
            guard !text.isEmpty else {
                throw .invalidValue(key: name, value: "\"\"", reason: "a path cannot be empty")
            }
            return value
        case .stringList:
            if value.stringValue != nil { return .list([value]) }
            guard let items = value.listValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw .wrongType(key: name, expected: "list of strings", found: value.typeName)
            }
            return value
        }
    }

    /// Validates every value of a layer.
    package static func validate(_ layer: ConfigLayer) throws(ConfigError) -> ConfigLayer {
        var checked = ConfigLayer()
        for (key, value) in layer.values {
            checked.values[key] = try validate(value, for: key)
        }
        return checked
    }
}
