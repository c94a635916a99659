import Backends
import CUDARuntime
import NumPyBackend

extension CuArray {
    /// Evaluates the expression and reduces it over `axes` in the same kernel (the values are
    /// never stored): two launches when every axis is reduced (per-block accumulators, then one
    /// block), one otherwise.
    ///
    /// A reduction of constants over every axis (`ones(...).sum()`) is computed on the host
    /// exactly as the "numpy" backend computes it (no memory is touched) and uploaded.
    public func evaluateAndReduce(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int],
                                  operation: ReductionOperation, axes: [Int]) throws -> ReductionPartial {
        try NDArray.checkShape(shape)
        let axes = try NDArray.normalizeAxes(axes, ndim: shape.count)
        if inputs.isEmpty, axes.count == shape.count {
            return try upload(NDArray.reducePartial(expression, inputs: [], shape: shape, operation: operation, axes: axes))
        }
        if operation.isPositional, axes.reduce(1, { $0 * shape[$1] }) == 0 {
            throw ShapeError.invalidArgument("attempt to get \(operation.rawValue) of an empty sequence")
        }
        let (expression, arrays) = try materializingPermutations(expression, inputs: inputs.map(onDevice))
        return try device.perform { stream in
            let operands = try arrays.map { try $0.expanded(to: shape, stream: stream) }
            let n = shape.reduce(1, *)
            let generator = ReductionKernelGenerator(
                expression, inputs: operands.map { .init(dtype: $0.dtype, isScalar: $0.count == 1 && n > 1) }, operation: operation)
            let keptShape = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            let outputs = try (0..<generator.outputCount).map { index in
                try CuArray.uninitialized(shape: keptShape, dtype: generator.outputType(index), on: device)
            }
            let source = generator.source()
            func appendInputs(_ arguments: inout KernelArguments) {
                for operand in operands { arguments.append(operand.pointer) }
                for constant in generator.element.constants {
                    switch constant {
                    case let .double(value): arguments.append(value)
                    case let .integer(value): arguments.append(value)
                    }
                }
            }
            if axes.count == shape.count {
                let threads = ReductionKernelGenerator.threadsPerBlock
                let blocks = max(1, min((n + threads - 1) / threads, device.multiprocessorCount * 8))
                let partials = try device.memoryPool.allocate(blocks * generator.accumulatorSize)
                stream.hold(partials)
                var first = KernelArguments()
                first.append(Int64(n))
                first.append(partials.pointer)
                appendInputs(&first)
                try device.launch("tessera_reduce_all_partial", in: source,
                                  configuration: LaunchConfiguration(grid: (blocks, 1, 1), block: (threads, 1, 1)),
                                  arguments: first, stream: stream)
                var second = KernelArguments()
                second.append(Int64(blocks))
                second.append(partials.pointer)
                for output in outputs { second.append(output.pointer) }
                try device.launch("tessera_reduce_all_final", in: source,
                                  configuration: LaunchConfiguration(grid: (1, 1, 1), block: (threads, 1, 1)),
                                  arguments: second, stream: stream)
            } else {
                let strides = TesseraIndex.strides(shape)
                let kept = shape.indices.filter { !axes.contains($0) }
                let count = kept.reduce(1) { $0 * shape[$1] }
                let reduced = axes.reduce(1) { $0 * shape[$1] }
                if count > 0 {
                    var arguments = KernelArguments()
                    arguments.append(Int64(count))
                    arguments.appendStruct(try TesseraIndex(extents: kept.map { shape[$0] }, strides: kept.map { strides[$0] }).fields)
                    arguments.appendStruct(try TesseraIndex(extents: axes.map { shape[$0] }, strides: axes.map { strides[$0] }).fields)
                    arguments.append(Int64(reduced))
                    for output in outputs { arguments.append(output.pointer) }
                    appendInputs(&arguments)
                    // One thread per output reads coalesced when the last axis is kept (neighbouring
                    // threads, neighbouring elements) and there are outputs enough to fill the GPU;
                    // otherwise a block per output, its threads striding through the reduced values.
                    let lastKept = !axes.contains(shape.count - 1)
                    let threadPerOutput = (lastKept && count >= 4 * ReductionKernelGenerator.threadsPerBlock) || reduced < 128
                    if !threadPerOutput {
                        let threads = ReductionKernelGenerator.threadsPerBlock
                        try device.launch("tessera_reduce_axes_block", in: source,
                                          configuration: LaunchConfiguration(grid: (min(count, 1 << 20), 1, 1), block: (threads, 1, 1)),
                                          arguments: arguments, stream: stream)
                    } else {
                        try device.launch("tessera_reduce_axes_thread", in: source, configuration: elementwiseLaunch(count),
                                          arguments: arguments, stream: stream)
                    }
                }
            }
            if outputs.count == 3 { return .moments(count: outputs[0], mean: outputs[1], m2: outputs[2]) }
            if outputs.count == 2 { return .arg(values: outputs[0], indices: outputs[1]) }
            return .value(outputs[0])
        }
    }

    /// A host partial's arrays copied to this device.
    private func upload(_ partial: ReductionPartial) throws -> ReductionPartial {
        switch partial {
        case let .value(chunk): .value(try onDevice(chunk))
        case let .moments(count, mean, m2): .moments(count: try onDevice(count), mean: try onDevice(mean), m2: try onDevice(m2))
        case let .arg(values, indices): .arg(values: try onDevice(values), indices: try onDevice(indices))
        }
    }

    /// Combines two partials elementwise (Chan's merge for moments).
    public func combine(_ a: ReductionPartial, _ b: ReductionPartial, operation: ReductionOperation) throws
        -> ReductionPartial {
        switch (a, b) {
        case let (.moments(na, ma, sa), .moments(nb, mb, sb)):
            let parts = try [na, ma, sa, nb, mb, sb].map { try onDevice($0).converted(toHostType: .float64) }
            guard parts.allSatisfy({ $0.count == parts[0].count }) else {
                throw ShapeError.incompatible(operation: "combine", shapes: [na.shape, nb.shape])
            }
            let shape = try NDArray.broadcastShape(na.shape, nb.shape)
            return try device.perform { stream in
                let outputs = try (0..<3).map { _ in try CuArray.uninitialized(shape: shape, dtype: .float64, on: device) }
                let n = outputs[0].count
                if n > 0 {
                    var arguments = KernelArguments()
                    arguments.append(Int64(n))
                    for part in parts { arguments.append(part.pointer) }
                    for output in outputs { arguments.append(output.pointer) }
                    try device.launch("tessera_moments_combine", in: CoreKernels.source, configuration: elementwiseLaunch(n),
                                      arguments: arguments, stream: stream)
                }
                return .moments(count: outputs[0], mean: outputs[1], m2: outputs[2])
            }
        case let (.value(x), .value(y)):
            let op: BinaryOperation = switch operation {
            case .prod, .nanprod: .multiply
            case .min: .minimum
            case .max: .maximum
            case .nanmin: .fmin
            case .nanmax: .fmax
            case .any: .logicalOr
            case .all: .logicalAnd
            default: .add
            }
            let shape = try NDArray.broadcastShape(x.shape, y.shape)
            return .value(try evaluate(.binary(op, .input(0, x.dtype), .input(1, y.dtype)), inputs: [x, y], shape: shape))
        case let (.arg(va, ia), .arg(vb, ib)):
            let (leftValues, rightValues) = (try onDevice(va), try onDevice(vb))
            let (leftIndices, rightIndices) = (try onDevice(ia), try onDevice(ib))
            guard leftValues.shape == rightValues.shape, leftIndices.shape == leftValues.shape,
                  rightIndices.shape == rightValues.shape else {
                throw ShapeError.incompatible(operation: "combine", shapes: [leftValues.shape, rightValues.shape])
            }
            // `a` comes first in the array: the right one wins where it is strictly better, or NaN
            // where the left is not.
            let l = ElementwiseExpression.input(0, leftValues.dtype), r = ElementwiseExpression.input(1, rightValues.dtype)
            let strictly = ElementwiseExpression.binary(operation == .argmin ? .less : .greater, r, l)
            let takeRight: ElementwiseExpression = DType.promote(leftValues.dtype, rightValues.dtype).isFloatingPoint
                ? .binary(.logicalAnd, .unary(.logicalNot, .unary(.isnan, l)), .binary(.logicalOr, strictly, .unary(.isnan, r)))
                : strictly
            let shape = leftValues.shape
            let pick = try evaluate(takeRight, inputs: [leftValues, rightValues], shape: shape)
            let values = try evaluate(.select(.input(2, .bool), r, l), inputs: [leftValues, rightValues, pick], shape: shape)
            let indices = try evaluate(.select(.input(2, .bool), .input(1, .int64), .input(0, .int64)),
                                       inputs: [leftIndices, rightIndices, pick], shape: shape)
            return .arg(values: values, indices: indices)
        default:
            throw ShapeError.invalidArgument("Cannot combine partial results of different kinds.")
        }
    }

    /// The reduction's result from its partial, in the dtype NumPy gives.
    public func finalize(_ partial: ReductionPartial, operation: ReductionOperation, inputType: DType,
                         ddof: Int) throws -> any ArrayChunk {
        let resultType = operation.resultType(inputType)
        switch partial {
        case let .value(chunk):
            return try onDevice(chunk).astype(resultType)
        case let .arg(_, indices):
            return try onDevice(indices).astype(.int64)
        case let .moments(count, mean, m2):
            if operation == .mean || operation == .nanmean { return try onDevice(mean).astype(resultType) }
            let n = ElementwiseExpression.input(0, count.dtype)
            let s = ElementwiseExpression.input(1, m2.dtype)
            let dof = ElementwiseExpression.binary(.subtract, n, .constant(.double(Double(ddof)), .float64))
            var value = ElementwiseExpression.select(.binary(.greater, dof, .constant(.double(0), .float64)),
                                                     .binary(.divide, s, dof), .constant(.double(.nan), .float64))
            if operation == .std || operation == .nanstd { value = .unary(.sqrt, value) }
            if value.dtype != resultType { value = .cast(value, resultType) }
            return try evaluate(value, inputs: [count, m2], shape: mean.shape)
        }
    }

    /// This array as `dtype`, converted on the device if needed (outside any stream).
    fileprivate func converted(toHostType dtype: DType) throws -> CuArray {
        if self.dtype == dtype { return self }
        guard let result = try astype(dtype) as? CuArray else {
            throw ShapeError.invalidArgument("internal: astype did not return a device array")
        }
        return result
    }
}
