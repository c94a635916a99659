import Foundation
import Synchronization
import Testing
@testable import Backends

@Suite("Config: scoped values")
struct ScopedConfigTests {
    @Test("Defaults")
    func defaults() {
        #expect(Config.get("array.backend")?.stringValue == "numpy")
        #expect(Config.get("dataframe.backend")?.stringValue == "pandas")
        #expect(Config.get("scheduler")?.stringValue == "threads")
        #expect((Config.get("num-workers")?.intValue ?? 0) >= 1)
    }

    @Test("Key spellings are equivalent", arguments: ["array.backend", "array_backend", "Array.Backend"])
    func spellings(_ spelling: String) throws {
        try Config.set([spelling.replacingOccurrences(of: "_", with: "."): "cupy"]) {
            #expect(Config.get("array.backend")?.stringValue == "cupy")
        }
        try Config.set(["array.chunk_size": "64MiB"]) {
            #expect(Config.get("array.chunk-size")?.intValue == 64 << 20)
        }
    }

    @Test("Nested scopes restore on exit; null means default")
    func nesting() throws {
        try Config.set(["array.backend": "outer"]) {
            try Config.set(["array.backend": "inner"]) {
                #expect(Config.get("array.backend")?.stringValue == "inner")
                try Config.set(["array.backend": nil]) {
                    #expect(Config.get("array.backend")?.stringValue == "numpy")
                }
            }
            #expect(Config.get("array.backend")?.stringValue == "outer")
        }
        #expect(Config.get("array.backend")?.stringValue == "numpy")
    }

    @Test("A wrong type or value is a ConfigError naming the key, and changes nothing")
    func validation() {
        #expect(throws: ConfigError.wrongType(key: "num-workers", expected: "int", found: "bool")) {
            try Config.set(["num-workers": true]) {}
        }
        #expect(throws: ConfigError.invalidValue(key: "num-workers", value: "0", reason: "it must be at least 1")) {
            try Config.set(["num_workers": 0]) {}
        }
        #expect(throws: ConfigError.self) { try Config.set(["scheduler": "processes"]) {} }
        #expect(throws: ConfigError.self) { try Config.set(["array.chunk-size": "lots"]) {} }
        #expect(throws: ConfigError.wrongType(key: "array.backend", expected: "string (a backend label)", found: "int")) {
            try Config.set(["array.backend": 3]) {}
        }
        #expect(Config.get("num-workers")?.intValue != 0)
    }

    @Test("Sections read back as maps")
    func sections() throws {
        try Config.set(["my.plugin.depth": 3, "my.plugin.name": "x"]) {
            #expect(Config.get("my.plugin") == .map(["depth": 3, "name": "x"]))
        }
    }

    @Test("Byte sizes parse as Dask's parse_bytes")
    func byteSizes() {
        #expect(ByteSize.parse("128MiB") == 134_217_728)
        #expect(ByteSize.parse("64 MB") == 64_000_000)
        #expect(ByteSize.parse("1.5kB") == 1500)
        #expect(ByteSize.parse("100") == 100)
        #expect(ByteSize.parse("12 parsecs") == nil)
        #expect(ByteSize.format(134_217_728) == "128.00 MiB")
    }
}

/// Dask's scopes leak between threads and tasks (research/dask-anchors.md §2.4). These are the
/// same interleavings; with task-local scopes each sees only its own value and nothing remains.
@Suite("Config: the interleavings that break Dask")
struct ConfigInterleavingTests {
    @Test("Thread B does not see thread A's scope, and non-LIFO exits leave nothing behind")
    func threads() throws {
        let aEntered = DispatchSemaphore(value: 0)
        let bChecked = DispatchSemaphore(value: 0)
        let aExited = DispatchSemaphore(value: 0)
        let seenByB = Mutex<[String]>([])
        let done = DispatchGroup()
        done.enter()
        done.enter()
        Thread {
            try? Config.set(["array.backend": "from-thread-A"]) {
                aEntered.signal()
                bChecked.wait()
            }
            aExited.signal()
            done.leave()
        }.start()
        Thread {
            aEntered.wait()
            try? Config.set(["array.backend": "from-thread-B"]) {
                seenByB.withLock { $0.append(Config.get("array.backend")?.stringValue ?? "") }
                bChecked.signal()
                aExited.wait()   // A's scope ends first: the exits are not LIFO across threads
                seenByB.withLock { $0.append(Config.get("array.backend")?.stringValue ?? "") }
            }
            seenByB.withLock { $0.append(Config.get("array.backend")?.stringValue ?? "") }
            done.leave()
        }.start()
        done.wait()
        #expect(seenByB.withLock { $0 } == ["from-thread-B", "from-thread-B", "numpy"])
        #expect(Config.get("array.backend")?.stringValue == "numpy")
    }

    @Test("Async tasks with overlapping scopes exiting out of order each see their own value")
    func asyncTasks() async throws {
        let results = try await withThrowingTaskGroup(of: (String, String).self) { group in
            for name in ["task-A", "task-B"] {
                group.addTask {
                    try await Config.set(["array.backend": .string(name)]) {
                        try await Task.sleep(nanoseconds: name == "task-A" ? 50_000_000 : 10_000_000)
                        return (name, Config.get("array.backend")?.stringValue ?? "")
                    }
                }
            }
            var all: [(String, String)] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.allSatisfy { $0.0 == $0.1 })
        #expect(Config.get("array.backend")?.stringValue == "numpy")
    }

    @Test("200 concurrent tasks in different scopes each see only their own backend")
    func manyTasks() async throws {
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await Config.set(["array.backend": .string("backend-\(i)")]) {
                        await Task.yield()
                        return Config.get("array.backend")?.stringValue == "backend-\(i)" ? 0 : 1
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }

    @Test("A snapshot re-installed on another thread carries the scope there")
    func snapshotOnThread() throws {
        let seen = Mutex<String>("")
        try Config.set(["array.backend": "scoped"]) {
            let snapshot = Config.snapshot
            let group = DispatchGroup()
            group.enter()
            DispatchQueue.global().async {
                Config.with(snapshot) { seen.withLock { $0 = Config.get("array.backend")?.stringValue ?? "" } }
                group.leave()
            }
            group.wait()
        }
        #expect(seen.withLock { $0 } == "scoped")
    }
}

@Suite("Config: global values", .serialized)
struct GlobalConfigTests {
    @Test("Global set holds until changed; scoped values win over it")
    func globalLayer() throws {
        defer { Config.resetGlobal() }
        try Config.set(["dataframe.backend": "pandas", "scheduler": "sync", "num-workers": 2])
        #expect(Config.get("scheduler")?.stringValue == "sync")
        #expect(Config.get("num-workers")?.intValue == 2)
        try Config.set(["scheduler": "threads"]) {
            #expect(Config.get("scheduler")?.stringValue == "threads")
        }
        #expect(Config.get("scheduler")?.stringValue == "sync")
        #expect(throws: ConfigError.self) { try Config.set(["num-workers": "many"]) }
        #expect(Config.get("num-workers")?.intValue == 2)
    }
}
