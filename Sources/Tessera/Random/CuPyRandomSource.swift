import Backends
import CuPyBackend

/// The "cupy" backend's random blocks: the same counter-based streams as "numpy", generated on
/// the GPU (uniforms and integers bit-identical, normals within a few ulps; docs/gpu.md).
struct CuPyRandomSource: RandomBlockSource {
    /// An empty array on the backend's device.
    let cuMeta: CuArray

    init(meta: CuArray) { cuMeta = meta }

    var meta: any ArrayChunk { cuMeta }

    func block(_ distribution: RandomDistribution, seed: UInt64, stream: UInt64, block: BlockInfo, dtype: DType) throws
        -> any ArrayChunk {
        let fill: CuArray.RandomFill = switch distribution {
        case let .uniform(low, high): .uniform(low: low, high: high)
        case let .normal(loc, scale): .normal(loc: loc, scale: scale)
        case let .integers(low, high): .integers(low: low, high: high)
        }
        return try CuArray.random(fill, seed: seed, stream: stream, shape: block.shape, offset: block.offset,
                                  arrayShape: block.arrayShape, dtype: dtype, on: cuMeta.device)
    }
}
