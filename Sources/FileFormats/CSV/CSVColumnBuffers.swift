#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif
import Backends

/// Owns the slots of one parse and their buffers (and a scratch buffer for quoted fields), grows
/// them, hands them over to columns, and frees what is left.
final class CSVColumnBuffers {
    /// The slots, one per column of the file.
    let slots: UnsafeMutablePointer<CSVColumnSlot>
    /// The number of slots.
    let count: Int
    /// The rows every buffer has room for.
    private(set) var rowCapacity: Int
    /// Fixed-width values, owned by array storage from the start so no copy is needed at the end.
    private var storages: [ArrayStorage?]
    /// Room for the unquoted bytes of one quoted field.
    private(set) var scratch: UnsafeMutablePointer<UInt8>
    /// The size of `scratch`.
    private(set) var scratchCapacity: Int

    /// Slots from `templates`, with room for `rowCapacity` rows and `stringBytes` bytes per string
    /// column; `nil` if memory runs out.
    init?(slots templates: [CSVColumnSlot], rowCapacity: Int, stringBytes: Int) {
        count = templates.count
        slots = UnsafeMutablePointer<CSVColumnSlot>.allocate(capacity: max(count, 1))
        self.rowCapacity = Self.rounded(max(rowCapacity, 16))
        storages = Array(repeating: nil, count: count)
        scratchCapacity = 256
        scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: scratchCapacity)
        var failed = false
        for (index, template) in templates.enumerated() {
            var slot = template
            switch slot.kind {
            case .skip:
                break
            case .string:
                let capacity = max(stringBytes, 256)
                if let bytes = malloc(capacity) {
                    slot.bytes = bytes.assumingMemoryBound(to: UInt8.self)
                    slot.byteCapacity = capacity
                } else {
                    failed = true
                }
                if let offsets = malloc((self.rowCapacity + 1) * 8) {
                    slot.offsets = offsets.assumingMemoryBound(to: Int64.self)
                    slot.offsets[0] = 0
                } else {
                    failed = true
                }
            default:
                let storage = ArrayStorage(byteCount: slot.elementSize * self.rowCapacity)
                storages[index] = storage
                slot.values = storage.bytes
            }
            (slots + index).initialize(to: slot)
        }
        if failed { return nil }
    }

    deinit {
        for index in 0..<count {
            let slot = slots[index]
            free(slot.validity)
            if slot.kind == .string {
                if UnsafeMutableRawPointer(slot.bytes) != CSVColumnSlot.placeholder { free(slot.bytes) }
                if UnsafeMutableRawPointer(slot.offsets) != CSVColumnSlot.placeholder { free(slot.offsets) }
            }
        }
        slots.deinitialize(count: count)
        slots.deallocate()
        scratch.deallocate()
    }

    /// Grows the scratch buffer to at least `needed` bytes, keeping the first `kept`.
    func growScratch(to needed: Int, keeping kept: Int) {
        let capacity = max(needed, scratchCapacity * 2)
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        grown.initialize(from: scratch, count: kept)
        scratch.deallocate()
        scratch = grown
        scratchCapacity = capacity
    }

    /// Grows the string bytes of `slot` to hold at least `needed` bytes.
    func growBytes(_ slot: UnsafeMutablePointer<CSVColumnSlot>, to needed: Int) -> Bool {
        let capacity = max(needed, slot.pointee.byteCapacity * 2)
        guard let grown = realloc(slot.pointee.bytes, capacity) else { return false }
        slot.pointee.bytes = grown.assumingMemoryBound(to: UInt8.self)
        slot.pointee.byteCapacity = capacity
        return true
    }

    /// A row capacity rounded up to a multiple of 2^18 rows when large, so that partitions of
    /// similar sizes ask for buffers of equal sizes, which the array storage pool then reuses.
    static func rounded(_ rows: Int) -> Int {
        let step = 1 << 18
        guard rows > step else { return rows }
        return (rows + step - 1) / step * step
    }

    /// Grows every buffer to hold at least `requested` rows, keeping the first `rows`.
    func growRows(to requested: Int, rows: Int) -> Bool {
        let newCapacity = Self.rounded(requested)
        for index in 0..<count {
            let slot = slots + index
            switch slot.pointee.kind {
            case .skip:
                continue
            case .string:
                guard let grown = realloc(slot.pointee.offsets, (newCapacity + 1) * 8) else { return false }
                slot.pointee.offsets = grown.assumingMemoryBound(to: Int64.self)
            default:
                let storage = ArrayStorage(byteCount: slot.pointee.elementSize * newCapacity)
                storage.bytes.copyMemory(from: slot.pointee.values, byteCount: slot.pointee.elementSize * rows)
                storages[index] = storage
                slot.pointee.values = storage.bytes
            }
            if let validity = slot.pointee.validity {
                let oldWords = (rowCapacity + 63) / 64, newWords = (newCapacity + 63) / 64
                guard let grown = realloc(validity, newWords * 8) else { return false }
                let words = grown.assumingMemoryBound(to: UInt64.self)
                (words + oldWords).initialize(repeating: ~0, count: newWords - oldWords)
                slot.pointee.validity = words
            }
        }
        rowCapacity = newCapacity
        return true
    }

    /// Marks `row` of `slot` null, allocating the validity words at the first null.
    func markNull(_ slot: UnsafeMutablePointer<CSVColumnSlot>, row: Int) -> Bool {
        if slot.pointee.validity == nil {
            let words = (rowCapacity + 63) / 64
            guard let memory = malloc(max(words, 1) * 8) else { return false }
            let bits = memory.assumingMemoryBound(to: UInt64.self)
            bits.initialize(repeating: ~0, count: words)
            slot.pointee.validity = bits
        }
        if let bits = slot.pointee.validity { bits[row >> 6] &= ~(1 << UInt64(row & 63)) }
        return true
    }

    /// The column of slot `index` holding `rows` rows typed `type`.
    func column(_ index: Int, rows: Int, type: ColumnType) -> Column {
        let slot = slots + index
        var validity: ValidityBitmap?
        if let bits = slot.pointee.validity {
            let words = Array(UnsafeBufferPointer(start: bits, count: (rows + 63) / 64))
            validity = ValidityBitmap(unchecked: words, count: rows)
        }
        switch slot.pointee.kind {
        case .string:
            let offsets = Array(UnsafeBufferPointer(start: slot.pointee.offsets, count: rows + 1))
            let byteCount = Int(offsets[rows])
            let source = slot.pointee.bytes
            let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
                if byteCount > 0, let target = buffer.baseAddress { target.initialize(from: source, count: byteCount) }
                initialized = byteCount
            }
            let strings = StringBuffer(unchecked: offsets, bytes: bytes)
            if type == .categorical { return Self.categorical(strings, validity: validity, rows: rows) }
            return Column(unchecked: .string, storage: .strings(strings), validity: validity, count: rows)
        case .skip:
            return Column.nulls(type, count: rows)
        default:
            let dtype = type.storageDType ?? .float64
            let storage = storages[index] ?? ArrayStorage(byteCount: 0)
            let array = NDArray(shape: [rows], dtype: dtype, storage: storage)
            return Column(unchecked: type, storage: .fixedWidth(array), validity: validity, count: rows)
        }
    }

    /// Dictionary-encodes strings, categories in sorted order as pandas orders inferred categories.
    private static func categorical(_ strings: StringBuffer, validity: ValidityBitmap?, rows: Int) -> Column {
        var distinct = Set<String>()
        for row in 0..<rows where validity?.isValid(row) ?? true { distinct.insert(strings[row]) }
        let categories = distinct.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var codeOf: [String: Int32] = [:]
        for (code, category) in categories.enumerated() { codeOf[category] = Int32(code) }
        let codes = NDArray(uninitializedShape: [rows], dtype: .int32)
        codes.withUnsafeMutableElements(as: Int32.self) { target in
            for row in 0..<rows {
                target[row] = (validity?.isValid(row) ?? true) ? codeOf[strings[row]] ?? 0 : 0
            }
        }
        let dictionary = StringBuffer(categories.map { Optional($0) })
        return Column(unchecked: .categorical, storage: .dictionary(codes: codes, categories: dictionary),
                      validity: validity, count: rows)
    }
}
