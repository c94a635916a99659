import Backends

// Dealing a frame's rows out to several frames (the split side of every shuffle): a counting pass
// gives each destination's size, then every column is copied once, row by row, into per-destination
// buffers allocated at their final size. No per-destination row lists are built and no gather
// follows, so a split costs one read and one write of each value.

extension DataFrame {
    /// The rows dealt into `count` frames: row `r` goes to frame `destinations[r]` (each in
    /// `0 ..< count`), rows keep their order within a frame, and every frame has this frame's
    /// columns and a default index.
    ///
    /// - Precondition: `destinations` has one entry per row, each in `0 ..< count` (kernels compute them).
    func scattered(to destinations: [Int32], count: Int) -> [DataFrame] {
        var sizes = [Int](repeating: 0, count: count)
        for destination in destinations { sizes[Int(destination)] += 1 }
        var parts = [[Series]](repeating: [], count: count)
        for series in columns {
            let pieces = series.column.scattered(to: destinations, sizes: sizes)
            for (index, piece) in pieces.enumerated() { parts[index].append(Series(name: series.name, column: piece)) }
        }
        return (0..<count).map { DataFrame(unchecked: parts[$0], rowCount: sizes[$0]) }
    }
}

extension Column {
    /// The column's rows dealt out by `destinations`, `sizes[i]` rows to piece `i`.
    func scattered(to destinations: [Int32], sizes: [Int]) -> [Column] {
        let count = sizes.count
        let validities = validity.map { Self.scatteredValidity($0, destinations, sizes) } ?? [ValidityBitmap?](repeating: nil, count: count)
        switch storage {
        case let .fixedWidth(values):
            let arrays = Self.scatteredValues(values, destinations, sizes)
            return (0..<count).map { Column(unchecked: type, storage: .fixedWidth(arrays[$0]), validity: validities[$0], count: sizes[$0]) }
        case let .dictionary(codes, categories):
            let arrays = Self.scatteredValues(codes, destinations, sizes)
            return (0..<count).map {
                Column(unchecked: type, storage: .dictionary(codes: arrays[$0], categories: categories), validity: validities[$0],
                       count: sizes[$0])
            }
        case let .strings(buffer):
            let buffers = Self.scatteredStrings(buffer, destinations, sizes)
            return (0..<count).map { Column(unchecked: type, storage: .strings(buffers[$0]), validity: validities[$0], count: sizes[$0]) }
        }
    }

    private static func scatteredValues(_ values: NDArray, _ destinations: [Int32], _ sizes: [Int]) -> [NDArray] {
        let arrays = sizes.map { NDArray(uninitializedShape: [$0], dtype: values.dtype) }
        func scatter<W: FixedWidthInteger>(_: W.Type) {
            let targets = arrays.map { $0.storage.bytes.bindMemory(to: W.self, capacity: Swift.max($0.count, 1)) }
            let source = UnsafeRawPointer(values.storage.bytes).assumingMemoryBound(to: W.self)
            var cursors = [Int](repeating: 0, count: sizes.count)
            targets.withUnsafeBufferPointer { targets in
                cursors.withUnsafeMutableBufferPointer { cursors in
                    destinations.withUnsafeBufferPointer { destinations in
                        for row in 0..<destinations.count {
                            let destination = Int(destinations[row])
                            targets[destination][cursors[destination]] = source[row]
                            cursors[destination] += 1
                        }
                    }
                }
            }
        }
        switch values.dtype.itemSize {
        case 1: scatter(UInt8.self)
        case 2: scatter(UInt16.self)
        case 4: scatter(UInt32.self)
        default: scatter(UInt64.self)
        }
        return arrays
    }

    private static func scatteredValidity(_ validity: ValidityBitmap, _ destinations: [Int32], _ sizes: [Int]) -> [ValidityBitmap?] {
        var words = sizes.map { [UInt64](repeating: 0, count: ($0 + 63) / 64) }
        var cursors = [Int](repeating: 0, count: sizes.count)
        validity.words.withUnsafeBufferPointer { source in
            for (row, destination) in destinations.enumerated() {
                let index = Int(destination)
                let position = cursors[index]
                if source[row >> 6] >> UInt64(row & 63) & 1 != 0 {
                    words[index][position >> 6] |= 1 << UInt64(position & 63)
                }
                cursors[index] = position + 1
            }
        }
        return (0..<sizes.count).map { ValidityBitmap(unchecked: words[$0], count: sizes[$0]).normalized }
    }

    private static func scatteredStrings(_ buffer: StringBuffer, _ destinations: [Int32], _ sizes: [Int]) -> [StringBuffer] {
        var byteCounts = [Int](repeating: 0, count: sizes.count)
        for (row, destination) in destinations.enumerated() { byteCounts[Int(destination)] += buffer.byteCount(row) }
        var offsets = sizes.map { size -> [Int64] in
            var offsets = [Int64]()
            offsets.reserveCapacity(size + 1)
            offsets.append(0)
            return offsets
        }
        var bytes = byteCounts.map { count -> [UInt8] in
            var bytes = [UInt8]()
            bytes.reserveCapacity(count)
            return bytes
        }
        buffer.bytes.withUnsafeBufferPointer { source in
            for (row, destination) in destinations.enumerated() {
                let index = Int(destination)
                let start = Int(buffer.offsets[row]), end = Int(buffer.offsets[row + 1])
                bytes[index].append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<end]))
                offsets[index].append(Int64(bytes[index].count))
            }
        }
        return (0..<sizes.count).map { StringBuffer(unchecked: offsets[$0], bytes: bytes[$0]) }
    }
}
