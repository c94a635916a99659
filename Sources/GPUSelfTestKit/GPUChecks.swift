import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend
import Tessera

/// The self-test's checks: each builds the same computation on "numpy" and on the GPU backend
/// (registered as `label`) from the same inputs and compares the host copies.
public struct GPUChecks {
    /// The label the backend under test is registered as.
    public let label: String
    /// Its device.
    public let device: CUDADevice
    /// The library paths the device was opened with (a second device handle without cuBLAS uses them).
    public var paths = CUDALibraryPaths()

    /// Checks of the backend registered as `label` on `device`.
    public init(label: String, device: CUDADevice, paths: CUDALibraryPaths = CUDALibraryPaths()) {
        self.label = label
        self.device = device
        self.paths = paths
    }

    /// A named check: nil when it passes, else why it failed.
    public typealias Check = (String, () throws -> String?)

    // MARK: - Comparing

    /// Why `gpu` differs from `cpu`, or nil: same shape and dtype; integers and booleans equal;
    /// floats equal, or within `rtol` (relative to the largest magnitude) with NaN in the same places.
    public static func compare(_ gpu: NDArray, _ cpu: NDArray, rtol: Double = 0) -> String? {
        guard gpu.shape == cpu.shape else { return "shape \(gpu.shape), expected \(cpu.shape)" }
        guard gpu.dtype == cpu.dtype else { return "dtype \(gpu.dtype), expected \(cpu.dtype)" }
        if !gpu.dtype.isFloatingPoint {
            let (g, c) = (gpu.toArray(Int64.self), cpu.toArray(Int64.self))
            if let k = g.indices.first(where: { g[$0] != c[$0] }) { return "element \(k): \(g[k]), expected \(c[k])" }
            return nil
        }
        let (g, c) = (gpu.toArray(Double.self), cpu.toArray(Double.self))
        let scale = c.reduce(0.0) { Swift.max($0, $1.isFinite ? Swift.abs($1) : 0) }
        for k in g.indices {
            if g[k].isNaN != c[k].isNaN { return "element \(k): \(g[k]), expected \(c[k])" }
            if g[k].isNaN || g[k] == c[k] { continue }
            if rtol == 0 || !(Swift.abs(g[k] - c[k]) <= rtol * Swift.max(scale, Swift.abs(c[k]))) {
                return "element \(k): \(g[k]) (bits \(String(g[k].bitPattern, radix: 16))), expected \(c[k]) (bits \(String(c[k].bitPattern, radix: 16)))"
            }
        }
        return nil
    }

    /// Builds `make` on both backends from `inputs` (made on "numpy", moved to the GPU) and compares.
    func same(_ inputs: [ChunkedArray], rtol: Double = 0, _ make: ([ChunkedArray]) throws -> ChunkedArray) throws -> String? {
        let cpu = try make(inputs)
        let gpu = try make(inputs.map { try $0.toBackend(label) })
        guard gpu.backend == label else { return "the result's backend is \(gpu.backend)" }
        let result = try gpu.compute()
        guard result is CuArray else { return "compute() gave a \(type(of: result)), not a CuArray" }
        return Self.compare(try result.toNDArray(), try cpu.toHost(), rtol: rtol)
    }

    /// Creates with `make` under each backend and compares.
    func created(rtol: Double = 0, _ make: () throws -> ChunkedArray) throws -> String? {
        let cpu = try Config.set(["array.backend": "numpy"]) { try make() }
        let gpu = try Config.set(["array.backend": .string(label)]) { try make() }
        guard gpu.backend == label else { return "the array's backend is \(gpu.backend)" }
        return Self.compare(try gpu.toHost(), try cpu.toHost(), rtol: rtol)
    }

    /// Host inputs: uniform on [low, high) with uneven chunks.
    func uniform(_ shape: [Int], chunks: [Int], low: Double = 0, high: Double = 1, seed: UInt64, dtype: DType = .float64) throws
        -> ChunkedArray {
        try Config.set(["array.backend": "numpy"]) {
            try ChunkedArray.random.defaultRNG(seed: seed).uniform(low: low, high: high, shape: shape, chunks: .uniform(chunks),
                                                                   dtype: dtype)
        }
    }

    func integers(_ shape: [Int], chunks: [Int], low: Int, high: Int, seed: UInt64, dtype: DType = .int64) throws -> ChunkedArray {
        try Config.set(["array.backend": "numpy"]) {
            try ChunkedArray.random.defaultRNG(seed: seed).integers(low: low, high: high, shape: shape, chunks: .uniform(chunks),
                                                                    dtype: dtype)
        }
    }

