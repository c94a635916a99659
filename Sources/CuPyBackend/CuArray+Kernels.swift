import Backends
import CUDARuntime
import NumPyBackend

extension CuArray {
    /// The grid-stride launch over `count` elements on this array's device.
    func elementwiseLaunch(_ count: Int) -> LaunchConfiguration {
        .elementwise(count: count, multiprocessors: device.multiprocessorCount)
    }

    /// `chunk` as an array on this device: itself, or a copy through host memory.
    func onDevice(_ chunk: any ArrayChunk) throws -> CuArray {
        if let array = chunk as? CuArray, array.device === device { return array }
        return try CuArray(chunk.toNDArray(), on: device)
    }

    /// Elements gathered through an index map: `out[i] = self[base + offset(map, i)]`.
    func gathered(shape outShape: [Int], strides: [Int], base: Int, stream: CUDAStream) throws -> CuArray {
        let out = try CuArray.uninitialized(shape: outShape, dtype: dtype, on: device)
        let n = out.count
        guard n > 0 else { return out }
        let map = try TesseraIndex(extents: outShape, strides: strides)
        var arguments = KernelArguments()
        arguments.append(Int64(n))
        arguments.append(out.pointer)
        arguments.append(pointer)
        arguments.appendStruct(map.fields)
        arguments.append(Int64(base))
        try device.launch("tessera_gather_\(dtype.itemSize)", in: CoreKernels.source, configuration: elementwiseLaunch(n),
                          arguments: arguments, stream: stream)
        return out
    }

    /// This array repeated along its length-1 axes to `target` (NumPy's broadcasting), or itself
    /// when it already has that shape or one element.
    func expanded(to target: [Int], stream: CUDAStream) throws -> CuArray {
        if shape == target || count == 1 { return self }
        guard try NDArray.broadcastShape(shape, target) == target else {
            throw ShapeError.incompatible(operation: "broadcast", shapes: [shape, target])
        }
        let padded = [Int](repeating: 1, count: target.count - shape.count) + shape
        let strides = zip(TesseraIndex.strides(padded), padded).map { $1 == 1 ? 0 : $0 }
        let result = try gathered(shape: target, strides: strides, base: 0, stream: stream)
        stream.hold(result.buffer)
        return result
    }

    /// Evaluates `expression` over `operands` (each of `shape` or one element) on `stream`.
    static func evaluate(_ expression: ElementwiseExpression, operands: [CuArray], shape: [Int], on device: CUDADevice,
                         stream: CUDAStream) throws -> CuArray {
        let out = try CuArray.uninitialized(shape: shape, dtype: expression.dtype, on: device)
        let n = out.count
        guard n > 0 else { return out }
        let generator = ElementwiseKernelGenerator(
            expression, inputs: operands.map { .init(dtype: $0.dtype, isScalar: $0.count == 1 && n > 1) })
        var arguments = KernelArguments()
        arguments.append(Int64(n))
        arguments.append(out.pointer)
        for operand in operands { arguments.append(operand.pointer) }
        for constant in generator.constants {
            switch constant {
            case let .double(value): arguments.append(value)
            case let .integer(value): arguments.append(value)
            }
        }
        try device.launch("tessera_elementwise", in: generator.elementwiseSource(), configuration: out.elementwiseLaunch(n),
                          arguments: arguments, stream: stream)
        return out
    }

    /// This array converted to `target` (itself if it already is), on `stream`.
    func converted(to target: DType, stream: CUDAStream) throws -> CuArray {
        if target == dtype { return self }
        let result = try CuArray.evaluate(.cast(.input(0, dtype), target), operands: [self], shape: shape, on: device,
                                          stream: stream)
        stream.hold(result.buffer)
        return result
    }

    /// An array of `shape` with every element `value` stored as `dtype`, as the CPU fills one.
    static func filled(_ value: ScalarValue, shape: [Int], dtype: DType, on device: CUDADevice) throws -> CuArray {
        let out = try CuArray.uninitialized(shape: shape, dtype: dtype, on: device)
        let n = out.count
        guard n > 0 else { return out }
        // The element's bits, exactly as the host backend stores the value.
        let element = NDArray(filled: value, shape: [1], dtype: dtype)
        var pattern: UInt64 = 0
        withUnsafeMutableBytes(of: &pattern) { $0.copyMemory(from: UnsafeRawBufferPointer(start: element.storage.bytes,
                                                                                               count: dtype.itemSize)) }
        try device.perform { stream in
            var arguments = KernelArguments()
            arguments.append(Int64(n))
            arguments.append(out.pointer)
            arguments.append(pattern)
            try device.launch("tessera_fill_\(dtype.itemSize)", in: CoreKernels.source, configuration: out.elementwiseLaunch(n),
                              arguments: arguments, stream: stream)
        }
        return out
    }
}
