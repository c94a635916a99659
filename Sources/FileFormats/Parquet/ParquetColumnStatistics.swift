import Backends

/// What a row group's (or a partition's) statistics say about one column: bounds on its values
/// and counts of nulls, enough to tell that a filter cannot match any of its rows.
///
/// Bounds are in the column's frame type (integers as `.int`/`.uint`, floats `.double`,
/// timestamps `.timestamp`, dates `.date`, strings `.string`); a bound the file does not record,
/// or records in an order Tessera cannot trust, is `nil`.
public struct ParquetColumnStatistics: Sendable, Hashable {
    /// The smallest non-null value, or a value no larger.
    public var min: FrameValue?
    /// The largest non-null value, or a value no smaller.
    public var max: FrameValue?
    /// The number of nulls, if recorded.
    public var nullCount: Int?
    /// The number of NaNs (floats), if recorded.
    public var nanCount: Int?
    /// The number of distinct values, if recorded.
    public var distinctCount: Int?
    /// The number of rows described.
    public var rowCount: Int

    /// Statistics from their parts.
    public init(min: FrameValue?, max: FrameValue?, nullCount: Int?, nanCount: Int? = nil, distinctCount: Int? = nil, rowCount: Int) {
        self.min = min
        self.max = max
        self.nullCount = nullCount
        self.nanCount = nanCount
        self.distinctCount = distinctCount
        self.rowCount = rowCount
    }

    /// Whether some row may satisfy `column comparison values` (the column being this one):
    /// `false` only when the statistics prove that none does.
    public func mayMatch(_ comparison: ParquetComparison, _ values: [FrameValue]) -> Bool {
        if rowCount == 0 { return false }
        switch comparison {
        case .isNull: return nullCount.map { $0 > 0 } ?? true
        case .isNotNull: return nullCount.map { $0 < rowCount } ?? true
        default: break
        }
        // Comparisons never match a null row: a column of nulls only matches nothing.
        if let nullCount, nullCount >= rowCount { return false }
        if values.contains(where: { $0.isNull }) { return true }
        switch comparison {
        case .isIn:
            return values.contains { mayMatch(.equal, [$0]) }
        case .notIn:
            return values.isEmpty || !(values.allSatisfy { value in isConstant(value) })
        case .notEqual:
            guard let value = values.first else { return true }
            return !isConstant(value)
        default:
            guard let value = values.first else { return true }
            switch comparison {
            case .equal:
                if let min, let order = ParquetValueOrder.compare(value, min), order < 0 { return false }
                if let max, let order = ParquetValueOrder.compare(value, max), order > 0 { return false }
                return true
            case .less:
                if let min, let order = ParquetValueOrder.compare(min, value), order >= 0 { return false }
                return true
            case .lessOrEqual:
                if let min, let order = ParquetValueOrder.compare(min, value), order > 0 { return false }
                return true
            case .greater:
                if let max, let order = ParquetValueOrder.compare(max, value), order <= 0 { return false }
                return true
            case .greaterOrEqual:
                if let max, let order = ParquetValueOrder.compare(max, value), order < 0 { return false }
                return true
            default:
                return true
            }
        }
    }

    /// Whether every row is provably equal to `value` (bounds equal to it, no nulls, no NaNs).
    private func isConstant(_ value: FrameValue) -> Bool {
        guard nullCount == 0, nanCount ?? 0 == 0, let min, let max else { return false }
        if case .double = value, nanCount == nil { return false }
        return ParquetValueOrder.compare(min, value) == 0 && ParquetValueOrder.compare(max, value) == 0
    }

    /// Statistics of several row groups together.
    static func merged(_ parts: [ParquetColumnStatistics]) -> ParquetColumnStatistics? {
        guard var result = parts.first else { return nil }
        for part in parts.dropFirst() {
            result.rowCount += part.rowCount
            result.nullCount = zip2(result.nullCount, part.nullCount, +)
            result.nanCount = zip2(result.nanCount, part.nanCount, +)
            result.distinctCount = nil
            result.min = bound(result.min, part.min, smaller: true)
            result.max = bound(result.max, part.max, smaller: false)
        }
        return result
    }

    private static func zip2(_ a: Int?, _ b: Int?, _ combine: (Int, Int) -> Int) -> Int? {
        guard let a, let b else { return nil }
        return combine(a, b)
    }

    private static func bound(_ a: FrameValue?, _ b: FrameValue?, smaller: Bool) -> FrameValue? {
        guard let a, let b, let order = ParquetValueOrder.compare(a, b) else { return nil }
        return (order <= 0) == smaller ? a : b
    }
}

/// The order of frame values for statistics: numbers by value, strings by UTF-8 bytes, dates
/// and timestamps chronologically; `nil` for values that cannot be compared.
enum ParquetValueOrder {
    static func compare(_ a: FrameValue, _ b: FrameValue) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : x > y ? 1 : 0
        case let (.uint(x), .uint(y)): return x < y ? -1 : x > y ? 1 : 0
        case let (.int(x), .uint(y)): return x < 0 ? -1 : compare(.uint(UInt64(x)), .uint(y))
        case let (.uint(x), .int(y)): return y < 0 ? 1 : compare(.uint(x), .uint(UInt64(y)))
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case let (.string(x), .string(y)):
            let left = Array(x.utf8), right = Array(y.utf8)
            if left == right { return 0 }
            return left.lexicographicallyPrecedes(right) ? -1 : 1
        case let (.date(x), .date(y)): return x < y ? -1 : x > y ? 1 : 0
        case let (.timestamp(x, unitX, _), .timestamp(y, unitY, _)):
            // Compare at the finer unit, exactly (a value that overflows it is beyond the other).
            if unitX == unitY { return x < y ? -1 : x > y ? 1 : 0 }
            let fine = unitX.perSecond > unitY.perSecond ? unitX : unitY
            let (scaledX, overflowX) = x.multipliedReportingOverflow(by: fine.perSecond / unitX.perSecond)
            let (scaledY, overflowY) = y.multipliedReportingOverflow(by: fine.perSecond / unitY.perSecond)
            if overflowX || overflowY {
                let left = Double(x) / Double(unitX.perSecond), right = Double(y) / Double(unitY.perSecond)
                return left < right ? -1 : left > right ? 1 : 0
            }
            return scaledX < scaledY ? -1 : scaledX > scaledY ? 1 : 0
        default:
            guard let x = a.doubleValue, let y = b.doubleValue, !x.isNaN, !y.isNaN else { return nil }
            // Booleans are not numbers here; integers a double cannot hold exactly are not compared.
            for value in [a, b] {
                switch value {
                case .bool: return nil
                case let .int(number) where number.magnitude > 1 << 53: return nil
                case let .uint(number) where number > 1 << 53: return nil
                default: break
                }
            }
            return x < y ? -1 : x > y ? 1 : 0
        }
    }
}
