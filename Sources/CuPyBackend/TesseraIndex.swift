import Backends

/// The `TesseraIndex` kernel parameter: the extents of an n-d index space (at most 8 axes) and
/// the element strides each axis steps through, as the C struct `{ i64 ndim; i64 extent[8];
/// i64 stride[8]; }` the kernels declare.
struct TesseraIndex {
    /// The most axes a GPU kernel indexes.
    static let maxAxes = 8

    /// The struct's 17 fields.
    let fields: [Int64]

    /// A map over `extents`, stepping `strides[axis]` elements per index along each axis.
    ///
    /// - Throws: ``ShapeError/invalidArgument(_:)`` for more than 8 axes (after merging axes
    ///   that can be merged).
    init(extents: [Int], strides: [Int]) throws {
        var e: [Int] = []
        var s: [Int] = []
        // Merge an axis into the previous one when together they step uniformly.
        for (extent, stride) in zip(extents, strides) where extent != 1 {
            if let last = e.last, let lastStride = s.last, lastStride == stride * extent {
                e[e.count - 1] = last * extent
                s[s.count - 1] = stride
            } else {
                e.append(extent)
                s.append(stride)
            }
        }
        guard e.count <= Self.maxAxes else {
            throw ShapeError.invalidArgument("The \"cupy\" backend indexes arrays of at most \(Self.maxAxes) dimensions "
                + "(after merging contiguous ones); this operation needs \(e.count).")
        }
        let pad = Self.maxAxes - e.count
        fields = [Int64(e.count)] + e.map(Int64.init) + [Int64](repeating: 1, count: pad)
            + s.map(Int64.init) + [Int64](repeating: 0, count: pad)
    }

    /// Row-major strides of `shape`, in elements.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }
}
