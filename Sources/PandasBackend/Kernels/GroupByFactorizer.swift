import Backends

/// Group numbers for the rows of a frame: the result of factorizing its key columns.
struct GroupCodes {
    /// Each row's group (`int32`), `0 ..< groupCount`, or `groupCount` (the discard slot) for a
    /// dropped row. Kept in array storage, whose large buffers are recycled without page faults.
    let codes: NDArray
    /// The number of groups.
    let groupCount: Int
    /// The first row of each group, in group order.
    let firstRows: [Int32]
    /// The number of rows in each slot (`groupCount + 1` values, the last for dropped rows).
    let sizes: [Int64]

    /// Accumulator arrays have one slot per group plus the discard slot.
    var slots: Int { groupCount + 1 }

    /// The number of rows.
    var count: Int { codes.count }

    /// Group codes over storage already filled; `sizes` is counted if not given.
    init(codes: NDArray, groupCount: Int, firstRows: [Int32], sizes: [Int64]? = nil) {
        self.codes = codes
        self.groupCount = groupCount
        self.firstRows = firstRows
        if let sizes {
            self.sizes = sizes
        } else {
            var counted = [Int64](repeating: 0, count: groupCount + 1)
            codes.withUnsafeElements(as: Int32.self) { codes in
                counted.withUnsafeMutableBufferPointer { counted in
                    for code in codes { counted[Int(code)] &+= 1 }
                }
            }
            self.sizes = counted
        }
    }

    /// Every one of `count` rows in one group.
    static func single(count: Int) -> GroupCodes {
        let codes = NDArray(uninitializedShape: [count], dtype: .int32)
        codes.withUnsafeMutableElements(as: Int32.self) { $0.initialize(repeating: 0) }
        return GroupCodes(codes: codes, groupCount: 1, firstRows: count > 0 ? [0] : [], sizes: [Int64(count), 0])
    }

    /// Calls `body` with the codes.
    @inline(__always)
    func withCodes<R>(_ body: (UnsafeBufferPointer<Int32>) throws -> R) rethrows -> R {
        try codes.withUnsafeElements(as: Int32.self, body)
    }

    /// The group of `row`.
    func code(_ row: Int) -> Int32 { withCodes { $0[row] } }
}

/// Rows whose key is a 64-bit word: integers (order-preserving image), floats (bit patterns, -0
/// folded into +0), codes of earlier factorizations.
protocol GroupKeySource {
    /// The number of rows.
    var count: Int { get }
    /// Whether some row may lack a key (`false` lets loops skip ``isValid(_:)``).
    var mayHaveNulls: Bool { get }
    /// Whether the row has a key (`false`: a null key).
    func isValid(_ row: Int) -> Bool
    /// The row's key; equal keys mean equal values.
    func key(_ row: Int) -> UInt64
}

@inline(__always)
func groupingBit(_ words: UnsafePointer<UInt64>?, _ row: Int) -> Bool {
    guard let words else { return true }
    return (words[row >> 6] >> UInt64(row & 63)) & 1 != 0
}

/// Integer, boolean, date and timestamp keys, mapped to `UInt64` preserving order.
struct IntegerKeySource<Element: FixedWidthInteger>: GroupKeySource {
    let values: UnsafePointer<Element>
    let words: UnsafePointer<UInt64>?
    let count: Int

    var mayHaveNulls: Bool { words != nil }

    @inline(__always) func isValid(_ row: Int) -> Bool { groupingBit(words, row) }

    @inline(__always) func key(_ row: Int) -> UInt64 {
        Element.isSigned
            ? UInt64(bitPattern: Int64(truncatingIfNeeded: values[row])) ^ (1 << 63)
            : UInt64(truncatingIfNeeded: values[row])
    }
}

/// Categorical codes: a code outside the dictionary is a null.
struct CategoryKeySource: GroupKeySource {
    let values: UnsafePointer<Int32>
    let words: UnsafePointer<UInt64>?
    let count: Int
    let categoryCount: Int32

    var mayHaveNulls: Bool { true }

    @inline(__always) func isValid(_ row: Int) -> Bool {
        groupingBit(words, row) && values[row] >= 0 && values[row] < categoryCount
    }

    @inline(__always) func key(_ row: Int) -> UInt64 { UInt64(truncatingIfNeeded: values[row]) }
}

/// Float keys: NaN is null, -0.0 and +0.0 are one key.
struct FloatKeySource<Element: BinaryFloatingPoint & NDArrayElement>: GroupKeySource {
    let values: UnsafePointer<Element>
    let words: UnsafePointer<UInt64>?
    let count: Int

    var mayHaveNulls: Bool { true }

