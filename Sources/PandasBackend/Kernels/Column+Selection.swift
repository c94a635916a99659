import Backends

extension Column {
    /// The rows whose entry in `indices` is listed, in that order (pandas' `take`).
    ///
    /// - Precondition: every index is in `0..<count` (kernels compute them; users never pass them).
    public func take(_ indices: UnsafeBufferPointer<Int>) -> Column {
        let validity = self.validity.map { bitmap in ValidityBitmap(indices.lazy.map { bitmap.isValid($0) }) }
        switch storage {
        case let .fixedWidth(values):
            return Column(unchecked: type, storage: .fixedWidth(values.gathering(indices)), validity: validity, count: indices.count)
        case let .dictionary(codes, categories):
            return Column(unchecked: type, storage: .dictionary(codes: codes.gathering(indices), categories: categories),
                          validity: validity, count: indices.count)
        case let .strings(buffer):
            var result = StringBuffer(reservingCapacity: indices.count)
            for index in indices { buffer.withUTF8(index) { result.append(utf8: $0) } }
            return Column(unchecked: type, storage: .strings(result), validity: validity, count: indices.count)
        }
    }

    /// The rows where `mask` is true (a null or NaN mask entry drops the row).
    ///
    /// - Throws: ``FrameError`` if `mask` is not a boolean column of the same length.
    public func filter(_ mask: Column) throws(FrameError) -> Column {
        let indices = try mask.selectedRows(count: count)
        return indices.withUnsafeBufferPointer { take($0) }
    }

    /// The row numbers where this boolean column is true and not null.
    public func selectedRows(count expected: Int) throws(FrameError) -> [Int] {
        guard type == .bool, case let .fixedWidth(values) = storage else {
            throw .unsupportedType(operation: "Filtering by a mask", type: type)
        }
        guard count == expected else { throw .lengthMismatch(column: "mask", count: count, expected: expected) }
        return values.withUnsafeElements(as: UInt8.self) { flags in
            if let validity {
                return validity.words.withUnsafeBufferPointer { words in
                    Self.rowNumbers(count: flags.count) { row in
                        (flags[row] != 0 ? 1 : 0) & Int(truncatingIfNeeded: words[row &>> 6] &>> UInt64(row & 63))
                    }
                }
            }
            return Self.rowNumbers(count: flags.count) { row in flags[row] != 0 ? 1 : 0 }
        }
    }

    /// The rows in `0..<count` for which `isKept` is 1 (it returns 0 or 1 in bit 0; higher bits
    /// are ignored).
    ///
    /// Branch-free: a filter's mask is as often as not a coin toss, which a branch per row
    /// mispredicts half the time. The rows are counted first; then every row number is written
    /// and the write position advances past it only when it is kept (a spare slot takes the
    /// last unkept write).
    @inline(__always)
    private static func rowNumbers(count: Int, _ isKept: (Int) -> Int) -> [Int] {
        var selected = 0
        for row in 0..<count { selected &+= isKept(row) & 1 }
        return [Int](unsafeUninitializedCapacity: selected + 1) { rows, initialized in
            guard let out = rows.baseAddress else { return }
            var next = 0
            for row in 0..<count {
                out[next] = row
                next &+= isKept(row) & 1
            }
            initialized = selected
        }
    }

    /// Rows `range` of the column.
    public func slice(_ range: Range<Int>) -> Column {
        groupingSlice(range.clamped(to: 0..<count))
    }

    /// Rows `range` of the column, its values a window into this column's memory instead of a
    /// copy (validity bits and string bytes are still copied).
    ///
    /// The window keeps the whole of this column's values alive, as a NumPy view keeps its base:
    /// use it to cut a frame into partitions that cover it, not to keep a few rows of a big one.
    package func sharingSlice(_ range: Range<Int>) -> Column {
        let range = range.clamped(to: 0..<count)
        func window(_ values: NDArray) -> NDArray? {
            let width = values.dtype.itemSize
            guard values.shape.count == 1,
                  let storage = ArrayStorage(viewing: values.storage, byteOffset: range.lowerBound * width,
                                             byteCount: range.count * width) else { return nil }
            return NDArray(shape: [range.count], dtype: values.dtype, storage: storage)
        }
        let validity = self.validity.map { bits in
            var bitmap = ValidityBitmap(count: range.count, allValid: true)
            for row in range where !bits.isValid(row) { bitmap.set(row - range.lowerBound, valid: false) }
            return bitmap
        }
        switch storage {
        case let .fixedWidth(values):
            guard let values = window(values) else { return slice(range) }
            return Column(unchecked: type, storage: .fixedWidth(values), validity: validity, count: range.count)
        case let .dictionary(codes, categories):
            guard let codes = window(codes) else { return slice(range) }
            return Column(unchecked: type, storage: .dictionary(codes: codes, categories: categories),
                          validity: validity, count: range.count)
        case .strings:
            return slice(range)
        }
    }

    /// The columns one after another.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` if the types differ (after promoting numbers).
    public static func concatenate(_ parts: [Column]) throws(FrameError) -> Column {
        guard let first = parts.first else { throw .invalidValue("Nothing to concatenate.") }
        if parts.count == 1 { return first }
        var type = first.type
        for part in parts.dropFirst() { type = try commonType(type, part.type) }
        var converted: [Column] = []
        for part in parts { converted.append(part.type == type ? part : try part.converted(to: type)) }
        return try groupingConcatenate(converted, name: first.type.description)
    }

