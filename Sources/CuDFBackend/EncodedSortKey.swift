import CuPyBackend

/// One key column encoded for sorting: an order-preserving `uint64` per row, its significant
/// bytes, and a null flag per row (null, or NaN).
struct EncodedSortKey {
    let keys: CuArray
    let isNull: CuArray
    let bytes: Int
    let mayHaveNulls: Bool
    /// A string key: its offsets and bytes, its longest string, and the direction (sorted by
    /// byte passes instead of `keys`).
    var strings: (offsets: CuArray, bytes: CuArray, longest: Int, descending: Bool)? = nil
}
