/// Parses the subset of YAML that configuration files use.
///
/// The subset covers what configuration needs, and nothing that hides a file's meaning:
///
/// - block mappings nested by indentation (spaces only): `key: value` lines, and `key:` followed by
///   a more-indented mapping or list, or by a list at the key's own indentation;
/// - block lists (`- item`), whose items are scalars, flow collections, `- key: value` mappings
///   (continued on the following lines at the key's column) or more-indented blocks;
/// - one-line flow lists `[1, "a", true]` and flow maps `{a: 1, b: x}`, nested freely;
/// - comments (`#` at the start of a line or after whitespace, outside quotes), blank lines, an
///   optional leading `---` document marker and an optional final `...` end marker.
///
/// Scalars follow the YAML 1.2 core schema:
///
/// - `null`, `Null`, `NULL`, `~` and an empty value are `.null`;
/// - `true` and `false` (also `True`, `TRUE`, `False`, `FALSE`) are booleans. `yes`, `no`, `on` and
///   `off` stay strings, as YAML 1.2 has it, so a misread value is reported as a string of the wrong
///   type rather than silently guessed;
/// - integers are decimal with an optional sign, `0x` hexadecimal or `0o` octal; a decimal integer
///   too large for `Int` becomes a double;
/// - floats are `1.5`, `.5`, `1.`, `1e3`, `-2.5E-3`, `.inf`, `-.inf` and `.nan` (any sign, three case forms);
/// - single-quoted strings (`''` is a quote) and double-quoted strings (escapes `\"`, `\\`, `\/`, `\n`,
///   `\t`, `\r`, `\0`, `\a`, `\b`, `\e`, `\f`, `\v`, `\ `, `\xXX`, `\uXXXX`, `\UXXXXXXXX`) are strings;
/// - anything else is a plain string, trimmed.
///
/// Keys are strings, plain or quoted, and are never converted: `1: a` has the key `"1"`.
///
/// Anything outside the subset is an error rather than a guess: a top level that is not a mapping,
/// tabs in indentation, inconsistent indentation, duplicate keys, unterminated quotes or flow
/// collections, a line without `key: value` inside a mapping, `: ` inside a plain value, anchors,
/// aliases, tags, block scalars (`|`, `>`), complex keys, directives and multiple documents. Each is
/// thrown as ``ConfigError/malformedFile(path:line:reason:)`` with the 1-based line number. An empty
/// file is an empty mapping. No input traps: nesting deeper than ``maximumDepth`` is an error too.
package enum YAMLSubsetParser {
    /// Parses a configuration file's text into its top-level mapping.
    ///
    /// - Parameters:
    ///   - text: The file's contents. `\n`, `\r\n` and `\r` all end lines; a leading byte-order mark is skipped.
    ///   - path: The file's path, used only in errors.
    /// - Returns: The top-level mapping, with nested mappings as `.map` values.
    /// - Throws: ``ConfigError/malformedFile(path:line:reason:)`` naming `path` and the offending line.
    package static func parse(_ text: String, path: String) throws(ConfigError) -> [String: ConfigValue] {
        var parser = try BlockParser(text: text, path: path)
        return try parser.parseDocument()
    }
}

extension YAMLSubsetParser {
    /// How scalars are read: files follow YAML; environment variables have no comments and also
    /// read Python's `none` as null.
    struct Dialect: Sendable {
        /// Whether `#` at the start or after whitespace begins a comment.
        var allowsComments: Bool
        /// Whether `none`, `None` and `NONE` read as `.null`.
        var readsNoneAsNull: Bool

        /// The rules of configuration files.
        static let file = Dialect(allowsComments: true, readsNoneAsNull: false)
        /// The rules of environment variables' values.
        static let environment = Dialect(allowsComments: false, readsNoneAsNull: true)
    }

    /// The deepest nesting of blocks, or of flow collections, that is accepted.
    static let maximumDepth = 64

