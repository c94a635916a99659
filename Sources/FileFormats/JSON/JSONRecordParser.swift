#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backends

/// The byte-level parser: reads records (an array of objects, or one object per line) from a
/// padded buffer straight into column sinks.
///
/// It works on raw pointers and relies on the buffer's zeroed padding (see ``JSONInputBuffer``):
/// every scan stops at a byte that cannot continue the current token, and a zero byte never can,
/// so no scan runs past the padding; reaching ``end`` is then reported as an error.
///
/// Two modes: with a fixed schema (the columns' types are given and a value that does not fit is
/// an error; unknown keys are skipped), or discovering (unknown keys become new columns in
/// first-seen order and types are inferred, widened as values require: int64 → uint64 → float64;
/// a column that needs strings after it stored numbers or booleans makes the parse start over
/// with that column read as text, see ``JSONParseFailure/restartColumn``).
struct JSONRecordParser {
    typealias Pointer = UnsafePointer<UInt8>

    /// How to treat keys not given as columns.
    struct Discovery {
        /// Types for keys, instead of inference.
        var dtypes: [String: ColumnType]
        /// Only these keys become columns (all when `nil`).
        var projection: Set<String>?
        /// Keys read as strings from the start (set after a restart).
        var forcedStrings: Set<String>
    }

    /// The chunk being parsed (see ``parse(_:_:)``).
    private var start: Pointer
    private var end: Pointer
    /// The offset in the file of `start`, added to every failure's offset.
    var baseOffset = 0
    /// The Eisel-Lemire table, loaded once.
    private let powers = JSONPowersOfFive.words
    private let lines: Bool
    private let discovery: Discovery?
    private let dateUnitPerSecond: Int64
    /// Records mode, inspecting a truncated sample: stop before the first record not wholly inside it.
    private let truncatedSample: Bool

    private var sinks: UnsafeMutablePointer<JSONColumnSink>
    private var sinkCapacity: Int
    /// The number of columns.
    private(set) var columnCount = 0
    /// The column names, in order.
    private(set) var names: [String] = []
    /// The given type of each column (`nil`: inferred from the sink's kind).
    private var givenTypes: [ColumnType?] = []
    private var keys = JSONKeyTable()
    /// The key entry that followed each key entry last time (slot 0: the first key of an object;
    /// slot `e + 1`: the key after entry `e`), the guess tried first for the next key.
    private var successors: UnsafeMutablePointer<Int32>
    private var successorCapacity = 64
    /// For each position in an object, the key seen there last: the first guess for the next key.
    private var template: UnsafeMutablePointer<JSONKeyTable.Slot>
    private var templateCapacity = 64
    private var scratch = JSONByteBuffer()
    private var stack = JSONByteBuffer()
    /// The number of records read.
    private(set) var rowCount = 0

    /// A parser with the given columns (discovering more, with `discovery`).
    init(lines: Bool, columns: [Schema.Field], discovery: Discovery?, dateUnit: ColumnType.TimeUnit,
         truncatedSample: Bool = false) {
        start = Self.emptyInput
        end = Self.emptyInput
        self.lines = lines
        self.discovery = discovery
        self.truncatedSample = truncatedSample
        dateUnitPerSecond = dateUnit.perSecond
        sinkCapacity = max(8, columns.count)
        sinks = UnsafeMutablePointer<JSONColumnSink>.allocate(capacity: sinkCapacity)
        successors = UnsafeMutablePointer<Int32>.allocate(capacity: successorCapacity)
        successors.initialize(repeating: -1, count: successorCapacity)
        template = UnsafeMutablePointer<JSONKeyTable.Slot>.allocate(capacity: templateCapacity)
        template.initialize(repeating: JSONKeyTable.Slot(), count: templateCapacity)
        for field in columns { addColumn(field.name, type: field.type) }
    }

    /// Frees the memory.
    mutating func release() {
        for index in 0..<columnCount { sinks[index].release() }
        sinks.deinitialize(count: columnCount)
        sinks.deallocate()
        successors.deallocate()
        template.deallocate()
        keys.release()
        scratch.release()
        stack.release()
        columnCount = 0
    }

    // MARK: - Columns

    @discardableResult
    private mutating func addColumn(_ name: String, type: ColumnType?) -> Int {
        if columnCount == sinkCapacity {
            let bigger = UnsafeMutablePointer<JSONColumnSink>.allocate(capacity: sinkCapacity * 2)
            bigger.moveInitialize(from: sinks, count: columnCount)
            sinks.deallocate()
            sinks = bigger
            sinkCapacity *= 2
        }
        var sink: JSONColumnSink
        if let type {
            sink = JSONColumnSink(kind: JSONColumnSink.Kind(type), fixed: true)
            if case let .timestamp(unit, _) = type { sink.perSecond = unit.perSecond }
            sink.rowsHint = rowsHint
            sink.start(sink.kind)
        } else {
            sink = JSONColumnSink(kind: .pending, fixed: false)
            sink.rowsHint = rowsHint
        }
        let index = columnCount
        (sinks + index).initialize(to: sink)
        columnCount += 1
        names.append(name)
        givenTypes.append(type)
        var utf8 = Array(name.utf8)
        utf8.withUnsafeMutableBufferPointer { bytes in
            if let base = bytes.baseAddress, keys.find(base, bytes.count) == nil {
                _ = keys.insert(base, bytes.count, target: index)
            }
        }
        return index
    }

