import Backends

/// Why a `.npy` file could not be read or written: a sentence naming the file and the problem.
public struct NPYError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, when there is one.
    public var path: String?
    /// What is wrong.
    public var reason: String

    /// An error about `path` (or in-memory bytes when `nil`).
    public init(path: String? = nil, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    /// The sentence.
    public var description: String {
        if let path { return "Cannot read or write \"\(path)\" as .npy: \(reason)." }
        return "Invalid .npy data: \(reason)."
    }
}

/// The header of a `.npy` file (NumPy's format versions 1.0, 2.0 and 3.0): dtype, byte order,
/// memory order and shape, and where the data starts.
package struct NPYHeader: Sendable, Equatable {
    /// The element type.
    package var dtype: DType
    /// Whether the data is big-endian (and so byte-swapped on reading).
    package var bigEndian: Bool
    /// Whether the data is in column-major order.
    package var fortranOrder: Bool
    /// The array's shape.
    package var shape: [Int]
    /// The byte offset of the data.
    package var dataOffset: Int

    /// The number of data bytes the header announces.
    package var dataByteCount: Int { shape.reduce(1, *) * dtype.itemSize }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Parses the header at the start of `bytes` (which need hold only the header).
    ///
    /// - Throws: ``NPYError`` for a wrong magic string, an unknown version, a truncated or
    ///   malformed header, an unsupported dtype (object, string, complex, structured, float16) or
    ///   a bad shape. Never traps, whatever the bytes.
    package init(parsing bytes: some Collection<UInt8>, path: String? = nil) throws(NPYError) {
        let b = Array(bytes.prefix(12))
        guard b.count >= 10, Array(b[0..<6]) == Self.magic else {
            throw NPYError(path: path, "it does not start with the .npy magic string \\x93NUMPY")
        }
        let major = b[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(b[8]) | Int(b[9]) << 8
            start = 10
        case 2, 3:
            guard b.count >= 12 else { throw NPYError(path: path, "the header is truncated") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24
            start = 12
        default:
            throw NPYError(path: path, "format version \(major).\(b[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        let all = Array(bytes.prefix(start + headerLength))
        guard all.count == start + headerLength else {
            throw NPYError(path: path, "the header announces \(headerLength) bytes but the data ends first")
        }
        guard let text = String(validating: all[start...], as: UTF8.self) else {
            throw NPYError(path: path, "the header is not valid text")
        }
        var parser = HeaderParser(text: Array(text.unicodeScalars), path: path)
        let fields = try parser.parseDictionary()
        guard case let .string(descr)? = fields["descr"] else {
            throw NPYError(path: path, "the header has no 'descr' string")
        }
        guard case let .bool(fortran)? = fields["fortran_order"] else {
            throw NPYError(path: path, "the header has no 'fortran_order' True or False")
        }
        guard case let .tuple(shape)? = fields["shape"] else {
            throw NPYError(path: path, "the header has no 'shape' tuple")
        }
        guard let (dtype, bigEndian) = Self.dtype(descr) else {
            throw NPYError(path: path, "dtype '\(descr)' is not supported (bool, int8-64, uint8-64, float32 and float64 are)")
        }
        var total = 1
        for length in shape {
            guard length >= 0 else { throw NPYError(path: path, "the shape \(shape) has a negative length") }
            let (product, overflow) = total.multipliedReportingOverflow(by: length)
            guard !overflow, product <= 1 << 48 else { throw NPYError(path: path, "the shape \(shape) is too large") }
            total = product
        }
        self.dtype = dtype
        self.bigEndian = bigEndian
        fortranOrder = fortran
        self.shape = shape
        dataOffset = start + headerLength
    }

    /// A header for writing an array of `dtype` and `shape` in C order, little-endian.
    package init(dtype: DType, shape: [Int]) {
        self.dtype = dtype
        bigEndian = false
        fortranOrder = false
        self.shape = shape
        dataOffset = 0
        dataOffset = encoded().count
    }

    /// The header bytes as NumPy writes them: version 1.0 (2.0 when the header is too long),
    /// padded with spaces to a multiple of 64 bytes, ending in a newline.
    package func encoded() -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dictionary = "{'descr': '\(Self.descr(dtype))', 'fortran_order': \(fortranOrder ? "True" : "False"), "
            + "'shape': \(shapeText), }"
        var version: UInt8 = 1
        var prefix = 10
        var padded = dictionary.utf8.count + 1
        if (prefix + padded + 63) / 64 * 64 - prefix > 65_535 {
            version = 2
            prefix = 12
        }
        padded = (prefix + padded + 63) / 64 * 64 - prefix
        var bytes = Self.magic + [version, 0]
        if version == 1 {
            bytes += [UInt8(padded & 0xFF), UInt8(padded >> 8)]
        } else {
            bytes += [UInt8(padded & 0xFF), UInt8((padded >> 8) & 0xFF), UInt8((padded >> 16) & 0xFF), UInt8(padded >> 24)]
        }
        bytes += Array(dictionary.utf8)
        bytes += [UInt8](repeating: 0x20, count: padded - dictionary.utf8.count - 1) + [0x0A]
        return bytes
    }

    /// NumPy's `descr` for a dtype, little-endian.
    static func descr(_ dtype: DType) -> String {
        switch dtype {
        case .bool: "|b1"
        case .int8: "|i1"
        case .uint8: "|u1"
        case .int16: "<i2"
        case .int32: "<i4"
        case .int64: "<i8"
        case .uint16: "<u2"
        case .uint32: "<u4"
        case .uint64: "<u8"
        case .float32: "<f4"
        case .float64: "<f8"
        }
    }

    /// The dtype and byte order of a `descr`, or `nil` if unsupported.
    static func dtype(_ descr: String) -> (DType, Bool)? {
        let scalars = Array(descr)
        guard scalars.count >= 2 else { return nil }
        var order = scalars[0]
        var body = String(scalars.dropFirst())
        if !"<>|=".contains(order) {
            order = "="
            body = descr
        }
        let types: [String: DType] = [
            "b1": .bool, "?": .bool, "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
            "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "f4": .float32, "f8": .float64,
        ]
        guard let dtype = types[body] else { return nil }
        return (dtype, order == ">" && dtype.itemSize > 1)
    }
}

/// A parser for the Python dictionary literal of a `.npy` header.
private struct HeaderParser {
    enum Value { case string(String), bool(Bool), tuple([Int]) }

    let text: [Unicode.Scalar]
    let path: String?
    var position = 0

    init(text: [Unicode.Scalar], path: String?) {
        self.text = text
        self.path = path
    }

    private func fail(_ what: String) -> NPYError {
        NPYError(path: path, "the header is malformed (\(what) at character \(position))")
    }

    private mutating func skipSpace() {
        while position < text.count, text[position] == " " || text[position] == "\n" || text[position] == "\t" {
            position += 1
        }
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(NPYError) {
        skipSpace()
        guard position < text.count, text[position] == character else { throw fail("expected '\(character)'") }
        position += 1
    }

    private mutating func peek() -> Unicode.Scalar? {
        skipSpace()
        return position < text.count ? text[position] : nil
    }

    mutating func parseDictionary() throws(NPYError) -> [String: Value] {
        try expect("{")
        var result: [String: Value] = [:]
        while true {
            if peek() == "}" { position += 1; break }
            let key = try parseString()
            try expect(":")
            result[key] = try parseValue()
            if peek() == "," { position += 1; continue }
            try expect("}")
            break
        }
        skipSpace()
        guard position == text.count else { throw fail("unexpected text after the dictionary") }
        return result
    }

    private mutating func parseString() throws(NPYError) -> String {
        guard let quote = peek(), quote == "'" || quote == "\"" else { throw fail("expected a quoted string") }
        position += 1
        var value = ""
        while position < text.count, text[position] != quote {
            value.unicodeScalars.append(text[position])
            position += 1
        }
        guard position < text.count else { throw fail("unterminated string") }
        position += 1
        return value
    }

    private mutating func parseValue() throws(NPYError) -> Value {
        switch peek() {
        case "'", "\"": return .string(try parseString())
        case "(":
            position += 1
            var values: [Int] = []
            while true {
                if peek() == ")" { position += 1; break }
                values.append(try parseInteger())
                if peek() == "," { position += 1; continue }
                try expect(")")
                break
            }
            return .tuple(values)
        case "T", "F":
            for (word, value) in [("True", true), ("False", false)] {
                let scalars = Array(word.unicodeScalars)
                if position + scalars.count <= text.count, Array(text[position..<position + scalars.count]) == scalars {
                    position += scalars.count
                    return .bool(value)
                }
            }
            throw fail("expected True or False")
        default:
            throw fail("unsupported value")
        }
    }

    private mutating func parseInteger() throws(NPYError) -> Int {
        skipSpace()
        var digits = ""
        if position < text.count, text[position] == "-" { digits = "-"; position += 1 }
        while position < text.count, ("0"..."9").contains(text[position]) {
            digits.unicodeScalars.append(text[position])
            position += 1
        }
        // A Python 2 long suffix, as very old files have.
        if position < text.count, text[position] == "L" { position += 1 }
        guard let value = Int(digits) else { throw fail("expected an integer") }
        return value
    }
}
