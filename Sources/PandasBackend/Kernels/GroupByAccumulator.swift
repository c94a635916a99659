import Backends

/// Computes the state columns of one value column: from input rows (the partial step) or from
/// state rows of several partials (the combine step).
enum GroupByAccumulator {
    /// The state columns `components` of `column` over `groups`, one row per group; `overflow` is
    /// set if an integer sum overflowed.
    static func accumulate(_ column: Column, components: [GroupStateComponent], groups: GroupCodes,
                           overflow: inout Bool) -> [GroupStateComponent: Column] {
        var result: [GroupStateComponent: Column] = [:]
        let want = Set(components)
        let groupCount = groups.groupCount, slots = groups.slots, sizes = groups.sizes
        // NaN-aware validity: only first/last and categorical counts need it (it costs a pass).
        let needsEffective = want.contains(.first) || want.contains(.last) || column.type == .categorical
        let validity = needsEffective ? column.groupingValidity() : column.validity
        groups.withCodes { codes in
            GroupFactorizer.withValidityWords(column.validity) { words in
                GroupFactorizer.withValidityWords(validity) { effectiveWords in
                    func prefix<T>(_ values: [T]) -> [T] { Array(values[0..<groupCount]) }
                    func counted(_ counts: [Int64]) -> Column { Column.groupingColumn(.int64, prefix(counts)) }
                    func rows(_ rows: [Int32]) -> Column { column.groupingGather(prefix(rows)) }
                    func firstLast() {
                        guard want.contains(.first) || want.contains(.last) else { return }
                        let (first, last) = GroupKernels.firstLast(words: effectiveWords, codes: codes, slots: slots)
                        if want.contains(.first) { result[.first] = rows(first) }
                        if want.contains(.last) { result[.last] = rows(last) }
                    }
                    func minMax<T: Comparable & NDArrayElement>(_ values: UnsafeBufferPointer<T>, initial: T) {
                        guard want.contains(.min) || want.contains(.max) else { return }
                        let (mins, maxs, has) = GroupKernels.minMax(values, words: words, codes: codes, slots: slots, initial: initial)
                        let valid = prefix(has)
                        if want.contains(.min) { result[.min] = Column.groupingColumn(column.type, prefix(mins), valid: valid) }
                        if want.contains(.max) { result[.max] = Column.groupingColumn(column.type, prefix(maxs), valid: valid) }
                    }
                    func floats<F: BinaryFloatingPoint & NDArrayElement>(_ values: UnsafeBufferPointer<F>) {
                        let sumComponent: GroupStateComponent = F.self == Float.self ? .sumFloat32 : .sum
                        if want.contains(.count) || want.contains(sumComponent) || want.contains(.m2) {
                            let (sums, counts) = GroupKernels.floatSumCount(values, words: words, codes: codes, sizes: sizes)
                            if want.contains(.count) { result[.count] = counted(counts) }
                            if want.contains(sumComponent) { result[sumComponent] = Column.groupingColumn(.float64, prefix(sums)) }
                            if want.contains(.m2) {
                                let means = zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
                                let m2 = GroupKernels.squaredDeviations(values, words: words, codes: codes, means: means)
                                result[.m2] = Column.groupingColumn(.float64, prefix(m2))
                            }
                        }
                        minMax(values, initial: 0)
                        firstLast()
                    }
                    func integers<T: FixedWidthInteger & NDArrayElement>(_ values: UnsafeBufferPointer<T>, signedSum: Bool) {
                        var counts: [Int64] = []
                        if want.contains(.count) || want.contains(.m2) {
                            counts = words == nil ? sizes : GroupKernels.countValid(words: words, codes: codes, slots: slots)
                            if want.contains(.count) { result[.count] = counted(counts) }
                        }
                        if want.contains(.sum) {
                            if signedSum {
                                let (sums, overflowed) = GroupKernels.signedSum(values, words: words, codes: codes, slots: slots,
                                                                                  allInFirstSlot: slots == 2 && sizes[1] == 0)
                                overflow = overflow || overflowed
                                result[.sum] = Column.groupingColumn(.int64, prefix(sums))
                            } else {
                                let (sums, overflowed) = GroupKernels.unsignedSum(values, words: words, codes: codes, slots: slots)
                                overflow = overflow || overflowed
                                result[.sum] = Column.groupingColumn(.numeric(.uint64), prefix(sums))
                            }
                        }
                        if want.contains(.fsum) || want.contains(.m2) {
                            let sums = GroupKernels.doubleSum(values, words: words, codes: codes, slots: slots)
                            if want.contains(.fsum) { result[.fsum] = Column.groupingColumn(.float64, prefix(sums)) }
                            if want.contains(.m2) {
                                let means = zip(sums, counts).map { $1 > 0 ? $0 / Double($1) : 0 }
                                let m2 = GroupKernels.squaredDeviations(values, words: words, codes: codes, means: means)
                                result[.m2] = Column.groupingColumn(.float64, prefix(m2))
                            }
                        }
                        minMax(values, initial: 0)
                        firstLast()
                    }
                    switch column.storage {
                    case let .fixedWidth(array):
                        let raw = UnsafeRawPointer(array.storage.bytes)
                        func buffer<T>(_: T.Type) -> UnsafeBufferPointer<T> {
                            UnsafeBufferPointer(start: raw.assumingMemoryBound(to: T.self), count: array.count)
                        }
                        switch array.dtype {
                        case .float64: floats(buffer(Double.self))
                        case .float32: floats(buffer(Float.self))
                        case .bool: integers(buffer(UInt8.self), signedSum: true)
                        case .int8: integers(buffer(Int8.self), signedSum: true)
                        case .int16: integers(buffer(Int16.self), signedSum: true)
                        case .int32: integers(buffer(Int32.self), signedSum: true)
                        case .int64: integers(buffer(Int64.self), signedSum: true)
                        case .uint8: integers(buffer(UInt8.self), signedSum: false)
                        case .uint16: integers(buffer(UInt16.self), signedSum: false)
                        case .uint32: integers(buffer(UInt32.self), signedSum: false)
                        case .uint64: integers(buffer(UInt64.self), signedSum: false)
                        }
                    case let .strings(strings):
                        if want.contains(.count) {
                            result[.count] = counted(words == nil ? sizes : GroupKernels.countValid(words: words, codes: codes, slots: slots))
                        }
                        if want.contains(.min) || want.contains(.max) {
                            let (mins, maxs) = GroupKernels.stringMinMax(strings, words: words, codes: codes, slots: slots)
                            if want.contains(.min) { result[.min] = rows(mins) }
                            if want.contains(.max) { result[.max] = rows(maxs) }
                        }
                        firstLast()
                    case .dictionary:
                        if want.contains(.count) {
                            result[.count] = counted(effectiveWords == nil
                                ? sizes : GroupKernels.countValid(words: effectiveWords, codes: codes, slots: slots))
                        }
                        firstLast()
                    }
                }
            }
        }
        return result
    }

