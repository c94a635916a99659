/// A minimal FlatBuffers builder (tables, strings, vectors of offsets, scalars), enough to write
/// an Arrow schema message. Like the reference builders it writes back to front: children first,
/// each object's offset being its distance from the end of the buffer.
struct FlatBufferBuilder {
    /// The bytes written so far, last byte of the final buffer first.
    private var reversed: [UInt8] = []
    private var minimumAlignment = 1
    private var fields: [(slot: Int, position: Int)] = []
    private var tableStart = 0

    /// The position of an object: its distance from the end of the buffer.
    typealias Offset = Int

    private var size: Int { reversed.count }

    private mutating func align(_ alignment: Int, additional: Int = 0) {
        minimumAlignment = max(minimumAlignment, alignment)
        while (size + additional) % alignment != 0 { reversed.append(0) }
    }

    /// Prepends a little-endian scalar.
    private mutating func prepend<T: FixedWidthInteger>(_ value: T) {
        align(MemoryLayout<T>.size)
        let width = MemoryLayout<T>.size
        // Most significant byte first: reversing the buffer makes it little-endian.
        for index in (0..<width).reversed() { reversed.append(UInt8(truncatingIfNeeded: value >> T(8 * index))) }
    }

    private mutating func prependOffset(_ target: Offset) {
        align(4)
        prepend(UInt32(size + 4 - target))
    }

    /// A string object.
    mutating func string(_ text: String) -> Offset {
        let utf8 = Array(text.utf8)
        align(4, additional: utf8.count + 1)
        reversed.append(0)
        reversed.append(contentsOf: utf8.reversed())
        prepend(UInt32(utf8.count))
        return size
    }

    /// A vector of objects.
    mutating func vector(_ offsets: [Offset]) -> Offset {
        align(4, additional: 4 * (offsets.count + 1))
        for offset in offsets.reversed() { prependOffset(offset) }
        prepend(UInt32(offsets.count))
        return size
    }

    mutating func startTable() {
        fields = []
        tableStart = size
    }

    /// Adds scalar field `slot` to the table being built.
    mutating func add<T: FixedWidthInteger>(_ slot: Int, _ value: T) {
        prepend(value)
        fields.append((slot, size))
    }

    /// Adds object field `slot` to the table being built.
    mutating func add(_ slot: Int, offset: Offset) {
        prependOffset(offset)
        fields.append((slot, size))
    }

    /// Finishes the table: its vtable, then the table's offset to it.
    mutating func endTable() -> Offset {
        prepend(Int32(0)) // the vtable offset, patched below
        let tableEnd = size
        let slots = (fields.map(\.slot).max() ?? -1) + 1
        var entries = [UInt16](repeating: 0, count: slots)
        for field in fields { entries[field.slot] = UInt16(tableEnd - field.position) }
        for entry in entries.reversed() { prepend(entry) }
        prepend(UInt16(tableEnd - tableStart))
        prepend(UInt16(4 + 2 * slots))
        let vtable = size
        // The table's first word: the (signed) distance from the table back to its vtable.
        let distance = UInt32(bitPattern: Int32(vtable - tableEnd))
        for index in 0..<4 {
            reversed[tableEnd - 1 - index] = UInt8(truncatingIfNeeded: distance >> UInt32(8 * index))
        }
        return tableEnd
    }

    /// The finished buffer with `root` as its root table.
    mutating func finish(_ root: Offset) -> [UInt8] {
        align(max(minimumAlignment, 8), additional: 4)
        prependOffset(root)
        return reversed.reversed()
    }
}