    // MARK: - Checks

    /// Every check.
    public var all: [Check] { creation + elementwise + reductions + random + linearAlgebra + shapes + movement + failures }

    var creation: [Check] {
        [
            ("ones float64", { try created { try ChunkedArray.ones(shape: [37, 21], chunks: [10, 8]) } }),
            ("zeros int64", { try created { try ChunkedArray.zeros(shape: [1_000], chunks: [300], dtype: .int64) } }),
            ("empty float32 is zeros", { try created { try ChunkedArray.empty(shape: [5, 5], chunks: [2, 3], dtype: .float32) } }),
            ("full 7.5", { try created { try ChunkedArray.full(shape: [3, 4], fillValue: 7.5, chunks: [2, 2]) } }),
            ("full int8 wraps", { try created { try ChunkedArray.full(shape: [9], fillValue: 300, chunks: [4], dtype: .int8) } }),
            ("arange int", { try created { try ChunkedArray.arange(start: -5, stop: 1_000, step: 3, chunks: [64]) } }),
            ("arange float", { try created { try ChunkedArray.arange(start: 0.5, stop: 100.0, step: 0.3, chunks: [50]) } }),
            ("arange to float32", {
                try created { try ChunkedArray.arange(start: 0, stop: 100, step: 1, chunks: [30], dtype: .float32) }
            }),
        ]
    }

    var elementwise: [Check] {
        var checks: [Check] = [
            ("chain (a + 1) * b - a / 2, bit-identical", {
                try same([uniform([300, 200], chunks: [128, 64], seed: 1), uniform([300, 200], chunks: [128, 64], seed: 2)]) { x in
                    try (x[0] + 1) * x[1] - x[0] / 2
                }
            }),
            ("float32 chain, bit-identical", {
                try same([uniform([5_000], chunks: [999], seed: 3, dtype: .float32), uniform([5_000], chunks: [999], seed: 4, dtype: .float32)]) { x in
                    try (x[0] * 3 + x[1]) / 7 - x[0] * x[1]
                }
            }),
            ("where(a > 0.5, a, b)", {
                try same([uniform([1_000], chunks: [256], seed: 5), uniform([1_000], chunks: [256], seed: 6)]) { x in
                    try x[0].replacing(where: x[0] .> 0.5, with: x[1])
                }
            }),
            ("minimum, maximum, power (pow within a few ulps)", {
                try same([uniform([2_000], chunks: [700], low: -2, high: 2, seed: 7), uniform([2_000], chunks: [700], seed: 8)],
                         rtol: 2e-15) { x in
                    try x[0].minimum(x[1]) + x[0].maximum(x[1]).power(2.5) - x[1].power(3)
                }
            }),
            ("comparisons", {
                try same([uniform([2_000], chunks: [700], seed: 9), uniform([2_000], chunks: [700], seed: 10)]) { x in
                    try ((x[0] .< x[1]).astype(.int32) + (x[0] .> 0.3).astype(.int32) * 2 + (x[0] .== x[0]).astype(.int32) * 4)
                }
            }),
            ("int32 arithmetic wraps as NumPy's", {
                try same([integers([3_000], chunks: [1_000], low: -100_000, high: 100_000, seed: 11, dtype: .int32),
                          integers([3_000], chunks: [1_000], low: -100_000, high: 100_000, seed: 12, dtype: .int32)]) { x in
                    try x[0] * x[1] - x[0] + x[1].minimum(x[0]) * 3
                }
            }),
            ("int8 wrap-around", {
                try same([integers([500], chunks: [128], low: -128, high: 128, seed: 13, dtype: .int8)]) { x in try x[0] * 100 + 7 }
            }),
            ("uint64 max and comparisons", {
                try same([integers([500], chunks: [128], low: 0, high: Int.max, seed: 14).astype(.uint64),
                          integers([500], chunks: [128], low: 0, high: Int.max, seed: 15).astype(.uint64)]) { x in
                    try x[0].maximum(x[1])
                }
            }),
        ]
        checks.append(("logicalNot: NumPy's semantics for floats (NaN and fractions are true), the CPU's for integers", {
            var values = try uniform([4_000], chunks: [4_000], low: -3, high: 3, seed: 16).toHost().toArray(Double.self)
                .map { $0 > 0.5 ? 0 : $0 }     // some exact zeros
            values[7] = .nan
            let host = try NDArray(values)
            let floats = try ChunkedArray.fromBlocks(shape: [values.count], chunks: [1_500], dtype: .float64, backend: "numpy",
                                                     meta: NumPyEntrypoint.meta) { block in
                try host.slice([StridedRange(start: block.offset[0], count: block.shape[0])])
            }
            let gpu = try floats.toBackend(label).apply(.logicalNot).toHost()
            let expected = try NDArray(values.map { $0 == 0 })
            let integers = try same([integers([1_000], chunks: [400], low: -3, high: 3, seed: 17, dtype: .int16)]) { x in
                try x[0].apply(.logicalNot)
            }
            return Self.compare(gpu, expected) ?? integers
        }))
        for op in UnaryOperation.allCases where op != .logicalNot {
            let exact: Set<UnaryOperation> = [.negate, .abs, .sign, .sqrt, .floor, .ceil, .round, .isnan, .isfinite, .isinf]
            checks.append(("unary \(op.rawValue) float64\(exact.contains(op) ? ", bit-identical" : "")", {
                try same([uniform([4_000], chunks: [1_500], low: -3, high: 3, seed: 16)], rtol: exact.contains(op) ? 0 : 2e-15) { x in
                    try x[0].apply(op)
                }
            }))
            checks.append(("unary \(op.rawValue) int16 and float32", {
                try same([integers([1_000], chunks: [400], low: -50, high: 50, seed: 17, dtype: .int16),
                          uniform([1_000], chunks: [400], low: -3, high: 3, seed: 18, dtype: .float32)],
                         rtol: exact.contains(op) ? 0 : 5e-7) { x in
                    try x[0].apply(op).astype(.float64) + x[1].apply(op).astype(.float64)
                }
            }))
        }
        for target in DType.allCases {
            checks.append(("astype float64 -> \(target)", {
                try same([uniform([1_000], chunks: [333], low: -300, high: 300, seed: 19)]) { x in try x[0].astype(target) }
            }))
            checks.append(("astype int64 -> \(target)", {
                try same([integers([1_000], chunks: [333], low: -1_000_000, high: 1_000_000, seed: 20)]) { x in try x[0].astype(target) }
            }))
        }
        return checks
    }

