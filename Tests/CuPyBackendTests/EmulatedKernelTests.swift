import Backends
import CUDARuntime
import CUDATestSupport
import NumPyBackend
import Testing
@testable import CuPyBackend

/// The generated and fixed kernels run on the CPU emulator (the kernel sources compiled with the
/// host C++ compiler, each CUDA thread a coroutine) and compared with the "numpy" backend on the
/// same inputs. Arithmetic, conversions, integer results and random numbers must match bit for
/// bit (the emulator uses glibc's math, as the CPU backend does); floating-point sums, whose order
/// differs, to rounding.
@Suite("Kernels on the CPU emulator against numpy",
       .enabled(if: EmulatedDriver.device != nil, "no C++ compiler (c++) for the CUDA emulator"))
struct EmulatedKernelTests {
    let device = EmulatedDriver.device!

    /// Host inputs of several dtypes: `a` float64 in [-3, 3), `b` float32, `c` int32, `d` uint8, `e` bool.
    static func inputs(_ n: Int, seed: UInt64 = 1) throws -> [NDArray] {
        let stream = CounterRandomStream(seed: seed, stream: 0)
        var a = [Double](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { stream.fillUniform($0, start: 0) }
        a = a.map { $0 * 6 - 3 }
        if n > 3 { a[1] = .nan; a[2] = .infinity; a[3] = -0.0 }
        let b = a.map { Float($0 * 0.7) }
        let c = a.map { Int32(truncatingIfNeeded: Int64(($0.isFinite ? $0 : 0) * 1_000_000)) }
        let d = a.map { UInt8(truncatingIfNeeded: Int64(($0.isFinite ? $0 : 0) * 100)) }
        let e = a.map { $0 > 0 }
        return [try NDArray(a), try NDArray(b), try NDArray(c), try NDArray(d), try NDArray(e)]
    }

    static func same(_ gpu: NDArray, _ cpu: NDArray, rtol: Double = 0) -> String? {
        guard gpu.shape == cpu.shape, gpu.dtype == cpu.dtype else { return "\(gpu.shape) \(gpu.dtype) vs \(cpu.shape) \(cpu.dtype)" }
        let (g, c) = (gpu.toArray(Double.self), cpu.toArray(Double.self))
        if !gpu.dtype.isFloatingPoint || rtol == 0 {
            let (gb, cb) = gpu.dtype.isFloatingPoint ? (g.map(\.bitPattern), c.map(\.bitPattern))
                : (gpu.toArray(Int64.self).map { UInt64(bitPattern: $0) }, cpu.toArray(Int64.self).map { UInt64(bitPattern: $0) })
            if let k = gb.indices.first(where: { gb[$0] != cb[$0] && !(g[$0].isNaN && c[$0].isNaN) }) {
                return "element \(k): \(g[k]) vs \(c[k])"
            }
            return nil
        }
        for k in g.indices where !(g[k] == c[k] || (g[k].isNaN && c[k].isNaN) || Swift.abs(g[k] - c[k]) <= rtol * Swift.abs(c[k])) {
            return "element \(k): \(g[k]) vs \(c[k])"
        }
        return nil
    }

    private func evaluate(_ expression: ElementwiseExpression, _ hosts: [NDArray]) throws -> String? {
        let shape = hosts.map(\.shape).max { $0.reduce(1, *) < $1.reduce(1, *) } ?? []
        let gpu = try CuArray(NDArray(zeros: [0]), on: device).evaluate(expression, inputs: hosts.map { try CuArray($0, on: device) }, shape: shape)
        return Self.same(try gpu.toNDArray(), try NDArray.evaluate(expression, inputs: hosts, shape: shape))
    }

    @Test("A fused chain with a broadcast scalar, bit for bit")
    func chain() throws {
        let hosts = try Self.inputs(3_000)
        let x = ElementwiseExpression.input(0, .float64), y = ElementwiseExpression.input(1, .float64)
        let chain = ElementwiseExpression.binary(.subtract, .binary(.multiply, .binary(.add, x, .constant(.double(1), .float64)), y),
                                                 .binary(.divide, x, .constant(.double(2), .float64)))
        #expect(try evaluate(chain, [hosts[0], NDArray(scalar: 2.5)]) == nil)
        #expect(try evaluate(.select(.binary(.greater, x, .constant(.double(0), .float64)), chain, x), [hosts[0], hosts[0]]) == nil)
    }

    @Test("Every unary operation on float64, int32 and bool operands, bit for bit", arguments: UnaryOperation.allCases)
    func unary(_ op: UnaryOperation) throws {
        let hosts = try Self.inputs(2_000)
        let f = ElementwiseExpression.cast(.unary(op, .input(0, .float64)), .float64)
        let i = ElementwiseExpression.cast(.unary(op, .input(1, .int32)), .float64)
        let b = ElementwiseExpression.cast(.unary(op, .input(2, .bool)), .float64)
        let g = ElementwiseExpression.cast(.unary(op, .input(3, .float32)), .float64)
        for expression in [f, i, b, g] {
            // logicalNot of a float is NumPy's `x == 0` on both (NaN and 0.5 are true, so `not` is false).
            let problem = try evaluate(expression, [hosts[0], hosts[2], hosts[4], hosts[1]])
            #expect(problem == nil, "\(op) \(expression.formula): \(problem ?? "")")
        }
    }

    @Test("Every binary operation on float, signed, unsigned, boolean and mixed operands, bit for bit", arguments: BinaryOperation.allCases)
    func binary(_ op: BinaryOperation) throws {
        let hosts = try Self.inputs(2_000)
        let reversed = try NDArray(Array(hosts[0].toArray(Double.self).reversed()))
        let pairs: [(ElementwiseExpression, ElementwiseExpression)] = [
            (.input(0, .float64), .input(1, .float64)), (.input(2, .int32), .input(3, .int32)), (.input(4, .uint8), .input(5, .uint8)),
            (.input(6, .bool), .input(7, .bool)), (.input(3, .int32), .input(8, .float32)), (.input(0, .float64), .constant(.int(2), .float64)),
        ]
        // NumPy refuses integers to negative integer powers (an error, not a value): exponents are
        // made non-negative for `power`.
        let exponents = op == .power ? try NDArray(hosts[2].toArray(Int64.self).map { abs($0) % 7 }).converted(to: .int32) : hosts[2]
        let operands = [hosts[0], reversed, hosts[2], try exponents.converted(to: .int32).reversedCopy(), hosts[3],
                        try hosts[3].reversedCopy(), hosts[4], try hosts[4].reversedCopy(), hosts[1]]
        for (x, y) in pairs {
            let expression = ElementwiseExpression.binary(op, x, y)
            let problem = try evaluate(expression, operands)
            #expect(problem == nil, "\(expression.formula) (\(x.dtype), \(y.dtype)): \(problem ?? "")")
        }
    }

    @Test("Every conversion from float64, int32, uint8 and bool, bit for bit", arguments: DType.allCases)
    func casts(_ target: DType) throws {
        let hosts = try Self.inputs(2_000)
        let scaled = try NDArray(hosts[0].toArray(Double.self).map { $0 * 1e6 })
        for (index, source) in [(0, DType.float64), (1, .float32), (2, .int32), (3, .uint8), (4, .bool)] {
            let problem = try evaluate(.cast(.input(index, source), target), [scaled, hosts[1], hosts[2], hosts[3], hosts[4]])
            #expect(problem == nil, "\(source) -> \(target): \(problem ?? "")")
        }
    }

    private func reduce(_ host: NDArray, _ operation: ReductionOperation, axes: [Int]) throws -> (NDArray, NDArray) {
        let gpu = try CuArray(host, on: device)
        let split = host.shape[0] / 3
        // Partials of two row ranges, combined, then finished: the tree a collection builds.
        func partials(_ chunk: any ArrayChunk) throws -> (ReductionPartial, ReductionPartial) {
            let top = try chunk.slice([StridedRange(start: 0, count: split)] + host.shape.dropFirst().map { .all($0) })
            let rest = try chunk.slice([StridedRange(start: split, count: host.shape[0] - split)] + host.shape.dropFirst().map { .all($0) })
            return (try chunk.evaluateAndReduce(.input(0, host.dtype), inputs: [top], shape: top.shape, operation: operation, axes: axes),
                    try chunk.evaluateAndReduce(.input(0, host.dtype), inputs: [rest], shape: rest.shape, operation: operation, axes: axes))
        }
        let (ga, gb) = try partials(gpu)
        let (ca, cb) = try partials(host)
        let gpuPartial = axes.contains(0) ? try gpu.combine(ga, gb, operation: operation) : ga
        let cpuPartial = axes.contains(0) ? try host.combine(ca, cb, operation: operation) : ca
        return (try gpu.finalize(gpuPartial, operation: operation, inputType: host.dtype, ddof: 1).toNDArray(),
                try host.finalize(cpuPartial, operation: operation, inputType: host.dtype, ddof: 1).toNDArray())
    }

    @Test("Every reduction over every axis, through partials, combine and finalize", arguments: ReductionOperation.allCases)
    func reductions(_ operation: ReductionOperation) throws {
        let hosts = try Self.inputs(300 * 200, seed: 7)
        var values = hosts[0].toArray(Double.self)
        values[1] = 0.5; values[2] = 1.5; values[3] = 2.5     // no NaN or infinity here: sums are compared to rounding
        let floats = try NDArray(values.map { 1 + $0 / 300 }, shape: [300, 200])
        let integers = try hosts[2].reshaped([300, 200]).toNDArray()
        let bytes = try hosts[3].reshaped([300, 200]).toNDArray()
        let flags = try hosts[4].reshaped([300, 200]).toNDArray()
        for (name, host) in [("float64", floats), ("int32", integers), ("uint8", bytes), ("bool", flags)] {
            for axes in [[0, 1], [0], [1]] {
                let (gpu, cpu) = try reduce(host, operation, axes: axes)
                // Sums in another order agree to rounding; moments (Welford per thread, Chan across)
                // to a few more ulps than a two-pass sum.
                let rtol = operation.usesMoments ? 1e-12 : (host.dtype.isFloatingPoint ? 1e-13 : 0)
                let problem = Self.same(gpu, cpu, rtol: rtol)
                #expect(problem == nil, "\(operation.rawValue) of \(name) over \(axes): \(problem ?? "")")
            }
        }
    }

    @Test("Random blocks are the CPU's streams bit for bit: uniforms, normals (glibc math on both sides), integers")
    func random() throws {
        let arrayShape = [100, 80], shape = [37, 50], offset = [3, 10]
        let generator = CounterRandomStream(seed: 0x1234_5678_9ABC_DEF0, stream: 7)
        func reference<T: NDArrayElement>(_: T.Type, _ fill: (UnsafeMutableBufferPointer<T>, Int) -> Void) throws -> NDArray {
            var out = [T]()
            for row in 0..<shape[0] {
                var part = [T](repeating: T(convertingFrom: 0.0), count: shape[1])
                part.withUnsafeMutableBufferPointer { fill($0, (offset[0] + row) * arrayShape[1] + offset[1]) }
                out += part
            }
            return try NDArray(out, shape: shape)
        }
        func draw(_ fill: CuArray.RandomFill, _ dtype: DType) throws -> NDArray {
            try CuArray.random(fill, seed: generator.seed, stream: generator.stream, shape: shape, offset: offset, arrayShape: arrayShape,
                               dtype: dtype, on: device).toNDArray()
        }
        #expect(Self.same(try draw(.uniform(low: 0, high: 1), .float64), try reference(Double.self) { generator.fillUniform($0, start: $1) }) == nil)
        #expect(Self.same(try draw(.uniform(low: 0, high: 1), .float32), try reference(Float.self) { generator.fillUniform($0, start: $1) }) == nil)
        #expect(Self.same(try draw(.normal(loc: 0, scale: 1), .float64),
                          try reference(Double.self) { generator.fillStandardNormal($0, start: $1) }) == nil)
        #expect(Self.same(try draw(.normal(loc: 0, scale: 1), .float32),
                          try reference(Float.self) { generator.fillStandardNormal($0, start: $1) }) == nil)
        #expect(Self.same(try draw(.integers(low: -5, high: 995), .int64),
                          try reference(Int64.self) { generator.fillIntegers($0, low: -5, high: 995, start: $1) }) == nil)
        // Affine forms, as the CPU applies them.
        let scaled = try reference(Double.self) { generator.fillUniform($0, start: $1) }.toArray(Double.self).map { $0 * 7 + -2 }
        #expect(Self.same(try draw(.uniform(low: -2, high: 5), .float64), try NDArray(scaled, shape: shape)) == nil)
    }

    @Test("Golden values of docs/random-streams.md, including tail draws")
    func golden() throws {
        let words = try CuArray.random(.normal(loc: 0, scale: 1), seed: 0x1234_5678_9ABC_DEF0, stream: 7, shape: [5], offset: [0],
                                       arrayShape: [5], dtype: .float64, on: device).toNDArray().toArray(Double.self)
        #expect(words == [0x1.1beb03e73276ep-3, -0x1.5ab9b089f648cp-4, 0x1.95e235789432fp-1, -0x1.f439ad39cbdf4p-6, -0x1.3ee78af04fae3p-1])
        let tails = try CuArray.random(.normal(loc: 0, scale: 1), seed: 99, stream: 5, shape: [11_737], offset: [0], arrayShape: [11_737],
                                       dtype: .float64, on: device).toNDArray().toArray(Double.self)
        #expect([tails[1_569], tails[5_040], tails[9_909], tails[11_736]]
            == [0x1.de676ee60d054p+1, 0x1.e880d65639af6p+1, -0x1.e97e3f1843d9ep+1, -0x1.ee7fc3ebbfa8bp+1])
        let integers = try CuArray.random(.integers(low: -5, high: 995), seed: 0x1234_5678_9ABC_DEF0, stream: 7, shape: [5], offset: [0],
                                          arrayShape: [5], dtype: .int64, on: device).toNDArray().toArray(Int64.self)
        #expect(integers == [159, 12, 432, 372, 675])
    }

    @Test("Slices, transposes, broadcasts, concatenation, fills, arange and the tiled matmul")
    func coreKernels() throws {
        let host = try NDArray((0..<120).map(Double.init), shape: [4, 5, 6])
        let gpu = try CuArray(host, on: device)
        let ranges = [StridedRange(start: 3, count: 2, step: -2), .all(5), StridedRange(start: 1, count: 3, step: 2)]
        #expect(Self.same(try gpu.slice(ranges).toNDArray(), try host.slice(ranges).toNDArray()) == nil)
        #expect(Self.same(try gpu.transposed([2, 0, 1]).toNDArray(), try host.transposed([2, 0, 1]).toNDArray()) == nil)
        let row = try NDArray([1.0, 2, 3, 4, 5, 6], shape: [1, 6])
        let broadcast = ElementwiseExpression.binary(.add, .input(0, .float64), .input(1, .float64))
        #expect(Self.same(try gpu.evaluate(broadcast, inputs: [gpu, CuArray(row, on: device)], shape: [4, 5, 6]).toNDArray(),
                          try NDArray.evaluate(broadcast, inputs: [host, row], shape: [4, 5, 6])) == nil)
        let small = try NDArray([Int32](1...8), shape: [2, 4])
        let a = try CuArray(small, on: device), b = try CuArray(try small.converted(to: .uint8), on: device)
        #expect(Self.same(try a.concatenate([a, b, a], axis: 1).toNDArray(), try small.concatenate([small, small.converted(to: .uint8), small], axis: 1).toNDArray()) == nil)
        #expect(Self.same(try a.concatenate([a, b], axis: 0).toNDArray(), try small.concatenate([small, small.converted(to: .uint8)], axis: 0).toNDArray()) == nil)
        for dtype in DType.allCases {
            #expect(Self.same(try gpu.full(shape: [7], value: .double(-2.5), dtype: dtype).toNDArray(),
                              try host.full(shape: [7], value: .double(-2.5), dtype: dtype).toNDArray()) == nil)
        }
        #expect(try CuArray.arange(start: .int(-5), step: .int(3), first: 10, count: 6, dtype: .int16, on: device).toNDArray().toArray(Int64.self)
            == [25, 28, 31, 34, 37, 40])
        #expect(try CuArray.arange(start: .double(0.5), step: .double(0.1), first: 2, count: 3, dtype: .float64, on: device).toNDArray()
            .toArray(Double.self) == [0.5 + 2 * 0.1, 0.5 + 3 * 0.1, 0.5 + 4 * 0.1])
        let left = try NDArray((0..<35).map { Double($0) / 7 }, shape: [5, 7])
        let right = try NDArray((0..<63).map { Double($0 % 11) - 5 }, shape: [7, 9])
        for dtype in [DType.float64, .float32, .int32] {
            let l = try left.converted(to: dtype), r = try right.converted(to: dtype)
            let product = try gpu.tensordot(CuArray(l, on: device), CuArray(r, on: device), axes: ([1], [0])).toNDArray()
            #expect(Self.same(product, try host.tensordot(l, r, axes: ([1], [0])).toNDArray(), rtol: dtype == .float32 ? 1e-6 : 1e-14) == nil)
        }
        #expect(Self.same(try gpu.percentile([10, 50, 90]).toNDArray(), try host.percentile([10, 50, 90]).toNDArray()) == nil)
    }
}

