/// A bounds-checked reader of FlatBuffers tables, enough to read an Arrow schema message: every
/// offset is checked to stay inside the buffer, so malformed input is `nil`, never a bad read.
struct FlatBufferReader {
    let bytes: [UInt8]

    /// A table: its position and its vtable's.
    struct Table {
        let position: Int
        let vtable: Int
        let vtableSize: Int
    }

    private func load<T: FixedWidthInteger>(_: T.Type, at position: Int) -> T? {
        let width = MemoryLayout<T>.size
        guard position >= 0, position <= bytes.count - width else { return nil }
        var value: T = 0
        for index in 0..<width { value |= T(truncatingIfNeeded: bytes[position + index]) << T(8 * index) }
        return value
    }

    /// The table an offset at `position` points to.
    func table(referencedAt position: Int) -> Table? {
        guard let relative = load(UInt32.self, at: position) else { return nil }
        let target = position + Int(relative)
        guard let back = load(Int32.self, at: target) else { return nil }
        let vtable = target - Int(back)
        guard let size = load(UInt16.self, at: vtable), size >= 4, Int(size) % 2 == 0, vtable + Int(size) <= bytes.count else { return nil }
        return Table(position: target, vtable: vtable, vtableSize: Int(size))
    }

    /// The root table.
    var root: Table? { table(referencedAt: 0) }

    /// Where field `slot` of `table` lies, if present.
    func field(_ table: Table, _ slot: Int) -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= table.vtableSize, let offset = load(UInt16.self, at: table.vtable + entry), offset != 0 else { return nil }
        return table.position + Int(offset)
    }

    func scalar<T: FixedWidthInteger>(_ table: Table, _ slot: Int, default value: T) -> T {
        guard let position = field(table, slot) else { return value }
        return load(T.self, at: position) ?? value
    }

    func string(_ table: Table, _ slot: Int) -> String? {
        guard let position = field(table, slot), let relative = load(UInt32.self, at: position) else { return nil }
        let start = position + Int(relative)
        guard let length = load(UInt32.self, at: start), Int(length) <= bytes.count - start - 4 else { return nil }
        return String(decoding: bytes[(start + 4)..<(start + 4 + Int(length))], as: UTF8.self)
    }

    func subtable(_ table: Table, _ slot: Int) -> Table? {
        guard let position = field(table, slot) else { return nil }
        return self.table(referencedAt: position)
    }

    /// The tables of a vector-of-tables field.
    func tables(_ table: Table, _ slot: Int) -> [Table]? {
        guard let position = field(table, slot), let relative = load(UInt32.self, at: position) else { return nil }
        let start = position + Int(relative)
        guard let count = load(UInt32.self, at: start), Int(count) <= (bytes.count - start - 4) / 4 else { return nil }
        var result: [Table] = []
        for index in 0..<Int(count) {
            guard let element = self.table(referencedAt: start + 4 + 4 * index) else { return nil }
            result.append(element)
        }
        return result
    }
}