    /// Parses one value written as it would follow `key: ` on a single line.
    ///
    /// - Returns: The value, or `nil` when the text holds none (it is blank, or only a comment where
    ///   comments are allowed).
    /// - Throws: ``ConfigError/malformedFile(path:line:reason:)`` with line 1 when the text is not a
    ///   valid one-line value (an unterminated quote or flow collection, an anchor, ...).
    static func parseInlineValue(_ text: String, dialect: Dialect, path: String) throws(ConfigError) -> ConfigValue? {
        var scanner = InlineScanner(text: Array(text.unicodeScalars), lineNumber: 1, path: path, dialect: dialect)
        return try scanner.parseValue()
    }
}

// MARK: - Lines

/// A line that carries content: its number, its indentation and its text after the indentation.
private struct SourceLine {
    /// The 1-based line number in the file.
    let number: Int
    /// The number of spaces before the text (the text's column, for a list item's content).
    let indent: Int
    /// The text after the indentation; never empty and never a whole-line comment.
    let text: [Unicode.Scalar]
}

/// What a line holds, judged from its start.
private enum LineKind {
    /// `- ...`: a list item whose content starts at `contentStart` in the line's text.
    case listItem(contentStart: Int)
    /// `key: ...`: a mapping entry whose value starts at `valueStart`.
    case entry(key: String, valueStart: Int)
    /// Neither: a value on its own.
    case value
}

extension Unicode.Scalar {
    /// Whether this is a space or a tab, the blanks that separate tokens within a line.
    fileprivate var isYAMLBlank: Bool { self == " " || self == "\t" }

    /// Whether this ends a plain scalar inside a flow collection.
    fileprivate var isFlowIndicator: Bool { self == "," || self == "[" || self == "]" || self == "{" || self == "}" }
}

/// Makes a string from Unicode scalars.
private func makeString(_ scalars: some Sequence<Unicode.Scalar>) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

// MARK: - Block structure

/// Reads the block structure of a document: mappings and lists nested by indentation.
private struct BlockParser {
    /// The lines that carry content, with markers and comments removed.
    private var lines: [SourceLine]
    /// The next line to read.
    private var index = 0
    /// The file's path, for errors.
    private let path: String

    /// Splits `text` into content lines, checking indentation characters and document markers.
    init(text: String, path: String) throws(ConfigError) {
        self.path = path
        var lines: [SourceLine] = []
        var sawDocumentStart = false
        var sawDocumentEnd = false
        for (offset, raw) in Self.splitLines(text).enumerated() {
            let number = offset + 1
            let indent = raw.prefix(while: \.isYAMLBlank).count
            let content = Array(raw[indent...])
            guard let first = content.first, first != "#" else { continue }
            if raw[..<indent].contains("\t") {
                throw Self.failure(path, number, "a tab in the indentation; indent with spaces only")
            }
            if indent == 0, Self.isMarker("---", content) {
                guard !sawDocumentStart, !sawDocumentEnd, lines.isEmpty else {
                    throw Self.failure(path, number, "multiple documents are not supported")
                }
                guard Self.isBlankOrComment(content.dropFirst(3)) else {
                    throw Self.failure(path, number, "content on the `---` line is not supported; start it on the next line")
                }
                sawDocumentStart = true
                continue
            }
            if indent == 0, Self.isMarker("...", content) {
                guard Self.isBlankOrComment(content.dropFirst(3)) else {
                    throw Self.failure(path, number, "content on the `...` line is not supported")
                }
                sawDocumentEnd = true
                continue
            }
            if sawDocumentEnd {
                throw Self.failure(path, number, "multiple documents are not supported (content after the `...` end marker)")
            }
            if indent == 0, first == "%" {
                throw Self.failure(path, number, "directives (`%`) are not supported")
            }
            lines.append(SourceLine(number: number, indent: indent, text: content))
        }
        self.lines = lines
    }

    /// Reads the whole document, which must be a mapping (or empty).
    mutating func parseDocument() throws(ConfigError) -> [String: ConfigValue] {
        guard let first = lines.first else { return [:] }
        switch try classify(first) {
        case .entry:
            break
        case .listItem:
            throw failure(first, "the top level must be a mapping of `key: value` lines, not a list")
        case .value:
            if lines.count == 1, first.text.first == "{", case let .map(map)? = try inlineValue(of: first, from: 0) {
                return map
            }
            throw failure(first, "the top level must be a mapping of `key: value` lines, not a single value")
        }
        let map = try parseMapping(indent: first.indent, depth: 1)
        if index < lines.count {
            throw indentationFailure(lines[index], expected: first.indent)
        }
        return map
    }

