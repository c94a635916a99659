import Backends

// Small column builders, gathers and concatenations for the groupby, value-count, describe and
// hash-split kernels. They are internal and named `grouping…` so they never collide with the
// general selection kernels (Column+Selection.swift).

extension Column {
    /// A fixed-width column of `type` with `count` rows, filled by `fill`; `valid`, when given,
    /// marks which rows hold a value (the others become nulls).
    static func groupingBuild<Element: NDArrayElement>(
        _ type: ColumnType, as _: Element.Type, count: Int, valid: [Bool]? = nil,
        _ fill: (UnsafeMutableBufferPointer<Element>) -> Void
    ) -> Column {
        let array = NDArray(uninitializedShape: [count], dtype: type.storageDType ?? Element.dtype)
        array.withUnsafeMutableElements(as: Element.self, fill)
        let validity = valid.map { ValidityBitmap($0) }
        let storage: Storage = type == .categorical ? .dictionary(codes: array, categories: StringBuffer()) : .fixedWidth(array)
        return Column(unchecked: type, storage: storage, validity: validity, count: count)
    }

    /// A column of `type` from values already computed, `nil` as null.
    static func groupingColumn<Element: NDArrayElement>(_ type: ColumnType, _ values: [Element], valid: [Bool]? = nil) -> Column {
        groupingBuild(type, as: Element.self, count: values.count, valid: valid) { target in
            values.withUnsafeBufferPointer { source in
                if let base = source.baseAddress, let out = target.baseAddress { out.initialize(from: base, count: values.count) }
            }
        }
    }

    /// The effective validity of the column, NaNs and out-of-range categorical codes counting as
    /// null: `nil` when every row holds a value.
    func groupingValidity() -> ValidityBitmap? {
        switch storage {
        case let .fixedWidth(values) where values.dtype.isFloatingPoint:
            var flags = [Bool](repeating: true, count: count)
            var anyNull = false
            func scan<F: BinaryFloatingPoint & NDArrayElement>(_: F.Type) {
                values.withUnsafeElements(as: F.self) { buffer in
                    for row in 0..<count where buffer[row].isNaN || !(validity?.isValid(row) ?? true) {
                        flags[row] = false
                        anyNull = true
                    }
                }
            }
            if values.dtype == .float64 { scan(Double.self) } else { scan(Float.self) }
            return anyNull ? ValidityBitmap(flags) : nil
        case let .dictionary(codes, categories):
            let limit = Int32(clamping: categories.count)
            var result = validity ?? ValidityBitmap(count: count, allValid: true)
            var anyNull = validity != nil
            codes.withUnsafeElements(as: Int32.self) { buffer in
                for row in 0..<count where buffer[row] < 0 || buffer[row] >= limit {
                    result.set(row, valid: false)
                    anyNull = true
                }
            }
            return anyNull ? result.normalized : nil
        default:
            return validity
        }
    }

    /// The rows `rows` of this column, in that order; a row of -1 gives a null.
    func groupingGather(_ rows: [Int32]) -> Column {
        let n = rows.count
        var flags: [Bool]? = nil
        if validity != nil || rows.contains(where: { $0 < 0 }) {
            flags = rows.map { $0 >= 0 && (validity?.isValid(Int($0)) ?? true) }
        }
        let newValidity = flags.map { ValidityBitmap($0) }
        switch storage {
        case let .fixedWidth(values):
            let gathered = Self.groupingGatherFixed(values, rows)
            return Column(unchecked: type, storage: .fixedWidth(gathered), validity: newValidity, count: n)
        case let .dictionary(codes, categories):
            let gathered = Self.groupingGatherFixed(codes, rows)
            return Column(unchecked: type, storage: .dictionary(codes: gathered, categories: categories), validity: newValidity, count: n)
        case let .strings(buffer):
            var total = 0
            for row in rows where row >= 0 { total += buffer.byteCount(Int(row)) }
            var result = StringBuffer(reservingCapacity: n, bytes: total)
            for row in rows {
                if row >= 0 { buffer.withUTF8(Int(row)) { result.append(utf8: $0) } } else { result.appendEmpty() }
            }
            return Column(unchecked: type, storage: .strings(result), validity: newValidity, count: n)
        }
    }

