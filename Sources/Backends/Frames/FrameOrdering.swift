/// One sort criterion: a column and a direction (a `by` entry of pandas' `sort_values`).
public struct SortKey: Sendable, Hashable {
    /// The column to sort by.
    public let column: String
    /// Smallest first when true.
    public let ascending: Bool

    /// A criterion.
    public init(column: String, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }
}

/// Where missing values go in a sort (pandas' `na_position`), whatever the direction.
public enum NullPlacement: String, Sendable, Hashable {
    /// Nulls (and NaN) before every value.
    case first
    /// Nulls (and NaN) after every value (pandas' default).
    case last
}

/// How a merge keeps rows without a match, as pandas' `how=`.
public enum JoinKind: String, Sendable, Hashable, CaseIterable {
    /// Only keys present on both sides.
    case inner
    /// Every left row.
    case left
    /// Every right row.
    case right
    /// Every row of both sides.
    case outer
}

/// What a join matches on and how it names its output (pandas' `merge` arguments).
///
/// Rows match when every pair `leftOn[i]`, `rightOn[i]` holds equal values; a null (or NaN) key
/// matches a null key, as pandas' merge does. A key named alike on both sides appears once in the
/// output (its value from whichever side has the row); other columns whose names occur on both
/// sides get `leftSuffix` and `rightSuffix` appended.
public struct JoinSpec: Sendable, Hashable {
    /// The key columns of the left frame.
    public let leftOn: [String]
    /// The key columns of the right frame, paired with ``leftOn`` by position.
    public let rightOn: [String]
    /// Which unmatched rows are kept.
    public let how: JoinKind
    /// Appended to a left column whose name the right frame also has (pandas' `"_x"`).
    public let leftSuffix: String
    /// Appended to a right column whose name the left frame also has (pandas' `"_y"`).
    public let rightSuffix: String

    /// A join specification.
    public init(leftOn: [String], rightOn: [String], how: JoinKind = .inner, suffixes: (String, String) = ("_x", "_y")) {
        self.leftOn = leftOn
        self.rightOn = rightOn
        self.how = how
        leftSuffix = suffixes.0
        rightSuffix = suffixes.1
    }

    /// The same join with the sides exchanged (left and right kinds swapped).
    public var mirrored: JoinSpec {
        let kind: JoinKind = switch how {
        case .left: .right
        case .right: .left
        default: how
        }
        return JoinSpec(leftOn: rightOn, rightOn: leftOn, how: kind, suffixes: (rightSuffix, leftSuffix))
    }
}

/// Which of a set of duplicate rows `dropDuplicates` keeps (pandas' `keep=`).
public enum DuplicateKeep: String, Sendable, Hashable {
    /// The first occurrence.
    case first
    /// The last occurrence.
    case last
    /// None: every row that has a duplicate is dropped (pandas' `keep=False`).
    case none
}