    @inline(__always) func isValid(_ row: Int) -> Bool { groupingBit(words, row) && !values[row].isNaN }

    @inline(__always) func key(_ row: Int) -> UInt64 {
        let value = values[row].doubleValue
        return value == 0 ? 0 : value.bitPattern
    }
}

/// Pairs of codes of two earlier factorizations (several key columns, or a group and a value).
struct PairKeySource: GroupKeySource {
    let first: UnsafePointer<Int32>
    let second: UnsafePointer<Int32>
    let firstDiscard: Int32
    let secondDiscard: Int32
    let count: Int

    var mayHaveNulls: Bool { true }

    @inline(__always) func isValid(_ row: Int) -> Bool { first[row] != firstDiscard && second[row] != secondDiscard }

    @inline(__always) func key(_ row: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: first[row]) &* UInt64(truncatingIfNeeded: secondDiscard) &+ UInt64(truncatingIfNeeded: second[row])
    }
}

/// Assigns group numbers to rows by the values of their key columns.
///
/// One integer-like key whose values span a small range is factorized by direct addressing (a
/// table indexed by `value - min`); wider integers, floats and pairs of codes go through an
/// open-addressing table of 64-bit keys; strings through a table of byte hashes with an equality
/// check of the bytes. Several keys are factorized one by one and their codes combined pairwise.
/// Hashed groups are numbered by first appearance, direct-addressed ones in key order.
enum GroupFactorizer {
    /// Factorizes the rows by `keys` (all of `rowCount` rows); no keys puts every row in group 0.
    static func factorize(_ keys: [Column], rowCount: Int, dropna: Bool) -> GroupCodes {
        guard let first = keys.first else { return .single(count: rowCount) }
        var result = factorize(first, dropna: dropna)
        for column in keys.dropFirst() {
            let next = factorize(column, dropna: dropna)
            result = combine(result, next)
        }
        return result
    }

    /// Factorizes rows by the pair (`a`'s group, `b`'s group); rows dropped by either are dropped.
    static func combine(_ a: GroupCodes, _ b: GroupCodes) -> GroupCodes {
        a.withCodes { first in
            b.withCodes { second in
                let source = PairKeySource(first: first.baseAddress!, second: second.baseAddress!,
                                           firstDiscard: Int32(a.groupCount), secondDiscard: Int32(b.groupCount),
                                           count: first.count)
                return factorize(source, dropna: true)
            }
        }
    }