    var reductions: [Check] {
        var checks: [Check] = []
        let operations: [(String, (ChunkedArray, Int?) throws -> ChunkedArray, Double)] = [
            ("sum", { try $0.sum(axis: $1) }, 1e-13), ("prod", { try $0.prod(axis: $1) }, 1e-13), ("min", { try $0.min(axis: $1) }, 0),
            ("max", { try $0.max(axis: $1) }, 0), ("mean", { try $0.mean(axis: $1) }, 1e-13), ("var", { try $0.var(axis: $1) }, 1e-12),
            ("std ddof=1", { try $0.std(axis: $1, ddof: 1) }, 1e-12), ("any", { try ($0 .> 0.9).any(axis: $1) }, 0),
            ("all", { try ($0 .> 0.01).all(axis: $1) }, 0),
        ]
        for (name, reduce, rtol) in operations {
            for axis in [nil, 0, 1] as [Int?] {
                checks.append(("\(name) float64 axis \(axis.map(String.init) ?? "all")", {
                    try same([uniform([257, 130], chunks: [100, 64], low: 0.99, high: 1.01, seed: 21)], rtol: rtol) { x in
                        try reduce(x[0], axis)
                    }
                }))
            }
            checks.append(("\(name) int32 axis all and 1", {
                let whole = try same([integers([300, 50], chunks: [128, 20], low: -1_000, high: 1_000, seed: 22, dtype: .int32)], rtol: rtol) {
                    x in try reduce(x[0].astype(.float64) / 1_000 + 1, nil)
                }
                let rows = try same([integers([300, 50], chunks: [128, 20], low: -1_000, high: 1_000, seed: 22, dtype: .int32)], rtol: rtol) {
                    x in name == "any" || name == "all" ? try reduce(x[0].astype(.float64), 1) : try reduce(x[0], 1)
                }
                return whole ?? rows
            }))
        }
        // The NaN-skipping and positional reductions, on values with NaN in some places (a whole
        // row of NaN too, where nanmin/nanmax give NaN), and ties for argmin/argmax.
        let nanOperations: [(String, (ChunkedArray, Int?) throws -> ChunkedArray, Double)] = [
            ("nansum", { try $0.nansum(axis: $1) }, 1e-13), ("nanprod", { try $0.nanprod(axis: $1) }, 1e-13),
            ("nanmin", { try $0.nanmin(axis: $1) }, 0), ("nanmax", { try $0.nanmax(axis: $1) }, 0),
            ("nanmean", { try $0.nanmean(axis: $1) }, 1e-13), ("nanvar", { try $0.nanvar(axis: $1) }, 1e-12),
            ("nanstd ddof=1", { try $0.nanstd(axis: $1, ddof: 1) }, 1e-12),
            ("argmin", { try $0.argmin(axis: $1) }, 0), ("argmax", { try $0.argmax(axis: $1) }, 0),
        ]
        for (name, reduce, rtol) in nanOperations {
            for axis in [nil, 0, 1] as [Int?] {
                checks.append(("\(name) float64 with NaN, axis \(axis.map(String.init) ?? "all")", {
                    var values = try uniform([257, 130], chunks: [257, 130], low: 0.99, high: 1.01, seed: 26).toHost().toArray(Double.self)
                    for i in stride(from: 3, to: values.count, by: 17) { values[i] = .nan }
                    for j in 0..<130 { values[40 * 130 + j] = .nan }      // row 40: all NaN
                    for i in stride(from: 5, to: values.count, by: 29) { values[i] = 1.0 }   // ties
                    let host = try NDArray(values, shape: [257, 130])
                    let withNaN = try ChunkedArray.fromBlocks(shape: [257, 130], chunks: [100, 64], dtype: .float64, backend: "numpy",
                                                              meta: NumPyEntrypoint.meta) { block in
                        try host.slice(zip(block.offset, block.shape).map { StridedRange(start: $0, count: $1) })
                    }
                    // argmin/argmax over all of a frame with NaN is the first NaN: use the rows without.
                    let input = name.hasPrefix("arg") && axis == nil ? try withNaN.nanmin(axis: 1) : withNaN
                    return try same([input], rtol: rtol) { x in try reduce(x[0], name.hasPrefix("arg") && axis == nil ? nil : axis) }
                }))
            }
            checks.append(("\(name) int32, axis all and 1", {
                let whole = try same([integers([300, 50], chunks: [128, 20], low: -1_000, high: 1_000, seed: 27, dtype: .int32)], rtol: rtol) {
                    x in try reduce(x[0], nil)
                }
                let rows = try same([integers([300, 50], chunks: [128, 20], low: -5, high: 5, seed: 28, dtype: .int32)], rtol: rtol) {
                    x in try reduce(x[0], 1)
                }
                return whole ?? rows
            }))
        }
        // The operations that run through the host for now (docs/gpu.md): still "cupy" chunks, same values.
        checks.append(("cumsum and nancumprod along each axis", {
            let cumsum = try same([uniform([120, 70], chunks: [50, 30], seed: 31)], rtol: 1e-13) { x in try x[0].cumsum(axis: 0) }
            let product = try same([uniform([120, 70], chunks: [50, 30], low: 0.9, high: 1.1, seed: 32)], rtol: 1e-13) { x in
                try x[0].nancumprod(axis: 1)
            }
            return cumsum ?? product
        }))
        checks.append(("sort along a one-chunk axis, take, boolean indexing, percentile along an axis", {
            let sorted = try same([uniform([60, 90], chunks: [20, 90], seed: 33)]) { x in try x[0].sorted(axis: 1) }
            let taken = try same([uniform([60, 90], chunks: [20, 45], seed: 34)]) { x in try x[0].take([5, 0, 89, 44, 45], axis: 1) }
            let mask = try uniform([500], chunks: [500], seed: 35).toHost().toArray(Double.self).map { $0 > 0.5 }
            let compressed = try same([uniform([500], chunks: [128], seed: 36)]) { x in try x[0].compress(where: NDArray(mask)) }
            let percentiles = try same([uniform([40, 200], chunks: [10, 200], seed: 37)], rtol: 1e-14) { x in
                try x[0].percentile([5, 50, 99.5], axis: 1)
            }
            return sorted ?? taken ?? compressed ?? percentiles
        }))
        checks.append(("unique", {
            let values = try integers([3_000], chunks: [700], low: -20, high: 20, seed: 38, dtype: .int32)
            let gpu = try values.toBackend(label).unique()
            return Self.compare(gpu, try values.unique())
        }))
        checks.append(("a transposed operand in a fused chain and its reduction", {
            try same([uniform([300, 200], chunks: [128, 64], seed: 29), uniform([200, 300], chunks: [64, 128], seed: 30)],
                     rtol: 1e-12) { x in try (x[0].transposed() + x[1] * 2).sum(axis: 0) }
        }))
        checks.append(("sum of a fused chain, one pass", {
            try same([uniform([1_000, 300], chunks: [256, 128], seed: 23), uniform([1_000, 300], chunks: [256, 128], seed: 24)],
                     rtol: 1e-12) { x in try ((x[0] + 1) * x[1] - x[0] / 2).sum() }
        }))
        checks.append(("sum of ones, exact", { try created { try ChunkedArray.ones(shape: [4_000, 3_000], chunks: [1_000, 1_000]).sum() } }))
        checks.append(("uint8 sum is uint64", {
            try same([integers([10_000], chunks: [3_000], low: 0, high: 256, seed: 25, dtype: .uint8)]) { x in try x[0].sum() }
        }))
        checks.append(("nannumel and numel (chunk level)", {
            let host = try NDArray([1.0, .nan, 3, .nan, 5, 6], shape: [2, 3])
            let gpu = try CuArray(host, on: device)
            let nonNaN = Self.compare(try gpu.nannumel(axes: [1], keepdims: false).toNDArray(),
                                      try host.nannumel(axes: [1], keepdims: false).toNDArray())
            let all = Self.compare(try gpu.numel(axes: [0], keepdims: true).toNDArray(), try host.numel(axes: [0], keepdims: true).toNDArray())
            return nonNaN ?? all
        }))
        return checks
    }