    // MARK: Blocks

    /// Reads the mapping or list that starts at the current line, indented by `indent`.
    private mutating func parseBlock(indent: Int, depth: Int) throws(ConfigError) -> ConfigValue {
        let line = lines[index]
        switch try classify(line) {
        case .listItem:
            return .list(try parseList(indent: indent, depth: depth, endsAtSiblingKey: false))
        case .entry:
            return .map(try parseMapping(indent: indent, depth: depth))
        case .value:
            throw failure(
                line, "expected `key: value` or a list item `- ...` (values spanning several lines are not supported)"
            )
        }
    }

    /// Reads `key: value` lines indented by `indent` until a line indented less.
    private mutating func parseMapping(indent: Int, depth: Int) throws(ConfigError) -> [String: ConfigValue] {
        guard depth <= YAMLSubsetParser.maximumDepth else { throw failure(lines[index], "nesting is too deep") }
        var map: [String: ConfigValue] = [:]
        while index < lines.count {
            let line = lines[index]
            if line.indent < indent { break }
            if line.indent > indent { throw indentationFailure(line, expected: indent) }
            let key: String
            let valueStart: Int
            switch try classify(line) {
            case let .entry(entryKey, entryValueStart):
                (key, valueStart) = (entryKey, entryValueStart)
            case .listItem:
                throw failure(line, "expected `key: value`, found a list item `- ...` inside a mapping")
            case .value:
                throw failure(line, "expected `key: value`: the line has no `:` followed by a space or the line's end")
            }
            guard map[key] == nil else { throw failure(line, "duplicate key \"\(key)\"") }
            index += 1
            map[key] = try parseEntryValue(of: line, key: key, valueStart: valueStart, indent: indent, depth: depth)
        }
        return map
    }

    /// Reads the value of the entry on `line` (already consumed): inline, or a block on the lines below.
    private mutating func parseEntryValue(
        of line: SourceLine, key: String, valueStart: Int, indent: Int, depth: Int
    ) throws(ConfigError) -> ConfigValue {
        if let value = try inlineValue(of: line, from: valueStart) {
            if index < lines.count, lines[index].indent > indent {
                throw failure(
                    lines[index], "unexpected indentation: the key \"\(key)\" on line \(line.number) already has a value"
                )
            }
            return value
        }
        guard index < lines.count else { return .null }
        let next = lines[index]
        if next.indent > indent {
            return try parseBlock(indent: next.indent, depth: depth + 1)
        }
        if next.indent == indent, case .listItem = try classify(next) {
            return .list(try parseList(indent: indent, depth: depth + 1, endsAtSiblingKey: true))
        }
        return .null
    }

    /// Reads `- item` lines indented by `indent`.
    ///
    /// - Parameter endsAtSiblingKey: Whether the list sits at its key's own indentation, so that a
    ///   `key: value` line ends it rather than being an error.
    private mutating func parseList(indent: Int, depth: Int, endsAtSiblingKey: Bool) throws(ConfigError) -> [ConfigValue] {
        guard depth <= YAMLSubsetParser.maximumDepth else { throw failure(lines[index], "nesting is too deep") }
        var items: [ConfigValue] = []
        while index < lines.count {
            let line = lines[index]
            if line.indent < indent { break }
            if line.indent > indent { throw indentationFailure(line, expected: indent) }
            guard case let .listItem(contentStart) = try classify(line) else {
                if endsAtSiblingKey { break }
                throw failure(line, "expected a list item `- ...` like the lines above it")
            }
            items.append(try parseListItem(line, contentStart: contentStart, depth: depth))
        }
        return items
    }

