import Backends

/// One sort criterion: a column and a direction.
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

extension DataFrame {
    /// The rows ordered by `keys` (stable, so ties keep their order; nulls last, as pandas).
    public func sorted(by keys: [SortKey]) throws(FrameError) -> DataFrame {
        var columns: [Column] = []
        for key in keys { columns.append(try column(key.column).column) }
        var order = Array(0..<rowCount)
        let criteria = Array(zip(columns, keys.map(\.ascending)))
        order.sort { a, b in
            for (column, ascending) in criteria {
                let nullA = column.isNull(a), nullB = column.isNull(b)
                if nullA != nullB { return nullB }
                if nullA { continue }
                let ordering = FrameValue.compare(column[a], column[b])
                if ordering != 0 { return ascending ? ordering < 0 : ordering > 0 }
            }
            return a < b
        }
        return take(order)
    }
}

extension FrameValue {
    /// -1, 0 or 1: numbers by value, strings by code points, timestamps and dates by time.
    public static func compare(_ a: FrameValue, _ b: FrameValue) -> Int {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.uint(x), .uint(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)):
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : (x == y ? 0 : 1)
        case let (.timestamp(x, _, _), .timestamp(y, _, _)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.date(x), .date(y)): return x < y ? -1 : (x > y ? 1 : 0)
        default:
            let x = a.doubleValue ?? .nan, y = b.doubleValue ?? .nan
            return x < y ? -1 : (x > y ? 1 : 0)
        }
    }
}
