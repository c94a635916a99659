import Backends
import CUDARuntime
import NumPyBackend

extension CuArray {
    /// What a random block holds.
    public enum RandomFill: Sendable, Hashable {
        /// Uniform on `[low, high)`.
        case uniform(low: Double, high: Double)
        /// Normal with mean `loc` and standard deviation `scale`.
        case normal(loc: Double, scale: Double)
        /// Integers uniform on `[low, high)`.
        case integers(low: Int64, high: Int64)
    }

    /// A block of a random array, filled on the device from the counter-based stream
    /// `(seed, stream)`: element `i` of the block is element `offset + i` (in the whole array's
    /// row-major order) of the stream, so the values match the "numpy" backend's for any chunking.
    ///
    /// - Parameters:
    ///   - shape: The block's shape.
    ///   - offset: The block's first index along each axis.
    ///   - arrayShape: The whole array's shape.
    ///   - dtype: The element type (float32 or float64 for uniforms and normals, an integer type
    ///     for integers).
    public static func random(_ fill: RandomFill, seed: UInt64, stream streamNumber: UInt64, shape: [Int], offset: [Int],
                              arrayShape: [Int], dtype: DType, on device: CUDADevice) throws -> CuArray {
        let storage: DType
        switch fill {
        case .integers: storage = .int64
        case .uniform, .normal: storage = dtype == .float32 ? .float32 : .float64
        }
        let out = try CuArray.uninitialized(shape: shape, dtype: storage, on: device)
        let n = out.count
        if n > 0 {
            let arrayStrides = TesseraIndex.strides(arrayShape)
            let base = zip(offset, arrayStrides).reduce(0) { $0 + $1.0 * $1.1 }
            let map = try TesseraIndex(extents: shape, strides: Array(arrayStrides.suffix(shape.count)))
            try device.perform { stream in
                var arguments = KernelArguments()
                arguments.append(Int64(n))
                arguments.append(out.pointer)
                arguments.appendStruct(map.fields)
                arguments.append(Int64(base))
                arguments.append(seed)
                arguments.append(streamNumber)
                let kernel: String
                switch fill {
                case let .uniform(low, high):
                    let affine: Int32 = low != 0 || high != 1 ? 1 : 0
                    if storage == .float32 {
                        kernel = "tessera_random_uniform_f32"
                        arguments.append(Float(high - low))
                        arguments.append(Float(low))
                    } else {
                        kernel = "tessera_random_uniform_f64"
                        arguments.append(high - low)
                        arguments.append(low)
                    }
                    arguments.append(affine)
                case let .normal(loc, scale):
                    let affine: Int32 = loc != 0 || scale != 1 ? 1 : 0
                    if storage == .float32 {
                        kernel = "tessera_random_normal_f32"
                        arguments.append(Float(scale))
                        arguments.append(Float(loc))
                    } else {
                        kernel = "tessera_random_normal_f64"
                        arguments.append(scale)
                        arguments.append(loc)
                    }
                    arguments.append(affine)
                case let .integers(low, high):
                    kernel = "tessera_random_integers"
                    let span = UInt64(bitPattern: high &- low)
                    arguments.append(low)
                    arguments.append(span)
                    arguments.append(span == 0 ? UInt64(0) : (0 &- span) % span)
                }
                try device.launch(kernel, in: RandomKernels.source, configuration: out.elementwiseLaunch(n), arguments: arguments,
                                  stream: stream)
            }
        }
        guard storage != dtype, let converted = try out.astype(dtype) as? CuArray else { return out }
        return converted
    }

    /// `start + (first + i) * step` for `i` in `0..<count`, converted to `dtype` (integer
    /// arithmetic when all three numbers are integers, double otherwise, as the "numpy" backend).
    public static func arange(start: ScalarValue, step: ScalarValue, first: Int, count: Int, dtype: DType,
                              on device: CUDADevice) throws -> CuArray {
        let integral = [start, step].allSatisfy { if case .double = $0 { false } else { true } }
        let out = try CuArray.uninitialized(shape: [count], dtype: integral ? .int64 : .float64, on: device)
        if count > 0 {
            try device.perform { stream in
                var arguments = KernelArguments()
                arguments.append(Int64(count))
                arguments.append(out.pointer)
                if integral {
                    arguments.append(start.int64Value)
                    arguments.append(step.int64Value)
                } else {
                    arguments.append(start.doubleValue)
                    arguments.append(step.doubleValue)
                }
                arguments.append(Int64(first))
                try device.launch(integral ? "tessera_arange_i64" : "tessera_arange_f64", in: CoreKernels.source,
                                  configuration: out.elementwiseLaunch(count), arguments: arguments, stream: stream)
            }
        }
        guard out.dtype != dtype, let converted = try out.astype(dtype) as? CuArray else { return out }
        return converted
    }
}