    /// Reads one list item (the current line): empty, a value, or a block starting on its own line
    /// or after the `- `.
    private mutating func parseListItem(
        _ line: SourceLine, contentStart: Int, depth: Int
    ) throws(ConfigError) -> ConfigValue {
        guard contentStart < line.text.count, line.text[contentStart] != "#" else {
            index += 1
            if index < lines.count, lines[index].indent > line.indent {
                return try parseBlock(indent: lines[index].indent, depth: depth + 1)
            }
            return .null
        }
        // The content after `- ` is read as a line of its own, indented to its column, so that
        // `- key: value` continues on following lines at the key's column.
        let content = SourceLine(
            number: line.number, indent: line.indent + contentStart, text: Array(line.text[contentStart...])
        )
        switch try classify(content) {
        case .value:
            index += 1
            let value = try inlineValue(of: content, from: 0) ?? .null
            if index < lines.count, lines[index].indent > line.indent {
                throw failure(
                    lines[index], "unexpected indentation: the list item on line \(line.number) already has a value"
                )
            }
            return value
        case .entry, .listItem:
            lines[index] = content
            return try parseBlock(indent: content.indent, depth: depth + 1)
        }
    }

    // MARK: Lines

    /// Tells a list item, a mapping entry and a lone value apart.
    private func classify(_ line: SourceLine) throws(ConfigError) -> LineKind {
        let text = line.text
        if text.first == "-", text.count == 1 || text[1].isYAMLBlank {
            let contentStart = text[1...].firstIndex { !$0.isYAMLBlank } ?? text.count
            return .listItem(contentStart: contentStart)
        }
        var scanner = InlineScanner(text: text, lineNumber: line.number, path: path, dialect: .file)
        guard let (key, valueStart) = try scanner.scanBlockKey() else { return .value }
        return .entry(key: key, valueStart: valueStart)
    }

    /// The value written on `line` from `start`, or `nil` if there is none.
    private func inlineValue(of line: SourceLine, from start: Int) throws(ConfigError) -> ConfigValue? {
        var scanner = InlineScanner(text: line.text, position: start, lineNumber: line.number, path: path, dialect: .file)
        return try scanner.parseValue()
    }

    /// An error on `line`.
    private func failure(_ line: SourceLine, _ reason: String) -> ConfigError {
        Self.failure(path, line.number, reason)
    }

    /// The error for a line indented differently from its block.
    private func indentationFailure(_ line: SourceLine, expected: Int) -> ConfigError {
        failure(line, "inconsistent indentation: expected \(expected) spaces, found \(line.indent)")
    }

    /// An error on line `number` of the file at `path`.
    private static func failure(_ path: String, _ number: Int, _ reason: String) -> ConfigError {
        .malformedFile(path: path, line: number, reason: reason)
    }

    /// Splits text at `\n`, `\r\n` and `\r`, dropping a leading byte-order mark.
    private static func splitLines(_ text: String) -> [[Unicode.Scalar]] {
        var lines: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            switch scalar {
            case "\n" where previousWasCarriageReturn:
                continue
            case "\n", "\r":
                lines.append(current)
                current = []
            case "\u{FEFF}" where lines.isEmpty && current.isEmpty:
                continue
            default:
                current.append(scalar)
            }
        }
        lines.append(current)
        return lines
    }

    /// Whether `text` is the marker `marker` followed by nothing or a blank.
    private static func isMarker(_ marker: String, _ text: [Unicode.Scalar]) -> Bool {
        let markerScalars = Array(marker.unicodeScalars)
        guard text.starts(with: markerScalars) else { return false }
        return text.count == markerScalars.count || text[markerScalars.count].isYAMLBlank
    }

    /// Whether `text` holds only blanks, optionally followed by a comment.
    private static func isBlankOrComment(_ text: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let first = text.first(where: { !$0.isYAMLBlank }) else { return true }
        return first == "#"
    }
}

// MARK: - Within a line

/// A cursor over one line that reads keys, scalars and flow collections.
private struct InlineScanner {
    /// The line's text.
    let text: [Unicode.Scalar]
    /// The next scalar to read.
    var position = 0
    /// The line's number, for errors.
    let lineNumber: Int
    /// The file's path, for errors.
    let path: String
    /// The rules for comments and null words.
    let dialect: YAMLSubsetParser.Dialect

    /// The scalar at the cursor, or `nil` at the line's end.
    private var current: Scalar? { position < text.count ? text[position] : nil }

    /// Unicode scalars, for short signatures.
    typealias Scalar = Unicode.Scalar

