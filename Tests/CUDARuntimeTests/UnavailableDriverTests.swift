import Foundation
import CUDATestSupport
import Testing
@testable import CUDARuntime

@Suite("No GPU: every missing piece is a thrown, explained error")
struct UnavailableDriverTests {
    @Test("A driver path that does not exist: .driverNotFound naming the path")
    func missingDriver() {
        do {
            _ = try CUDADevice.open(paths: CUDALibraryPaths(driver: "/nonexistent/libcuda.so.1"))
            Issue.record("expected no driver")
        } catch {
            #expect(error.code == .driverNotFound)
            #expect(error.isUnavailable)
            #expect(error.description.contains("/nonexistent/libcuda.so.1"))
            #expect(error.description.contains("libcuda.so.1"))
        }
    }

    @Test("An NVRTC path that does not exist: .nvrtcNotFound")
    func missingNVRTC() {
        do {
            _ = try NVRTC(paths: CUDALibraryPaths(nvrtc: "/nonexistent/libnvrtc.so.13"))
            Issue.record("expected no NVRTC")
        } catch {
            #expect(error.code == .nvrtcNotFound)
            #expect(error.isUnavailable)
            #expect(error.description.contains("/nonexistent/libnvrtc.so.13"))
        }
    }

    @Test("An explicit path is the only candidate; the default search tries the usual names")
    func candidates() {
        #expect(CUDALibraryPaths(driver: "/x/libcuda.so").driverCandidates == ["/x/libcuda.so"])
        #expect(CUDALibraryPaths().driverCandidates.first == "libcuda.so.1")
        #expect(CUDALibraryPaths().nvrtcCandidates.prefix(2) == ["libnvrtc.so.13", "libnvrtc.so.12"])
        #expect(CUDALibraryPaths(cublas: "none").cublasCandidates.isEmpty)
    }

    @Test("A driver whose cuInit returns CUDA_ERROR_NO_DEVICE: .noDevice with the driver's words",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func noDevice() throws {
        let stub = try #require(StubDriver.build(initStatus: 100, version: 13_000))
        do {
            _ = try LoadedCUDADriver(candidates: [stub])
            Issue.record("expected no device")
        } catch {
            #expect(error.code == .noDevice)
            #expect(error.isUnavailable)
            #expect(error.name == "CUDA_ERROR_NO_DEVICE" && error.status == 100)
            #expect(error.description.contains("no CUDA-capable device is detected"))
        }
    }

    @Test("A driver for CUDA 11.8: .driverTooOld naming the versions",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func oldDriver() throws {
        let stub = try #require(StubDriver.build(initStatus: 0, version: 11_080))
        do {
            _ = try LoadedCUDADriver(candidates: [stub])
            Issue.record("expected an old driver")
        } catch {
            #expect(error.code == .driverTooOld)
            #expect(error.description.contains("supports CUDA 11.8"))
        }
    }

    @Test("A driver lacking an entry point: .driverTooOld naming it",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func missingEntryPoint() throws {
        let stub = try #require(StubDriver.build(initStatus: 0, version: 13_000))
        do {
            _ = try LoadedCUDADriver(candidates: [stub])
            Issue.record("expected a missing symbol")
        } catch {
            #expect(error.code == .driverTooOld)
            #expect(error.description.contains("cuDeviceGet"))
        }
    }

    @Test("A driver that loads but has no device: opening the device says so",
          .enabled(if: StubDriver.canBuild, "no C compiler (cc) to build a stub driver"))
    func zeroDevices() throws {
        let stub = try #require(StubDriver.build(initStatus: 0, version: 13_000, complete: true))
        let driver = try LoadedCUDADriver(candidates: [stub])
        #expect(try driver.version() == 13_000)
        do {
            _ = try CUDADevice(driver: driver, compiler: FakeCompiler(), compilerDescription: "fake")
            Issue.record("expected no device")
        } catch {
            #expect(error.code == .noDevice)
            #expect(error.description.contains("reports no CUDA device"))
        }
        // Every other call's failure comes back as a named driver error.
        #expect(throws: CUDAError.self) { try driver.allocate(16) }
    }
}
