import Backends

// pandas' `sort_values(kind="stable")` on one frame, and the range split a distributed sort deals
// rows out with. Every sort key is first encoded (SortColumn): fixed-width values as 64-bit words
// whose unsigned order is the sort order (descending keys complemented), text as UTF-8 bytes
// (code-point order, as Python compares strings; categoricals by their text). Missing values (null,
// NaN) go first or last whatever the direction, as pandas' `na_position`; -0.0 equals +0.0.
//
// Frames whose keys are all fixed-width sort by stable LSD radix passes over (word, row) pairs,
// least significant key first, skipping bytes that are equal in every row; keys with text sort
// by comparisons with the row number as the final tie-break. Both are stable.

extension DataFrame {
    /// Destinations of a range split by one `int64` or `float64` key, read straight from the
    /// values (`nil` for other types): the number of boundaries that sort at or before each row.
    fileprivate static func numericRangeDestinations(_ column: Column, _ boundaries: Column, ascending: Bool,
                                                     nulls: NullPlacement) -> [Int32]? {
        guard column.type == boundaries.type, case let .fixedWidth(values) = column.storage,
              case let .fixedWidth(bounds) = boundaries.storage, values.dtype == .float64 || values.dtype == .int64 else {
            return nil
        }
        func destinations<T: Comparable & NDArrayElement>(_: T.Type, isMissing: (T) -> Bool) -> [Int32] {
            let source = UnsafeBufferPointer(start: UnsafeRawPointer(values.storage.bytes).assumingMemoryBound(to: T.self),
                                             count: column.count)
            let boundValues = UnsafeBufferPointer(start: UnsafeRawPointer(bounds.storage.bytes).assumingMemoryBound(to: T.self),
                                                  count: boundaries.count)
            // The boundaries are sorted with their missing ones together at one end.
            var present: [T] = []
            var missingCount = 0
            for index in 0..<boundaries.count {
                if (boundaries.validity?.isValid(index) ?? true) && !isMissing(boundValues[index]) {
                    present.append(boundValues[index])
                } else {
                    missingCount += 1
                }
            }
            let missingFirst = nulls == .first
            // A missing row sorts after every value (nulls last) or before them, equal to missing boundaries.
            let missingDestination = Int32(missingFirst ? missingCount : boundaries.count)
            let offset = missingFirst ? missingCount : 0
            let validity = column.validity
            return [Int32](unsafeUninitializedCapacity: column.count) { target, initialized in
                present.withUnsafeBufferPointer { present in
                    for row in 0..<column.count {
                        let value = source[row]
                        if isMissing(value) || !(validity?.isValid(row) ?? true) {
                            target[row] = missingDestination
                            continue
                        }
                        // Count the boundaries at or before the value in sort order, without
                        // branches on the data (random keys would mispredict every step).
                        var before = 0
                        if present.count <= 32 {
                            if ascending {
                                for bound in present { before &+= bound <= value ? 1 : 0 }
                            } else {
                                for bound in present { before &+= bound >= value ? 1 : 0 }
                            }
                        } else {
                            var base = 0, length = present.count
                            while length > 1 {
                                let half = length >> 1
                                let bound = present[base + half - 1]
                                base = (ascending ? bound <= value : bound >= value) ? base + half : base
                                length -= half
                            }
                            let bound = present[base]
                            before = base + ((ascending ? bound <= value : bound >= value) ? 1 : 0)
                        }
                        target[row] = Int32(offset + before)
                    }
                }
                initialized = column.count
            }
        }
        if values.dtype == .float64 {
            // -0.0 and +0.0 compare equal as Doubles, as the sort treats them.
            return destinations(Double.self) { $0.isNaN }
        }
        return destinations(Int64.self) { _ in false }
    }

    /// The rows ordered by `keys` (stable, so ties keep their order; nulls last, as pandas).
    public func sorted(by keys: [SortKey]) throws(FrameError) -> DataFrame {
        try sorted(by: keys, nulls: .last)
    }

