import Testing
@testable import Backends

/// Parses `text` as the file "test.yaml".
private func parse(_ text: String) throws(ConfigError) -> [String: ConfigValue] {
    try YAMLSubsetParser.parse(text, path: "test.yaml")
}

/// The line and reason of the `malformedFile` error that parsing `text` throws, or `nil` if it parses.
private func malformed(_ text: String) -> (line: Int, reason: String)? {
    do {
        _ = try parse(text)
        return nil
    } catch {
        guard case let .malformedFile(path, line, reason) = error, path == "test.yaml" else {
            Issue.record("unexpected error \(error)")
            return nil
        }
        return (line, reason)
    }
}

/// Values written after `key: ` and what they must parse to.
private let scalarCases: [(text: String, expected: ConfigValue)] = [
    // Integers
    ("42", ConfigValue.int(42)), ("-7", -7), ("+3", 3), ("0", 0), ("007", 7),
    ("0x1F", 31), ("0xff", 255), ("-0x10", -16), ("0o17", 15),
    ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
    ("9223372036854775808", .double(9_223_372_036_854_775_808)),
    // Floats
    ("1.5", 1.5), ("-2.5e-3", -0.0025), ("1e3", 1000.0), ("1E3", 1000.0), (".5", 0.5), ("1.", 1.0),
    ("+1.5", 1.5), (".inf", .double(.infinity)), ("+.inf", .double(.infinity)), (".Inf", .double(.infinity)),
    ("-.inf", .double(-.infinity)), ("-.INF", .double(-.infinity)),
    // Booleans; yes/no/on/off stay strings (YAML 1.2)
    ("true", true), ("True", true), ("TRUE", true), ("false", false), ("False", false), ("FALSE", false),
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("off", "off"),
    // Null
    ("null", nil), ("Null", nil), ("NULL", nil), ("~", nil), ("", nil), ("# just a comment", nil),
    ("none", "none"),
    // Plain strings
    ("hello world", "hello world"), ("  padded  ", "padded"), ("64MiB", "64MiB"), ("1.2.3", "1.2.3"),
    ("0x", "0x"), ("0xZZ", "0xZZ"), ("1_000", "1_000"), ("e3", "e3"), ("1e", "1e"), (".", "."),
    ("inf", "inf"), ("nan", "nan"), ("-foo", "-foo"), ("a#b", "a#b"), ("value # comment", "value"),
    ("value\t# comment", "value"), ("http://example.com:8080/x", "http://example.com:8080/x"),
    ("12:30", "12:30"), ("don't", "don't"), ("a 'b' c", "a 'b' c"), ("C:\\path", "C:\\path"),
    // Quoted strings
    ("'single'", "single"), ("'it''s'", "it's"), ("''", ""), ("'a\\nb'", "a\\nb"),
    ("\"double\"", "double"), ("\"a\\\"b\"", "a\"b"), ("\"a\\\\b\"", "a\\b"), ("\"line\\nbreak\"", "line\nbreak"),
    ("\"tab\\there\"", "tab\there"), ("\"\\/\\ \"", "/ "), ("\"\\u00e9\\x41\\U0001F600\"", "éA😀"),
    ("'# not a comment'", "# not a comment"), ("\"# not a comment\" # a comment", "# not a comment"),
    ("\"42\"", "42"), ("'true'", "true"), ("\"null\"", "null"), ("\"  kept  \"", "  kept  "),
    ("'a: b'", "a: b"), ("\"[1, 2]\"", "[1, 2]"),
]

/// Flow collections written after `key: ` and what they must parse to.
private let flowCases: [(text: String, expected: ConfigValue)] = [
    ("[1, \"a\", true]", ConfigValue.list([1, "a", true])),
    ("{a: 1, b: x}", ["a": 1, "b": "x"]),
    ("[]", []),
    ("{}", [:]),
    ("[ 1 , 2 , ]", [1, 2]),
    ("[[1, 2], {a: [3]}]", [[1, 2], ["a": [3]]]),
    ("[\"a, b\", 'c]', x y]", ["a, b", "c]", "x y"]),
    ("{\"quoted key\": 1, 'other': [null, ~, 1.5]}", ["quoted key": 1, "other": [nil, nil, 1.5]]),
    ("{\"json\":1}", ["json": 1]),
    ("{a: , b:}", ["a": nil, "b": nil]),
    ("[http://x:1/y, a:b]", ["http://x:1/y", "a:b"]),
    ("[1, 2] # comment", [1, 2]),
    ("[a#b]", ["a#b"]),
    ("[-1, -foo]", [-1, "-foo"]),
]

