import Backends

/// The per-group accumulation loops: one pass over a column's raw values and the rows' group codes,
/// into accumulator arrays with one slot per group plus the discard slot (see ``GroupCodes``).
///
/// A row is valid when its validity bit is set (no bitmap: every row) and, for floats, it is not
/// NaN. Rows that are not valid add nothing; dropped rows land in the discard slot.
enum GroupKernels {
    /// The number of rows with their validity bit set, per slot.
    static func countValid(words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int) -> [Int64] {
        var counts = [Int64](repeating: 0, count: slots)
        counts.withUnsafeMutableBufferPointer { counts in
            for row in 0..<codes.count where groupingBit(words, row) { counts[Int(codes[row])] &+= 1 }
        }
        return counts
    }

    /// The sum and the count of the valid (non-null, non-NaN) values of a float column, per slot.
    static func floatSumCount<F: BinaryFloatingPoint & NDArrayElement>(
        _ values: UnsafeBufferPointer<F>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, sizes: [Int64]
    ) -> (sums: [Double], counts: [Int64]) {
        let slots = sizes.count
        // Every row in group 0 (a whole-column reduction: one group and an empty discard slot).
        if slots == 2, sizes[1] == 0, words == nil {
            let (sum, count) = singleFloatSumCount(values, size: sizes[0])
            return ([sum, 0], [count, 0])
        }
        var sums = [Double](repeating: 0, count: slots)
        var counts = [Int64](repeating: 0, count: slots)
        sums.withUnsafeMutableBufferPointer { sums in
            counts.withUnsafeMutableBufferPointer { counts in
                let sums = sums.baseAddress!, counts = counts.baseAddress!
                if let words {
                    for row in 0..<values.count {
                        let group = Int(codes[row])
                        let value = values[row].doubleValue
                        let ok = value == value && groupingBit(words, row)
                        sums[group] += ok ? value : 0
                        counts[group] &+= ok ? 1 : 0
                    }
                } else {
                    // Count the NaNs (usually none: a well-predicted branch), not the values.
                    for row in 0..<values.count {
                        let group = Int(codes[row])
                        let value = values[row].doubleValue
                        if value == value { sums[group] += value } else { counts[group] &-= 1 }
                    }
                    for slot in 0..<slots { counts[slot] &+= sizes[slot] }
                }
            }
        }
        return (sums, counts)
    }

    /// ``floatSumCount`` for one group and no nulls (a whole-column sum): four independent
    /// accumulators, so the loop runs at load speed instead of waiting on each addition.
    private static func singleFloatSumCount<F: BinaryFloatingPoint & NDArrayElement>(
        _ values: UnsafeBufferPointer<F>, size: Int64
    ) -> (sum: Double, count: Int64) {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var nans = 0
        let quads = values.count / 4
        for quad in 0..<quads {
            let row = quad * 4
            let v0 = values[row].doubleValue, v1 = values[row + 1].doubleValue
            let v2 = values[row + 2].doubleValue, v3 = values[row + 3].doubleValue
            s0 += v0 == v0 ? v0 : 0
            s1 += v1 == v1 ? v1 : 0
            s2 += v2 == v2 ? v2 : 0
            s3 += v3 == v3 ? v3 : 0
            nans &+= (v0 != v0 ? 1 : 0) &+ (v1 != v1 ? 1 : 0) &+ (v2 != v2 ? 1 : 0) &+ (v3 != v3 ? 1 : 0)
        }
        for row in (quads * 4)..<values.count {
            let value = values[row].doubleValue
            s0 += value == value ? value : 0
            nans &+= value != value ? 1 : 0
        }
        return ((s0 + s1) + (s2 + s3), size &- Int64(nans))
    }