    /// Whether the cursor is at a comment: `#` at the start or after a blank.
    private var isAtComment: Bool {
        dialect.allowsComments && current == "#" && (position == 0 || text[position - 1].isYAMLBlank)
    }

    /// Whether the cursor is at the line's end or a comment.
    private var isAtLineEnd: Bool { current == nil || isAtComment }

    /// Whether the scalar at `index` ends an indicator such as `:` or `-`: the line's end, a blank,
    /// or, inside a flow collection, a flow indicator.
    private func isIndicatorEnd(at index: Int, inFlow: Bool) -> Bool {
        guard index < text.count else { return true }
        return text[index].isYAMLBlank || (inFlow && text[index].isFlowIndicator)
    }

    /// Moves past spaces and tabs.
    private mutating func skipBlanks() {
        while let scalar = current, scalar.isYAMLBlank { position += 1 }
    }

    /// An error on this line.
    private func failure(_ reason: String) -> ConfigError {
        .malformedFile(path: path, line: lineNumber, reason: reason)
    }

    /// The text from `start` to `end`, without surrounding blanks.
    private func trimmedText(from start: Int, to end: Int) -> String {
        var start = start
        var end = end
        while start < end, text[start].isYAMLBlank { start += 1 }
        while end > start, text[end - 1].isYAMLBlank { end -= 1 }
        return makeString(text[start..<end])
    }

    // MARK: Keys

    /// Reads `key:` at the cursor, plain or quoted, leaving the cursor after the `:`.
    ///
    /// - Returns: The key and the position after the `:`, or `nil` if the line is not a mapping entry.
    mutating func scanBlockKey() throws(ConfigError) -> (key: String, valueStart: Int)? {
        guard let first = current else { return nil }
        switch first {
        case "\"", "'":
            let key = try parseQuoted()
            skipBlanks()
            guard current == ":", isIndicatorEnd(at: position + 1, inFlow: false) else { return nil }
            return (key, position + 1)
        case "[", "{":
            return nil
        default:
            try checkPlainStart(inFlow: false)
            var end = position
            while end < text.count {
                if text[end] == ":", isIndicatorEnd(at: end + 1, inFlow: false) {
                    return (trimmedText(from: position, to: end), end + 1)
                }
                if dialect.allowsComments, text[end] == "#", end > 0, text[end - 1].isYAMLBlank { return nil }
                end += 1
            }
            return nil
        }
    }

    // MARK: Values

    /// Reads the rest of the line as one value: quoted, a flow collection, or plain.
    ///
    /// - Returns: The value, or `nil` if the rest of the line is blank or a comment.
    mutating func parseValue() throws(ConfigError) -> ConfigValue? {
        skipBlanks()
        guard let first = current, !isAtComment else { return nil }
        let value: ConfigValue
        let kind: String
        switch first {
        case "\"", "'":
            value = .string(try parseQuoted())
            kind = "quoted string"
        case "[", "{":
            value = try parseFlowCollection(depth: 1)
            kind = first == "[" ? "flow list" : "flow map"
        default:
            return try parseBlockPlain()
        }
        skipBlanks()
        guard isAtLineEnd else { throw failure("unexpected text after the \(kind)") }
        return value
    }

    /// Reads a plain scalar to the line's end or a comment.
    private mutating func parseBlockPlain() throws(ConfigError) -> ConfigValue {
        try checkPlainStart(inFlow: false)
        let start = position
        while !isAtLineEnd { position += 1 }
        for index in start..<position where text[index] == ":" && isIndicatorEnd(at: index + 1, inFlow: false) {
            throw failure("a plain value cannot contain `: ` or end with `:`; quote the value")
        }
        return YAMLSubsetParser.resolvePlain(trimmedText(from: start, to: position), dialect: dialect)
    }

    /// Rejects the YAML features a plain scalar's first character would start.
    private func checkPlainStart(inFlow: Bool) throws(ConfigError) {
        guard let first = current else { return }
        let isIndicator = isIndicatorEnd(at: position + 1, inFlow: inFlow)
        switch first {
        case "&": throw failure("anchors (`&`) are not supported")
        case "*": throw failure("aliases (`*`) are not supported")
        case "!": throw failure("tags (`!`) are not supported")
        case "|", ">":
            throw failure("block scalars (`|`, `>`) are not supported; write the value on one line, quoted if needed")
        case "%", "@", "`": throw failure("a plain value cannot start with `\(first)`; quote the value")
        case "-" where isIndicator: throw failure("a list item `- ` cannot start here; put each item on its own line")
        case "?" where isIndicator: throw failure("complex keys (`? `) are not supported")
        case ":" where isIndicator: throw failure("missing key before `:`")
        default: return
        }
    }