    /// The rows ordered by `keys`, stable, missing values (null, NaN) placed by `nulls`, with a
    /// default index (pandas' `sort_values(by, ascending, kind="stable", na_position,
    /// ignore_index=True)`).
    ///
    /// ```swift
    /// let frame = try DataFrame(["a": [2, 1, 2], "b": ["x", "y", "z"]])
    /// let sorted = try frame.sorted(by: [SortKey(column: "a"), SortKey(column: "b", ascending: false)], nulls: .last)
    /// // a: [1, 2, 2], b: ["y", "z", "x"]
    /// ```
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing key column.
    public func sorted(by keys: [SortKey], nulls: NullPlacement) throws(FrameError) -> DataFrame {
        if keys.isEmpty || rowCount < 2 { return withIndexStart(0) }
        var encoded: [SortColumn] = []
        for key in keys { encoded.append(SortColumn(try column(key.column).column, ascending: key.ascending, nulls: nulls)) }
        return groupingGather(SortColumn.order(encoded, count: rowCount))
    }

    /// The rows dealt into `boundaries.rowCount + 1` frames by where their keys fall among the
    /// boundary rows: frame `i` holds, in their original order, the rows that sort at or after
    /// boundary `i - 1` and before boundary `i` (rows equal to a boundary go right of it, so
    /// equal keys always land together). `boundaries` holds the key columns, sorted by `keys`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a key missing here or in
    ///   `boundaries`, ``FrameError/invalidValue(_:)`` when a key's type differs between them.
    public func split(byRanges boundaries: DataFrame, keys: [SortKey], nulls: NullPlacement) throws(FrameError) -> [DataFrame] {
        var columnPairs: [(Column, Column)] = []
        for key in keys {
            let column = try column(key.column).column
            let boundary = try boundaries.column(key.column).column
            guard column.type == boundary.type else {
                throw .invalidValue("Sort key '\(key.column)' is \(column.type) but its boundaries are \(boundary.type).")
            }
            columnPairs.append((column, boundary))
        }
        let count = boundaries.rowCount + 1
        if count == 1 { return [withIndexStart(0)] }
        let limit = boundaries.rowCount
        if keys.count == 1, let destinations = Self.numericRangeDestinations(
            columnPairs[0].0, columnPairs[0].1, ascending: keys[0].ascending, nulls: nulls) {
            return scattered(to: destinations, count: count)
        }
        let mine = zip(columnPairs, keys).map { SortColumn($0.0, ascending: $1.ascending, nulls: nulls) }
        let theirs = zip(columnPairs, keys).map { SortColumn($0.1, ascending: $1.ascending, nulls: nulls) }
        var destinations = [Int32](repeating: 0, count: rowCount)
        if mine.count == 1, case let .words(values) = mine[0].values, case let .words(bounds) = theirs[0].values,
           mine[0].validity == nil, theirs[0].validity == nil {
            values.withUnsafeBufferPointer { values in
                bounds.withUnsafeBufferPointer { bounds in
                    for row in 0..<rowCount {
                        let value = values[row]
                        var low = 0, high = limit
                        while low < high {
                            let middle = (low + high) >> 1
                            if bounds[middle] <= value { low = middle + 1 } else { high = middle }
                        }
                        destinations[row] = Int32(low)
                    }
                }
            }
        } else {
            for row in 0..<rowCount {
                var low = 0, high = limit
                while low < high {
                    let middle = (low + high) >> 1
                    if SortColumn.compare(theirs, middle, mine, row) <= 0 { low = middle + 1 } else { high = middle }
                }
                destinations[row] = Int32(low)
            }
        }
        return scattered(to: destinations, count: count)
    }
}

/// One sort key's values in a form rows compare by, within one frame or across two.
struct SortColumn {
    /// The encoded values.
    enum Values {
        /// Unsigned words in sort order (complemented for a descending key); 0 under a null.
        case words([UInt64])
        /// UTF-8 text, compared bytewise; the direction is applied at comparison.
        case text(StringBuffer)
    }

    let values: Values
    /// Which rows hold a value (`nil`: all); NaN counts as missing.
    let validity: ValidityBitmap?
    let ascending: Bool
    let nullsFirst: Bool

