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

extension CuArray {
    /// `expression` with every permuted operand (``ElementwiseExpression/permutedInput(_:_:permutation:)``,
    /// a transposed block fused into an elementwise chain) replaced by a plain operand: a transposed
    /// copy made by the gather kernel. The operands are renumbered in the order the expression
    /// first reads them (an input read only through a permutation is not passed on), so the
    /// generated kernels read every operand in the output's order; a copy costs one pass over its
    /// block. An expression without permuted operands is returned unchanged.
    func materializingPermutations(_ expression: ElementwiseExpression, inputs: [CuArray]) throws
        -> (ElementwiseExpression, [CuArray]) {
        guard expression.hasPermutedInput else { return (expression, inputs) }
        var operands: [CuArray] = []
        var numbering: [OperandRead: Int] = [:]
        func operand(_ read: OperandRead) throws -> Int {
            if let known = numbering[read] { return known }
            guard inputs.indices.contains(read.index) else {
                throw ShapeError.invalidArgument("The expression reads input \(read.index) of \(inputs.count).")
            }
            if let permutation = read.permutation {
                guard let copy = try inputs[read.index].transposed(permutation) as? CuArray else {
                    throw ShapeError.invalidArgument("A transposed GPU array did not stay on the GPU.")
                }
                operands.append(copy)
            } else {
                operands.append(inputs[read.index])
            }
            numbering[read] = operands.count - 1
            return operands.count - 1
        }
        func rewrite(_ node: ElementwiseExpression) throws -> ElementwiseExpression {
            switch node {
            case .constant: return node
            case let .input(index, dtype): return .input(try operand(OperandRead(index: index, permutation: nil)), dtype)
            case let .permutedInput(index, dtype, permutation):
                return .input(try operand(OperandRead(index: index, permutation: permutation)), dtype)
            case let .unary(op, operand): return .unary(op, try rewrite(operand))
            case let .binary(op, lhs, rhs): return .binary(op, try rewrite(lhs), try rewrite(rhs))
            case let .cast(operand, dtype): return .cast(try rewrite(operand), dtype)
            case let .select(condition, a, b): return .select(try rewrite(condition), try rewrite(a), try rewrite(b))
            }
        }
        let rewritten = try rewrite(expression)
        return (rewritten, operands)
    }
}

/// An operand as an expression reads it: input `index`, with its axes permuted or not.
private struct OperandRead: Hashable {
    let index: Int
    let permutation: [Int]?
}

extension ElementwiseExpression {
    /// Whether a leaf reads an input with its axes permuted.
    fileprivate var hasPermutedInput: Bool {
        switch self {
        case .input, .constant: false
        case .permutedInput: true
        case let .unary(_, operand), let .cast(operand, _): operand.hasPermutedInput
        case let .binary(_, lhs, rhs): lhs.hasPermutedInput || rhs.hasPermutedInput
        case let .select(condition, a, b): condition.hasPermutedInput || a.hasPermutedInput || b.hasPermutedInput
        }
    }
}
