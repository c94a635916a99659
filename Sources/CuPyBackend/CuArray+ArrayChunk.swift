import Backends
import CUDARuntime
import NumPyBackend

extension CuArray: ArrayChunk {
    /// `"cupy"`.
    public var backendLabel: String { "cupy" }

    /// A host copy (`cupy.asnumpy`).
    public func toNDArray() throws -> NDArray { try download() }

    /// A device copy of `host` on this array's device.
    public func fromNDArray(_ host: NDArray) throws -> any ArrayChunk { try CuArray(host, on: device) }

    /// Zeros (NumPy leaves `empty` unspecified; zeros make results reproducible).
    public func empty(shape: [Int], dtype: DType) throws -> any ArrayChunk {
        let out = try CuArray.uninitialized(shape: shape, dtype: dtype, on: device)
        try device.perform { stream in try device.fill(out.buffer, byte: 0, stream: stream) }
        return out
    }

    /// An array of `shape` with every element `value`.
    public func full(shape: [Int], value: ScalarValue, dtype: DType) throws -> any ArrayChunk {
        try CuArray.filled(value, shape: shape, dtype: dtype, on: device)
    }

    /// Evaluates a fused expression in one generated kernel (compiled once per expression shape
    /// and dtypes; constants are parameters).
    public func evaluate(_ expression: ElementwiseExpression, inputs: [any ArrayChunk], shape: [Int]) throws
        -> any ArrayChunk {
        try NDArray.checkShape(shape)
        let (expression, arrays) = try materializingPermutations(expression, inputs: inputs.map(onDevice))
        return try device.perform { stream in
            let operands = try arrays.map { try $0.expanded(to: shape, stream: stream) }
            return try CuArray.evaluate(expression, operands: operands, shape: shape, on: device, stream: stream)
        }
    }

    /// True division, elementwise, with broadcasting.
    public func divide(_ a: any ArrayChunk, _ b: any ArrayChunk) throws -> any ArrayChunk {
        let shape = try NDArray.broadcastShape(a.shape, b.shape)
        return try evaluate(.binary(.divide, .input(0, a.dtype), .input(1, b.dtype)), inputs: [a, b], shape: shape)
    }

    /// Element counts along `axes`.
    public func numel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk {
        let axes = try NDArray.normalizeAxes(axes, ndim: ndim)
        let total = axes.reduce(1) { $0 * shape[$1] }
        let outShape = keepdims ? shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
            : shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
        return try CuArray.filled(.int(Int64(total)), shape: outShape, dtype: .int64, on: device)
    }

    /// Non-NaN counts along `axes`.
    public func nannumel(axes: [Int], keepdims: Bool) throws -> any ArrayChunk {
        let reduced = axes.isEmpty ? Array(0..<ndim) : axes
        let partial = try evaluateAndReduce(.input(0, dtype), inputs: [self], shape: shape, operation: .count, axes: reduced)
        let result = try finalize(partial, operation: .count, inputType: dtype, ddof: 0)
        if keepdims { return result }
        let normalized = try NDArray.normalizeAxes(reduced, ndim: ndim)
        return try result.reshaped(shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// The elements converted to `dtype`.
    public func astype(_ dtype: DType) throws -> any ArrayChunk {
        if dtype == self.dtype { return self }
        return try evaluate(.cast(.input(0, self.dtype), dtype), inputs: [self], shape: shape)
    }
}