    // MARK: Quoted strings

    /// Reads a single- or double-quoted string that ends on this line.
    private mutating func parseQuoted() throws(ConfigError) -> String {
        let quote = text[position]
        position += 1
        var result = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            if quote == "'" {
                guard scalar == "'" else {
                    result.append(scalar)
                    continue
                }
                guard current == "'" else { return String(result) }
                result.append("'")
                position += 1
            } else {
                switch scalar {
                case "\"": return String(result)
                case "\\": result.append(try parseEscape())
                default: result.append(scalar)
                }
            }
        }
        let kind = quote == "'" ? "single" : "double"
        throw failure("unterminated \(kind)-quoted string (quoted strings must end on the line they start)")
    }

    /// Reads the escape after a `\` in a double-quoted string.
    private mutating func parseEscape() throws(ConfigError) -> Scalar {
        guard let letter = current else {
            throw failure("unterminated double-quoted string (quoted strings must end on the line they start)")
        }
        position += 1
        switch letter {
        case "\"", "\\", "/", " ": return letter
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "0": return "\0"
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "e": return "\u{1B}"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "x": return try parseHexEscape(letter: letter, digits: 2)
        case "u": return try parseHexEscape(letter: letter, digits: 4)
        case "U": return try parseHexEscape(letter: letter, digits: 8)
        default: throw failure("unknown escape sequence `\\\(letter)` in a double-quoted string")
        }
    }

    /// Reads the hexadecimal digits of a `\x`, `\u` or `\U` escape.
    private mutating func parseHexEscape(letter: Scalar, digits: Int) throws(ConfigError) -> Scalar {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let scalar = current, let digit = Self.hexDigitValue(scalar) else {
                throw failure("`\\\(letter)` must be followed by \(digits) hexadecimal digits")
            }
            value = value * 16 + digit
            position += 1
        }
        guard let scalar = Scalar(value) else {
            throw failure("`\\\(letter)` escape \(String(value, radix: 16)) is not a Unicode scalar")
        }
        return scalar
    }

    /// The value of an ASCII hexadecimal digit.
    private static func hexDigitValue(_ scalar: Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 48
        case "a"..."f": scalar.value - 87
        case "A"..."F": scalar.value - 55
        default: nil
        }
    }

    // MARK: Flow collections

    /// Reads a `[...]` list or `{...}` map that ends on this line.
    private mutating func parseFlowCollection(depth: Int) throws(ConfigError) -> ConfigValue {
        guard depth <= YAMLSubsetParser.maximumDepth else { throw failure("nesting is too deep") }
        let opening = text[position]
        position += 1
        return try opening == "[" ? parseFlowList(depth: depth) : parseFlowMap(depth: depth)
    }

    /// Reads a flow list's items after its `[`.
    private mutating func parseFlowList(depth: Int) throws(ConfigError) -> ConfigValue {
        var items: [ConfigValue] = []
        while true {
            skipBlanks()
            guard let next = current, !isAtComment else { throw unterminatedFlow(closing: "]") }
            if next == "]" {
                position += 1
                return .list(items)
            }
            items.append(try parseFlowItem(depth: depth))
            skipBlanks()
            guard let separator = current, !isAtComment else { throw unterminatedFlow(closing: "]") }
            position += 1
            switch separator {
            case ",": continue
            case "]": return .list(items)
            default: throw failure("expected `,` or `]` in a flow list, found `\(separator)`")
            }
        }
    }

    /// Reads a flow map's entries after its `{`.
    private mutating func parseFlowMap(depth: Int) throws(ConfigError) -> ConfigValue {
        var map: [String: ConfigValue] = [:]
        while true {
            skipBlanks()
            guard let next = current, !isAtComment else { throw unterminatedFlow(closing: "}") }
            if next == "}" {
                position += 1
                return .map(map)
            }
            let key = try parseFlowKey()
            skipBlanks()
            guard current == ":" else { throw failure("expected `:` after the key \"\(key)\" in a flow map") }
            position += 1
            skipBlanks()
            let value = try current == "," || current == "}" ? ConfigValue.null : parseFlowItem(depth: depth)
            guard map[key] == nil else { throw failure("duplicate key \"\(key)\" in a flow map") }
            map[key] = value
            skipBlanks()
            guard let separator = current, !isAtComment else { throw unterminatedFlow(closing: "}") }
            position += 1
            switch separator {
            case ",": continue
            case "}": return .map(map)
            default: throw failure("expected `,` or `}` in a flow map, found `\(separator)`")
            }
        }
    }

    /// Reads a flow map's key, quoted or plain.
    private mutating func parseFlowKey() throws(ConfigError) -> String {
        switch current {
        case "\"", "'":
            return try parseQuoted()
        case "[", "{":
            throw failure("flow map keys must be strings")
        case let separator? where separator.isFlowIndicator:
            throw failure("expected a key in a flow map, found `\(separator)`")
        default:
            try checkPlainStart(inFlow: true)
            return scanFlowPlain()
        }
    }

    /// Reads one value inside a flow collection.
    private mutating func parseFlowItem(depth: Int) throws(ConfigError) -> ConfigValue {
        switch current {
        case "\"", "'":
            return .string(try parseQuoted())
        case "[", "{":
            return try parseFlowCollection(depth: depth + 1)
        case let separator? where separator.isFlowIndicator:
            throw failure("expected a value, found `\(separator)`")
        default:
            try checkPlainStart(inFlow: true)
            return YAMLSubsetParser.resolvePlain(scanFlowPlain(), dialect: dialect)
        }
    }

    /// Reads a plain scalar inside a flow collection: up to a flow indicator, a `: ` or a comment.
    private mutating func scanFlowPlain() -> String {
        let start = position
        while let scalar = current, !isAtComment, !scalar.isFlowIndicator,
              !(scalar == ":" && isIndicatorEnd(at: position + 1, inFlow: true)) {
            position += 1
        }
        return trimmedText(from: start, to: position)
    }

    /// The error for a flow collection that the line ends inside.
    private func unterminatedFlow(closing: Scalar) -> ConfigError {
        let kind = closing == "]" ? "flow list" : "flow map"
        return failure("unterminated \(kind): missing `\(closing)` (flow collections must end on the line they start)")
    }
}

