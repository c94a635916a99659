extension Column {
    /// A column of `type` with no rows.
    public static func empty(_ type: ColumnType) -> Column {
        nulls(type, count: 0)
    }

    /// A column of `count` nulls of `type`.
    public static func nulls(_ type: ColumnType, count: Int) -> Column {
        let validity = count == 0 ? nil : ValidityBitmap(count: count, allValid: false)
        let storage: Storage
        switch type {
        case .string:
            var buffer = StringBuffer(reservingCapacity: count)
            for _ in 0..<count { buffer.appendEmpty() }
            storage = .strings(buffer)
        case .categorical:
            storage = .dictionary(codes: zeroed(.int32, count), categories: StringBuffer())
        default:
            storage = .fixedWidth(zeroed(type.storageDType ?? .float64, count))
        }
        return Column(unchecked: type, storage: storage, validity: validity, count: count)
    }

    private static func zeroed(_ dtype: DType, _ count: Int) -> NDArray {
        NDArray(shape: [count], dtype: dtype, storage: ArrayStorage(zeroedByteCount: count * dtype.itemSize))
    }

    /// A numeric column holding `values`, no nulls.
    public static func numbers<Element: NDArrayElement>(_ values: [Element]) -> Column {
        let array = NDArray(uninitializedShape: [values.count], dtype: Element.dtype)
        array.withUnsafeMutableElements(as: Element.self) { target in
            values.withUnsafeBufferPointer { source in
                if let base = source.baseAddress { target.baseAddress?.initialize(from: base, count: values.count) }
            }
        }
        return Column(unchecked: .numeric(Element.dtype), storage: .fixedWidth(array), validity: nil, count: values.count)
    }

    /// A numeric column holding `values`, `nil` as null.
    public static func numbers<Element: NDArrayElement>(_ values: [Element?]) -> Column {
        let array = NDArray(uninitializedShape: [values.count], dtype: Element.dtype)
        var validity = ValidityBitmap(count: values.count, allValid: true)
        array.withUnsafeMutableElements(as: Element.self) { target in
            for (row, value) in values.enumerated() {
                if let value { target[row] = value } else {
                    target[row] = Element(convertingFrom: Int64(0))
                    validity.set(row, valid: false)
                }
            }
        }
        return Column(unchecked: .numeric(Element.dtype), storage: .fixedWidth(array), validity: validity, count: values.count)
    }

    /// A string column holding `values`, `nil` as null.
    public static func strings(_ values: [String?]) -> Column {
        var validity = ValidityBitmap(count: values.count, allValid: true)
        var buffer = StringBuffer(reservingCapacity: values.count)
        for (row, value) in values.enumerated() {
            if let value { buffer.append(value) } else {
                buffer.appendEmpty()
                validity.set(row, valid: false)
            }
        }
        return Column(unchecked: .string, storage: .strings(buffer), validity: validity, count: values.count)
    }

    /// A column from dynamically typed cells, typed as pandas infers a list: integers give
    /// `int64`, any float `float64`, booleans `bool`, strings `string`, and all-null `float64`.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` for cells that mix kinds (strings with numbers,
    ///   booleans with numbers, timestamps with anything else).
    public static func inferring(_ cells: [FrameValue]) throws(FrameError) -> Column {
        var kinds = Set<String>()
        for cell in cells {
            switch cell {
            case .null: continue
            case .int, .uint: kinds.insert("int")
            case .double: kinds.insert("float")
            case .bool: kinds.insert("bool")
            case .string: kinds.insert("string")
            case .timestamp: kinds.insert("timestamp")
            case .date: kinds.insert("date")
            }
        }
        if kinds.isEmpty { return numbers(cells.map { _ in Double?.none }) }
        if kinds == ["int"] {
            var values: [Int64?] = []
            for cell in cells {
                switch cell {
                case let .int(value): values.append(value)
                case let .uint(value):
                    guard let exact = Int64(exactly: value) else { throw .overflow("\(value) does not fit int64") }
                    values.append(exact)
                default: values.append(nil)
                }
            }
            return numbers(values)
        }
        if kinds.isSubset(of: ["int", "float"]) { return numbers(cells.map(\.doubleValue)) }
        if kinds == ["bool"] {
            return numbers(cells.map { cell -> Bool? in if case let .bool(value) = cell { value } else { nil } })
        }
        if kinds == ["string"] {
            return strings(cells.map { cell -> String? in if case let .string(value) = cell { value } else { nil } })
        }
        if kinds == ["date"] {
            let days = cells.map { cell -> Int32? in if case let .date(value) = cell { value } else { nil } }
            let base = numbers(days)
            return Column(unchecked: .date, storage: base.storage, validity: base.validity, count: base.count)
        }
        if kinds == ["timestamp"], case let .timestamp(_, unit, zone)? = cells.first(where: { !$0.isNull }) {
            var values: [Int64?] = []
            for cell in cells {
                guard case let .timestamp(value, cellUnit, cellZone) = cell else { values.append(nil); continue }
                guard cellUnit == unit, cellZone == zone else {
                    throw .invalidValue("Timestamps of different units or time zones in one column.")
                }
                values.append(value)
            }
            let base = numbers(values)
            return Column(unchecked: .timestamp(unit, timeZone: zone), storage: base.storage, validity: base.validity, count: base.count)
        }
        throw .invalidValue("A column mixes \(kinds.sorted().joined(separator: " and ")) values; give it one type.")
    }
}
