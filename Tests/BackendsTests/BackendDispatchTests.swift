import Testing
@testable import Backends

private struct Fake: Sendable, Equatable { let name: String }
private struct LoadFailure: Error {}

@Suite("BackendDispatch")
struct BackendDispatchTests {
    @Test("Unknown labels list what is available")
    func unknownLabel() throws {
        let dispatch = BackendDispatch<Fake>(kind: "array", configKey: "array.backend")
        dispatch.register(Fake(name: "a"), as: "numpy")
        dispatch.register(Fake(name: "b"), as: "mylib")
        #expect(dispatch.labels == ["mylib", "numpy"])
        #expect(throws: BackendError.unknownBackend(label: "nosuch", kind: "array", available: ["mylib", "numpy"])) {
            try dispatch.entrypoint(for: "nosuch")
        }
        let message = BackendError.unknownBackend(label: "nosuch", kind: "array", available: ["mylib", "numpy"]).description
        #expect(message.contains("\"nosuch\"") && message.contains("\"mylib\", \"numpy\""))
    }

    @Test("The current label is read from the configuration at call time")
    func currentLabel() throws {
        let dispatch = BackendDispatch<Fake>(kind: "array", configKey: "array.backend")
        dispatch.register(Fake(name: "np"), as: "numpy")
        dispatch.register(Fake(name: "other"), as: "other")
        #expect(try dispatch.current().entrypoint == Fake(name: "np"))
        let label = try Config.set(["array.backend": "other"]) { try dispatch.current().label }
        #expect(label == "other")
    }

    @Test("Lazy factories run once on success and report their failure every time")
    func lazyFactories() throws {
        let dispatch = BackendDispatch<Fake>(kind: "array", configKey: "array.backend")
        dispatch.registerLazily(as: "gpu") { throw BackendError.unavailable(backend: "gpu", reason: "no driver") }
        dispatch.registerLazily(as: "ok") { Fake(name: "made") }
        #expect(dispatch.labels == ["gpu", "ok"])
        for _ in 0..<2 {
            #expect(throws: BackendError.unavailable(backend: "gpu", reason: "no driver")) { try dispatch.entrypoint(for: "gpu") }
        }
        #expect(try dispatch.entrypoint(for: "ok") == Fake(name: "made"))
    }

    @Test("Discovery finds labels nobody registered, and its failures propagate")
    func discovery() throws {
        let dispatch = BackendDispatch<Fake>(kind: "dataframe", configKey: "dataframe.backend") { label in
            if label == "found" { return Fake(name: "discovered") }
            if label == "broken" { throw LoadFailure() }
            return nil
        }
        #expect(try dispatch.entrypoint(for: "found") == Fake(name: "discovered"))
        #expect(dispatch.labels == ["found"])
        #expect(throws: LoadFailure.self) { try dispatch.entrypoint(for: "broken") }
        #expect(throws: BackendError.unknownBackend(label: "none", kind: "dataframe", available: ["found"])) {
            try dispatch.entrypoint(for: "none")
        }
    }

    @Test("Errors read as sentences")
    func messages() {
        #expect(BackendError.notImplemented(function: "zeros", backend: "mylib").description
            .hasPrefix("The \"mylib\" backend does not implement zeros."))
        #expect(BackendError.unavailable(backend: "cupy", reason: "no CUDA driver (libcuda.so.1) was found").description
            == "The \"cupy\" backend is unavailable: no CUDA driver (libcuda.so.1) was found.")
    }
}

@Suite("DType")
struct DTypeTests {
    @Test("Promotion follows NumPy's table for arrays")
    func promotion() {
        #expect(DType.promote(.int8, .uint8) == .int16)
        #expect(DType.promote(.int64, .uint64) == .float64)
        #expect(DType.promote(.int16, .float32) == .float32)
        #expect(DType.promote(.int32, .float32) == .float64)
        #expect(DType.promote(.bool, .int8) == .int8)
        #expect(DType.promote(.uint32, .int32) == .int64)
        #expect(DType.divisionResult(.int32, .int32) == .float64)
        #expect(DType.int8.sumResult == .int64)
        #expect(DType(numpyName: "f8") == .float64)
        #expect(DType(numpyName: "complex128") == nil)
    }
}