@Suite("YAMLSubsetParser")
struct YAMLSubsetParserTests {
    /// An input that must be rejected, the line the error must name and a fragment of its reason.
    struct MalformedYAML: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let reason: String
        var testDescription: String { text.debugDescription }

        init(_ text: String, line: Int, _ reason: String) {
            self.text = text
            self.line = line
            self.reason = reason
        }
    }

    // MARK: - Documents

    @Test("Empty documents are empty mappings", arguments: [
        "", "\n\n", "# only a comment\n   \n", "---\n", "--- # start\n# nothing\n...\n",
    ])
    func emptyDocument(text: String) throws {
        #expect(try parse(text) == [:])
    }

    @Test("Nested block mappings")
    func nestedMappings() throws {
        let text = """
        array:
          backend: cupy
          chunk-size: 64MiB
          nested:
            deep: 1
        scheduler: threads
        """
        #expect(try parse(text) == [
            "array": ["backend": "cupy", "chunk-size": "64MiB", "nested": ["deep": 1]],
            "scheduler": "threads",
        ])
    }

    @Test("A key with nothing after it and no block below is null")
    func keyWithoutValue() throws {
        #expect(try parse("a:\nb: 1\nc:") == ["a": nil, "b": 1, "c": nil])
        #expect(try parse("a:\n  b:\nc: 2") == ["a": ["b": nil], "c": 2])
    }

    @Test("The whole document may be indented")
    func indentedDocument() throws {
        #expect(try parse("  a: 1\n  b:\n    c: 2\n") == ["a": 1, "b": ["c": 2]])
    }

    @Test("Quoted keys")
    func quotedKeys() throws {
        #expect(try parse("\"a b\": 1\n'x': 2\n\"k: v\": 3\n'it''s' : 4\n\"1\": 5\n2: 6") == [
            "a b": 1, "x": 2, "k: v": 3, "it's": 4, "1": 5, "2": 6,
        ])
    }

    @Test("Document markers, CRLF line ends and a byte-order mark")
    func markersAndLineEnds() throws {
        #expect(try parse("---\na: 1\n...\n") == ["a": 1])
        #expect(try parse("--- # a comment\na: 1") == ["a": 1])
        #expect(try parse("\u{FEFF}a: 1\r\nb:\r\n  c: x\r\n") == ["a": 1, "b": ["c": "x"]])
        #expect(try parse("a: 1\rb: 2\r") == ["a": 1, "b": 2])
    }

    @Test("A top-level flow map on its own is a mapping")
    func topLevelFlowMap() throws {
        #expect(try parse("{a: 1, b: [x]} # comment") == ["a": 1, "b": ["x"]])
    }

    // MARK: - Scalars

    @Test("Scalars", arguments: scalarCases)
    func scalar(text: String, expected: ConfigValue) throws {
        #expect(try parse("key: \(text)") == ["key": expected])
    }

    @Test("Control-character escapes in double quotes")
    func controlEscapes() throws {
        let value = try parse(#"key: "\0\a\b\t\n\v\f\r\e""#)["key"]
        #expect(value?.stringValue.map { $0.unicodeScalars.map(\.value) } == [0, 7, 8, 9, 10, 11, 12, 13, 27])
    }

    @Test("NaN", arguments: [".nan", ".NaN", ".NAN"])
    func notANumber(text: String) throws {
        let value = try parse("key: \(text)")["key"]
        #expect(value?.doubleValue?.isNaN == true)
    }

    // MARK: - Lists

    @Test("A list of scalars under a key")
    func listOfScalars() throws {
        let text = """
        workers:
          - 1
          - two
          - "three"
          - [4, 5]
          -
          - # empty too
        """
        #expect(try parse(text) == ["workers": [1, "two", "three", [4, 5], nil, nil]])
    }

    @Test("A list at its key's own indentation")
    func compactList() throws {
        #expect(try parse("hosts:\n- a\n- b\nport: 80") == ["hosts": ["a", "b"], "port": 80])
    }

    @Test("A list of mappings, continued at the key's column")
    func listOfMappings() throws {
        let text = """
        backends:
          - name: numpy
            priority: 1
          - name: cupy
            options:
              device: 0
          -   name: wide
              flag: true
        """
        #expect(try parse(text) == [
            "backends": [
                ["name": "numpy", "priority": 1],
                ["name": "cupy", "options": ["device": 0]],
                ["name": "wide", "flag": true],
            ],
        ])
    }

    @Test("Nested lists and item blocks on the next line")
    func nestedLists() throws {
        let text = """
        matrix:
          - - 1
            - 2
          - - 3
          -
            - 4
          -
            key: value
        """
        #expect(try parse(text) == ["matrix": [[1, 2], [3], [4], ["key": "value"]]])
    }

    // MARK: - Flow collections

    @Test("Flow collections", arguments: flowCases)
    func flowCollection(text: String, expected: ConfigValue) throws {
        #expect(try parse("key: \(text)") == ["key": expected])
    }

    @Test("Comments are stripped outside quotes only")
    func comments() throws {
        let text = """
        # heading
        a: 1 # trailing
        b: "x # y"   # trailing
          # indented comment line
        c: # nothing inline
          d: 'p#q'
        e: f#g
        """
        #expect(try parse(text) == ["a": 1, "b": "x # y", "c": ["d": "p#q"], "e": "f#g"])
    }

    // MARK: - Errors

    @Test("A malformed file names its path, the line and the reason")
    func exactError() {
        #expect(throws: ConfigError.malformedFile(path: "conf/a.yaml", line: 4, reason: "duplicate key \"a\"")) {
            try YAMLSubsetParser.parse("a: 1\n\n# comment\na: 2\n", path: "conf/a.yaml")
        }
    }

    @Test("Malformed input", arguments: [
        MalformedYAML("- a\n- b", line: 1, "not a list"),
        MalformedYAML("hello", line: 1, "not a single value"),
        MalformedYAML("[1, 2]", line: 1, "not a single value"),
        MalformedYAML("\"just a string\"", line: 1, "not a single value"),
        MalformedYAML("{a: 1}\nb: 2", line: 1, "not a single value"),
        MalformedYAML("a:\n  b: 1\n c: 2", line: 3, "inconsistent indentation: expected 0 spaces, found 1"),
        MalformedYAML("  a: 1\nb: 2", line: 2, "inconsistent indentation: expected 2 spaces, found 0"),
        MalformedYAML("a:\n  b: 1\n    c: 2", line: 3, "already has a value"),
        MalformedYAML("a: 1\n  b: 2", line: 2, "the key \"a\" on line 1 already has a value"),
        MalformedYAML("a:\n  - 1\n    - 2", line: 3, "the list item on line 2 already has a value"),
        MalformedYAML("a:\n\tb: 1", line: 2, "a tab in the indentation"),
        MalformedYAML("a:\n  \tb: 1", line: 2, "a tab in the indentation"),
        MalformedYAML("a: 1\nb: 2\na: 3", line: 3, "duplicate key \"a\""),
        MalformedYAML("x:\n  a: 1\n  a: 1", line: 3, "duplicate key \"a\""),
        MalformedYAML("a: {x: 1, x: 2}", line: 1, "duplicate key \"x\" in a flow map"),
        MalformedYAML("a: \"abc", line: 1, "unterminated double-quoted string"),
        MalformedYAML("a: \"abc\\\"", line: 1, "unterminated double-quoted string"),
        MalformedYAML("a: \"abc\\", line: 1, "unterminated double-quoted string"),
        MalformedYAML("a: 1\nb: 'abc\n  def'", line: 2, "unterminated single-quoted string"),
        MalformedYAML("\"key: 1", line: 1, "unterminated double-quoted string"),
        MalformedYAML("a: [\"x]", line: 1, "unterminated double-quoted string"),
        MalformedYAML("x: 1\njust text", line: 2, "expected `key: value`"),
        MalformedYAML("x: 1\nurl:http://a", line: 2, "expected `key: value`"),
        MalformedYAML("x:\n  a: 1\n  - 2", line: 3, "found a list item"),
        MalformedYAML("x:\n  - 1\n  b: 2", line: 3, "expected a list item"),
        MalformedYAML("x:\n  just text", line: 2, "expected `key: value` or a list item"),
        MalformedYAML("a: &anchor 1", line: 1, "anchors (`&`) are not supported"),
        MalformedYAML("&anchor a: 1", line: 1, "anchors (`&`) are not supported"),
        MalformedYAML("a: *ref", line: 1, "aliases (`*`) are not supported"),
        MalformedYAML("a: [*ref]", line: 1, "aliases (`*`) are not supported"),
        MalformedYAML("a: !!str 1", line: 1, "tags (`!`) are not supported"),
        MalformedYAML("a: |\n  text", line: 1, "block scalars"),
        MalformedYAML("x: 1\na: >-\n  folded", line: 2, "block scalars"),
        MalformedYAML("a: @x", line: 1, "cannot start with `@`"),
        MalformedYAML("? a\n: b", line: 1, "complex keys"),
        MalformedYAML(": 1", line: 1, "missing key"),
        MalformedYAML("a: - b", line: 1, "a list item `- ` cannot start here"),
        MalformedYAML("a: 1\n---\nb: 2", line: 2, "multiple documents"),
        MalformedYAML("---\n---", line: 2, "multiple documents"),
        MalformedYAML("a: 1\n...\nb: 2", line: 3, "multiple documents"),
        MalformedYAML("--- a: 1", line: 1, "content on the `---` line"),
        MalformedYAML("%YAML 1.2\n---\na: 1", line: 1, "directives"),
        MalformedYAML("a: [1, 2", line: 1, "unterminated flow list: missing `]`"),
        MalformedYAML("a: [1, 2 # ]", line: 1, "unterminated flow list"),
        MalformedYAML("a: [1,\n  2]", line: 1, "unterminated flow list"),
        MalformedYAML("a: {b: 1", line: 1, "unterminated flow map: missing `}`"),
        MalformedYAML("a: [1, 2]]", line: 1, "unexpected text after the flow list"),
        MalformedYAML("a: {b: 1} c", line: 1, "unexpected text after the flow map"),
        MalformedYAML("a: \"x\" y", line: 1, "unexpected text after the quoted string"),
        MalformedYAML("a: b: c", line: 1, "`: `"),
        MalformedYAML("a: b:", line: 1, "`: `"),
        MalformedYAML("a: \"\\q\"", line: 1, "unknown escape sequence `\\q`"),
        MalformedYAML("a: \"\\u12\"", line: 1, "4 hexadecimal digits"),
        MalformedYAML("a: \"\\uD800\"", line: 1, "not a Unicode scalar"),
        MalformedYAML("a: [1,,2]", line: 1, "expected a value, found `,`"),
        MalformedYAML("a: [,]", line: 1, "expected a value, found `,`"),
        MalformedYAML("a: {b}", line: 1, "expected `:` after the key \"b\""),
        MalformedYAML("a: {a:1}", line: 1, "expected `:` after the key \"a:1\""),
        MalformedYAML("a: {[1]: 2}", line: 1, "flow map keys must be strings"),
        MalformedYAML("a: {, }", line: 1, "expected a key in a flow map"),
        MalformedYAML("a: [a: 1]", line: 1, "expected `,` or `]` in a flow list, found `:`"),
        MalformedYAML("a: {b: 1 c: 2}", line: 1, "expected `,` or `}` in a flow map"),
        MalformedYAML("a: [1 [2]]", line: 1, "expected `,` or `]` in a flow list, found `[`"),
        MalformedYAML("# c\n\nok: 1\n\n  bad: 2", line: 5, "already has a value"),
        MalformedYAML("a: 1\r\nb: \"x\r\n", line: 2, "unterminated double-quoted string"),
        MalformedYAML("a: " + String(repeating: "[", count: 200), line: 1, "nesting is too deep"),
        MalformedYAML(
            (0..<100).map { String(repeating: " ", count: $0) + "k:" }.joined(separator: "\n"),
            line: 65, "nesting is too deep"
        ),
    ])
    func malformedInput(input: MalformedYAML) {
        let failure = malformed(input.text)
        #expect(failure?.line == input.line)
        #expect(failure?.reason.contains(input.reason) == true, "reason: \(failure?.reason ?? "none")")
    }

    @Test("No input traps: every outcome is a mapping or a malformedFile error on a real line")
    func noInputTraps() {
        let alphabet: [String] = [
            " ", "  ", "\n", "\t", "-", "- ", ":", ": ", "#", " #", "'", "\"", "\\", "[", "]", "{", "}", ",",
            "a", "key", "1", ".5", "&", "*", "|", "!", "?", "---", "...", "~", "\r\n", "é", "\u{FEFF}",
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<3000 {
            let text = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }.joined()
            let lineCount = text.unicodeScalars.filter { $0 == "\n" || $0 == "\r" }.count + 1
            do {
                _ = try YAMLSubsetParser.parse(text, path: "fuzz.yaml")
            } catch {
                guard case let .malformedFile(path, line, reason) = error else {
                    Issue.record("unexpected error \(error) for \(text.debugDescription)")
                    continue
                }
                #expect(path == "fuzz.yaml")
                #expect((1...lineCount).contains(line), "line \(line) of \(text.debugDescription)")
                #expect(!reason.isEmpty)
            }
        }
    }
}
