import Foundation

/// Where configuration comes from besides code: TESSERA_ environment variables and YAML/JSON files.
///
/// Both sources produce a layer of flattened, dotted keys. Nested maps never survive as values:
/// `array: {backend: cupy}` in a file and `TESSERA_ARRAY='{backend: cupy}'` in the environment both
/// give the key `array.backend`, and an empty map sets nothing. Lists stay values.
package enum ConfigSources {
    /// The variables' prefix.
    package static let environmentPrefix = "TESSERA_"

    /// The variable that names the folder of configuration files; it is not a key.
    private static let directoryVariable = "TESSERA_CONFIG"

    /// The file name extensions that are read, lower-cased.
    private static let fileExtensions: Set<String> = ["yaml", "yml", "json"]

    // MARK: - Environment

    /// Decodes TESSERA_ variables: `TESSERA_ARRAY__BACKEND=cupy` -> key "array.backend" = .string("cupy").
    ///
    /// The name after the prefix is lower-cased and `__` separates levels (a single `_` stays, and
    /// ``ConfigKey`` turns it into `-`): `TESSERA_ARRAY__CHUNK_SIZE` is the key `array.chunk-size`.
    /// TESSERA_CONFIG itself is not a key (it names the folder of files) and is skipped.
    ///
    /// Values are read as a one-line YAML value would be: integers, doubles, `true`/`false`,
    /// `null`/`none`/`~` and an empty value as `.null`, quoted strings unquoted, `[..]` lists and
    /// `{..}` maps (flattened into dotted keys under the variable's key). `#` does not start a comment.
    /// A value that is not valid YAML, such as `"abc` or `a: b`, is kept as the raw string.
    ///
    /// - Throws: ``ConfigError/malformedEnvironment(variable:reason:)`` for a name with no key after the
    ///   prefix, an empty level (`TESSERA_A____B`, `TESSERA_A__`), a level with a leading or trailing `_`
    ///   (`TESSERA_A___B`), a `.`, or when two variables set the same key (`TESSERA_NUM_WORKERS` and
    ///   `TESSERA_num_workers`).
    package static func environmentLayer(_ environment: [String: String]) throws(ConfigError) -> [ConfigKey: ConfigValue] {
        var layer: [ConfigKey: ConfigValue] = [:]
        var setters: [ConfigKey: String] = [:]
        for name in environment.keys.sorted() where name.hasPrefix(environmentPrefix) && name != directoryVariable {
            guard let raw = environment[name] else { continue }
            let key = try environmentKey(variable: name)
            var entries: [ConfigKey: ConfigValue] = [:]
            flatten(environmentValue(raw, variable: name), components: key.components, into: &entries)
            for (leaf, value) in entries {
                if let earlier = setters[leaf] {
                    throw .malformedEnvironment(
                        variable: name, reason: "sets the key \"\(leaf)\", which \(earlier) sets too"
                    )
                }
                setters[leaf] = name
                layer[leaf] = value
            }
        }
        return layer
    }

    /// The key a TESSERA_ variable names.
    private static func environmentKey(variable: String) throws(ConfigError) -> ConfigKey {
        let name = variable.dropFirst(environmentPrefix.count).lowercased()
        guard !name.isEmpty else {
            throw .malformedEnvironment(variable: variable, reason: "names no key after the \(environmentPrefix) prefix")
        }
        guard !name.contains(".") else {
            throw .malformedEnvironment(
                variable: variable, reason: "contains `.`; separate levels with `__`, as in TESSERA_ARRAY__BACKEND"
            )
        }
        let levels = name.components(separatedBy: "__")
        let isAmbiguous = levels.contains { $0.isEmpty || $0.hasPrefix("_") || $0.hasSuffix("_") }
        guard !isAmbiguous else {
            throw .malformedEnvironment(
                variable: variable,
                reason: "has an empty or ambiguous level; separate levels with exactly `__`, as in TESSERA_ARRAY__BACKEND"
            )
        }
        return ConfigKey(components: levels)
    }

    /// A variable's value read as a one-line YAML value, or the raw string if it is not one.
    private static func environmentValue(_ raw: String, variable: String) -> ConfigValue {
        do {
            return try YAMLSubsetParser.parseInlineValue(raw, dialect: .environment, path: variable) ?? .null
        } catch {
            return .string(raw)
        }
    }

    // MARK: - Files

    /// Folders searched, lowest priority first: ~/.config/tessera (from HOME), then the folder named
    /// by TESSERA_CONFIG if set. Empty variables are ignored.
    package static func defaultDirectories(environment: [String: String]) -> [String] {
        var directories: [String] = []
        if let home = environment["HOME"], !home.isEmpty {
            directories.append(home.hasSuffix("/") ? home + ".config/tessera" : home + "/.config/tessera")
        }
        if let folder = environment[directoryVariable], !folder.isEmpty {
            directories.append(folder)
        }
        return directories
    }

    /// Reads every *.yaml, *.yml and *.json file of each folder (files in sorted name order; later
    /// files and later folders override earlier), flattening nested maps into dotted keys.
    ///
    /// Extensions match in any case; hidden files (names starting with `.`) and subfolders are
    /// ignored. Missing folders, and paths that are not folders, are skipped silently. JSON files are
    /// read strictly (RFC 8259, no duplicate keys); YAML files by ``YAMLSubsetParser``. An empty YAML
    /// file sets nothing; an empty JSON file is malformed.
    ///
    /// - Throws: ``ConfigError/malformedFile(path:line:reason:)`` naming the file, and the line where
    ///   known (line 1 for a file that cannot be read), for an unreadable file, a file that is not
    ///   UTF-8, a malformed file, or a file whose top level is not a mapping/object. A folder that
    ///   exists but cannot be listed is reported the same way, naming the folder.
    package static func fileLayer(directories: [String]) throws(ConfigError) -> [ConfigKey: ConfigValue] {
        var layer: [ConfigKey: ConfigValue] = [:]
        for directory in directories {
            for file in try configurationFiles(in: directory) {
                layer.merge(flatten(try readFile(atPath: file))) { _, later in later }
            }
        }
        return layer
    }

    /// The configuration files of a folder, in sorted name order; none if the folder is missing.
    private static func configurationFiles(in directory: String) throws(ConfigError) -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let names: [String]
        do {
            names = try manager.contentsOfDirectory(atPath: directory)
        } catch {
            throw .malformedFile(path: directory, line: 1, reason: "the folder cannot be listed")
        }
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        return names.filter(isConfigurationFileName).sorted().map { folder + $0 }.filter { path in
            var isFolder: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }

    /// Whether a file name has a configuration extension and is not hidden.
    private static func isConfigurationFileName(_ name: String) -> Bool {
        guard !name.hasPrefix("."), let dot = name.lastIndex(of: ".") else { return false }
        return fileExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// Reads a YAML or JSON file's top-level mapping.
    private static func readFile(atPath path: String) throws(ConfigError) -> [String: ConfigValue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .malformedFile(path: path, line: 1, reason: "the file cannot be read")
        }
        let text = try decodeUTF8(data, path: path)
        if path.lowercased().hasSuffix(".json") {
            return try JSONObjectReader.parse(text, path: path)
        }
        return try YAMLSubsetParser.parse(text, path: path)
    }

    /// Decodes UTF-8, reporting the line of the first invalid byte.
    private static func decodeUTF8(_ data: Data, path: String) throws(ConfigError) -> String {
        var bytes = data.makeIterator()
        var decoder = UTF8()
        var line = 1
        decoding: while true {
            switch decoder.decode(&bytes) {
            case let .scalarValue(scalar):
                if scalar == "\n" { line += 1 }
            case .emptyInput:
                break decoding
            case .error:
                throw .malformedFile(path: path, line: line, reason: "the file is not valid UTF-8 text")
            }
        }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Flattening

    /// Flattens nested maps into dotted leaf keys:
    /// `["array": .map(["backend": "cupy"])]` -> `[ConfigKey("array.backend"): "cupy"]`.
    ///
    /// Lists stay values, and an empty map sets nothing. Keys are normalised by ``ConfigKey``, and a
    /// key containing dots names nested levels (`"array.backend": cupy` is `array.backend`). Where
    /// two spellings name one key (`chunk_size` and `chunk-size`), the one sorting last wins, so the
    /// result does not depend on dictionary order.
    package static func flatten(_ map: [String: ConfigValue]) -> [ConfigKey: ConfigValue] {
        var result: [ConfigKey: ConfigValue] = [:]
        flatten(.map(map), components: [], into: &result)
        return result
    }

    /// Adds `value`'s leaves under the key `components` to `result`.
    private static func flatten(_ value: ConfigValue, components: [String], into result: inout [ConfigKey: ConfigValue]) {
        guard case let .map(entries) = value else {
            result[ConfigKey(components: components)] = value
            return
        }
        for key in entries.keys.sorted() {
            if let child = entries[key] {
                flatten(child, components: components + ConfigKey(key).components, into: &result)
            }
        }
    }
}

// MARK: - JSON

/// A strict JSON (RFC 8259) reader that reports the line of each error and tells booleans, integers
/// and doubles apart exactly (which `JSONSerialization`'s `NSNumber`s do not do portably).
private struct JSONObjectReader {
    /// The text's UTF-8 bytes.
    private let bytes: [UInt8]
    /// The next byte to read.
    private var position = 0
    /// The file's path, for errors.
    private let path: String

    /// Creates a reader at the start of `text`.
    private init(text: String, path: String) {
        bytes = Array(text.utf8)
        self.path = path
    }

    /// Parses `text`, which must be one JSON object.
    static func parse(_ text: String, path: String) throws(ConfigError) -> [String: ConfigValue] {
        var reader = JSONObjectReader(text: text, path: path)
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
        reader.skipWhitespace()
        guard let first = reader.current else { throw reader.failure("the file is empty; expected a JSON object") }
        guard first == .openBrace else { throw reader.failure("the top level must be a JSON object `{...}`") }
        let object = try reader.parseObject(depth: 1)
        reader.skipWhitespace()
        guard reader.current == nil else { throw reader.failure("unexpected text after the top-level object") }
        return object
    }

    /// The byte at the cursor, or `nil` at the end.
    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    /// Moves past JSON whitespace.
    private mutating func skipWhitespace() {
        while let byte = current, byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn {
            position += 1
        }
    }

    /// An error at the cursor's line.
    private func failure(_ reason: String) -> ConfigError {
        let line = 1 + bytes[..<min(position, bytes.count)].reduce(0) { $0 + ($1 == .newline ? 1 : 0) }
        return .malformedFile(path: path, line: line, reason: reason)
    }

    /// Reads any value.
    private mutating func parseValue(depth: Int) throws(ConfigError) -> ConfigValue {
        skipWhitespace()
        guard let byte = current else { throw failure("unexpected end of file; expected a value") }
        switch byte {
        case .openBrace: return .map(try parseObject(depth: depth + 1))
        case .openBracket: return .list(try parseArray(depth: depth + 1))
        case .quote: return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", value: .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", value: .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", value: .null)
        case .minus, UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character; expected a value")
        }
    }

    /// Reads `{...}` at the cursor.
    private mutating func parseObject(depth: Int) throws(ConfigError) -> [String: ConfigValue] {
        guard depth <= YAMLSubsetParser.maximumDepth else { throw failure("nesting is too deep") }
        position += 1
        var object: [String: ConfigValue] = [:]
        skipWhitespace()
        if current == .closeBrace {
            position += 1
            return object
        }
        while true {
            skipWhitespace()
            guard current == .quote else { throw failure("expected a quoted key") }
            let keyStart = position
            let key = try parseString()
            guard object[key] == nil else {
                position = keyStart
                throw failure("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard current == .colon else { throw failure("expected `:` after the key \"\(key)\"") }
            position += 1
            object[key] = try parseValue(depth: depth)
            skipWhitespace()
            switch current {
            case .comma: position += 1
            case .closeBrace:
                position += 1
                return object
            default: throw failure("expected `,` or `}` in an object")
            }
        }
    }

    /// Reads `[...]` at the cursor.
    private mutating func parseArray(depth: Int) throws(ConfigError) -> [ConfigValue] {
        guard depth <= YAMLSubsetParser.maximumDepth else { throw failure("nesting is too deep") }
        position += 1
        var items: [ConfigValue] = []
        skipWhitespace()
        if current == .closeBracket {
            position += 1
            return items
        }
        while true {
            items.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case .comma: position += 1
            case .closeBracket:
                position += 1
                return items
            default: throw failure("expected `,` or `]` in an array")
            }
        }
    }

    /// Reads a `"..."` string at the cursor.
    private mutating func parseString() throws(ConfigError) -> String {
        position += 1
        var utf8: [UInt8] = []
        while let byte = current {
            position += 1
            switch byte {
            case .quote:
                return String(decoding: utf8, as: UTF8.self)
            case .backslash:
                UTF8.encode(try parseEscape()) { utf8.append($0) }
            case ..<0x20:
                position -= 1
                throw failure("a control character in a string; write it as an escape such as \\n")
            default:
                utf8.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    /// Reads the escape after a `\` in a string.
    private mutating func parseEscape() throws(ConfigError) -> Unicode.Scalar {
        guard let letter = current else { throw failure("unterminated string") }
        position += 1
        switch letter {
        case .quote, .backslash, UInt8(ascii: "/"): return Unicode.Scalar(letter)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): return try parseUnicodeEscape()
        default: throw failure("unknown escape sequence in a string")
        }
    }

    /// Reads the rest of a `\uXXXX` escape, joining a surrogate pair.
    private mutating func parseUnicodeEscape() throws(ConfigError) -> Unicode.Scalar {
        let first = try parseHexQuad()
        if let scalar = Unicode.Scalar(first) { return scalar }
        // A high surrogate must be followed by `\u` and a low surrogate.
        guard (0xD800...0xDBFF).contains(first), current == .backslash,
              position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
            throw failure("an unpaired surrogate in a \\u escape")
        }
        position += 2
        let second = try parseHexQuad()
        guard (0xDC00...0xDFFF).contains(second),
              let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)) else {
            throw failure("an unpaired surrogate in a \\u escape")
        }
        return scalar
    }

    /// Reads four hexadecimal digits.
    private mutating func parseHexQuad() throws(ConfigError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigitValue(byte) else {
                throw failure("`\\u` must be followed by 4 hexadecimal digits")
            }
            value = value * 16 + digit
            position += 1
        }
        return value
    }

    /// The value of an ASCII hexadecimal digit.
    private static func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte) - 48
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte) - 87
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte) - 55
        default: nil
        }
    }

    /// Reads a number: an integer if it has no fraction or exponent and fits `Int`, otherwise a double.
    private mutating func parseNumber() throws(ConfigError) -> ConfigValue {
        let start = position
        if current == .minus { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if skipDigits() == 0 {
            throw failure("invalid number")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() > 0 else { throw failure("invalid number: expected digits after `.`") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == .minus || current == UInt8(ascii: "+") { position += 1 }
            guard skipDigits() > 0 else { throw failure("invalid number: expected digits in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        // `Int` reads only `-?[0-9]+`, so a fraction or an exponent always makes a double.
        if let integer = Int(text) { return .int(integer) }
        guard let double = Double(text), double.isFinite else {
            position = start
            throw failure("the number \(text) is out of range")
        }
        return .double(double)
    }

    /// Moves past ASCII digits, returning how many there were.
    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    /// Reads the literal `word`, which stands for `value`.
    private mutating func parseLiteral(_ word: String, value: ConfigValue) throws(ConfigError) -> ConfigValue {
        let literal = Array(word.utf8)
        guard bytes[position...].starts(with: literal) else { throw failure("unexpected text; expected a value") }
        position += literal.count
        return value
    }
}

extension UInt8 {
    /// `"`.
    fileprivate static let quote = UInt8(ascii: "\"")
    /// `\`.
    fileprivate static let backslash = UInt8(ascii: "\\")
    /// `{`.
    fileprivate static let openBrace = UInt8(ascii: "{")
    /// `}`.
    fileprivate static let closeBrace = UInt8(ascii: "}")
    /// `[`.
    fileprivate static let openBracket = UInt8(ascii: "[")
    /// `]`.
    fileprivate static let closeBracket = UInt8(ascii: "]")
    /// `:`.
    fileprivate static let colon = UInt8(ascii: ":")
    /// `,`.
    fileprivate static let comma = UInt8(ascii: ",")
    /// `-`.
    fileprivate static let minus = UInt8(ascii: "-")
    /// A space.
    fileprivate static let space = UInt8(ascii: " ")
    /// A tab.
    fileprivate static let tab = UInt8(ascii: "\t")
    /// A line feed.
    fileprivate static let newline = UInt8(ascii: "\n")
    /// A carriage return.
    fileprivate static let carriageReturn = UInt8(ascii: "\r")
}