    /// This column followed by `extra` null rows.
    func groupingAppendingNulls(_ extra: Int) -> Column {
        guard extra > 0 else { return self }
        let n = count + extra
        var words = validity?.words ?? ValidityBitmap(count: count, allValid: true).words
        words += [UInt64](repeating: 0, count: (n + 63) / 64 - words.count)
        let newValidity = ValidityBitmap(unchecked: words, count: n)
        func extend(_ values: NDArray) -> NDArray {
            let result = NDArray(uninitializedShape: [n], dtype: values.dtype)
            let width = values.dtype.itemSize
            if count > 0 { result.storage.bytes.copyMemory(from: values.storage.bytes, byteCount: count * width) }
            (result.storage.bytes + count * width).initializeMemory(as: UInt8.self, repeating: 0, count: extra * width)
            return result
        }
        switch storage {
        case let .fixedWidth(values):
            return Column(unchecked: type, storage: .fixedWidth(extend(values)), validity: newValidity, count: n)
        case let .dictionary(codes, categories):
            return Column(unchecked: type, storage: .dictionary(codes: extend(codes), categories: categories), validity: newValidity, count: n)
        case let .strings(buffer):
            let offsets = buffer.offsets + [Int64](repeating: buffer.offsets[buffer.offsets.count - 1], count: extra)
            return Column(unchecked: type, storage: .strings(StringBuffer(unchecked: offsets, bytes: buffer.bytes)), validity: newValidity, count: n)
        }
    }

    /// The rows `range` of this column, copied.
    func groupingSlice(_ range: Range<Int>) -> Column {
        let n = range.count
        var newValidity: ValidityBitmap? = nil
        if let validity {
            var bitmap = ValidityBitmap(count: n, allValid: true)
            for row in range where !validity.isValid(row) { bitmap.set(row - range.lowerBound, valid: false) }
            newValidity = bitmap
        }
        func copy(_ values: NDArray) -> NDArray {
            let result = NDArray(uninitializedShape: [n], dtype: values.dtype)
            let width = values.dtype.itemSize
            if n > 0 { result.storage.bytes.copyMemory(from: values.storage.bytes + range.lowerBound * width, byteCount: n * width) }
            return result
        }
        switch storage {
        case let .fixedWidth(values):
            return Column(unchecked: type, storage: .fixedWidth(copy(values)), validity: newValidity, count: n)
        case let .dictionary(codes, categories):
            return Column(unchecked: type, storage: .dictionary(codes: copy(codes), categories: categories), validity: newValidity, count: n)
        case let .strings(buffer):
            let start = buffer.offsets[range.lowerBound], end = buffer.offsets[range.upperBound]
            let offsets = buffer.offsets[range.lowerBound...range.upperBound].map { $0 - start }
            let bytes = Array(buffer.bytes[Int(start)..<Int(end)])
            return Column(unchecked: type, storage: .strings(StringBuffer(unchecked: offsets, bytes: bytes)), validity: newValidity, count: n)
        }
    }

    private static func groupingGatherFixed(_ values: NDArray, _ rows: [Int32]) -> NDArray {
        func gather<W: NDArrayElement & FixedWidthInteger>(_: W.Type) -> NDArray {
            let result = NDArray(uninitializedShape: [rows.count], dtype: values.dtype)
            let source = UnsafeRawPointer(values.storage.bytes).assumingMemoryBound(to: W.self)
            let target = result.storage.bytes.bindMemory(to: W.self, capacity: rows.count)
            for (index, row) in rows.enumerated() { target[index] = row >= 0 ? source[Int(row)] : 0 }
            return result
        }
        switch values.dtype.itemSize {
        case 1: return gather(UInt8.self)
        case 2: return gather(UInt16.self)
        case 4: return gather(UInt32.self)
        default: return gather(UInt64.self)
        }
    }

