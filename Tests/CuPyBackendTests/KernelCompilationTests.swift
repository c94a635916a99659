import Backends
import CUDARuntime
import Dispatch
import Foundation
import Synchronization
import Testing
@testable import CuPyBackend

/// NVRTC from `TESSERA_CUDA__LIBNVRTC`, from `scripts/fetch_nvrtc.sh`'s folder, or the default search.
let testNVRTC: NVRTC? = {
    if let path = ProcessInfo.processInfo.environment["TESSERA_CUDA__LIBNVRTC"], !path.isEmpty {
        return try? NVRTC(paths: CUDALibraryPaths(nvrtc: path))
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let fetched = root.appendingPathComponent(".build/nvrtc/nvidia/cu13/lib/libnvrtc.so.13").path
    if FileManager.default.fileExists(atPath: fetched), let nvrtc = try? NVRTC(paths: CUDALibraryPaths(nvrtc: fetched)) {
        return nvrtc
    }
    return try? NVRTC()
}()

@Suite("Kernel compilation with NVRTC (no GPU needed)",
       .enabled(if: testNVRTC != nil, "NVRTC not found: run scripts/fetch_nvrtc.sh, or set TESSERA_CUDA__LIBNVRTC"))
struct KernelCompilationTests {
    @Test("Every kernel module compiles to PTX (with every kernel in it) and to an sm_90 CUBIN")
    func everyModuleCompiles() throws {
        let nvrtc = try #require(testNVRTC)
        let all = KernelCatalog.all
        #expect(all.count > 150)
        let fixed = KernelCatalog.fixed
        // The generated modules are compiled in batches (one NVRTC program per batch, each
        // module's code in a namespace of its own and its kernels renamed), which checks the same
        // code as compiling them one by one at a fraction of NVRTC's per-program cost.
        let generated = all.filter { !fixed.contains($0) }
        let batches = stride(from: 0, to: generated.count, by: 40).map { Self.batch(Array(generated[$0..<min($0 + 40, generated.count)])) }
        let jobs: [(KernelSource, Bool)] = fixed.map { ($0, true) } + [(generated[0], true)] + batches.map { ($0, true) }
        let failures = Mutex<[String]>([])
        let started = ContinuousClock.now
        // NVRTC compiles separate programs concurrently.
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (source, withPTX) = jobs[index]
            do {
                let cubin = try nvrtc.compile(source, to: .cubin, architecture: .hopper)
                if Array(cubin.bytes.prefix(4)) != [0x7F, 0x45, 0x4C, 0x46] {
                    failures.withLock { $0.append("\(source.name): the CUBIN is not an ELF file") }
                }
                if withPTX {
                    let ptx = try nvrtc.compile(source, to: .ptx, architecture: .hopper)
                    let text = String(decoding: ptx.bytes.prefix { $0 != 0 }, as: UTF8.self)
                    for kernel in source.kernels where !text.contains(".entry \(kernel)(") {
                        failures.withLock { $0.append("\(source.name): the PTX has no entry \(kernel)") }
                    }
                }
            } catch {
                failures.withLock { $0.append("\(error)\n--- source ---\n\(source.text)") }
            }
        }
        let found = failures.withLock { $0 }
        #expect(found.isEmpty, "\(found.prefix(3).joined(separator: "\n\n"))")
        print("NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) (\(nvrtc.libraryPath)) compiled \(all.count) modules "
            + "for sm_90 in \(ContinuousClock.now - started)")
    }

    @Test("A source that does not compile throws .compilation with NVRTC's log naming the problem")
    func compilationErrorCarriesTheLog() throws {
        let nvrtc = try #require(testNVRTC)
        let broken = KernelSource(name: "broken", text: "extern \"C\" __global__ void k(double* x) { x[0] = undefined_name; }",
                                  kernels: ["k"])
        do {
            _ = try nvrtc.compile(broken, to: .ptx, architecture: .hopper)
            Issue.record("expected a compilation error")
        } catch {
            #expect(error.code == .compilation)
            #expect(error.message.contains("undefined_name"))
        }
    }

    @Test("A GPU newer than NVRTC knows gets PTX for the newest architecture NVRTC has; sm_90 gets a CUBIN")
    func architectureFallback() throws {
        let nvrtc = try #require(testNVRTC)
        let future = try nvrtc.compile(CoreKernels.source, for: GPUArchitecture(major: 99, minor: 0))
        #expect(future.format == .ptx)
        #expect(future.architecture.number == nvrtc.supportedArchitectures.max())
        #expect(try nvrtc.compile(RandomKernels.source, for: .hopper).format == .cubin)
    }

    @Test("NVRTC reports its version and sm_90 among its architectures")
    func versionAndArchitectures() throws {
        let nvrtc = try #require(testNVRTC)
        #expect(nvrtc.version.major >= 12)
        #expect(nvrtc.supportedArchitectures.contains(90))
    }

    /// One program holding `sources`: the prelude once, each module's own code in a namespace,
    /// its kernels renamed so that their C names stay distinct.
    static func batch(_ sources: [KernelSource]) -> KernelSource {
        var text = CUDAPrelude.text
        var kernels: [String] = []
        for (index, source) in sources.enumerated() {
            var body = String(source.text.dropFirst(CUDAPrelude.text.count))
            for kernel in source.kernels {
                body = body.replacingOccurrences(of: kernel + "(", with: "\(kernel)_\(index)(")
                kernels.append("\(kernel)_\(index)")
            }
            text += "namespace catalog_\(index) {\n\(body)\n}\n"
        }
        return KernelSource(name: "batch", text: text, kernels: kernels, options: CUDAPrelude.options)
    }
}