    init(_ column: Column, ascending: Bool, nulls: NullPlacement) {
        self.ascending = ascending
        nullsFirst = nulls == .first
        let validity = column.sortValidity()
        self.validity = validity
        switch column.storage {
        case let .fixedWidth(array):
            var words = SortColumn.words(array)
            if !ascending { for index in words.indices { words[index] = ~words[index] } }
            if let validity {
                for row in 0..<column.count where !validity.isValid(row) { words[row] = 0 }
            }
            values = .words(words)
        case let .strings(buffer):
            values = .text(buffer)
        case let .dictionary(codes, categories):
            var buffer = StringBuffer(reservingCapacity: column.count)
            codes.withUnsafeElements(as: Int32.self) { codes in
                for row in 0..<column.count {
                    let code = Int(codes[row])
                    if code >= 0 && code < categories.count { categories.withUTF8(code) { buffer.append(utf8: $0) } } else { buffer.appendEmpty() }
                }
            }
            values = .text(buffer)
        }
    }

    /// Order-preserving words of a fixed-width array: integers with the sign bit flipped, floats
    /// by the IEEE trick (negative numbers complemented, positive ones with the sign bit set).
    static func words(_ array: NDArray) -> [UInt64] {
        let n = array.count
        let raw = UnsafeRawPointer(array.storage.bytes)
        func integers<T: FixedWidthInteger>(_: T.Type) -> [UInt64] {
            let source = raw.assumingMemoryBound(to: T.self)
            return [UInt64](unsafeUninitializedCapacity: n) { target, initialized in
                for row in 0..<n {
                    target[row] = T.isSigned
                        ? UInt64(bitPattern: Int64(truncatingIfNeeded: source[row])) ^ (1 << 63)
                        : UInt64(truncatingIfNeeded: source[row])
                }
                initialized = n
            }
        }
        func floats<F: BinaryFloatingPoint & NDArrayElement>(_: F.Type) -> [UInt64] {
            let source = raw.assumingMemoryBound(to: F.self)
            return [UInt64](unsafeUninitializedCapacity: n) { target, initialized in
                for row in 0..<n {
                    let value = source[row].doubleValue
                    let bits = (value == 0 ? 0.0 : value).bitPattern
                    target[row] = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
                }
                initialized = n
            }
        }
        switch array.dtype {
        case .bool, .uint8: return integers(UInt8.self)
        case .int8: return integers(Int8.self)
        case .int16: return integers(Int16.self)
        case .uint16: return integers(UInt16.self)
        case .int32: return integers(Int32.self)
        case .uint32: return integers(UInt32.self)
        case .int64: return integers(Int64.self)
        case .uint64: return integers(UInt64.self)
        case .float32: return floats(Float.self)
        case .float64: return floats(Double.self)
        }
    }

    /// Row `i` of `a` against row `j` of `b` (columns of one key list): -1, 0 or 1.
    static func compare(_ a: [SortColumn], _ i: Int, _ b: [SortColumn], _ j: Int) -> Int {
        for (x, y) in zip(a, b) {
            let order = x.compare(i, y, j)
            if order != 0 { return order }
        }
        return 0
    }

    /// Row `i` of this key against row `j` of `other` (the same key in another frame).
    @inline(__always)
    func compare(_ i: Int, _ other: SortColumn, _ j: Int) -> Int {
        let validI = validity?.isValid(i) ?? true, validJ = other.validity?.isValid(j) ?? true
        if !validI || !validJ {
            if validI == validJ { return 0 }
            return validI == nullsFirst ? 1 : -1
        }
        switch (values, other.values) {
        case let (.words(x), .words(y)):
            return x[i] < y[j] ? -1 : (x[i] > y[j] ? 1 : 0)
        case let (.text(x), .text(y)):
            let order = x.withUTF8(i) { a in
                y.withUTF8(j) { b in compareBytes(a.baseAddress ?? UnsafePointer(bitPattern: 1)!, a.count,
                                                  b.baseAddress ?? UnsafePointer(bitPattern: 1)!, b.count) }
            }
            return ascending ? order : -order
        default:
            return 0
        }
    }