    /// The columns one after another; categorical dictionaries are unified (categories in order
    /// of first appearance across the parts).
    ///
    /// - Throws: ``FrameError/invalidColumn(_:)`` if the parts are not all of one type.
    static func groupingConcatenate(_ parts: [Column], name: String) throws(FrameError) -> Column {
        guard let first = parts.first else { throw .invalidColumn("no columns to concatenate for '\(name)'") }
        if parts.count == 1 { return first }
        for part in parts where part.type != first.type {
            throw .invalidColumn("column '\(name)' is \(first.type) in one part and \(part.type) in another")
        }
        let total = parts.reduce(0) { $0 + $1.count }
        var validity: ValidityBitmap? = nil
        if parts.contains(where: { $0.validity != nil }) {
            var bitmap = ValidityBitmap(count: total, allValid: true)
            var offset = 0
            for part in parts {
                if let partValidity = part.validity {
                    for row in 0..<part.count where !partValidity.isValid(row) { bitmap.set(offset + row, valid: false) }
                }
                offset += part.count
            }
            validity = bitmap
        }
        switch first.storage {
        case let .fixedWidth(values):
            let arrays = parts.compactMap { part -> NDArray? in if case let .fixedWidth(array) = part.storage { array } else { nil } }
            return Column(unchecked: first.type, storage: .fixedWidth(concatenateFixed(arrays, dtype: values.dtype, total: total)),
                          validity: validity, count: total)
        case .strings:
            var byteTotal = 0
            for part in parts { if case let .strings(buffer) = part.storage { byteTotal += buffer.bytes.count } }
            var offsets: [Int64] = [0]
            offsets.reserveCapacity(total + 1)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(byteTotal)
            for part in parts {
                guard case let .strings(buffer) = part.storage else { continue }
                let base = Int64(bytes.count)
                bytes.append(contentsOf: buffer.bytes)
                for index in 1..<buffer.offsets.count { offsets.append(base + buffer.offsets[index]) }
            }
            return Column(unchecked: first.type, storage: .strings(StringBuffer(unchecked: offsets, bytes: bytes)),
                          validity: validity, count: total)
        case let .dictionary(_, firstCategories):
            let dictionaries = parts.compactMap { part -> (NDArray, StringBuffer)? in
                if case let .dictionary(codes, categories) = part.storage { (codes, categories) } else { nil }
            }
            if dictionaries.allSatisfy({ $0.1 == firstCategories }) {
                let codes = concatenateFixed(dictionaries.map(\.0), dtype: .int32, total: total)
                return Column(unchecked: .categorical, storage: .dictionary(codes: codes, categories: firstCategories),
                              validity: validity, count: total)
            }
            var unified = StringBuffer()
            var positions: [String: Int32] = [:]
            let codes = NDArray(uninitializedShape: [total], dtype: .int32)
            codes.withUnsafeMutableElements(as: Int32.self) { target in
                var offset = 0
                for (partCodes, categories) in dictionaries {
                    var remap = [Int32](repeating: -1, count: categories.count)
                    for index in 0..<categories.count {
                        let text = categories[index]
                        if let existing = positions[text] { remap[index] = existing } else {
                            let code = Int32(positions.count)
                            positions[text] = code
                            unified.append(text)
                            remap[index] = code
                        }
                    }
                    partCodes.withUnsafeElements(as: Int32.self) { source in
                        for row in 0..<source.count {
                            let code = source[row]
                            target[offset + row] = code >= 0 && Int(code) < remap.count ? remap[Int(code)] : -1
                        }
                    }
                    offset += partCodes.count
                }
            }
            return Column(unchecked: .categorical, storage: .dictionary(codes: codes, categories: unified),
                          validity: validity, count: total)
        }
    }

    private static func concatenateFixed(_ arrays: [NDArray], dtype: DType, total: Int) -> NDArray {
        let result = NDArray(uninitializedShape: [total], dtype: dtype)
        var offset = 0
        for array in arrays {
            let bytes = array.count * dtype.itemSize
            if bytes > 0 { (result.storage.bytes + offset).copyMemory(from: array.storage.bytes, byteCount: bytes) }
            offset += bytes
        }
        return result
    }
}

extension DataFrame {
    /// The rows `rows` of every column, in that order (-1 gives a null row).
    func groupingGather(_ rows: [Int32]) -> DataFrame {
        DataFrame(unchecked: columns.map { Series(name: $0.name, column: $0.column.groupingGather(rows)) }, rowCount: rows.count)
    }

    /// The rows `range` of every column, copied.
    func groupingSlice(_ range: Range<Int>) -> DataFrame {
        DataFrame(unchecked: columns.map { Series(name: $0.name, column: $0.column.groupingSlice(range)) }, rowCount: range.count)
    }

    /// The frames one after another; every frame must have the first one's columns.
    static func groupingConcatenate(_ frames: [DataFrame]) throws(FrameError) -> DataFrame {
        guard let first = frames.first else { return DataFrame(unchecked: [], rowCount: 0) }
        if frames.count == 1 { return first }
        var series: [Series] = []
        for column in first.columns {
            var parts: [Column] = []
            for frame in frames { parts.append(try frame.column(column.name).column) }
            series.append(Series(name: column.name, column: try Column.groupingConcatenate(parts, name: column.name)))
        }
        return DataFrame(unchecked: series, rowCount: frames.reduce(0) { $0 + $1.rowCount })
    }
}
