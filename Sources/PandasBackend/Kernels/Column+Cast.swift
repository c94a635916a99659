import Backends
import Foundation
import NumPyBackend

extension Column {
    /// The column converted to `target` (pandas' `astype`): numbers between widths (C casts, as
    /// NumPy), anything to strings (formatted as pandas prints), strings parsed to numbers, strings
    /// and categoricals into each other, timestamps and dates to their integer counts and back.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` naming the first value that does not convert.
    public func converted(to target: ColumnType) throws(FrameError) -> Column {
        if target == type { return self }
        switch (type, target) {
        case (.numeric, .numeric(let dtype)):
            guard let values else { break }
            let result: NDArray
            do { result = try values.converted(to: dtype) } catch { throw .invalidValue("\(error)") }
            return Column(unchecked: target, storage: .fixedWidth(result), validity: validity, count: count)
        case (_, .string):
            return Column.strings(strings())
        case (.categorical, .categorical):
            return self
        case (.string, .categorical):
            return dictionaryEncoded()
        case (.string, .numeric(let dtype)):
            return try parsedNumbers(dtype)
        case (.timestamp, .numeric(.int64)), (.date, .numeric(.int32)):
            guard let values else { break }
            return Column(unchecked: target, storage: .fixedWidth(values), validity: validity, count: count)
        case (.date, .numeric(.int64)):
            guard let values, let wide = try? values.converted(to: .int64) else { break }
            return Column(unchecked: target, storage: .fixedWidth(wide), validity: validity, count: count)
        case let (.timestamp(from, _), .timestamp(to, zone)):
            guard let values else { break }
            let scaled = values.mapInt64 { Self.rescale($0, from: from, to: to) }
            return Column(unchecked: .timestamp(to, timeZone: zone), storage: .fixedWidth(scaled), validity: validity, count: count)
        case let (.date, .timestamp(unit, zone)):
            guard let values, let wide = try? values.converted(to: .int64) else { break }
            let scaled = wide.mapInt64 { $0 &* 86_400 &* unit.perSecond }
            return Column(unchecked: .timestamp(unit, timeZone: zone), storage: .fixedWidth(scaled), validity: validity, count: count)
        case let (.timestamp(unit, _), .date):
            guard let values else { break }
            let days = values.mapInt64 { value in
                let perDay = 86_400 * unit.perSecond
                return value >= 0 ? value / perDay : (value - perDay + 1) / perDay
            }
            guard let narrow = try? days.converted(to: .int32) else { break }
            return Column(unchecked: .date, storage: .fixedWidth(narrow), validity: validity, count: count)
        default:
            break
        }
        throw .unsupportedType(operation: "astype(\(target))", type: type)
    }

    private static func rescale(_ value: Int64, from: ColumnType.TimeUnit, to: ColumnType.TimeUnit) -> Int64 {
        if from.perSecond == to.perSecond { return value }
        if to.perSecond > from.perSecond { return value &* (to.perSecond / from.perSecond) }
        let factor = from.perSecond / to.perSecond
        return value >= 0 ? value / factor : (value - factor + 1) / factor
    }

    /// A categorical column with the distinct strings as categories in sorted order, as pandas.
    func dictionaryEncoded() -> Column {
        guard case let .strings(buffer) = storage else { return self }
        var distinct = Set<String>()
        for row in 0..<count where !isNull(row) { distinct.insert(buffer[row]) }
        let categories = distinct.sorted()
        var lookup: [String: Int32] = [:]
        for (code, name) in categories.enumerated() { lookup[name] = Int32(code) }
        let codes = NDArray(uninitializedShape: [count], dtype: .int32)
        codes.withUnsafeMutableElements(as: Int32.self) { target in
            for row in 0..<count { target[row] = isNull(row) ? 0 : lookup[buffer[row]] ?? 0 }
        }
        return Column(unchecked: .categorical, storage: .dictionary(codes: codes, categories: StringBuffer(categories.map { $0 })),
                      validity: validity, count: count)
    }

    private func parsedNumbers(_ dtype: DType) throws(FrameError) -> Column {
        guard case let .strings(buffer) = storage else { throw .unsupportedType(operation: "astype(\(dtype))", type: type) }
        var doubles = [Double](repeating: 0, count: count)
        var integers = [Int64](repeating: 0, count: count)
        var validity = self.validity ?? ValidityBitmap(count: count, allValid: true)
        for row in 0..<count where validity.isValid(row) {
            let text = buffer[row].trimmingCharacters(in: .whitespaces)
            if dtype == .bool {
                switch text.lowercased() {
                case "true": integers[row] = 1
                case "false": integers[row] = 0
                default: throw .invalidValue("Cannot convert '\(text)' at row \(row) to bool.")
                }
            } else if dtype.isInteger {
                guard let value = Int64(text) else { throw .invalidValue("Cannot convert '\(text)' at row \(row) to \(dtype).") }
                integers[row] = value
            } else {
                guard let value = Double(text) else { throw .invalidValue("Cannot convert '\(text)' at row \(row) to \(dtype).") }
                doubles[row] = value
            }
            if text.isEmpty { validity.set(row, valid: false) }
        }
        let wide = dtype.isFloatingPoint ? Column.numbers(doubles) : Column.numbers(integers)
        let column = Column(unchecked: wide.type, storage: wide.storage, validity: validity, count: count)
        return try column.converted(to: .numeric(dtype))
    }
}

extension NDArray {
    /// A new `int64` array with `transform` applied to each element of this `int64` array.
    func mapInt64(_ transform: (Int64) -> Int64) -> NDArray {
        let result = NDArray(uninitializedShape: shape, dtype: .int64)
        withUnsafeElements(as: Int64.self) { source in
            result.withUnsafeMutableElements(as: Int64.self) { target in
                for index in source.indices { target[index] = transform(source[index]) }
            }
        }
        return result
    }
}
