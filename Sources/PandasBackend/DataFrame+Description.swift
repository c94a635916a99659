import Backends
import Foundation

extension DataFrame: CustomStringConvertible {
    /// Rows shown before a frame is summarised with `...` (pandas' `display.max_rows`).
    public static let displayMaxRows = 60
    /// Columns shown before a frame is summarised with `...` (pandas' `display.max_columns`).
    public static let displayMaxColumns = 20

    /// The frame as pandas prints it: index and columns right-aligned under their names, with
    /// the column dtypes on a second header line; beyond ``displayMaxRows`` rows the first and
    /// last five are shown around a `...` row, beyond ``displayMaxColumns`` columns the first and
    /// last ten around a `...` column, and the shape follows on its own line.
    public var description: String {
        if columns.isEmpty { return "Empty DataFrame\nColumns: []\nIndex: [\(rowCount) rows]" }
        let truncateRows = rowCount > Self.displayMaxRows
        let rows: [Int?] = truncateRows ? Array(0..<5) + [nil] + Array((rowCount - 5)..<rowCount) : Array(0..<rowCount)
        let truncateColumns = columns.count > Self.displayMaxColumns
        let shown: [Int?] = truncateColumns
            ? Array(0..<10) + [nil] + Array((columns.count - 10)..<columns.count) : Array(columns.indices)
        var table: [[String]] = []
        table.append([""] + rows.map { $0.map { String(indexStart + $0) } ?? "..." })
        for position in shown {
            guard let position else {
                table.append(["...", ""] + rows.map { _ in "..." })
                continue
            }
            let series = columns[position]
            let cells = CellFormatter.format(series.column, rows: rows.compactMap { $0 })
            var iterator = cells.makeIterator()
            let body = rows.map { $0 == nil ? "..." : (iterator.next() ?? "") }
            table.append([series.name, series.type.description] + body)
        }
        // The index column has an empty dtype cell.
        table[0].insert("", at: 1)
        let widths = table.map { column in column.map(\.count).max() ?? 0 }
        let lineCount = table[0].count
        var lines: [String] = []
        for line in 0..<lineCount {
            var parts: [String] = []
            for (index, column) in table.enumerated() {
                let cell = column[line]
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                parts.append(index == 0 && line >= 2 ? cell + padding : padding + cell)
            }
            lines.append(parts.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        if truncateRows || truncateColumns { lines.append("\n[\(rowCount) rows x \(columns.count) columns]") }
        return lines.joined(separator: "\n")
    }
}

/// Formats a column's cells for a table, as pandas does: floats with a shared number of decimals.
enum CellFormatter {
    static func format(_ column: Column, rows: [Int]) -> [String] {
        switch column.type {
        case let .numeric(dtype) where dtype.isFloatingPoint:
            return formatFloats(rows.map { column.isNull($0) ? nil : column[$0].doubleValue })
        case .timestamp:
            return rows.map { column.isNull($0) ? "NaT" : column[$0].description }
        default:
            return rows.map { column.isNull($0) ? (column.type.isNumeric || column.type == .bool ? "<NA>" : "NaN") : column[$0].description }
        }
    }

    /// Six significant digits, the same number of decimals for every value (pandas' default).
    static func formatFloats(_ values: [Double?]) -> [String] {
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        let largest = finite.map(Swift.abs).max() ?? 0
        let smallest = finite.filter { $0 != 0 }.map(Swift.abs).min() ?? 1
        if largest >= 1e16 || smallest < 1e-4 {
            return values.map { value in value.map { String(format: "%.6e", $0) } ?? "NaN" }
        }
        var decimals = 0
        for value in finite {
            let integerDigits = Swift.max(1, Int(Foundation.log10(Swift.max(Swift.abs(value), 1))) + 1)
            var text = String(format: "%.\(Swift.max(0, 6 - integerDigits))f", value)
            if text.contains(".") {
                while text.hasSuffix("0") { text.removeLast() }
                if text.hasSuffix(".") { text.removeLast() }
            }
            if let dot = text.firstIndex(of: ".") { decimals = Swift.max(decimals, text.distance(from: dot, to: text.endIndex) - 1) }
        }
        decimals = Swift.max(decimals, 1)
        return values.map { value in
            guard let value else { return "NaN" }
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "inf" : "-inf" }
            return String(format: "%.\(decimals)f", value)
        }
    }
}
