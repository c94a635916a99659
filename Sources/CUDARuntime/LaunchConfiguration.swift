/// The grid and block sizes of one kernel launch.
///
/// ``elementwise(count:multiprocessors:threadsPerBlock:blocksPerMultiprocessor:)`` sizes launches of
/// the grid-stride kernels: enough blocks to cover the elements, at most a few waves of blocks per
/// multiprocessor (each thread then loops over several elements, which amortises the index
/// arithmetic and keeps launch cost independent of the array's size).
public struct LaunchConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// Blocks in x, y, z.
    public var grid: (x: UInt32, y: UInt32, z: UInt32) { (gridX, gridY, gridZ) }
    /// Threads per block in x, y, z.
    public var block: (x: UInt32, y: UInt32, z: UInt32) { (blockX, blockY, blockZ) }
    /// Blocks along x.
    public var gridX: UInt32
    /// Blocks along y.
    public var gridY: UInt32
    /// Blocks along z.
    public var gridZ: UInt32
    /// Threads per block along x.
    public var blockX: UInt32
    /// Threads per block along y.
    public var blockY: UInt32
    /// Threads per block along z.
    public var blockZ: UInt32
    /// Dynamic shared memory per block, in bytes.
    public var sharedBytes: UInt32

    /// The largest grid along x the driver accepts (2^31 - 1).
    public static let maxGridX = 2_147_483_647
    /// The largest grid along y and z (65535).
    public static let maxGridYZ = 65_535

    /// A launch of `grid` blocks of `block` threads.
    public init(grid: (Int, Int, Int), block: (Int, Int, Int), sharedBytes: Int = 0) throws(CUDAError) {
        guard grid.0 >= 1, grid.0 <= Self.maxGridX, grid.1 >= 1, grid.1 <= Self.maxGridYZ, grid.2 >= 1,
              grid.2 <= Self.maxGridYZ, block.0 >= 1, block.1 >= 1, block.2 >= 1, block.0 * block.1 * block.2 <= 1024,
              sharedBytes >= 0, sharedBytes <= 48 * 1024 else {
            throw CUDAError(code: .invalidArgument, call: "cuLaunchKernel",
                            message: "a launch of \(grid) blocks of \(block) threads (\(sharedBytes) B shared) is out of range")
        }
        gridX = UInt32(grid.0)
        gridY = UInt32(grid.1)
        gridZ = UInt32(grid.2)
        blockX = UInt32(block.0)
        blockY = UInt32(block.1)
        blockZ = UInt32(block.2)
        self.sharedBytes = UInt32(sharedBytes)
    }

    /// A one-dimensional grid-stride launch over `count` elements.
    ///
    /// - Parameters:
    ///   - count: The number of elements (at least 0; 0 still gives one block, which does nothing).
    ///   - multiprocessors: The device's multiprocessor count.
    ///   - threadsPerBlock: Threads per block (a multiple of 32).
    ///   - blocksPerMultiprocessor: Resident blocks to aim for per multiprocessor.
    public static func elementwise(count: Int, multiprocessors: Int, threadsPerBlock: Int = 256,
                                   blocksPerMultiprocessor: Int = 8) -> LaunchConfiguration {
        let needed = (max(count, 1) + threadsPerBlock - 1) / threadsPerBlock
        let cap = max(1, multiprocessors) * blocksPerMultiprocessor
        let blocks = min(needed, cap)
        // Both factors are within range by construction.
        return LaunchConfiguration(unchecked: (blocks, 1, 1), block: (threadsPerBlock, 1, 1))
    }

    /// A launch whose sizes the caller has already bounded.
    init(unchecked grid: (Int, Int, Int), block: (Int, Int, Int), sharedBytes: Int = 0) {
        gridX = UInt32(clamping: grid.0)
        gridY = UInt32(clamping: grid.1)
        gridZ = UInt32(clamping: grid.2)
        blockX = UInt32(clamping: block.0)
        blockY = UInt32(clamping: block.1)
        blockZ = UInt32(clamping: block.2)
        self.sharedBytes = UInt32(clamping: sharedBytes)
    }

    /// The total number of threads launched.
    public var threadCount: Int {
        Int(gridX) * Int(gridY) * Int(gridZ) * Int(blockX) * Int(blockY) * Int(blockZ)
    }

    /// `<<<(gx, gy, gz), (bx, by, bz), shared>>>`.
    public var description: String {
        "<<<(\(gridX), \(gridY), \(gridZ)), (\(blockX), \(blockY), \(blockZ)), \(sharedBytes)>>>"
    }
}