    /// The stable order of rows `0 ..< count` by `keys`.
    static func order(_ keys: [SortColumn], count: Int) -> [Int32] {
        var rows = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for row in 0..<count { buffer[row] = Int32(row) }
            initialized = count
        }
        let allWords = keys.allSatisfy { if case .words = $0.values { true } else { false } }
        if allWords {
            var identity = true
            for key in keys.reversed() {
                guard case let .words(words) = key.values else { continue }
                var gathered: [UInt64]
                if identity {
                    gathered = words
                } else {
                    gathered = [UInt64](unsafeUninitializedCapacity: count) { target, initialized in
                        words.withUnsafeBufferPointer { source in
                            for index in 0..<count { target[index] = source[Int(rows[index])] }
                        }
                        initialized = count
                    }
                }
                RadixSort.sort(keys: &gathered, rows: &rows)
                if let validity = key.validity { rows = stablePartition(rows, validity: validity, nullsFirst: key.nullsFirst) }
                identity = false
            }
            return rows
        }
        rows.sort { a, b in
            let order = compare(keys, Int(a), keys, Int(b))
            return order != 0 ? order < 0 : a < b
        }
        return rows
    }

    /// The rows with nulls moved to the front or the back, each part keeping its order.
    private static func stablePartition(_ rows: [Int32], validity: ValidityBitmap, nullsFirst: Bool) -> [Int32] {
        var valid: [Int32] = []
        var missing: [Int32] = []
        valid.reserveCapacity(rows.count)
        for row in rows {
            if validity.isValid(Int(row)) { valid.append(row) } else { missing.append(row) }
        }
        return nullsFirst ? missing + valid : valid + missing
    }
}

extension Column {
    /// Which rows hold a value for sorting (NaN counts as missing): the bitmap, or `nil` for all.
    func sortValidity() -> ValidityBitmap? {
        guard case let .fixedWidth(values) = storage, values.dtype.isFloatingPoint else { return groupingValidity() }
        func scan<F: BinaryFloatingPoint & NDArrayElement>(_: F.Type) -> ValidityBitmap? {
            values.withUnsafeElements(as: F.self) { buffer in
                var anyNaN = false
                for value in buffer where value.isNaN {
                    anyNaN = true
                    break
                }
                guard anyNaN else { return validity }
                var bitmap = validity ?? ValidityBitmap(count: count, allValid: true)
                for row in 0..<count where buffer[row].isNaN { bitmap.set(row, valid: false) }
                return bitmap.normalized
            }
        }
        return values.dtype == .float64 ? scan(Double.self) : scan(Float.self)
    }
}

/// Stable least-significant-digit radix sort of (key, row) pairs by key, a byte per pass.
enum RadixSort {
    /// Sorts `keys` ascending, permuting `rows` alike; pairs with equal keys keep their order.
    static func sort(keys: inout [UInt64], rows: inout [Int32]) {
        let n = keys.count
        guard n > 1 else { return }
        if n < 64 {
            var pairs = Array(zip(keys, rows).enumerated())
            pairs.sort { $0.element.0 != $1.element.0 ? $0.element.0 < $1.element.0 : $0.offset < $1.offset }
            keys = pairs.map(\.element.0)
            rows = pairs.map(\.element.1)
            return
        }
        // One pass counts every byte position; positions where all keys share the byte are skipped.
        var counts = [Int](repeating: 0, count: 8 * 256)
        counts.withUnsafeMutableBufferPointer { counts in
            keys.withUnsafeBufferPointer { keys in
                for key in keys {
                    for byte in 0..<8 { counts[byte << 8 | Int((key >> UInt64(byte * 8)) & 0xFF)] += 1 }
                }
            }
        }
        let passes = (0..<8).filter { byte in !(0..<256).contains { counts[byte << 8 | $0] == n } }
        guard !passes.isEmpty else { return }
        var otherKeys = [UInt64](repeating: 0, count: n)
        var otherRows = [Int32](repeating: 0, count: n)
        for byte in passes {
            var offsets = [Int](repeating: 0, count: 256)
            var total = 0
            for value in 0..<256 {
                offsets[value] = total
                total += counts[byte << 8 | value]
            }
            let shift = UInt64(byte * 8)
            keys.withUnsafeBufferPointer { sourceKeys in
                rows.withUnsafeBufferPointer { sourceRows in
                    otherKeys.withUnsafeMutableBufferPointer { targetKeys in
                        otherRows.withUnsafeMutableBufferPointer { targetRows in
                            offsets.withUnsafeMutableBufferPointer { offsets in
                                for index in 0..<n {
                                    let key = sourceKeys[index]
                                    let bucket = Int((key >> shift) & 0xFF)
                                    let position = offsets[bucket]
                                    offsets[bucket] = position + 1
                                    targetKeys[position] = key
                                    targetRows[position] = sourceRows[index]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &otherKeys)
            swap(&rows, &otherRows)
        }
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