    /// The type of each column: given, or inferred (`float64` for a column of nulls only).
    var types: [ColumnType] {
        (0..<columnCount).map { givenTypes[$0] ?? sinks[$0].kind.inferredType }
    }

    /// The inferred columns that have seen only nulls: their `float64` type is a placeholder.
    var pendingNames: Set<String> {
        Set((0..<columnCount).filter { givenTypes[$0] == nil && sinks[$0].kind == .pending }.map { names[$0] })
    }

    /// The finished columns (every column padded to ``rowCount``).
    mutating func makeColumns() -> [Series] {
        let types = self.types
        return (0..<columnCount).map { index in
            sinks[index].pad(to: rowCount)
            return Series(name: names[index], column: sinks[index].makeColumn(types[index], rowCount: rowCount))
        }
    }

    // MARK: - Top level

    /// Zero bytes: the input before the first chunk.
    nonisolated(unsafe) private static let emptyInput: Pointer = {
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: JSONInputBuffer.padding)
        bytes.initialize(repeating: 0, count: JSONInputBuffer.padding)
        return UnsafePointer(bytes)
    }()

    /// Reads the records in `start ..< end`, adding rows to those read so far. Failures give offsets
    /// from `start`.
    ///
    /// The bytes after `end` must be readable padding (64 bytes). For an array of records, the chunk
    /// is the whole document and the padding must be zeros. For JSON Lines, a chunk is whole lines:
    /// it ends just after a newline (the padding may then be anything, as every scan stops at the
    /// newline) or at the end of the input (zero padding).
    mutating func parse(_ start: Pointer, _ end: Pointer) throws(JSONParseFailure) {
        self.start = start
        self.end = end
        if lines { try parseLines() } else { try parseArray() }
    }

    /// Rows expected in all (an estimate): columns allocate room for this many at once.
    private var rowsHint = 1024

    /// Makes every column (and every column found later) allocate room for `rows` rows, and string
    /// columns for as many bytes as their rows so far suggest.
    mutating func reserve(rows: Int) {
        guard rows > rowsHint else { return }
        rowsHint = rows
        for index in 0..<columnCount {
            let sink = sinks + index
            sink.pointee.rowsHint = rows
            if sink.pointee.kind != .pending, sink.pointee.capacity < rows { sink.pointee.growRows(rows) }
            if sink.pointee.kind == .string || sink.pointee.kind == .categorical, sink.pointee.count > 0 {
                let perRow = Double(sink.pointee.bytes.count) / Double(sink.pointee.count)
                let estimate = min(perRow * Double(rows - sink.pointee.count), Double(1 << 40))
                sink.pointee.bytes.reserve(Int(estimate) + 1024)
            }
        }
    }

    /// Pads every column to ``rowCount`` after the last chunk.
    mutating func finish() {
        for index in 0..<columnCount { sinks[index].pad(to: rowCount) }
    }

    private mutating func parseLines() throws(JSONParseFailure) {
        var p = start
        while p < end {
            var b = p.pointee
            while b == 0x20 || b == 0x09 || b == 0x0D {
                p += 1
                b = p.pointee
            }
            if b == 0x0A {
                p += 1
                continue
            }
            if p >= end { break }
            guard b == UInt8(ascii: "{") else { throw failure(p, "Expected a JSON object at the start of the line, found \(describe(p)).") }
            try parseObject(&p, row: rowCount)
            rowCount += 1
            b = p.pointee
            while b == 0x20 || b == 0x09 || b == 0x0D {
                p += 1
                b = p.pointee
            }
            if b == 0x0A {
                p += 1
            } else if p < end {
                throw failure(p, "Expected the end of the line after the object, found \(describe(p)).")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseFailure) {
        var p = start
        skipSpace(&p)
        guard p.pointee == UInt8(ascii: "[") else {
            if p >= end { throw failure(p, "The file holds no JSON value.") }
            throw failure(p, "Expected '[' (orient='records' is an array of objects), found \(describe(p)).")
        }
        p += 1
        skipSpace(&p)
        if p.pointee == UInt8(ascii: "]") {
            p += 1
        } else {
            while true {
                if truncatedSample {
                    // Stop before the first record not wholly inside the sample.
                    var probe = p
                    do { try skipValue(&probe) } catch { return }
                }
                guard p.pointee == UInt8(ascii: "{") else {
                    throw failure(p, "Expected a JSON object (a record), found \(describe(p)).")
                }
                try parseObject(&p, row: rowCount)
                rowCount += 1
                if rowCount == 4096, end - start > 1 << 20 {
                    // Room for the rows the rest of the array will likely hold.
                    let estimate = Double(rowCount) * Double(end - start) / Double(p - start) * 1.05
                    reserve(rows: Int(min(estimate, Double((end - start) / 2 + 1))) + 1024)
                }
                skipSpace(&p)
                if truncatedSample, p >= end { return }
                let b = p.pointee
                if b == UInt8(ascii: ",") {
                    p += 1
                    skipSpace(&p)
                    if p.pointee == UInt8(ascii: "]") { throw failure(p, "Trailing comma before ']'.") }
                    if truncatedSample, p >= end { return }
                } else if b == UInt8(ascii: "]") {
                    p += 1
                    break
                } else {
                    throw failure(p, "Expected ',' or ']' after a record, found \(describe(p)).")
                }
            }
        }
        skipSpace(&p)
        if p < end { throw failure(p, "Unexpected \(describe(p)) after the end of the array.") }
    }

    // MARK: - Objects and keys

    @inline(__always)
    private mutating func parseObject(_ p: inout Pointer, row: Int) throws(JSONParseFailure) {
        p += 1
        skipSpace(&p)
        if p.pointee == UInt8(ascii: "}") {
            p += 1
            return
        }
        var previous = -1
        var field = 0
        while true {
            guard p.pointee == UInt8(ascii: "\"") else {
                throw failure(p, "Expected a key (a string) in the object, found \(describe(p)).")
            }
            p += 1
            let column = try matchKey(&p, field: field, previous: &previous)
            field += 1
            skipSpace(&p)
            guard p.pointee == UInt8(ascii: ":") else { throw failure(p, "Expected ':' after the key, found \(describe(p)).") }
            p += 1
            skipSpace(&p)
            if column >= 0 {
                do {
                    p = try parseValue(p, column: column, row: row)
                } catch {
                    var failure = error
                    if failure.column == nil { failure.column = names[column] }
                    throw failure
                }
            } else {
                try skipValue(&p)
            }
            skipSpace(&p)
            let b = p.pointee
            if b == UInt8(ascii: ",") {
                p += 1
                skipSpace(&p)
                if p.pointee == UInt8(ascii: "}") { throw failure(p, "Trailing comma before '}'.") }
            } else if b == UInt8(ascii: "}") {
                p += 1
                return
            } else {
                throw failure(p, "Expected ',' or '}' after a value, found \(describe(p)).")
            }
        }
    }

    /// Reads the key at position `field` of an object (`p` just past its opening quote) and returns
    /// its column, or -1 to skip its value. `previous` is the key entry before it in this object
    /// (-1 at the start, -2 if unknown).
    ///
    /// Tries, in order: the key seen at this position last time (objects usually repeat one order),
    /// the key that followed the previous key last time (objects with optional keys), and a hash
    /// lookup of the decoded key.
    @inline(__always)
    private mutating func matchKey(_ p: inout Pointer, field: Int, previous: inout Int) throws(JSONParseFailure) -> Int {
        if field < templateCapacity {
            let slot = template[field]
            if slot.short {
                if UnsafeRawPointer(p).loadUnaligned(as: UInt64.self) & slot.mask0 == slot.word0 {
                    p += Int(slot.length) + 1
                    previous = Int(slot.entry)
                    return Int(slot.target)
                }
            } else if slot.entry >= 0, keys.matches(Int(slot.entry), at: p, available: end - p) {
                p += Int(slot.length) + 1
                previous = Int(slot.entry)
                return Int(slot.target)
            }
        }
        return try matchKeyByGuess(&p, field: field, previous: &previous)
    }

    @inline(never)
    private mutating func matchKeyByGuess(_ p: inout Pointer, field: Int, previous: inout Int) throws(JSONParseFailure) -> Int {
        if previous >= -1 {
            let guess = Int(successors[previous + 1])
            if guess >= 0, keys.matches(guess, at: p, available: end - p) {
                p += keys.length(guess) + 1
                previous = guess
                if field < templateCapacity { template[field] = keys.slot(guess) }
                return keys.target(guess)
            }
        }
        return try matchKeySlowly(&p, field: field, previous: &previous)
    }

    private mutating func matchKeySlowly(_ p: inout Pointer, field: Int, previous: inout Int) throws(JSONParseFailure) -> Int {
        scratch.count = 0
        p = try decodeString(p, into: &scratch)
        scratch.reserve(1)
        let key = UnsafePointer(scratch.tail - scratch.count)
        let length = scratch.count
        var entry = keys.find(key, length)
        var target = entry.map { keys.target($0) } ?? -1
        if entry == nil {
            if let discovery {
                let name = String(decoding: UnsafeBufferPointer(start: key, count: length), as: UTF8.self)
                if discovery.projection?.contains(name) ?? true {
                    let given = discovery.dtypes[name] ?? (discovery.forcedStrings.contains(name) ? ColumnType.string : nil)
                    target = addColumn(name, type: given)
                    // A column forced to text by a restart is still inferred (text accepts every value).
                    if given != nil, discovery.dtypes[name] == nil { convertToInferredString(target) }
                    entry = keys.find(key, length)
                } else {
                    entry = keys.insert(key, length, target: -1)
                }
            } else {
                entry = keys.insert(key, length, target: -1)
            }
        }
        guard let entry else {
            previous = -2
            return target
        }
        if entry + 2 > successorCapacity {
            let newCapacity = max(entry + 2, successorCapacity * 2)
            let bigger = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
            bigger.initialize(repeating: -1, count: newCapacity)
            bigger.update(from: successors, count: successorCapacity)
            successors.deallocate()
            successors = bigger
            successorCapacity = newCapacity
        }
        if previous >= -1 { successors[previous + 1] = Int32(entry) }
        previous = entry
        if field >= templateCapacity, field < 4096 {
            let newCapacity = max(field + 1, templateCapacity * 2)
            let bigger = UnsafeMutablePointer<JSONKeyTable.Slot>.allocate(capacity: newCapacity)
            bigger.initialize(repeating: JSONKeyTable.Slot(), count: newCapacity)
            bigger.update(from: template, count: templateCapacity)
            template.deallocate()
            template = bigger
            templateCapacity = newCapacity
        }
        if field < templateCapacity { template[field] = keys.slot(entry) }
        return target
    }

    /// A column added as a fixed string because of a restart is really inferred (it only ever
    /// widens to text, which accepts every value).
    private mutating func convertToInferredString(_ column: Int) {
        sinks[column].fixed = false
        givenTypes[column] = nil
    }

    // MARK: - Values

    /// Reads the value at `p` into column `column`, row `row`, and returns the first byte after it.
    @inline(__always)
    private mutating func parseValue(_ p: Pointer, column: Int, row: Int) throws(JSONParseFailure) -> Pointer {
        let sink = sinks + column
        if sink.pointee.count != row { prepare(sink, row: row) }
        let b = p.pointee
        let kind = sink.pointee.kind
        if kind == .float64 {
            if b == UInt8(ascii: "-") || JSONNumberParser.isDigit(b), let parsed = JSONNumberParser.parseSmallDouble(p, powers: powers) {
                sink.pointee.set(row, parsed.0)
                return parsed.1
            }
        } else if kind == .int64 {
            if b == UInt8(ascii: "-") || JSONNumberParser.isDigit(b), let parsed = JSONNumberParser.parseSmallInteger(p) {
                if parsed.0 < 0 { sink.pointee.sawNegative = true }
                sink.pointee.set(row, parsed.0)
                return parsed.1
            }
        } else if kind == .string {
            if b == UInt8(ascii: "\"") {
                let next = try decodeString(p + 1, into: &sink.pointee.bytes)
                sink.pointee.endString(row)
                return next
            }
        } else if kind == .bool {
            let word = UnsafeRawPointer(p).loadUnaligned(as: UInt32.self)
            if word == Self.trueWord, !Self.continuesWord(p[4]) {
                sink.pointee.set(row, true)
                return p + 4
            }
            if word == Self.falseWord, p[4] == UInt8(ascii: "e"), !Self.continuesWord(p[5]) {
                sink.pointee.set(row, false)
                return p + 5
            }
        }
        if b == UInt8(ascii: "n"), UnsafeRawPointer(p).loadUnaligned(as: UInt32.self) == Self.nullWord, !Self.continuesWord(p[4]) {
            sink.pointee.appendNull(row)
            return p + 4
        }
        return try parseValueSlowly(p, column: column, row: row)
    }

    /// The general path of ``parseValue(_:column:row:)``: any value, any column type.
    @inline(never)
    private mutating func parseValueSlowly(_ p: Pointer, column: Int, row: Int) throws(JSONParseFailure) -> Pointer {
        var p = p
        let token = try readToken(&p)
        try store(token, column: column, row: row)
        return p
    }

    /// A number read into a float column: its value, with the integer `-0` read as -0.0 (as
    /// Python's `float("-0")`; as an integer it is 0).
    @inline(__always)
    private static func double(_ number: JSONNumber, at start: Pointer) -> Double {
        let value = number.doubleValue
        return value == 0 && start.pointee == UInt8(ascii: "-") ? -0.0 : value
    }

    /// Brings a column to row `row`: nulls for the rows whose objects lacked the key, or forgetting
    /// the value of a key repeated in this object.
    @inline(never)
    private func prepare(_ sink: UnsafeMutablePointer<JSONColumnSink>, row: Int) {
        if sink.pointee.count < row { sink.pointee.pad(to: row) } else { sink.pointee.forgetLastRow(row) }
    }

    /// `true`, `fals` and `null` as little-endian words.
    private static var trueWord: UInt32 { 0x6575_7274 }
    private static var falseWord: UInt32 { 0x736C_6166 }
    private static var nullWord: UInt32 { 0x6C6C_756E }

    /// Whether `byte` would continue a literal (so `truex` is not `true`).
    @inline(__always)
    private static func continuesWord(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || JSONNumberParser.isDigit(byte) || byte == UInt8(ascii: "_")
    }

    /// Reads any value: strings decoded and nested values compacted into the scratch buffer.
    private mutating func readToken(_ p: inout Pointer) throws(JSONParseFailure) -> JSONToken {
        let first = p
        let b = p.pointee
        switch b {
        case UInt8(ascii: "\""):
            scratch.count = 0
            p = try decodeString(p + 1, into: &scratch)
            return JSONToken(kind: .string, start: first, end: p)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            scratch.count = 0
            try nested(&p, copy: true)
            return JSONToken(kind: .nested, start: first, end: p)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if b == UInt8(ascii: "-"), p[1] == UInt8(ascii: "I") {
                p += 1
                try literal(&p, "Infinity")
                return JSONToken(kind: .number, number: JSONNumber(kind: .double, bits: (-Double.infinity).bitPattern), start: first, end: p)
            }
            guard let parsed = JSONNumberParser.parse(p, powers: powers) else {
                throw failure(p, "Invalid number \(Self.quote(p, upTo: Self.tokenEnd(p))).")
            }
            let number = parsed.0
            p = parsed.1
            if Self.continuesWord(p.pointee) || p.pointee == UInt8(ascii: ".") {
                throw failure(first, "Invalid number \(Self.quote(first, upTo: Self.tokenEnd(first))).")
            }
            return JSONToken(kind: .number, number: number, start: first, end: p)
        case UInt8(ascii: "t"):
            try literal(&p, "true")
            return JSONToken(kind: .bool, flag: true, start: first, end: p)
        case UInt8(ascii: "f"):
            try literal(&p, "false")
            return JSONToken(kind: .bool, flag: false, start: first, end: p)
        case UInt8(ascii: "n"):
            try literal(&p, "null")
            return JSONToken(kind: .null, start: first, end: p)
        case UInt8(ascii: "N"):
            try literal(&p, "NaN")
            return JSONToken(kind: .number, number: JSONNumber(kind: .double, bits: Double.nan.bitPattern), start: first, end: p)
        case UInt8(ascii: "I"):
            try literal(&p, "Infinity")
            return JSONToken(kind: .number, number: JSONNumber(kind: .double, bits: Double.infinity.bitPattern), start: first, end: p)
        default:
            throw failure(p, "Expected a value, found \(describe(p)).")
        }
    }

    private func literal(_ p: inout Pointer, _ word: StaticString) throws(JSONParseFailure) {
        let length = word.utf8CodeUnitCount
        let spelled = word.utf8Start
        for index in 0..<length where p[index] != spelled[index] {
            throw failure(p, "Invalid literal \(Self.quote(p, upTo: Self.tokenEnd(p))) (expected \(word)).")
        }
        if Self.continuesWord(p[length]) {
            throw failure(p, "Invalid literal \(Self.quote(p, upTo: Self.tokenEnd(p))) (expected \(word)).")
        }
        p += length
    }

    /// Stores a value read by ``readToken(_:)``, widening an inferred column's type if needed.
    private mutating func store(_ token: JSONToken, column: Int, row: Int) throws(JSONParseFailure) {
        let sink = sinks + column
        if token.kind == .null {
            sink.pointee.appendNull(row)
            return
        }
        switch sink.pointee.kind {
        case .pending:
            switch token.kind {
            case .bool: sink.pointee.start(.bool)
            case .number:
                switch token.number.kind {
                case .int64: sink.pointee.start(.int64)
                case .uint64: sink.pointee.start(.uint64)
                case .double: sink.pointee.start(.float64)
                }
            case .string, .nested, .null: sink.pointee.start(.string)
            }
            try store(token, column: column, row: row)
        case .string, .categorical:
            switch token.kind {
            case .string, .nested:
                sink.pointee.bytes.append(UnsafePointer(scratch.tail - scratch.count), scratch.count)
            default:
                sink.pointee.bytes.append(token.start, token.end - token.start)
            }
            sink.pointee.endString(row)
        case .bool:
            guard token.kind == .bool else { throw try mismatch(token, column: column) }
            sink.pointee.set(row, token.flag)
        case .float64:
            guard token.kind == .number else { throw try mismatch(token, column: column) }
            sink.pointee.set(row, Self.double(token.number, at: token.start))
        case .float32:
            guard token.kind == .number else { throw try mismatch(token, column: column) }
            sink.pointee.set(row, Float(Self.double(token.number, at: token.start)))
        case .int64:
            guard token.kind == .number else { throw try mismatch(token, column: column) }
            let number = token.number
            if number.kind == .int64 {
                let value = Int64(bitPattern: number.bits)
                if value < 0 { sink.pointee.sawNegative = true }
                sink.pointee.set(row, value)
            } else if !sink.pointee.fixed {
                if number.kind == .uint64, !sink.pointee.sawNegative { sink.pointee.kind = .uint64 } else { sink.pointee.widenToFloat64() }
                try store(token, column: column, row: row)
            } else {
                sink.pointee.set(row, try integer(token, column: column, as: Int64.self))
            }
        case .uint64:
            guard token.kind == .number else { throw try mismatch(token, column: column) }
            let number = token.number
            if number.kind == .uint64 || (number.kind == .int64 && Int64(bitPattern: number.bits) >= 0) {
                sink.pointee.set(row, number.bits)
            } else if !sink.pointee.fixed {
                sink.pointee.widenToFloat64()
                try store(token, column: column, row: row)
            } else {
                sink.pointee.set(row, try integer(token, column: column, as: UInt64.self))
            }
        case .int8: sink.pointee.set(row, try integer(token, column: column, as: Int8.self))
        case .int16: sink.pointee.set(row, try integer(token, column: column, as: Int16.self))
        case .int32: sink.pointee.set(row, try integer(token, column: column, as: Int32.self))
        case .uint8: sink.pointee.set(row, try integer(token, column: column, as: UInt8.self))
        case .uint16: sink.pointee.set(row, try integer(token, column: column, as: UInt16.self))
        case .uint32: sink.pointee.set(row, try integer(token, column: column, as: UInt32.self))
        case .timestamp:
            let perSecond = sink.pointee.perSecond
            sink.pointee.set(row, try instant(token, column: column, perSecond: perSecond))
        case .date:
            let day = JSONTemporal.floorDivide(try instant(token, column: column, perSecond: 1), JSONTemporal.secondsPerDay)
            guard let days = Int32(exactly: day) else { throw failure(token.start, "The date \(Self.quote(token.start, upTo: token.end)) is out of range.") }
            sink.pointee.set(row, days)
        }
    }

    /// The error for a value of the wrong kind, or (for an inferred column) the signal to start
    /// over reading the column as strings.
    private func mismatch(_ token: JSONToken, column: Int) throws(JSONParseFailure) -> JSONParseFailure {
        if !sinks[column].fixed {
            return JSONParseFailure(offset: token.start - start + baseOffset, message: "", restartColumn: column)
        }
        let type = givenTypes[column] ?? sinks[column].kind.inferredType
        return failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) does not fit the column's type \(type); set JSONOptions.dtypes to choose another type.")
    }

    /// A number token as an integer of type `T` (integral floats accepted), or an error.
    private func integer<T: FixedWidthInteger>(_ token: JSONToken, column: Int, as _: T.Type) throws(JSONParseFailure) -> T {
        guard token.kind == .number else { throw try mismatch(token, column: column) }
        let number = token.number
        let value: T?
        switch number.kind {
        case .int64: value = T(exactly: Int64(bitPattern: number.bits))
        case .uint64: value = T(exactly: number.bits)
        case .double:
            let double = Double(bitPattern: number.bits)
            value = double.isFinite ? T(exactly: double) : nil
        }
        guard let value else {
            let type = givenTypes[column] ?? sinks[column].kind.inferredType
            throw failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) does not fit the column's type \(type) (not an integer in range); set JSONOptions.dtypes to choose another type.")
        }
        return value
    }

    /// A timestamp or date value as a count of `perSecond`-ths of a second since the epoch:
    /// an integer counts ``JSONOptions/dateUnit``, a string is ISO 8601.
    private func instant(_ token: JSONToken, column: Int, perSecond: Int64) throws(JSONParseFailure) -> Int64 {
        let type = givenTypes[column] ?? .date
        switch token.kind {
        case .number where token.number.kind == .int64:
            let value = Int64(bitPattern: token.number.bits)
            guard let converted = JSONTemporal.convert(value, from: dateUnitPerSecond, to: perSecond) else {
                throw failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) is out of range for \(type).")
            }
            return converted
        case .string:
            let text = UnsafeBufferPointer(start: UnsafePointer(scratch.tail - scratch.count), count: scratch.count)
            guard let (seconds, nanoseconds) = JSONTemporal.parseISO(text) else {
                throw failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) is not an ISO 8601 date or time, as the column's type \(type) needs.")
            }
            guard let count = JSONTemporal.count(seconds: seconds, nanoseconds: nanoseconds, perSecond: perSecond) else {
                throw failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) is out of range for \(type).")
            }
            return count
        default:
            throw failure(token.start, "The value \(Self.quote(token.start, upTo: token.end)) does not fit the column's type \(type) (an integer count of \(dateUnitName) since the epoch or an ISO 8601 string).")
        }
    }

    private var dateUnitName: String {
        switch dateUnitPerSecond {
        case 1: "seconds"
        case 1_000: "milliseconds"
        case 1_000_000: "microseconds"
        default: "nanoseconds"
        }
    }

    // MARK: - Skipping

    /// Reads and validates a value without storing it.
    private mutating func skipValue(_ p: inout Pointer) throws(JSONParseFailure) {
        switch p.pointee {
        case UInt8(ascii: "\""):
            p += 1
            try validateString(&p)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try nested(&p, copy: false)
        default:
            _ = try readToken(&p)
        }
    }

    /// Reads an object or array; with `copy`, appends its text without insignificant whitespace
    /// to the scratch buffer (strings and numbers as written).
    private mutating func nested(_ p: inout Pointer, copy: Bool) throws(JSONParseFailure) {
        stack.count = 0
        var atValue = true
        while true {
            if atValue {
                let first = p
                switch p.pointee {
                case UInt8(ascii: "{"):
                    p += 1
                    skipSpace(&p)
                    if p.pointee == UInt8(ascii: "}") {
                        p += 1
                        if copy { scratch.append("{}") }
                    } else {
                        if copy { scratch.append(UInt8(ascii: "{")) }
                        stack.append(UInt8(ascii: "{"))
                        try nestedKey(&p, copy: copy)
                        continue
                    }
                case UInt8(ascii: "["):
                    p += 1
                    skipSpace(&p)
                    if p.pointee == UInt8(ascii: "]") {
                        p += 1
                        if copy { scratch.append("[]") }
                    } else {
                        if copy { scratch.append(UInt8(ascii: "[")) }
                        stack.append(UInt8(ascii: "["))
                        continue
                    }
                case UInt8(ascii: "\""):
                    p += 1
                    try validateString(&p)
                    if copy { scratch.append(first, p - first) }
                default:
                    let saved = scratch.count
                    let token = try readToken(&p)
                    scratch.count = saved
                    if copy { scratch.append(token.start, token.end - token.start) }
                }
                atValue = false
            }
            guard stack.count > 0, let top = stack.base?[stack.count - 1] else { return }
            skipSpace(&p)
            let b = p.pointee
            if b == UInt8(ascii: ",") {
                if copy { scratch.append(b) }
                p += 1
                skipSpace(&p)
                if top == UInt8(ascii: "{") {
                    try nestedKey(&p, copy: copy)
                } else if p.pointee == UInt8(ascii: "]") {
                    throw failure(p, "Trailing comma before ']'.")
                }
                atValue = true
            } else if (b == UInt8(ascii: "}") && top == UInt8(ascii: "{")) || (b == UInt8(ascii: "]") && top == UInt8(ascii: "[")) {
                if copy { scratch.append(b) }
                p += 1
                stack.count -= 1
            } else {
                let closing = top == UInt8(ascii: "{") ? "'}'" : "']'"
                throw failure(p, "Expected ',' or \(closing) in a nested value, found \(describe(p)).")
            }
        }
    }

    /// Reads `"key":` inside a nested object, leaving `p` at the value.
    private mutating func nestedKey(_ p: inout Pointer, copy: Bool) throws(JSONParseFailure) {
        let first = p
        guard p.pointee == UInt8(ascii: "\"") else {
            if p.pointee == UInt8(ascii: "}") { throw failure(p, "Trailing comma before '}'.") }
            throw failure(p, "Expected a key (a string) in the object, found \(describe(p)).")
        }
        p += 1
        try validateString(&p)
        if copy { scratch.append(first, p - first) }
        skipSpace(&p)
        guard p.pointee == UInt8(ascii: ":") else { throw failure(p, "Expected ':' after the key, found \(describe(p)).") }
        if copy { scratch.append(UInt8(ascii: ":")) }
        p += 1
        skipSpace(&p)
    }

    // MARK: - Strings

    /// The bytes of `word` that are a quote, a backslash, a control character or non-ASCII have
    /// their top bit set (the lowest flagged byte is exact; higher ones may be false positives).
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let quoteHits = (quote &- ones) & ~quote
        let backslashHits = (backslash &- ones) & ~backslash
        let controlHits = (word &- ones &* 0x20) & ~word
        return (quoteHits | backslashHits | controlHits | word) & (ones &* 0x80)
    }

    /// Decodes a string (`start` just past its opening quote) into `buffer`; returns the byte after
    /// the closing quote. Validates escapes and UTF-8.
    @inline(__always)
    private func decodeString(_ start: Pointer, into buffer: inout JSONByteBuffer) throws(JSONParseFailure) -> Pointer {
        var p = start
        while true {
            buffer.reserve(8)
            let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            UnsafeMutableRawPointer(buffer.tail).storeBytes(of: word, as: UInt64.self)
            let special = Self.specialBytes(word)
            if special == 0 {
                p += 8
                buffer.count += 8
                continue
            }
            let run = special.trailingZeroBitCount >> 3
            p += run
            buffer.count += run
            let b = p.pointee
            if b == UInt8(ascii: "\"") { return p + 1 }
            if b == UInt8(ascii: "\\") {
                try decodeEscape(&p, into: &buffer)
            } else if b >= 0x80 {
                let length = try utf8Length(p)
                buffer.append(p, length)
                p += length
            } else {
                throw controlFailure(p)
            }
        }
    }

    /// Validates a string (`p` just past its opening quote), leaving `p` past the closing quote.
    private func validateString(_ p: inout Pointer) throws(JSONParseFailure) {
        while true {
            let word = UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
            let special = Self.specialBytes(word)
            if special == 0 {
                p += 8
                continue
            }
            p += special.trailingZeroBitCount >> 3
            let b = p.pointee
            if b == UInt8(ascii: "\"") {
                p += 1
                return
            }
            if b == UInt8(ascii: "\\") {
                _ = try escapeValue(&p)
            } else if b >= 0x80 {
                p += try utf8Length(p)
            } else {
                throw controlFailure(p)
            }
        }
    }

    @inline(never)
    private func controlFailure(_ p: Pointer) -> JSONParseFailure {
        if p >= end { return failure(p, "Unterminated string (the input ends inside it).") }
        if p.pointee == 0x0A && lines { return failure(p, "Unterminated string (the line ends inside it).") }
        return failure(p, "Unescaped control character 0x\(Self.hex(p.pointee)) in a string (RFC 8259 requires \\u escapes).")
    }

    @inline(never)
    private func decodeEscape(_ p: inout Pointer, into buffer: inout JSONByteBuffer) throws(JSONParseFailure) {
        let scalar = try escapeValue(&p)
        buffer.reserve(4)
        let target = buffer.tail
        if scalar < 0x80 {
            target[0] = UInt8(scalar)
            buffer.count += 1
        } else if scalar < 0x800 {
            target[0] = UInt8(0xC0 | (scalar >> 6))
            target[1] = UInt8(0x80 | (scalar & 0x3F))
            buffer.count += 2
        } else if scalar < 0x10000 {
            target[0] = UInt8(0xE0 | (scalar >> 12))
            target[1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            target[2] = UInt8(0x80 | (scalar & 0x3F))
            buffer.count += 3
        } else {
            target[0] = UInt8(0xF0 | (scalar >> 18))
            target[1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            target[2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            target[3] = UInt8(0x80 | (scalar & 0x3F))
            buffer.count += 4
        }
    }

    /// Reads an escape (`p` at the backslash) and returns the Unicode scalar it stands for,
    /// combining a surrogate pair.
    private func escapeValue(_ p: inout Pointer) throws(JSONParseFailure) -> UInt32 {
        let escape = p
        let kind = p[1]
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
            p += 2
            return UInt32(kind)
        case UInt8(ascii: "b"): p += 2; return 0x08
        case UInt8(ascii: "f"): p += 2; return 0x0C
        case UInt8(ascii: "n"): p += 2; return 0x0A
        case UInt8(ascii: "r"): p += 2; return 0x0D
        case UInt8(ascii: "t"): p += 2; return 0x09
        case UInt8(ascii: "u"):
            guard let unit = Self.hex4(p + 2) else {
                throw failure(escape, "Invalid \\u escape \(Self.quote(escape, upTo: min(escape + 6, end))) (four hex digits expected).")
            }
            p += 6
            if unit >= 0xD800, unit <= 0xDBFF {
                guard p[0] == UInt8(ascii: "\\"), p[1] == UInt8(ascii: "u"), let low = Self.hex4(p + 2), low >= 0xDC00, low <= 0xDFFF else {
                    throw failure(escape, "Unpaired surrogate \(Self.quote(escape, upTo: escape + 6)): a high surrogate must be followed by a \\u escape of a low surrogate.")
                }
                p += 6
                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            }
            if unit >= 0xDC00, unit <= 0xDFFF {
                throw failure(escape, "Unpaired surrogate \(Self.quote(escape, upTo: escape + 6)): a low surrogate without a high one before it.")
            }
            return unit
        default:
            if escape + 1 >= end { throw failure(escape, "Unterminated string (the input ends inside it).") }
            throw failure(escape, "Invalid escape \(Self.quote(escape, upTo: escape + 2)) in a string.")
        }
    }

    @inline(__always)
    private static func hex4(_ p: Pointer) -> UInt32? {
        var value: UInt32 = 0
        for index in 0..<4 {
            let b = p[index]
            let digit: UInt8
            if b >= 0x30, b <= 0x39 {
                digit = b - 0x30
            } else if b | 0x20 >= 0x61, b | 0x20 <= 0x66 {
                digit = (b | 0x20) - 0x61 + 10
            } else {
                return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The length of the valid UTF-8 sequence at `p` (a byte ≥ 0x80), or an error.
    @inline(__always)
    private func utf8Length(_ p: Pointer) throws(JSONParseFailure) -> Int {
        let lead = p[0]
        let second = p[1]
        @inline(__always) func continuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
        switch lead {
        case 0xC2...0xDF:
            if continuation(second) { return 2 }
        case 0xE0:
            if second >= 0xA0, second <= 0xBF, continuation(p[2]) { return 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if continuation(second), continuation(p[2]) { return 3 }
        case 0xED:
            if second >= 0x80, second <= 0x9F, continuation(p[2]) { return 3 }
        case 0xF0:
            if second >= 0x90, second <= 0xBF, continuation(p[2]), continuation(p[3]) { return 4 }
        case 0xF1...0xF3:
            if continuation(second), continuation(p[2]), continuation(p[3]) { return 4 }
        case 0xF4:
            if second >= 0x80, second <= 0x8F, continuation(p[2]), continuation(p[3]) { return 4 }
        default:
            break
        }
        throw failure(p, "Invalid UTF-8 (byte 0x\(Self.hex(lead)) does not start a valid sequence).")
    }

    // MARK: - Helpers

    /// Skips whitespace: space, tab, carriage return, and (outside JSON Lines) newline.
    @inline(__always)
    private func skipSpace(_ p: inout Pointer) {
        while true {
            let b = p.pointee
            if b > 0x20 { return }
            if b == 0x20 || b == 0x09 || b == 0x0D || (b == 0x0A && !lines) { p += 1 } else { return }
        }
    }

    @inline(never)
    private func failure(_ p: Pointer, _ message: String) -> JSONParseFailure {
        JSONParseFailure(offset: min(p, end) - start + baseOffset, message: message)
    }

    /// What is at `p`, for a message.
    @inline(never)
    private func describe(_ p: Pointer) -> String {
        if p >= end { return "the end of the input" }
        let b = p.pointee
        if b == 0x0A { return lines ? "the end of the line" : "a newline" }
        if b >= 0x21, b < 0x7F { return Self.quote(p, upTo: Self.tokenEnd(p)) }
        if b >= 0x80 { return Self.quote(p, upTo: Self.tokenEnd(p)) }
        return "byte 0x\(Self.hex(b))"
    }

    /// The end of the token starting at `p`, for quoting in a message (at most 40 bytes).
    private static func tokenEnd(_ p: Pointer) -> Pointer {
        var q = p + 1
        while q - p < 40 {
            let b = q.pointee
            if b <= 0x20 || b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == UInt8(ascii: ":") { break }
            q += 1
        }
        return q
    }

    /// The text `p ..< end` (cut at 40 bytes) in quotes, for a message.
    private static func quote(_ p: Pointer, upTo end: Pointer) -> String {
        let length = max(0, min(end - p, 40))
        let text = String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        return "'" + text + (end - p > 40 ? "…" : "") + "'"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
