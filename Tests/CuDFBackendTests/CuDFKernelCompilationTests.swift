import Backends
import CUDARuntime
import Foundation
import Testing
@testable import CuDFBackend

/// NVRTC from `TESSERA_CUDA__LIBNVRTC`, from `scripts/fetch_nvrtc.sh`'s folder, or the default search.
let cudfNVRTC: NVRTC? = {
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

@Suite("cudf kernels compile with NVRTC (no GPU needed)",
       .enabled(if: cudfNVRTC != nil, "NVRTC not found: run scripts/fetch_nvrtc.sh, or set TESSERA_CUDA__LIBNVRTC"))
struct CuDFKernelCompilationTests {
    @Test("The fixed module and the key modules of every key kind compile to PTX with every kernel, and to an sm_90 CUBIN")
    func compile() throws {
        let nvrtc = try #require(cudfNVRTC)
        let sources = CuDFKernelCatalog.all
        #expect(sources.count >= 14)
        for source in sources {
            let cubin = try nvrtc.compile(source, to: .cubin, architecture: .hopper)
            #expect(Array(cubin.bytes.prefix(4)) == [0x7F, 0x45, 0x4C, 0x46], "\(source.name): the CUBIN is not an ELF file")
            let ptx = try nvrtc.compile(source, to: .ptx, architecture: .hopper)
            let text = String(decoding: ptx.bytes.prefix { $0 != 0 }, as: UTF8.self)
            for kernel in source.kernels {
                #expect(text.contains(".entry \(kernel)("), "\(source.name): the PTX has no entry \(kernel)")
            }
        }
        print("NVRTC \(nvrtc.version.major).\(nvrtc.version.minor) compiled \(sources.count) cudf modules, "
              + "\(sources.reduce(0) { $0 + $1.kernels.count }) kernels")
    }

    @Test("The key kernels compare each key kind as written: a float key tests NaN, a string key its bytes")
    func generatedText() {
        let text = KeyKernelGenerator([.fixed(type: "double", isFloat: true), .strings, .fixed(type: "int", isFloat: false)]).source.text
        #expect(text.contains("av0[r] != av0[r]"))
        #expect(text.contains("cudf_bytes_equal(ab1 + ao1[r]"))
        #expect(!text.contains("av2[r] != av2[r]"))
        #expect(text.contains("const int* bv2"))
    }
}