// MARK: - Scalars

extension YAMLSubsetParser {
    /// The value of an unquoted scalar under the YAML 1.2 core schema.
    fileprivate static func resolvePlain(_ text: String, dialect: Dialect) -> ConfigValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        if dialect.readsNoneAsNull, ["none", "None", "NONE"].contains(text) { return .null }
        if let integer = integer(from: text) { return .int(integer) }
        if isDecimalNumber(text), let double = Double(text) { return .double(double) }
        return .string(text)
    }

    /// The value of a decimal, `0x` hexadecimal or `0o` octal integer with an optional sign, if it fits `Int`.
    private static func integer(from text: String) -> Int? {
        var body = Substring(text)
        var sign = ""
        if let first = body.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        let radix: Int
        if body.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0o") {
            radix = 8
            body = body.dropFirst(2)
        } else {
            radix = 10
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return Int(sign + body, radix: radix)
    }

    /// Whether `text` matches YAML 1.2's float syntax: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`.
    private static func isDecimalNumber(_ text: String) -> Bool {
        var rest = Substring(text).utf8[...]
        func dropDigits() -> Int {
            let count = rest.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count
            rest = rest.dropFirst(count)
            return count
        }
        func dropSign() {
            if rest.first == UInt8(ascii: "-") || rest.first == UInt8(ascii: "+") { rest = rest.dropFirst() }
        }
        dropSign()
        var mantissaDigits = dropDigits()
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            mantissaDigits += dropDigits()
        }
        guard mantissaDigits > 0 else { return false }
        if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
            rest = rest.dropFirst()
            dropSign()
            guard dropDigits() > 0 else { return false }
        }
        return rest.isEmpty
    }
}
