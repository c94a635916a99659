/// How an array is cut into chunks: automatically, by one block size per axis, or by explicit
/// block sizes.
///
/// ```swift
/// try ChunkedArray.ones(shape: [20_000, 20_000], chunks: [2_000, 2_000])   // uniform
/// try ChunkedArray.ones(shape: [50_000, 50_000], chunks: .auto)            // from array.chunk-size
/// try ChunkedArray.ones(shape: [10], chunks: .explicit([[3, 3, 4]]))
/// ```
///
/// A block size of `-1` means the whole axis, as in Dask.
public enum ChunkSpec: Sendable, Hashable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// Chunks about `array.chunk-size` bytes each, as square as the shape allows.
    case auto
    /// One block size per axis; the last block of an axis may be smaller.
    case uniform([Int])
    /// The size of every block along every axis.
    case explicit([[Int]])

    /// One block size per axis.
    public init(arrayLiteral elements: Int...) { self = .uniform(elements) }

    /// The spec as written.
    public var description: String {
        switch self {
        case .auto: "auto"
        case let .uniform(sizes): "\(sizes)"
        case let .explicit(blocks): "\(blocks)"
        }
    }

    /// The block sizes per axis for an array of `shape` and `dtype`.
    ///
    /// - Throws: ``ShapeError/invalidChunks(shape:chunks:reason:)`` for a wrong number of axes, a
    ///   zero or negative size, or explicit sizes that do not add up to the shape.
    public func resolve(shape: [Int], dtype: DType, limitBytes: Int) throws -> [[Int]] {
        try NDArray.checkShape(shape)
        switch self {
        case .auto:
            return Self.autoChunks(shape: shape, itemSize: dtype.itemSize, limitBytes: limitBytes)
        case let .uniform(sizes):
            guard sizes.count == shape.count else {
                throw ShapeError.invalidChunks(shape: shape, chunks: description,
                                               reason: "give one block size per axis (\(shape.count))")
            }
            return try zip(shape, sizes).map { length, size in
                let block = size == -1 ? Swift.max(length, 1) : size
                guard block > 0 else {
                    throw ShapeError.invalidChunks(shape: shape, chunks: description,
                                                   reason: "block sizes must be positive (or -1 for a whole axis)")
                }
                return Self.split(length, by: block)
            }
        case let .explicit(blocks):
            guard blocks.count == shape.count else {
                throw ShapeError.invalidChunks(shape: shape, chunks: description,
                                               reason: "give the blocks of every axis (\(shape.count))")
            }
            for (axis, sizes) in blocks.enumerated() {
                guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, +) == shape[axis],
                      !sizes.isEmpty || shape[axis] == 0 else {
                    throw ShapeError.invalidChunks(
                        shape: shape, chunks: description,
                        reason: "the blocks of axis \(axis) add up to \(sizes.reduce(0, +)), not \(shape[axis])")
                }
                if shape[axis] > 0 && sizes.contains(0) {
                    throw ShapeError.invalidChunks(shape: shape, chunks: description,
                                                   reason: "empty blocks are only allowed on an empty axis")
                }
            }
            return blocks.enumerated().map { axis, sizes in sizes.isEmpty ? [0] : sizes }
        }
    }

    /// `length` cut into blocks of `size` (the last one smaller); `[0]` for an empty axis.
    static func split(_ length: Int, by size: Int) -> [Int] {
        guard length > 0 else { return [0] }
        var blocks = [Int](repeating: size, count: length / size)
        if length % size != 0 { blocks.append(length % size) }
        return blocks
    }

    /// Dask's automatic chunking: blocks of about `limitBytes`, with the same size on every axis
    /// where the shape allows, an axis shorter than that taken whole.
    static func autoChunks(shape: [Int], itemSize: Int, limitBytes: Int) -> [[Int]] {
        var sizes = shape.map { Swift.max($0, 1) }
        var free = Array(shape.indices)
        var budget = Double(Swift.max(limitBytes / itemSize, 1))
        while !free.isEmpty {
            let ideal = Swift.max(1, Int(pow(budget, 1 / Double(free.count)).rounded(.down)))
            let short = free.filter { shape[$0] <= ideal }
            if short.isEmpty {
                for axis in free { sizes[axis] = ideal }
                break
            }
            for axis in short {
                sizes[axis] = Swift.max(shape[axis], 1)
                budget /= Double(Swift.max(shape[axis], 1))
            }
            free.removeAll { short.contains($0) }
        }
        return zip(shape, sizes).map { split($0, by: $1) }
    }
}

import Foundation