    /// Factorizes one column.
    static func factorize(_ column: Column, dropna: Bool) -> GroupCodes {
        let n = column.count
        if n == 0 { return GroupCodes(codes: NDArray(uninitializedShape: [0], dtype: .int32), groupCount: 0, firstRows: [], sizes: [0]) }
        return withValidityWords(column.validity) { words in
            switch column.storage {
            case let .fixedWidth(values):
                let raw = UnsafeRawPointer(values.storage.bytes)
                switch values.dtype {
                case .bool, .uint8: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: UInt8.self), words: words, count: n), dropna: dropna)
                case .int8: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: Int8.self), words: words, count: n), dropna: dropna)
                case .int16: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: Int16.self), words: words, count: n), dropna: dropna)
                case .uint16: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: UInt16.self), words: words, count: n), dropna: dropna)
                case .int32: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: Int32.self), words: words, count: n), dropna: dropna)
                case .uint32: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: UInt32.self), words: words, count: n), dropna: dropna)
                case .int64: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: Int64.self), words: words, count: n), dropna: dropna)
                case .uint64: return factorize(IntegerKeySource(values: raw.assumingMemoryBound(to: UInt64.self), words: words, count: n), dropna: dropna)
                case .float32: return factorize(FloatKeySource(values: raw.assumingMemoryBound(to: Float.self), words: words, count: n), dropna: dropna)
                case .float64: return factorize(FloatKeySource(values: raw.assumingMemoryBound(to: Double.self), words: words, count: n), dropna: dropna)
                }
            case let .dictionary(codes, categories):
                let source = CategoryKeySource(values: UnsafeRawPointer(codes.storage.bytes).assumingMemoryBound(to: Int32.self),
                                               words: words, count: n, categoryCount: Int32(clamping: categories.count))
                return factorize(source, dropna: dropna)
            case let .strings(buffer):
                return factorizeStrings(buffer, words: words, dropna: dropna)
            }
        }
    }

    /// The largest span of keys factorized by direct addressing, for `rowCount` rows.
    static func denseLimit(rowCount: Int) -> UInt64 { UInt64(max(2 * rowCount, 1 << 16)) }

    /// Factorizes 64-bit keys: direct addressing when they span a small range, hashing otherwise.
    static func factorize<Source: GroupKeySource>(_ source: Source, dropna: Bool) -> GroupCodes {
        let n = source.count
        // Large inputs without nulls: guess the range from the first rows and go straight to direct
        // addressing, which gives up (nil) at the first key outside the guess; this saves a pass.
        let sampleCount = 1 << 14
        if !source.mayHaveNulls, n > 4 * sampleCount {
            var low = UInt64.max, high: UInt64 = 0
            for row in 0..<sampleCount {
                let key = source.key(row)
                low = Swift.min(low, key)
                high = Swift.max(high, key)
            }
            if high - low < denseLimit(rowCount: n),
               let codes = factorizeDense(source, minKey: low, span: Int(high - low) + 1, dropna: dropna, checked: true) {
                return codes
            }
        }
        var minKey = UInt64.max, maxKey: UInt64 = 0
        var validCount = 0
        if source.mayHaveNulls {
            for row in 0..<n where source.isValid(row) {
                let key = source.key(row)
                minKey = Swift.min(minKey, key)
                maxKey = Swift.max(maxKey, key)
                validCount += 1
            }
        } else {
            // Four independent minima and maxima, so the comparisons overlap.
            var mins = (UInt64.max, UInt64.max, UInt64.max, UInt64.max), maxs: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            var row = 0
            while row + 4 <= n {
                let a = source.key(row), b = source.key(row + 1), c = source.key(row + 2), d = source.key(row + 3)
                mins = (Swift.min(mins.0, a), Swift.min(mins.1, b), Swift.min(mins.2, c), Swift.min(mins.3, d))
                maxs = (Swift.max(maxs.0, a), Swift.max(maxs.1, b), Swift.max(maxs.2, c), Swift.max(maxs.3, d))
                row += 4
            }
            while row < n {
                let key = source.key(row)
                mins.0 = Swift.min(mins.0, key)
                maxs.0 = Swift.max(maxs.0, key)
                row += 1
            }
            minKey = Swift.min(Swift.min(mins.0, mins.1), Swift.min(mins.2, mins.3))
            maxKey = Swift.max(Swift.max(maxs.0, maxs.1), Swift.max(maxs.2, maxs.3))
            validCount = n
        }
        if validCount > 0, maxKey - minKey < denseLimit(rowCount: n) {
            if let codes = factorizeDense(source, minKey: minKey, span: Int(maxKey - minKey) + 1, dropna: dropna, checked: false) {
                return codes
            }
        }
        let codes = NDArray(uninitializedShape: [n], dtype: .int32)
        var firstRows: [Int32] = []
        var nullGroup: Int32 = -1
        var dropped = 0
        codes.withUnsafeMutableElements(as: Int32.self) { codes in
            var table = KeyTable()
            defer { table.deallocate() }
            for row in 0..<n {
                guard source.isValid(row) else {
                    if dropna {
                        codes[row] = -1
                        dropped += 1
                    } else {
                        if nullGroup < 0 {
                            nullGroup = Int32(firstRows.count)
                            firstRows.append(Int32(row))
                        }
                        codes[row] = nullGroup
                    }
                    continue
                }
                let id = table.findOrInsert(source.key(row), newID: Int32(firstRows.count))
                if Int(id) == firstRows.count { firstRows.append(Int32(row)) }
                codes[row] = id
            }
            if dropped > 0 {
                let discard = Int32(firstRows.count)
                for row in 0..<n where codes[row] < 0 { codes[row] = discard }
            }
        }
        return GroupCodes(codes: codes, groupCount: firstRows.count, firstRows: firstRows)
    }

    /// Direct addressing: slot `key - minKey` for keys, `span` for nulls kept as a group,
    /// `span + 1` for dropped rows; then the occupied slots are numbered in key order (nulls
    /// last), which renumbers the rows unless every key slot is occupied and nothing is dropped.
    ///
    /// With `checked`, a key outside `minKey ..< minKey + span` gives up and returns nil.
    private static func factorizeDense<Source: GroupKeySource>(_ source: Source, minKey: UInt64, span: Int,
                                                               dropna: Bool, checked: Bool) -> GroupCodes? {
        let n = source.count
        let codes = NDArray(uninitializedShape: [n], dtype: .int32)
        var slotSizes = [Int64](repeating: 0, count: span + 2)
        let nullSlot = Int32(span), discardSlot = Int32(span + 1)
        var outside = false
        codes.withUnsafeMutableElements(as: Int32.self) { codes in
            slotSizes.withUnsafeMutableBufferPointer { sizes in
                let missing = dropna ? discardSlot : nullSlot
                if checked {
                    let limit = UInt64(span)
                    for row in 0..<n {
                        let offset = source.key(row) &- minKey
                        if offset >= limit {
                            outside = true
                            break
                        }
                        codes[row] = Int32(truncatingIfNeeded: offset)
                        sizes[Int(offset)] &+= 1
                    }
                } else {
                    for row in 0..<n {
                        let slot = source.isValid(row) ? Int32(truncatingIfNeeded: source.key(row) &- minKey) : missing
                        codes[row] = slot
                        sizes[Int(slot)] &+= 1
                    }
                }
            }
        }
        if outside { return nil }
        // Number the occupied slots.
        var groupOfSlot = [Int32](repeating: -1, count: span + 2)
        var sizes: [Int64] = []
        for slot in 0...span where slotSizes[slot] > 0 {
            groupOfSlot[slot] = Int32(sizes.count)
            sizes.append(slotSizes[slot])
        }
        let groupCount = sizes.count
        groupOfSlot[span + 1] = Int32(groupCount)
        sizes.append(slotSizes[span + 1])
        var firstRows = [Int32](repeating: -1, count: groupCount)
        codes.withUnsafeMutableElements(as: Int32.self) { codes in
            // Slot numbers are group numbers only when every key slot is occupied (the null
            // slot, `span`, is then group `span`) and nothing is dropped.
            let keySlotsOccupied = groupCount - (slotSizes[span] > 0 ? 1 : 0)
            if keySlotsOccupied != span || slotSizes[span + 1] > 0 {
                groupOfSlot.withUnsafeBufferPointer { table in
                    for row in 0..<n { codes[row] = table[Int(codes[row])] }
                }
            }
            // The first row of each group: scan until every group has one (few rows when groups are dense).
            var found = 0, row = 0
            while found < groupCount, row < n {
                let group = Int(codes[row])
                if group < groupCount, firstRows[group] < 0 {
                    firstRows[group] = Int32(row)
                    found += 1
                }
                row += 1
            }
        }
        return GroupCodes(codes: codes, groupCount: groupCount, firstRows: firstRows, sizes: sizes)
    }

    /// Factorizes strings by their bytes.
    static func factorizeStrings(_ buffer: StringBuffer, words: UnsafePointer<UInt64>?, dropna: Bool) -> GroupCodes {
        let n = buffer.count
        var firstRows: [Int32] = []
        var nullGroup: Int32 = -1
        var dropped = 0
        let codes = NDArray(uninitializedShape: [n], dtype: .int32)
        buffer.offsets.withUnsafeBufferPointer { offsets in
            buffer.bytes.withUnsafeBufferPointer { bytes in
                codes.withUnsafeMutableElements(as: Int32.self) { codes in
                    let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    var table = StringTable()
                    defer { table.deallocate() }
                    for row in 0..<n {
                        guard groupingBit(words, row) else {
                            if dropna {
                                codes[row] = -1
                                dropped += 1
                            } else {
                                if nullGroup < 0 {
                                    nullGroup = Int32(firstRows.count)
                                    firstRows.append(Int32(row))
                                }
                                codes[row] = nullGroup
                            }
                            continue
                        }
                        let start = Int(offsets[row]), length = Int(offsets[row + 1]) - start
                        let hash = HashMixer.bytes(base + start, count: length, readable: bytes.count - start)
                        let id = table.findOrInsert(hash: hash, newID: Int32(firstRows.count)) { candidate in
                            let other = Int(firstRows[Int(candidate)])
                            let otherStart = Int(offsets[other]), otherLength = Int(offsets[other + 1]) - otherStart
                            return otherLength == length && (length == 0 || memoryEqual(base + start, base + otherStart, length))
                        }
                        if Int(id) == firstRows.count { firstRows.append(Int32(row)) }
                        codes[row] = id
                    }
                    if dropped > 0 {
                        let discard = Int32(firstRows.count)
                        for row in 0..<n where codes[row] < 0 { codes[row] = discard }
                    }
                }
            }
        }
        return GroupCodes(codes: codes, groupCount: firstRows.count, firstRows: firstRows)
    }

    /// Calls `body` with the bitmap's words (`nil` when there is no bitmap).
    static func withValidityWords<R>(_ validity: ValidityBitmap?, _ body: (UnsafePointer<UInt64>?) -> R) -> R {
        guard let validity else { return body(nil) }
        return validity.words.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}

@inline(__always)
func memoryEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    let rawA = UnsafeRawPointer(a), rawB = UnsafeRawPointer(b)
    while index + 8 <= count {
        if rawA.loadUnaligned(fromByteOffset: index, as: UInt64.self) != rawB.loadUnaligned(fromByteOffset: index, as: UInt64.self) { return false }
        index += 8
    }
    while index < count {
        if a[index] != b[index] { return false }
        index += 1
    }
    return true
}
