import Backends
import Foundation

extension ChunkedDataFrame {
    /// Joins with `other` on equal values of the column `on` (pandas' `merge`).
    ///
    /// ```swift
    /// let joined = try df.merge(other, on: "key", how: .inner)
    /// ```
    ///
    /// See ``merge(_:leftOn:rightOn:how:suffixes:broadcast:npartitions:)`` for the semantics.
    public func merge(_ other: ChunkedDataFrame, on: String, how: JoinKind = .inner, suffixes: (String, String) = ("_x", "_y"),
                      broadcast: Bool? = nil, npartitions: Int? = nil) throws -> ChunkedDataFrame {
        try merge(other, leftOn: [on], rightOn: [on], how: how, suffixes: suffixes, broadcast: broadcast, npartitions: npartitions)
    }

    /// Joins with `other` on equal values of every column of `on` (pandas' `merge(on=[...])`).
    public func merge(_ other: ChunkedDataFrame, on: [String], how: JoinKind = .inner, suffixes: (String, String) = ("_x", "_y"),
                      broadcast: Bool? = nil, npartitions: Int? = nil) throws -> ChunkedDataFrame {
        try merge(other, leftOn: on, rightOn: on, how: how, suffixes: suffixes, broadcast: broadcast, npartitions: npartitions)
    }

    /// Joins with `other` where each `leftOn` column of this frame equals the `rightOn` column
    /// in the same position (pandas' `merge(left_on=, right_on=)`).
    ///
    /// Semantics follow pandas:
    /// - a null or NaN key matches a null or NaN key;
    /// - the result has this frame's columns, then `other`'s; a key named alike on both sides
    ///   appears once (its value from whichever side has the row), other names present on both
    ///   sides get `suffixes`;
    /// - numeric keys of different types match by value (the shared key column takes the promoted
    ///   type); a string key matches a categorical one; other pairs of types are an error;
    /// - the columns of the side without a match hold nulls and keep their type: an `int64`
    ///   column stays `int64` with nulls (pandas' nullable `Int64`), where NumPy-backed pandas
    ///   gives `float64` with NaN.
    ///
    /// Row order differs from pandas' (as Dask's does): sort the result when it matters.
    ///
    /// How rows meet (Dask's choice): when `broadcast` is true, or (with `broadcast` and
    /// `npartitions` left `nil`) one side has a single partition or fewer partitions than half the
    /// base-2 logarithm of the other's, that side is *broadcast*: each partition of the other side
    /// is joined with all of it, which keeps the other side's partitions (an inner join broadcasts
    /// either side, a left join only the right side, a right join only the left, any join a side
    /// whose other side has one partition). Otherwise both sides are hash-shuffled on their keys
    /// into `npartitions` partitions (the larger of the two partition counts when `nil`) and
    /// joined partition by partition; a side already partitioned so is not shuffled again.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing key,
    ///   ``FrameError/invalidValue(_:)`` for key types that cannot match or key lists of different
    ///   lengths, ``FrameError/duplicateColumn(_:)`` when the suffixes leave two columns with one
    ///   name, ``FrameOperationError/invalidArgument(_:)`` for frames of different backends, a
    ///   non-positive `npartitions`, or `broadcast` for a join kind that cannot broadcast.
    public func merge(_ other: ChunkedDataFrame, leftOn: [String], rightOn: [String], how: JoinKind = .inner,
                      suffixes: (String, String) = ("_x", "_y"), broadcast: Bool? = nil, npartitions: Int? = nil)
        throws -> ChunkedDataFrame {
        guard other.backend == backend else {
            throw FrameOperationError.invalidArgument(
                "Cannot merge frames of backends '\(backend)' and '\(other.backend)'; move one with toBackend first.")
        }
        let spec = JoinSpec(leftOn: leftOn, rightOn: rightOn, how: how, suffixes: suffixes)
        _ = try JoinLayout(left: schema, right: other.schema, spec: spec)
        if let npartitions, npartitions < 1 {
            throw FrameOperationError.invalidArgument("npartitions must be positive, got \(npartitions).")
        }
        // A side can be broadcast when the kind keeps none of its unmatched rows, or when the other
        // side is a single partition (then every row meets every row in one task).
        let leftCount = self.npartitions, rightCount = other.npartitions
        let canBroadcastRight = how == .inner || how == .left || leftCount == 1
        let canBroadcastLeft = how == .inner || how == .right || rightCount == 1
        let strategy: JoinStrategy
        switch broadcast {
        case true?:
            if canBroadcastRight && (rightCount <= leftCount || !canBroadcastLeft) {
                strategy = .broadcastRight
            } else if canBroadcastLeft {
                strategy = .broadcastLeft
            } else {
                throw FrameOperationError.invalidArgument(
                    "A\(how == .outer ? "n" : "") \(how) join cannot broadcast a side here: its unmatched rows would repeat; use broadcast: false.")
            }
        case false?:
            strategy = .hash(npartitions ?? Swift.max(leftCount, rightCount))
        case nil:
            // Dask's rule: broadcast a single partition, or a side with fewer partitions than
            // half the base-2 logarithm of the other's (broadcast_bias 0.5).
            let rightIsSmall = rightCount == 1 || Double(rightCount) < 0.5 * Self.log2(leftCount)
            let leftIsSmall = leftCount == 1 || Double(leftCount) < 0.5 * Self.log2(rightCount)
            if npartitions == nil, rightIsSmall, canBroadcastRight, rightCount <= leftCount {
                strategy = .broadcastRight
            } else if npartitions == nil, leftIsSmall, canBroadcastLeft {
                strategy = .broadcastLeft
            } else if npartitions == nil, rightIsSmall, canBroadcastRight {
                strategy = .broadcastRight
            } else {
                strategy = .hash(npartitions ?? Swift.max(leftCount, rightCount))
            }
        }
        return with(.merge(plan, other.plan, spec, strategy))
    }
}

extension ChunkedDataFrame {
    /// The base-2 logarithm of a partition count (0 for none).
    static func log2(_ count: Int) -> Double { count > 0 ? Foundation.log2(Double(count)) : 0 }
}
