import ExampleBackend
import Foundation
import Synchronization
import Testing
import Tessera
import TesseraTestSupport

/// A backend that only makes ones, like USER-VIEW's `MyArrayBackend`.
private struct OnesOnly: ArrayBackendEntrypoint {
    func ones(shape: [Int], dtype: DType, chunks: ChunkSpec) throws -> ChunkedArray {
        try ChunkedArray.fromBlocks(shape: shape, chunks: chunks, dtype: dtype, backend: "onesonly",
                                    meta: NDArray(scalar: 0.0)) { block in
            try NDArray([Double](repeating: 1, count: block.shape.reduce(1, *)), shape: block.shape).astype(dtype)
        }
    }
}

@Suite("Backend selection", .serialized)
struct BackendSelectionTests {
    init() {
        ChunkedArray.backends.register(OnesOnly(), as: "onesonly")
        ExampleArrayBackend.register()
    }

    @Test("A registered backend is chosen by Config.set and records its label")
    func customBackend() throws {
        let labels = ChunkedArray.backends.labels
        #expect(labels.contains("cupy") && labels.contains("numpy") && labels.contains("onesonly"))
        try Config.set(["array.backend": "onesonly"]) {
            let x = try ChunkedArray.ones(shape: [4], chunks: [2])
            #expect(x.backend == "onesonly")
            #expect(try x.sum().item(Double.self) == 4)
            #expect(throws: BackendError.notImplemented(function: "zeros", backend: "onesonly")) {
                try ChunkedArray.zeros(shape: [4], chunks: [2])
            }
            #expect(throws: BackendError.notImplemented(function: "random", backend: "onesonly")) {
                try ChunkedArray.random.defaultRNG(seed: 1)
            }
        }
        #expect(try ChunkedArray.implementedFunctions(of: "onesonly") == ["ones"])
        #expect(try ChunkedArray.implementedFunctions(of: "numpy") == ["ones", "zeros", "empty", "full", "arange", "random"])
    }

    @Test("The backend is read at creation: a collection keeps it after the scope, and computes there")
    func labelRecorded() throws {
        let x = try Config.set(["array.backend": "onesonly"]) { try ChunkedArray.ones(shape: [6], chunks: [4]) }
        #expect(x.backend == "onesonly")
        #expect(try (x * 3).sum().item(Double.self) == 18)
        #expect(try (x * 3).backend == "onesonly")
    }

    @Test("Unknown labels list what is available")
    func unknown() throws {
        do {
            try Config.set(["array.backend": "nosuch"]) { _ = try ChunkedArray.ones(shape: [4], chunks: [2]) }
            Issue.record("expected an error")
        } catch let BackendError.unknownBackend(label, kind, available) {
            #expect(label == "nosuch")
            #expect(kind == "array")
            #expect(available.contains("numpy") && available.contains("cupy"))
        }
    }

    @Test("cupy without a driver is unavailable, with the reason")
    func cupyUnavailable() throws {
        do {
            _ = try Config.set(["array.backend": "cupy"]) { try ChunkedArray.ones(shape: [10], chunks: [5]) }
            Issue.record("expected cupy to be unavailable on this machine")
        } catch let BackendError.unavailable(backend, reason) {
            #expect(backend == "cupy")
            #expect(reason.contains("libcuda.so.1") || reason.contains("CUDA"))
        }
        #expect(throws: BackendError.self) { try ChunkedArray.ones(shape: [2], chunks: [1]).toBackend("cupy") }
    }

    @Test("toBackend moves data and is the identity on the same backend")
    func toBackend() throws {
        let x = try Config.set(["array.backend": "onesonly"]) { try ChunkedArray.ones(shape: [4], chunks: [2]) }
        let moved = try x.toBackend("numpy")
        #expect(moved.backend == "numpy")
        #expect(try values(moved) == [1, 1, 1, 1])
        let same = try moved.toBackend()
        #expect(same.name == moved.name)
        let back = try Config.set(["array.backend": "onesonly"]) { try moved.toBackend() }
        #expect(back.backend == "onesonly")
    }

    @Test("The example backend implements what it claims and reports the rest")
    func exampleBackend() throws {
        try Config.set(["array.backend": .string(ExampleArrayBackend.label)]) {
            let x = try ChunkedArray.arange(start: 0.0, stop: 6.0, step: 1.5, chunks: [3])
            #expect(try values(x) == [0, 1.5, 3, 4.5])
            #expect(try values(ChunkedArray.full(shape: [2, 2], fillValue: 3.0, chunks: [1, 2])) == [3, 3, 3, 3])
            #expect(throws: BackendError.notImplemented(function: "zeros", backend: ExampleArrayBackend.label)) {
                try ChunkedArray.zeros(shape: [2], chunks: [1])
            }
        }
        let report = try checkArrayBackendConformance(ExampleArrayBackend.label)
        #expect(report.failures.isEmpty, "\(report.failures)")
        #expect(report.checked == ["ones", "full", "arange"])
    }

    @Test("Scopes reach the scheduler's worker threads: 200 concurrent computations each see their own")
    func scopesOnWorkers() async throws {
        let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<200 {
                group.addTask {
                    try await Config.set(["array.backend": .string("scope-\(i)"), "num-workers": 2]) {
                        let label = "scope-\(i)"
                        let seen = Mutex<Set<String>>([])
                        let probe = try ChunkedArray.fromBlocks(shape: [8], chunks: [1], dtype: .float64, backend: "numpy",
                                                                meta: NDArray(scalar: 0.0)) { block in
                            seen.withLock { _ = $0.insert(Config.get("array.backend")?.stringValue ?? "") }
                            return try NDArray([1.0], shape: [1])
                        }
                        _ = try await probe.sum().compute()
                        return seen.withLock { $0 } == [label] ? 0 : 1
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(mismatches == 0)
    }
}

@Suite("Backends found by label in a shared library", .serialized)
struct DynamicBackendTests {
    /// Compiles Examples/DynamicBackend into a temporary folder with the system C compiler.
    static let libraryFolder: String? = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-backends-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cc", "-shared", "-fPIC", "-I", root.appendingPathComponent("Sources/CTesseraBackendABI/include").path,
                             root.appendingPathComponent("Examples/DynamicBackend/example_backend.c").path,
                             "-o", folder.appendingPathComponent("libtessera-array-backend-example.so").path]
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        // A file with the right name that is not a library.
        try? Data("not an ELF file".utf8).write(to: folder.appendingPathComponent("libtessera-array-backend-corrupt.so"))
        return folder.path
    }()

    @Test("The example library is found by its label, without register or import",
          .enabled(if: libraryFolder != nil, "no C compiler (cc) to build the example backend library"))
    func discovered() throws {
        let folder = try #require(Self.libraryFolder)
        try Config.set(["backends.path": .list([.string(folder)]), "array.backend": "example"]) {
            let x = try ChunkedArray.ones(shape: [5], chunks: [2])
            #expect(x.backend == "example")
            #expect(try x.sum().item(Double.self) == 5)
            let r = try ChunkedArray.arange(start: 0, stop: 4, step: 1, chunks: [3])
            #expect(try values(r * 2) == [0, 2, 4, 6])
            #expect(throws: BackendError.notImplemented(function: "zeros", backend: "example")) {
                try ChunkedArray.zeros(shape: [2], chunks: [1])
            }
        }
        #expect(ChunkedArray.backends.labels.contains("example"))
    }

    @Test("A library that fails to load is unavailable, naming the file",
          .enabled(if: libraryFolder != nil, "no C compiler (cc) to build the example backend library"))
    func corrupt() throws {
        let folder = try #require(Self.libraryFolder)
        do {
            try Config.set(["backends.path": .list([.string(folder)]), "array.backend": "corrupt"]) {
                _ = try ChunkedArray.ones(shape: [2], chunks: [1])
            }
            Issue.record("expected an error")
        } catch let BackendError.unavailable(backend, reason) {
            #expect(backend == "corrupt")
            #expect(reason.contains("libtessera-array-backend-corrupt.so"))
        }
    }
}
