import Backends
import CUDARuntime
import NumPyBackend

extension CuArray {
    /// The elements selected by one strided range per axis (one gather kernel).
    public func slice(_ ranges: [StridedRange]) throws -> any ArrayChunk {
        guard ranges.count == shape.count else {
            throw ShapeError.invalidArgument("Slicing an array of \(shape.count) dimensions needs \(shape.count) ranges, got \(ranges.count).")
        }
        for (axis, range) in ranges.enumerated() where range.count > 0 {
            let last = range.index(range.count - 1)
            guard range.step != 0, range.start >= 0, range.start < shape[axis], last >= 0, last < shape[axis] else {
                throw ShapeError.indexOutOfRange(axis: axis, index: range.description, length: shape[axis])
            }
        }
        let outShape = ranges.map(\.count)
        if outShape == shape, ranges.allSatisfy({ $0.step == 1 && $0.start == 0 }) { return self }
        let strides = TesseraIndex.strides(shape)
        let base = zip(ranges, strides).reduce(0) { $0 + ($1.0.count > 0 ? $1.0.start * $1.1 : 0) }
        return try device.perform { stream in
            try gathered(shape: outShape, strides: zip(ranges, strides).map { $0.step * $1 }, base: base, stream: stream)
        }
    }

    /// The axes permuted (a gather kernel).
    public func transposed(_ permutation: [Int]) throws -> any ArrayChunk {
        guard permutation.sorted() == Array(0..<shape.count) else {
            throw ShapeError.invalidArgument("\(permutation) is not a permutation of the \(shape.count) axes.")
        }
        if permutation == Array(0..<shape.count) { return self }
        let strides = TesseraIndex.strides(shape)
        return try device.perform { stream in
            try gathered(shape: permutation.map { shape[$0] }, strides: permutation.map { strides[$0] }, base: 0, stream: stream)
        }
    }

    /// The same elements with a new shape of the same size (no copy: the buffer is shared).
    public func reshaped(_ newShape: [Int]) throws -> any ArrayChunk {
        try NDArray.checkShape(newShape)
        guard newShape.reduce(1, *) == count else {
            throw ShapeError.incompatible(operation: "reshape", shapes: [shape, newShape])
        }
        return sharing(shape: newShape)
    }

    /// Arrays joined along `axis`, converted to their promoted dtype: one row-copy kernel per part.
    public func concatenate(_ chunks: [any ArrayChunk], axis: Int) throws -> any ArrayChunk {
        guard let first = chunks.first else { throw ShapeError.invalidArgument("Need at least one array to concatenate.") }
        let ndim = first.shape.count
        guard axis >= 0, axis < ndim else { throw ShapeError.axisOutOfRange(axis: axis, ndim: ndim) }
        for chunk in chunks {
            guard chunk.shape.count == ndim,
                  chunk.shape.enumerated().allSatisfy({ $0.offset == axis || $0.element == first.shape[$0.offset] })
            else { throw ShapeError.incompatible(operation: "concatenate", shapes: chunks.map(\.shape)) }
        }
        let dtype = chunks.dropFirst().reduce(first.dtype) { DType.promote($0, $1.dtype) }
        let arrays = try chunks.map(onDevice)
        return try device.perform { stream in
            let parts = try arrays.map { try $0.converted(to: dtype, stream: stream) }
            if parts.count == 1 { return parts[0] }
            var outShape = first.shape
            outShape[axis] = parts.reduce(0) { $0 + $1.shape[axis] }
            let out = try CuArray.uninitialized(shape: outShape, dtype: dtype, on: device)
            let rows = first.shape[..<axis].reduce(1, *)
            let pitch = outShape[axis...].reduce(1, *)
            var offset = 0
            for part in parts {
                let width = part.shape[axis...].reduce(1, *)
                defer { offset += width }
                guard rows * width > 0 else { continue }
                var arguments = KernelArguments()
                arguments.append(Int64(rows))
                arguments.append(Int64(width))
                arguments.append(out.pointer)
                arguments.append(Int64(pitch))
                arguments.append(Int64(offset))
                arguments.append(part.pointer)
                try device.launch("tessera_copy_rows_\(dtype.itemSize)", in: CoreKernels.source,
                                  configuration: out.elementwiseLaunch(rows * width), arguments: arguments, stream: stream)
            }
            return out
        }
    }
}