    var random: [Check] {
        func draw(_ body: @escaping (RandomGenerator) throws -> ChunkedArray, cpuChunks: Bool) throws -> (NDArray, NDArray) {
            let cpu = try Config.set(["array.backend": "numpy"]) { try body(ChunkedArray.random.defaultRNG(seed: 12_345)) }
            let gpu = try Config.set(["array.backend": .string(label)]) { try body(ChunkedArray.random.defaultRNG(seed: 12_345)) }
            return (try gpu.toHost(), try cpu.toHost())
        }
        return [
            ("uniform float64, bit-identical, chunking-independent", {
                let (g, c) = try draw({ try $0.uniform(low: -2, high: 5, shape: [300, 301], chunks: [128, 77]) }, cpuChunks: true)
                return Self.compare(g, c)
            }),
            ("uniform float32, bit-identical", {
                let (g, c) = try draw({ try $0.random(shape: [100_003], chunks: [40_000], dtype: .float32) }, cpuChunks: true)
                return Self.compare(g, c)
            }),
            ("integers, bit-identical", {
                let (g, c) = try draw({ try $0.integers(low: -5, high: 995, shape: [200_000], chunks: [65_536]) }, cpuChunks: true)
                return Self.compare(g, c)
            }),
            ("integers int8 over a huge span", {
                let (g, c) = try draw({ try $0.integers(low: Int.min / 2, high: Int.max / 2, shape: [5_000], chunks: [999], dtype: .int8) },
                                      cpuChunks: true)
                return Self.compare(g, c)
            }),
            ("standard normal float64: fast path bit-identical, the rest within 1e-15", {
                let (g, c) = try draw({ try $0.standardNormal(shape: [1_000, 1_000], chunks: [300, 1_000]) }, cpuChunks: true)
                let (gv, cv) = (g.toArray(Double.self), c.toArray(Double.self))
                let equal = zip(gv, cv).filter { $0 == $1 }.count
                guard Double(equal) >= 0.98 * Double(gv.count) else { return "only \(equal) of \(gv.count) bit-identical" }
                return Self.compare(g, c, rtol: 1e-15)
            }),
            ("normal float32 loc 3 scale 2", {
                let (g, c) = try draw({ try $0.normal(loc: 3, scale: 2, shape: [100_000], chunks: [33_333], dtype: .float32) },
                                      cpuChunks: true)
                return Self.compare(g, c, rtol: 2.4e-7)
            }),
        ]
    }

