// tessera-gpu-selftest: checks every GPU operation against the CPU backend on the same inputs,
// and times the GPU backend (docs/gpu.md).
//
//   tessera-gpu-selftest            run the checks; exit 0 if all pass, 1 if one fails, 2 without a GPU
//   tessera-gpu-selftest --bench    benchmarks as JSON lines
//   tessera-gpu-selftest --compile  compile every kernel module with NVRTC (no GPU needed)
//   tessera-gpu-selftest --info     the device, driver, NVRTC and cuBLAS found
//
// Libraries are found as Tessera finds them: TESSERA_CUDA__LIBCUDA, TESSERA_CUDA__LIBNVRTC,
// TESSERA_CUDA__LIBCUBLAS override the default search.

#if canImport(Glibc)
import Glibc
#endif
import Backends
import CUDARuntime
import CuPyBackend
import GPUSelfTestKit
import Tessera

let arguments = Set(CommandLine.arguments.dropFirst())

if arguments.contains("--compile") {
    exit(GPUSelfTest.compileAll())
}

let entrypoint: CuPyEntrypoint
var paths = CUDALibraryPaths()
do {
    let (configured, ordinal) = try GPUSelfTest.configuredPaths()
    paths = configured
    entrypoint = try CuPyEntrypoint(device: CUDADevice.open(paths: paths, ordinal: ordinal))
} catch {
    print("SKIP: the GPU backend is unavailable here: \(error)")
    exit(2)
}
print("device: \(entrypoint.device.summary)")
if arguments.contains("--info") { exit(0) }

if arguments.contains("--bench") {
    do {
        try GPUBenchmarks(entrypoint: entrypoint).run(quick: arguments.contains("--quick"))
        ChunkedDataFrame.backends.register(try CuDFEntrypoint(device: entrypoint.device), as: "cudf")
        try CuDFBenchmarks(label: "cudf").run(quick: arguments.contains("--quick"))
        exit(0)
    } catch {
        print("FAIL: benchmark: \(error)")
        exit(1)
    }
}

let failures = GPUSelfTest(entrypoint: entrypoint, paths: paths).run()
exit(failures == 0 ? 0 : 1)
