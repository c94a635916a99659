import Backends
import NumPyBackend

/// A distribution random blocks are drawn from.
public enum RandomDistribution: Sendable, Hashable {
    /// Uniform on `[low, high)`.
    case uniform(low: Double, high: Double)
    /// Normal with mean `loc` and standard deviation `scale`.
    case normal(loc: Double, scale: Double)
    /// Integers uniform on `[low, high)`.
    case integers(low: Int64, high: Int64)
}

/// Where a backend's random blocks come from: counter-based streams, so that element `i` of a
/// stream depends only on the seed, the stream and `i` (see docs/random-streams.md).
public protocol RandomBlockSource: Sendable {
    /// A chunk of this backend used as the arrays' meta.
    var meta: any ArrayChunk { get }
    /// The block `block` of an array drawn from `distribution` with the stream `(seed, stream)`.
    func block(_ distribution: RandomDistribution, seed: UInt64, stream: UInt64, block: BlockInfo, dtype: DType) throws
        -> any ArrayChunk
}

/// The "numpy" backend's random blocks, filled in host memory.
struct NumPyRandomSource: RandomBlockSource {
    var meta: any ArrayChunk { NumPyEntrypoint.meta }

    func block(_ distribution: RandomDistribution, seed: UInt64, stream: UInt64, block: BlockInfo, dtype: DType) throws
        -> any ArrayChunk {
        let generator = CounterRandomStream(seed: seed, stream: stream)
        let storageType: DType
        switch distribution {
        case .integers: storageType = .int64
        case .uniform, .normal: storageType = dtype == .float32 ? .float32 : .float64
        }
        let result = NDArray(uninitializedShape: block.shape, dtype: storageType)
        let runs = RowRuns(block: block)
        switch (distribution, storageType) {
        case let (.uniform(low, high), .float32):
            result.withUnsafeMutableElements(as: Float.self) { out in
                runs.forEach(out) { generator.fillUniform($0, start: $1) }
                if low != 0 || high != 1 {
                    let scale = Float(high - low), shift = Float(low)
                    for i in out.indices { out[i] = out[i] * scale + shift }
                }
            }
        case let (.uniform(low, high), _):
            result.withUnsafeMutableElements(as: Double.self) { out in
                runs.forEach(out) { generator.fillUniform($0, start: $1) }
                if low != 0 || high != 1 {
                    let scale = high - low
                    for i in out.indices { out[i] = out[i] * scale + low }
                }
            }
        case let (.normal(loc, scale), .float32):
            result.withUnsafeMutableElements(as: Float.self) { out in
                runs.forEach(out) { generator.fillStandardNormal($0, start: $1) }
                if loc != 0 || scale != 1 {
                    for i in out.indices { out[i] = out[i] * Float(scale) + Float(loc) }
                }
            }
        case let (.normal(loc, scale), _):
            result.withUnsafeMutableElements(as: Double.self) { out in
                runs.forEach(out) { generator.fillStandardNormal($0, start: $1) }
                if loc != 0 || scale != 1 {
                    for i in out.indices { out[i] = out[i] * scale + loc }
                }
            }
        case let (.integers(low, high), _):
            result.withUnsafeMutableElements(as: Int64.self) { out in
                runs.forEach(out) { generator.fillIntegers($0, low: low, high: high, start: $1) }
            }
        }
        return storageType == dtype ? result : try result.converted(to: dtype)
    }
}

/// The contiguous runs of a block inside its array: one per row of the last axis, each with the
/// flat index (in the whole array) of its first element.
struct RowRuns {
    let starts: [Int]
    let length: Int

    init(block: BlockInfo) {
        let ndim = block.shape.count
        guard ndim > 0 else {
            starts = [0]
            length = 1
            return
        }
        var strides = [Int](repeating: 1, count: ndim)
        for axis in stride(from: ndim - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * block.arrayShape[axis + 1] }
        let rowCounts = Array(block.shape.dropLast())
        length = block.shape[ndim - 1]
        var starts: [Int] = []
        let total = rowCounts.reduce(1, *)
        starts.reserveCapacity(total)
        var index = [Int](repeating: 0, count: ndim - 1)
        for _ in 0..<total {
            var flat = block.offset[ndim - 1]
            for axis in 0..<(ndim - 1) { flat += (block.offset[axis] + index[axis]) * strides[axis] }
            starts.append(flat)
            var axis = ndim - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < rowCounts[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        self.starts = starts
    }

    /// Calls `fill` with each run's part of `out` and the run's first flat index.
    func forEach<T>(_ out: UnsafeMutableBufferPointer<T>, _ fill: (UnsafeMutableBufferPointer<T>, Int) -> Void) {
        guard length > 0, let base = out.baseAddress else { return }
        for (row, start) in starts.enumerated() {
            fill(UnsafeMutableBufferPointer(start: base + row * length, count: length), start)
        }
    }
}