    /// The type two columns concatenate to: equal types, or numbers promoted as NumPy does.
    public static func commonType(_ a: ColumnType, _ b: ColumnType) throws(FrameError) -> ColumnType {
        if a == b { return a }
        if let x = a.numericDType, let y = b.numericDType { return .numeric(DType.promote(x, y)) }
        if a.isTextual && b.isTextual { return .string }
        throw .invalidValue("Cannot combine a \(a) column with a \(b) column; cast one with astype first.")
    }
}

extension NDArray {
    /// Elements at `indices` of a 1-d array.
    package func gathering(_ indices: UnsafeBufferPointer<Int>) -> NDArray {
        let result = NDArray(uninitializedShape: [indices.count], dtype: dtype)
        func copy<T: NDArrayElement>(_: T.Type) {
            withUnsafeElements(as: T.self) { source in
                result.withUnsafeMutableElements(as: T.self) { target in
                    for (position, index) in indices.enumerated() { target[position] = source[index] }
                }
            }
        }
        switch dtype.itemSize {
        case 1: copy(UInt8.self)
        case 2: copy(UInt16.self)
        case 4: copy(UInt32.self)
        default: copy(UInt64.self)
        }
        return result
    }
}

extension DataFrame {
    /// The rows listed in `indices`, in that order, relabelled from 0.
    public func take(_ indices: [Int]) -> DataFrame {
        indices.withUnsafeBufferPointer { pointer in
            DataFrame(unchecked: columns.map { Series(name: $0.name, column: $0.column.take(pointer)) }, rowCount: indices.count)
        }
    }

    /// The rows where `mask` is true.
    public func filter(_ mask: Column) throws(FrameError) -> DataFrame {
        take(try mask.selectedRows(count: rowCount))
    }

    /// Rows `range` (clamped to the frame), keeping their index labels.
    public func slice(_ range: Range<Int>) -> DataFrame {
        let clamped = range.clamped(to: 0..<rowCount)
        return DataFrame(unchecked: columns.map { Series(name: $0.name, column: $0.column.slice(clamped)) },
                         rowCount: clamped.count, indexStart: indexStart + clamped.lowerBound)
    }

    /// Rows `range` (clamped to the frame) with their values windows into this frame's memory:
    /// partitions of a frame without copying it (see ``Column/sharingSlice(_:)``).
    package func sharingSlice(_ range: Range<Int>) -> DataFrame {
        let clamped = range.clamped(to: 0..<rowCount)
        return DataFrame(unchecked: columns.map { Series(name: $0.name, column: $0.column.sharingSlice(clamped)) },
                         rowCount: clamped.count, indexStart: indexStart + clamped.lowerBound)
    }

    /// The first `n` rows (the last `-n` removed when negative, as pandas).
    public func head(_ n: Int) -> DataFrame { slice(0..<(n >= 0 ? n : Swift.max(0, rowCount + n))) }

    /// The last `n` rows.
    public func tail(_ n: Int) -> DataFrame { slice(Swift.max(0, rowCount - Swift.max(0, n))..<rowCount) }

    /// The columns named, in that order.
    public func selecting(_ names: [String]) throws(FrameError) -> DataFrame {
        // No columns still has the rows (pandas' `df[[]]` keeps the index).
        if names.isEmpty { return DataFrame(unchecked: [], rowCount: rowCount, indexStart: indexStart) }
        var selected: [Series] = []
        for name in names { selected.append(try column(name)) }
        return try DataFrame(columns: selected, indexStart: indexStart)
    }

    /// The frame with column `name` replaced, or appended if new (pandas' `assign`).
    public func assigning(_ name: String, _ column: Column) throws(FrameError) -> DataFrame {
        guard column.count == rowCount || columns.isEmpty else {
            throw .lengthMismatch(column: name, count: column.count, expected: rowCount)
        }
        var result = columns
        if let position = result.firstIndex(where: { $0.name == name }) {
            result[position] = Series(name: name, column: column)
        } else {
            result.append(Series(name: name, column: column))
        }
        return DataFrame(unchecked: result, rowCount: column.count, indexStart: indexStart)
    }

    /// Frames one after another (pandas' `concat` of rows): columns matched by name in the first
    /// frame's order, missing ones filled with nulls, numbers promoted.
    public static func concatenate(_ frames: [DataFrame]) throws(FrameError) -> DataFrame {
        guard let first = frames.first else { throw .invalidValue("Nothing to concatenate.") }
        if frames.count == 1 { return first }
        var names = first.columnNames
        for frame in frames.dropFirst() { for name in frame.columnNames where !names.contains(name) { names.append(name) } }
        var columns: [Series] = []
        for name in names {
            let type = frames.compactMap { $0.schema.type(of: name) }.first ?? .float64
            var parts: [Column] = []
            for frame in frames {
                if let series = frame.columns.first(where: { $0.name == name }) { parts.append(series.column) }
                else { parts.append(Column.nulls(type, count: frame.rowCount)) }
            }
            columns.append(Series(name: name, column: try Column.concatenate(parts)))
        }
        return DataFrame(unchecked: columns, rowCount: frames.reduce(0) { $0 + $1.rowCount }, indexStart: first.indexStart)
    }
}
