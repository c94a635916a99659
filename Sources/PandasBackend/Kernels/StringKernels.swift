import Backends

/// Kernels of `Series.str` and string comparisons, over UTF-8 bytes.
enum StringKernels {
    /// Applies a string function; a categorical column works on its categories once.
    static func apply(_ function: ColumnExpression.StringFunction, to column: Column) throws -> Column {
        if case let .dictionary(codes, categories) = column.storage {
            let categoryColumn = Column(unchecked: .string, storage: .strings(categories), validity: nil, count: categories.count)
            let perCategory = try apply(function, to: categoryColumn)
            let indices = codes.withUnsafeElements(as: Int32.self) { $0.map { Int($0) } }
            let taken = indices.withUnsafeBufferPointer { perCategory.take($0) }
            return Column(unchecked: taken.type, storage: taken.storage, validity: column.validity, count: column.count)
        }
        guard case let .strings(buffer) = column.storage else {
            throw FrameError.unsupportedType(operation: ".str", type: column.type)
        }
        let count = column.count
        switch function {
        case let .contains(pattern), let .startsWith(pattern), let .endsWith(pattern):
            let needle = Array(pattern.utf8)
            let result = NDArray(uninitializedShape: [count], dtype: .bool)
            result.withUnsafeMutableElements(as: UInt8.self) { flags in
                for row in 0..<count {
                    flags[row] = buffer.withUTF8(row) { bytes in
                        switch function {
                        case .startsWith: bytes.starts(with: needle)
                        case .endsWith: bytes.count >= needle.count && bytes[(bytes.count - needle.count)...].elementsEqual(needle)
                        default: contains(bytes, needle)
                        }
                    } ? 1 : 0
                }
            }
            // pandas gives NaN (missing) for a missing string.
            return Column(unchecked: .bool, storage: .fixedWidth(result), validity: column.validity, count: count)
        case .lower, .upper:
            var output = StringBuffer(reservingCapacity: count, bytes: buffer.bytes.count)
            for row in 0..<count {
                let text = buffer[row]
                output.append(function == .lower ? text.lowercased() : text.uppercased())
            }
            return Column(unchecked: .string, storage: .strings(output), validity: column.validity, count: count)
        case .length:
            let lengths = (0..<count).map { row in
                Int64(buffer.withUTF8(row) { bytes in bytes.reduce(0) { $0 + (($1 & 0xC0) != 0x80 ? 1 : 0) } })
            }
            let base = Column.numbers(lengths)
            return Column(unchecked: .int64, storage: base.storage, validity: column.validity, count: count)
        }
    }

    /// Whether `needle` occurs in `haystack` (plain substring search).
    static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            if haystack[start] == first {
                var matched = true
                for k in 1..<needle.count where haystack[start + k] != needle[k] { matched = false; break }
                if matched { return true }
            }
            start += 1
        }
        return false
    }

    /// Compares strings bytewise (code point order, as Python); a null compares false (true for `!=`).
    static func compare(_ op: BinaryOperation, _ lhs: Column, _ rhs: Column, rowCount: Int) throws -> Column {
        let left = try textual(lhs), right = try textual(rhs)
        let result = NDArray(uninitializedShape: [rowCount], dtype: .bool)
        result.withUnsafeMutableElements(as: UInt8.self) { flags in
            for row in 0..<rowCount {
                let l = lhs.count == 1 ? 0 : row, r = rhs.count == 1 ? 0 : row
                if lhs.isNull(l) || rhs.isNull(r) { flags[row] = op == .notEqual ? 1 : 0; continue }
                let order = left.withUTF8(l) { a in right.withUTF8(r) { b in compareBytes(a, b) } }
                let outcome: Bool
                switch op {
                case .equal: outcome = order == 0
                case .notEqual: outcome = order != 0
                case .less: outcome = order < 0
                case .lessEqual: outcome = order <= 0
                case .greater: outcome = order > 0
                default: outcome = order >= 0
                }
                flags[row] = outcome ? 1 : 0
            }
        }
        return Column(unchecked: .bool, storage: .fixedWidth(result), validity: nil, count: rowCount)
    }

    private static func textual(_ column: Column) throws -> StringBuffer {
        switch column.storage {
        case let .strings(buffer): return buffer
        case .dictionary:
            guard case let .strings(buffer) = try column.converted(to: .string).storage else { fallthrough }
            return buffer
        default:
            throw FrameError.unsupportedType(operation: "Comparing with a string", type: column.type)
        }
    }

    private static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(a.count, b.count)
        for k in 0..<common where a[k] != b[k] { return a[k] < b[k] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