    var linearAlgebra: [Check] {
        var checks: [Check] = []
        let noBLAS = "cupy-tiled"
        if let device = try? CUDADevice.open(paths: CUDALibraryPaths(driver: paths.driver, nvrtc: paths.nvrtc, cublas: "none")),
           let tiled = try? CuPyEntrypoint(device: device, label: noBLAS) {
            ChunkedArray.backends.register(tiled, as: noBLAS)
        }
        let backends = ChunkedArray.backends.labels.contains(noBLAS) && device.blas != nil
            ? [("cuBLAS", label), ("tiled kernel", noBLAS)] : [(device.blas == nil ? "tiled kernel" : "cuBLAS", label)]
        for (name, backend) in backends {
            let checker = GPUChecks(label: backend, device: device, paths: paths)
            checks.append(("matmul float64 (\(name))", {
                try checker.same([uniform([300, 200], chunks: [128, 200], seed: 30), uniform([200, 170], chunks: [200, 64], seed: 31)],
                                 rtol: 1e-12) { x in try x[0].matmul(x[1]) }
            }))
            checks.append(("matmul float32 (\(name))", {
                try checker.same([uniform([130, 77], chunks: [64, 77], seed: 32, dtype: .float32),
                                  uniform([77, 90], chunks: [77, 45], seed: 33, dtype: .float32)], rtol: 1e-5) { x in try x[0].matmul(x[1]) }
            }))
            checks.append(("matmul int32 (\(name))", {
                try checker.same([integers([40, 30], chunks: [16, 30], low: -9, high: 10, seed: 34, dtype: .int32),
                                  integers([30, 20], chunks: [30, 8], low: -9, high: 10, seed: 35, dtype: .int32)]) { x in
                    try x[0].matmul(x[1])
                }
            }))
        }
        checks.append(("tensordot axes=1 and n @ n.T", {
            try same([uniform([120, 80], chunks: [50, 80], seed: 36)], rtol: 1e-12) { x in
                try x[0].tensordot(x[0].transposed(), axes: 1) + x[0].matmul(x[0].transposed())
            }
        }))
        return checks
    }

