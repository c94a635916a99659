import Backends

/// How a merge keeps rows without a match, as pandas' `how=`.
public enum JoinKind: String, Sendable, Hashable {
    /// Only keys present on both sides.
    case inner
    /// Every left row.
    case left
    /// Every right row.
    case right
    /// Every row of both sides.
    case outer
}

extension ChunkedDataFrame {
    /// Joins with `other` on equal values of `on` (pandas' `merge`).
    ///
    /// Declared with its final spelling; the hash-partitioned join is built by the "Dataframes at
    /// scale" issue, and until then this throws ``FrameOperationError/notYetSupported(_:)``.
    public func merge(_ other: ChunkedDataFrame, on: String, how: JoinKind = .inner) throws -> ChunkedDataFrame {
        for frame in [self, other] where frame.schema.type(of: on) == nil {
            throw FrameError.unknownColumn(on, available: frame.columns)
        }
        throw FrameOperationError.notYetSupported(
            "merge needs a shuffle, which this release does not have yet (planned with shuffles, joins and sorting).")
    }

    /// The rows sorted by `column` (pandas' `sort_values`).
    ///
    /// Declared with its final spelling; the distributed sort is built by the "Dataframes at scale"
    /// issue, and until then this throws ``FrameOperationError/notYetSupported(_:)``.
    public func sortValues(_ column: String, ascending: Bool = true) throws -> ChunkedDataFrame {
        guard schema.type(of: column) != nil else { throw FrameError.unknownColumn(column, available: columns) }
        throw FrameOperationError.notYetSupported(
            "sortValues needs a shuffle, which this release does not have yet (planned with shuffles, joins and sorting).")
    }
}
