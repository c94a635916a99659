import Backends

/// Formats the values of one column as pandas writes them to CSV.
struct CSVColumnFormatter {
    let column: Column
    /// For timestamps: fraction digits (0, 3, 6 or 9) and whether only dates are written.
    let fractionDigits: Int
    let datesOnly: Bool

    init(_ column: Column) {
        self.column = column
        var digits = 0
        var datesOnly = true
        if case let .timestamp(unit, zone) = column.type, let values = column.values {
            let perSecond = unit.perSecond
            let toNanoseconds = 1_000_000_000 / perSecond
            for row in 0..<column.count where !column.isNull(row) {
                let value = values.scalar(at: row).int64Value
                var fraction = value % perSecond
                if fraction < 0 { fraction += perSecond }
                let nanoseconds = fraction * toNanoseconds
                if nanoseconds % 1_000 != 0 {
                    digits = 9
                } else if nanoseconds % 1_000_000 != 0 {
                    digits = max(digits, 6)
                } else if nanoseconds != 0 {
                    digits = max(digits, 3)
                }
                var second = value / perSecond
                if value % perSecond < 0 { second -= 1 }
                var secondOfDay = second % 86_400
                if secondOfDay < 0 { secondOfDay += 86_400 }
                if secondOfDay != 0 || nanoseconds != 0 { datesOnly = false }
            }
            if zone != nil { datesOnly = false }
        } else {
            datesOnly = false
        }
        fractionDigits = digits
        self.datesOnly = datesOnly
    }

    func format(_ row: Int, into field: inout [UInt8]) {
        if column.isNull(row) { return }
        switch column.storage {
        case let .strings(buffer):
            buffer.withUTF8(row) { field.append(contentsOf: $0) }
        case let .dictionary(codes, categories):
            let code = Int(codes.scalar(at: row).int64Value)
            if code >= 0, code < categories.count { categories.withUTF8(code) { field.append(contentsOf: $0) } }
        case let .fixedWidth(values):
            let scalar = values.scalar(at: row)
            switch column.type {
            case let .timestamp(unit, zone):
                field.append(contentsOf: timestamp(scalar.int64Value, unit: unit, zoned: zone != nil).utf8)
            case .date:
                field.append(contentsOf: CivilTime.formatDate(Int32(truncatingIfNeeded: scalar.int64Value)).utf8)
            default:
                switch scalar {
                case let .bool(value): field.append(contentsOf: (value ? "True" : "False").utf8)
                case let .int(value): field.append(contentsOf: String(value).utf8)
                case let .uint(value): field.append(contentsOf: String(value).utf8)
                case let .double(value):
                    let text = values.dtype == .float32
                        ? CSVFloatFormat.string(Float(value)) : CSVFloatFormat.string(value)
                    field.append(contentsOf: text.utf8)
                }
            }
        }
    }

    private func timestamp(_ value: Int64, unit: ColumnType.TimeUnit, zoned: Bool) -> String {
        let perSecond = unit.perSecond
        var seconds = value / perSecond
        var fraction = value % perSecond
        if fraction < 0 {
            fraction += perSecond
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        var text = CivilTime.formatDate(Int32(truncatingIfNeeded: days))
        if datesOnly { return text }
        text += " " + pad(secondOfDay / 3600) + ":" + pad(secondOfDay / 60 % 60) + ":" + pad(secondOfDay % 60)
        if fractionDigits > 0 {
            let nanoseconds = fraction * (1_000_000_000 / perSecond)
            let digits = String(nanoseconds)
            let full = String(repeating: "0", count: 9 - digits.count) + digits
            text += "." + full.prefix(fractionDigits)
        }
        if zoned { text += "+00:00" }
        return text
    }

    private func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
