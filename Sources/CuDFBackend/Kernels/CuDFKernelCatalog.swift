import Backends
import CUDARuntime

/// Every kernel module of the "cudf" backend, for compilation checks (the tests, and
/// `tessera-gpu-selftest --compile`): the fixed module, and the generated key modules for one key
/// of each storage kind and a few mixed key lists.
package enum CuDFKernelCatalog {
    /// The modules.
    package static var all: [KernelSource] {
        let dtypes: [DType?] = [.bool, .int8, .uint8, .int16, .uint16, .int32, .uint32, .int64, .uint64, .float32, .float64, nil]
        var keyLists: [[KeyKernelGenerator.Kind]] = dtypes.map { [KeyKernelGenerator.kind(storage: $0)] }
        keyLists.append([KeyKernelGenerator.kind(storage: .int64), KeyKernelGenerator.kind(storage: nil)])
        keyLists.append([KeyKernelGenerator.kind(storage: .float64), KeyKernelGenerator.kind(storage: .int32),
                         KeyKernelGenerator.kind(storage: nil)])
        return [FrameKernels.source, SortKernels.source] + keyLists.map { KeyKernelGenerator($0).source }
    }
}