    var shapes: [Check] {
        [
            ("concatenate axis 0 and 1", {
                try same([uniform([50, 30], chunks: [20, 16], seed: 40), uniform([50, 30], chunks: [20, 16], seed: 41)]) { x in
                    try ChunkedArray.concatenate([ChunkedArray.concatenate([x[0], x[1]], axis: 0),
                                                  ChunkedArray.concatenate([x[1], x[0]], axis: 0)], axis: 1)
                }
            }),
            ("slicing", { try same([uniform([100, 40], chunks: [30, 16], seed: 42)]) { x in try x[0][3..<70, 5..<39] } }),
            ("transpose", { try same([uniform([33, 17, 5], chunks: [10, 8, 5], seed: 43)]) { x in try x[0].transposed([2, 0, 1]) } }),
            ("rechunk", { try same([uniform([100, 100], chunks: [30, 30], seed: 44)]) { x in try x[0].rechunk([17, 45]) } }),
            ("strided and negative-step slices, reshape (chunk level)", {
                let host = try NDArray((0..<120).map(Double.init), shape: [4, 5, 6])
                let gpu = try CuArray(host, on: device)
                let ranges = [StridedRange(start: 3, count: 2, step: -2), .all(5), StridedRange(start: 1, count: 3, step: 2)]
                let sliced = Self.compare(try gpu.slice(ranges).toNDArray(), try host.slice(ranges).toNDArray())
                let reshaped = Self.compare(try gpu.reshaped([10, 12]).toNDArray(), try host.reshaped([10, 12]).toNDArray())
                return sliced ?? reshaped
            }),
            ("percentile (chunk level)", {
                let host = try uniform([10_001], chunks: [10_001], seed: 45).toHost()
                return Self.compare(try CuArray(host, on: device).percentile([0, 12.5, 50, 99, 100]).toNDArray(),
                                    try host.percentile([0, 12.5, 50, 99, 100]).toNDArray())
            }),
        ]
    }

    var movement: [Check] {
        [
            ("toBackend numpy -> cupy -> numpy", {
                let x = try uniform([77, 13], chunks: [20, 13], seed: 50)
                let there = try x.toBackend(label)
                let back = try there.toBackend("numpy")
                guard there.backend == label, back.backend == "numpy", try there.compute() is CuArray else { return "wrong backends" }
                return Self.compare(try back.toHost(), try x.toHost())
            }),
        ]
    }

    var failures: [Check] {
        [
            ("out of device memory is a thrown error, and the device works after", {
                let huge = 1 << 46   // 64 TiB of bytes: more than any GPU holds
                do {
                    _ = try CuArray(NDArray(zeros: [0]), on: device).empty(shape: [huge / 8], dtype: .float64)
                    return "an allocation of 64 TiB succeeded"
                } catch let error as CUDAError where error.code == .outOfMemory {
                    return try created { try ChunkedArray.ones(shape: [10], chunks: [5]).sum() }
                }
            }),
        ]
    }
}