/// The matrix product through the cuBLAS code path, against a stub cuBLAS (a plain column-major
/// GEMM in C): checks the row-major to column-major mapping of `CUBLAS.gemm` without a GPU.
@Suite("Matmul through the cuBLAS path (stub cuBLAS on the emulator)",
       .enabled(if: EmulatedCompiler.isAvailable && StubBLAS.path != nil, "no C or C++ compiler for the emulator and the stub"))
struct CUBLASMappingTests {
    @Test("Row-major products of non-square matrices, float64 and float32, match numpy", arguments: [DType.float64, .float32, .int16])
    func products(_ dtype: DType) throws {
        let path = try #require(StubBLAS.path)
        let blas = try #require(CUBLAS(candidates: [path]))
        let device = try CUDADevice(driver: EmulatedDriver(), compiler: EmulatedCompiler(), compilerDescription: "emulator", blas: blas)
        let left = try NDArray((0..<35).map { Double($0 % 9) - 4 }, shape: [5, 7]).converted(to: dtype)
        let right = try NDArray((0..<63).map { Double($0 % 11) - 5 }, shape: [7, 9]).converted(to: dtype)
        let product = try CuArray.matmul(CuArray(left, on: device), CuArray(right, on: device)).toNDArray()
        let expected = try left.tensordot(left, right, axes: ([1], [0])).toNDArray()
        #expect(product.shape == [5, 9] && product.dtype == dtype)
        #expect(EmulatedKernelTests.same(product, expected) == nil)
        // An empty contraction is zeros, without calling cuBLAS.
        let empty = try CuArray.matmul(CuArray(NDArray(zeros: [3, 0], dtype: dtype), on: device),
                                       CuArray(NDArray(zeros: [0, 4], dtype: dtype), on: device)).toNDArray()
        #expect(empty.toArray(Double.self) == [Double](repeating: 0, count: 12))
    }
}

extension NDArray {
    /// The elements in reverse order (another operand with the same values).
    fileprivate func reversedCopy() throws -> NDArray {
        switch dtype {
        case .int32: try NDArray(Array(toArray(Int32.self).reversed()), shape: shape)
        case .uint8: try NDArray(Array(toArray(UInt8.self).reversed()), shape: shape)
        case .bool: try NDArray(Array(toArray(Bool.self).reversed()), shape: shape)
        default: try NDArray(Array(toArray(Double.self).reversed()), shape: shape)
        }
    }
}