    /// The sum of every value (NaN included) of a float64 column with no nulls, per slot: merges
    /// float sum states, where a NaN is a real result (`inf - inf`) and not a missing value.
    static func doubleSumAll(_ values: UnsafeBufferPointer<Double>, codes: UnsafeBufferPointer<Int32>, slots: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: slots)
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<values.count { sums[Int(codes[row])] += values[row] }
        }
        return sums
    }

    /// The sum of the valid values of an integer or boolean column as `Double`, per slot.
    static func doubleSum<T: NDArrayElement>(
        _ values: UnsafeBufferPointer<T>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int
    ) -> [Double] {
        var sums = [Double](repeating: 0, count: slots)
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<values.count {
                let ok = groupingBit(words, row)
                sums[Int(codes[row])] += ok ? values[row].doubleValue : 0
            }
        }
        return sums
    }

    /// The sum of the valid values of a signed integer (or boolean, read as bytes) column as
    /// `Int64`, per slot, and whether any sum overflowed.
    static func signedSum<T: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int,
        allInFirstSlot: Bool = false
    ) -> (sums: [Int64], overflow: Bool) {
        if allInFirstSlot {
            // A whole-column sum: the running total stays in a register; same order, same result.
            var sum: Int64 = 0
            var overflow = false
            for row in 0..<values.count {
                let value = groupingBit(words, row) ? Int64(truncatingIfNeeded: values[row]) : 0
                let (next, overflowed) = sum.addingReportingOverflow(value)
                sum = next
                overflow = overflow || overflowed
            }
            var sums = [Int64](repeating: 0, count: slots)
            sums[0] = sum
            return (sums, overflow)
        }
        var sums = [Int64](repeating: 0, count: slots)
        var overflow = false
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<values.count {
                let group = Int(codes[row])
                let value = groupingBit(words, row) ? Int64(truncatingIfNeeded: values[row]) : 0
                let (sum, overflowed) = sums[group].addingReportingOverflow(value)
                sums[group] = sum
                overflow = overflow || overflowed
            }
        }
        return (sums, overflow)
    }

    /// The sum of the valid values of an unsigned integer column as `UInt64`, per slot, and whether
    /// any sum overflowed.
    static func unsignedSum<T: FixedWidthInteger>(
        _ values: UnsafeBufferPointer<T>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int
    ) -> (sums: [UInt64], overflow: Bool) {
        var sums = [UInt64](repeating: 0, count: slots)
        var overflow = false
        sums.withUnsafeMutableBufferPointer { sums in
            for row in 0..<values.count {
                let group = Int(codes[row])
                let value = groupingBit(words, row) ? UInt64(truncatingIfNeeded: values[row]) : 0
                let (sum, overflowed) = sums[group].addingReportingOverflow(value)
                sums[group] = sum
                overflow = overflow || overflowed
            }
        }
        return (sums, overflow)
    }

    /// The sum of squared deviations from each slot's mean, of the valid values.
    static func squaredDeviations<T: NDArrayElement>(
        _ values: UnsafeBufferPointer<T>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, means: [Double]
    ) -> [Double] {
        var m2 = [Double](repeating: 0, count: means.count)
        means.withUnsafeBufferPointer { means in
            m2.withUnsafeMutableBufferPointer { m2 in
                for row in 0..<values.count {
                    let group = Int(codes[row])
                    let value = values[row].doubleValue
                    let ok = value == value && groupingBit(words, row)
                    let deviation = ok ? value - means[group] : 0
                    m2[group] += deviation * deviation
                }
            }
        }
        return m2
    }

    /// Merges variance states row by row into their slots with Chan et al.'s pairwise formula:
    /// `M2 = M2a + M2b + (mean_b - mean_a)^2 * na * nb / (na + nb)`.
    static func mergeSquaredDeviations(
        counts: UnsafeBufferPointer<Int64>, sums: UnsafeBufferPointer<Double>, m2: UnsafeBufferPointer<Double>,
        codes: UnsafeBufferPointer<Int32>, slots: Int
    ) -> [Double] {
        var totalCounts = [Int64](repeating: 0, count: slots)
        var totalSums = [Double](repeating: 0, count: slots)
        var totalM2 = [Double](repeating: 0, count: slots)
        for row in 0..<codes.count {
            let group = Int(codes[row])
            let count = counts[row]
            guard count > 0 else { continue }
            let existing = totalCounts[group]
            if existing == 0 {
                totalCounts[group] = count
                totalSums[group] = sums[row]
                totalM2[group] = m2[row]
                continue
            }
            let na = Double(existing), nb = Double(count)
            let delta = sums[row] / nb - totalSums[group] / na
            totalM2[group] += m2[row] + delta * delta * na * nb / (na + nb)
            totalCounts[group] = existing + count
            totalSums[group] += sums[row]
        }
        return totalM2
    }

    /// The smallest and largest valid value per slot, and whether the slot has any.
    static func minMax<T: Comparable>(
        _ values: UnsafeBufferPointer<T>, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int,
        initial: T
    ) -> (min: [T], max: [T], has: [Bool]) {
        var mins = [T](repeating: initial, count: slots)
        var maxs = [T](repeating: initial, count: slots)
        var has = [Bool](repeating: false, count: slots)
        mins.withUnsafeMutableBufferPointer { mins in
            maxs.withUnsafeMutableBufferPointer { maxs in
                has.withUnsafeMutableBufferPointer { has in
                    for row in 0..<values.count {
                        let value = values[row]
                        // `value == value` is false only for a NaN.
                        guard value == value, groupingBit(words, row) else { continue }
                        let group = Int(codes[row])
                        if has[group] {
                            if value < mins[group] { mins[group] = value }
                            if value > maxs[group] { maxs[group] = value }
                        } else {
                            has[group] = true
                            mins[group] = value
                            maxs[group] = value
                        }
                    }
                }
            }
        }
        return (mins, maxs, has)
    }

    /// The first and last valid row per slot (-1: none).
    static func firstLast(words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>, slots: Int) -> (first: [Int32], last: [Int32]) {
        var first = [Int32](repeating: -1, count: slots)
        var last = [Int32](repeating: -1, count: slots)
        for row in 0..<codes.count where groupingBit(words, row) {
            let group = Int(codes[row])
            if first[group] < 0 { first[group] = Int32(row) }
            last[group] = Int32(row)
        }
        return (first, last)
    }

    /// The rows holding the smallest and the largest valid string per slot (-1: none), comparing
    /// UTF-8 bytes (code point order, as Python compares strings).
    static func stringMinMax(_ buffer: StringBuffer, words: UnsafePointer<UInt64>?, codes: UnsafeBufferPointer<Int32>,
                             slots: Int) -> (min: [Int32], max: [Int32]) {
        var mins = [Int32](repeating: -1, count: slots)
        var maxs = [Int32](repeating: -1, count: slots)
        buffer.offsets.withUnsafeBufferPointer { offsets in
            buffer.bytes.withUnsafeBufferPointer { bytes in
                let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                func compare(_ a: Int32, _ b: Int32) -> Int {
                    let startA = Int(offsets[Int(a)]), startB = Int(offsets[Int(b)])
                    return compareBytes(base + startA, Int(offsets[Int(a) + 1]) - startA,
                                        base + startB, Int(offsets[Int(b) + 1]) - startB)
                }
                for row in 0..<codes.count where groupingBit(words, row) {
                    let group = Int(codes[row]), current = Int32(row)
                    if mins[group] < 0 {
                        mins[group] = current
                        maxs[group] = current
                        continue
                    }
                    if compare(current, mins[group]) < 0 { mins[group] = current }
                    if compare(current, maxs[group]) > 0 { maxs[group] = current }
                }
            }
        }
        return (mins, maxs)
    }
}

/// Compares two byte strings lexicographically (-1, 0, 1); a prefix sorts first.
@inline(__always)
func compareBytes(_ a: UnsafePointer<UInt8>, _ lengthA: Int, _ b: UnsafePointer<UInt8>, _ lengthB: Int) -> Int {
    let common = min(lengthA, lengthB)
    var index = 0
    while index < common {
        let x = a[index], y = b[index]
        if x != y { return x < y ? -1 : 1 }
        index += 1
    }
    return lengthA == lengthB ? 0 : (lengthA < lengthB ? -1 : 1)
}