    /// Merges the state columns of `column` found in `state` (the group rows of several partial
    /// states one after another, `groups` grouping them by key) into one row per group.
    static func merge(_ state: DataFrame, column: String, components: [GroupStateComponent], groups: GroupCodes,
                      overflow: inout Bool) throws(FrameError) -> [GroupStateComponent: Column] {
        var result: [GroupStateComponent: Column] = [:]
        func stateColumn(_ component: GroupStateComponent) throws(FrameError) -> Column {
            try state.column(GroupByPlan.stateName(component, column)).column
        }
        for component in components {
            let input = try stateColumn(component)
            switch component {
            case .count, .sum, .sumFloat32, .fsum:
                if input.type == .float64, case let .fixedWidth(values) = input.storage {
                    let sums = groups.withCodes { codes in
                        values.withUnsafeElements(as: Double.self) { GroupKernels.doubleSumAll($0, codes: codes, slots: groups.slots) }
                    }
                    result[component] = Column.groupingColumn(.float64, Array(sums[0..<groups.groupCount]))
                } else {
                    // Integer sums and counts merge by (checked) integer addition.
                    result[component] = accumulate(input, components: [.sum], groups: groups, overflow: &overflow)[.sum]
                }
            case .m2:
                let counts = try stateColumn(.count)
                let sumComponent = [GroupStateComponent.fsum, .sumFloat32, .sum].first { components.contains($0) } ?? .sum
                let sums = try stateColumn(sumComponent)
                guard case let .fixedWidth(countValues) = counts.storage, countValues.dtype == .int64,
                      case let .fixedWidth(sumValues) = sums.storage, sumValues.dtype == .float64,
                      case let .fixedWidth(m2Values) = input.storage, m2Values.dtype == .float64 else {
                    throw .invalidColumn("the variance state of column '\(column)' is not (int64 count, float64 sum, float64 m2)")
                }
                let m2 = groups.withCodes { codes in
                    countValues.withUnsafeElements(as: Int64.self) { countBuffer in
                        sumValues.withUnsafeElements(as: Double.self) { sumBuffer in
                            m2Values.withUnsafeElements(as: Double.self) { m2Buffer in
                                GroupKernels.mergeSquaredDeviations(counts: countBuffer, sums: sumBuffer, m2: m2Buffer,
                                                                    codes: codes, slots: groups.slots)
                            }
                        }
                    }
                }
                result[.m2] = Column.groupingColumn(.float64, Array(m2[0..<groups.groupCount]))
            case .min, .max, .first, .last:
                result[component] = accumulate(input, components: [component], groups: groups, overflow: &overflow)[component]
            }
        }
        return result
    }
}
