/// A reader of the pickles (protocol 0, the text protocol) that PyTables stores as the attributes
/// holding Python objects: pandas' column lists such as `non_index_axes` = `[(1, ['a', 'b'])]`.
///
/// Plain data is decoded: None, booleans, integers, floats, strings, lists, tuples and
/// dictionaries. A Python object (a global called with arguments, such as the index frequency
/// pandas keeps in `info`) becomes an opaque ``Value/object(_:)`` naming its class: nothing is
/// ever imported or executed.
enum PickleReader {
    /// A decoded value.
    indirect enum Value: Equatable, Sendable {
        case none
        case bool(Bool)
        case int(Int64)
        case float(Double)
        case string(String)
        case list([Value])
        case tuple([Value])
        case dict([Value: Value])
        /// A Python object that was not built: the `module.name` of its class or function.
        case object(String)

        /// The string, if this is one.
        var string: String? { if case let .string(text) = self { text } else { nil } }
        /// The items of a list or tuple.
        var items: [Value]? {
            switch self {
            case let .list(items), let .tuple(items): items
            default: nil
            }
        }
    }

    /// Why a pickle could not be decoded.
    struct Failure: Error, Equatable {
        /// What was wrong.
        let message: String
    }

    /// Decodes a protocol-0 pickle.
    ///
    /// - Throws: ``Failure`` for a malformed pickle or an opcode outside plain data.
    static func decode(_ bytes: [UInt8]) throws(Failure) -> Value {
        var stack: [Value] = []
        var marks: [Int] = []
        var memo: [Int: Value] = [:]
        var index = 0

        func line() throws(Failure) -> String {
            guard let end = bytes[index...].firstIndex(of: 0x0A) else { throw Failure(message: "a line is not terminated") }
            let text = String(decoding: bytes[index..<end], as: UTF8.self)
            index = end + 1
            return text
        }
        func popMark() throws(Failure) -> [Value] {
            guard let mark = marks.popLast(), mark <= stack.count else { throw Failure(message: "no mark") }
            let items = Array(stack[mark...])
            stack.removeSubrange(mark...)
            return items
        }
        func pop() throws(Failure) -> Value {
            guard let value = stack.popLast() else { throw Failure(message: "stack underflow") }
            return value
        }

        while index < bytes.count {
            let opcode = bytes[index]
            index += 1
            switch opcode {
            case UInt8(ascii: "("): marks.append(stack.count)
            case UInt8(ascii: "l"): stack.append(.list(try popMark()))
            case UInt8(ascii: "t"): stack.append(.tuple(try popMark()))
            case UInt8(ascii: "d"):
                let items = try popMark()
                guard items.count % 2 == 0 else { throw Failure(message: "a dictionary has an odd number of items") }
                var dict: [Value: Value] = [:]
                for pair in stride(from: 0, to: items.count, by: 2) { dict[items[pair]] = items[pair + 1] }
                stack.append(.dict(dict))
            case UInt8(ascii: "]"): stack.append(.list([]))
            case UInt8(ascii: ")"): stack.append(.tuple([]))
            case UInt8(ascii: "}"): stack.append(.dict([:]))
            case UInt8(ascii: "a"):
                let value = try pop()
                guard case let .list(items) = try pop() else { throw Failure(message: "append to a non-list") }
                stack.append(.list(items + [value]))
            case UInt8(ascii: "s"):
                let value = try pop(), key = try pop()
                guard case var .dict(dict) = try pop() else { throw Failure(message: "setitem on a non-dictionary") }
                dict[key] = value
                stack.append(.dict(dict))
            case UInt8(ascii: "N"): stack.append(.none)
            case UInt8(ascii: "I"):
                let text = try line()
                if text == "01" { stack.append(.bool(true)) } else if text == "00" { stack.append(.bool(false)) } else {
                    guard let value = Int64(text) else { throw Failure(message: "a bad integer '\(text)'") }
                    stack.append(.int(value))
                }
            case UInt8(ascii: "L"):
                let text = try line()
                guard let value = Int64(text.hasSuffix("L") ? String(text.dropLast()) : text) else {
                    throw Failure(message: "an integer too large: '\(text)'")
                }
                stack.append(.int(value))
            case UInt8(ascii: "F"):
                let text = try line()
                guard let value = Double(text) else { throw Failure(message: "a bad float '\(text)'") }
                stack.append(.float(value))
            case UInt8(ascii: "V"): stack.append(.string(try unescapeUnicode(try line())))
            case UInt8(ascii: "S"): stack.append(.string(try unquote(try line())))
            case UInt8(ascii: "p"):
                guard let slot = Int(try line()), let top = stack.last else { throw Failure(message: "a bad memo put") }
                memo[slot] = top
            case UInt8(ascii: "g"):
                guard let slot = Int(try line()), let value = memo[slot] else { throw Failure(message: "a bad memo get") }
                stack.append(value)
            case UInt8(ascii: "0"): _ = try pop()
            case UInt8(ascii: "c"):
                let module = try line(), name = try line()
                stack.append(.object("\(module).\(name)"))
            case UInt8(ascii: "R"):
                _ = try pop()
                guard case let .object(callable) = try pop() else { throw Failure(message: "a call of a non-global") }
                stack.append(.object(callable))
            case UInt8(ascii: "b"):
                _ = try pop()
                guard case .object = stack.last else { throw Failure(message: "a build of a non-object") }
            case UInt8(ascii: "."):
                guard stack.count == 1 else { throw Failure(message: "the pickle does not end with one value") }
                return stack[0]
            default:
                throw Failure(message: "opcode '\(Character(Unicode.Scalar(opcode)))' is not supported")
            }
        }
        throw Failure(message: "the pickle has no stop opcode")
    }

    /// Python's raw-unicode-escape: `\uXXXX` and `\UXXXXXXXX` escapes, other bytes as they are.
    private static func unescapeUnicode(_ text: String) throws(Failure) -> String {
        guard text.contains("\\") else { return text }
        var result = String.UnicodeScalarView()
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if scalar == "\\", let kind = scalars.first, kind == "u" || kind == "U" {
                let width = kind == "u" ? 4 : 8
                let digits = String(String.UnicodeScalarView(scalars.dropFirst().prefix(width)))
                guard digits.count == width, let code = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(code) else {
                    throw Failure(message: "a bad unicode escape")
                }
                result.append(decoded)
                scalars = scalars.dropFirst(width + 1)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// A Python `repr` of a byte string (`'abc'`), with its simple escapes.
    private static func unquote(_ text: String) throws(Failure) -> String {
        guard text.count >= 2, let quote = text.first, quote == "'" || quote == "\"", text.last == quote else {
            throw Failure(message: "a bad quoted string")
        }
        var result = ""
        var characters = text.dropFirst().dropLast()[...]
        while let character = characters.popFirst() {
            guard character == "\\", let next = characters.popFirst() else { result.append(character); continue }
            switch next {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "x":
                let digits = String(characters.prefix(2))
                guard let code = UInt8(digits, radix: 16) else { throw Failure(message: "a bad escape") }
                result.append(Character(Unicode.Scalar(code)))
                characters = characters.dropFirst(2)
            default: result.append(next)
            }
        }
        return result
    }
}

extension PickleReader.Value: Hashable {}
