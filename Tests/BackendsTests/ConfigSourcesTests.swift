import Foundation
import Testing
@testable import Backends

/// Runs `body` with `count` new, empty temporary folders, removing them afterwards.
private func withTemporaryFolders(_ count: Int, _ body: ([String]) throws -> Void) throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-config-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: root) }
    let folders = (0..<count).map { "\(root)/folder\($0)" }
    for folder in folders {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }
    try body(folders)
}

/// Writes `text` as UTF-8 to `name` in `folder`, returning the file's path.
@discardableResult
private func write(_ text: String, to name: String, in folder: String) throws -> String {
    try write(Data(text.utf8), to: name, in: folder)
}

/// Writes `data` to `name` in `folder`, returning the file's path.
@discardableResult
private func write(_ data: Data, to name: String, in folder: String) throws -> String {
    let path = "\(folder)/\(name)"
    guard FileManager.default.createFile(atPath: path, contents: data) else {
        throw CocoaError(.fileWriteUnknown)
    }
    return path
}

/// The line and reason of the `malformedFile` error that reading `folder` throws for the file `path`.
private func fileFailure(in folder: String, path: String) -> (line: Int, reason: String)? {
    do {
        _ = try ConfigSources.fileLayer(directories: [folder])
        Issue.record("reading \(path) did not fail")
        return nil
    } catch {
        guard case let .malformedFile(errorPath, line, reason) = error, errorPath == path else {
            Issue.record("unexpected error \(error)")
            return nil
        }
        return (line, reason)
    }
}

@Suite("ConfigSources")
struct ConfigSourcesTests {
    /// One TESSERA_ variable and the single key and value it must give.
    struct EnvironmentCase: Sendable, CustomTestStringConvertible {
        let variable: String
        let raw: String
        let key: ConfigKey
        let value: ConfigValue
        var testDescription: String { "\(variable)=\(raw)" }

        init(_ variable: String, _ raw: String, _ key: ConfigKey, _ value: ConfigValue) {
            self.variable = variable
            self.raw = raw
            self.key = key
            self.value = value
        }
    }

    /// A JSON document that must be rejected, the line the error must name and a fragment of its reason.
    struct MalformedJSON: Sendable, CustomTestStringConvertible {
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

    // MARK: - Environment

    @Test("Environment variables decode to keys and values", arguments: [
        EnvironmentCase("TESSERA_ARRAY__BACKEND", "cupy", "array.backend", "cupy"),
        EnvironmentCase("TESSERA_ARRAY__CHUNK_SIZE", "64MiB", "array.chunk-size", "64MiB"),
        EnvironmentCase("TESSERA_NUM_WORKERS", "4", "num-workers", 4),
        EnvironmentCase("TESSERA_A__B__C", "-12", "a.b.c", -12),
        EnvironmentCase("TESSERA_Mixed_Case", "0x10", "mixed-case", 16),
        EnvironmentCase("TESSERA_RATIO", "0.25", "ratio", 0.25),
        EnvironmentCase("TESSERA_BIG", "1e3", "big", 1000.0),
        EnvironmentCase("TESSERA_FLAG", "true", "flag", true),
        EnvironmentCase("TESSERA_FLAG", "False", "flag", false),
        EnvironmentCase("TESSERA_FLAG", "yes", "flag", "yes"),
        EnvironmentCase("TESSERA_X", "null", "x", nil),
        EnvironmentCase("TESSERA_X", "none", "x", nil),
        EnvironmentCase("TESSERA_X", "None", "x", nil),
        EnvironmentCase("TESSERA_X", "~", "x", nil),
        EnvironmentCase("TESSERA_X", "", "x", nil),
        EnvironmentCase("TESSERA_X", "   ", "x", nil),
        EnvironmentCase("TESSERA_X", "\"quoted # text\"", "x", "quoted # text"),
        EnvironmentCase("TESSERA_X", "'single'", "x", "single"),
        EnvironmentCase("TESSERA_X", "\"42\"", "x", "42"),
        EnvironmentCase("TESSERA_X", "'none'", "x", "none"),
        EnvironmentCase("TESSERA_X", "\"a\\tb\"", "x", "a\tb"),
        EnvironmentCase("TESSERA_X", "  spaced out  ", "x", "spaced out"),
        EnvironmentCase("TESSERA_X", "[1, two, 3.5, null]", "x", [1, "two", 3.5, nil]),
        EnvironmentCase("TESSERA_X", "[]", "x", []),
        EnvironmentCase("TESSERA_X", "#ff0000", "x", "#ff0000"),
        EnvironmentCase("TESSERA_X", "value # no comments here", "x", "value # no comments here"),
        // Not valid YAML: kept as the raw string.
        EnvironmentCase("TESSERA_X", "\"unterminated", "x", "\"unterminated"),
        EnvironmentCase("TESSERA_X", "[1, 2", "x", "[1, 2"),
        EnvironmentCase("TESSERA_X", "a: b", "x", "a: b"),
        EnvironmentCase("TESSERA_X", "*alias", "x", "*alias"),
        EnvironmentCase("TESSERA_X", "'a' b", "x", "'a' b"),
    ])
    func environmentVariable(input: EnvironmentCase) throws {
        let layer = try ConfigSources.environmentLayer([input.variable: input.raw])
        #expect(layer == [input.key: input.value])
    }

    @Test("Only TESSERA_ variables other than TESSERA_CONFIG are keys")
    func environmentSkipsOtherVariables() throws {
        let layer = try ConfigSources.environmentLayer([
            "HOME": "/home/user", "PATH": "/bin", "TESSERAX": "1", "tessera_lower": "1", "MY_TESSERA_X": "1",
            "TESSERA_CONFIG": "/etc/tessera", "TESSERA_SCHEDULER": "threads",
        ])
        #expect(layer == ["scheduler": "threads"])
        #expect(ConfigSources.environmentPrefix == "TESSERA_")
    }

    @Test("A map value is flattened under the variable's key")
    func environmentMapIsFlattened() throws {
        let layer = try ConfigSources.environmentLayer([
            "TESSERA_ARRAY": "{backend: cupy, chunk_size: 128, opts: {deep: [1]}}",
            "TESSERA_EMPTY": "{}",
        ])
        #expect(layer == ["array.backend": "cupy", "array.chunk-size": 128, "array.opts.deep": [1]])
    }

    @Test("Malformed variable names", arguments: [
        "TESSERA_", "TESSERA_A____B", "TESSERA_A__", "TESSERA___A", "TESSERA_A___B", "TESSERA_A_", "TESSERA_A.B",
    ])
    func malformedVariableName(variable: String) {
        do {
            let layer = try ConfigSources.environmentLayer([variable: "1"])
            Issue.record("\(variable) gave \(layer)")
        } catch {
            guard case let .malformedEnvironment(name, reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == variable)
            #expect(!reason.isEmpty)
        }
    }

    @Test("Two variables naming one key are an error")
    func conflictingVariables() {
        #expect(throws: ConfigError.malformedEnvironment(
            variable: "TESSERA_num_workers",
            reason: "sets the key \"num-workers\", which TESSERA_NUM_WORKERS sets too"
        )) {
            try ConfigSources.environmentLayer(["TESSERA_NUM_WORKERS": "4", "TESSERA_num_workers": "4"])
        }
        #expect(throws: ConfigError.malformedEnvironment(
            variable: "TESSERA_ARRAY__BACKEND",
            reason: "sets the key \"array.backend\", which TESSERA_ARRAY sets too"
        )) {
            try ConfigSources.environmentLayer(["TESSERA_ARRAY": "{backend: a}", "TESSERA_ARRAY__BACKEND": "b"])
        }
    }

    // MARK: - Folders

    @Test("Default folders: ~/.config/tessera, then TESSERA_CONFIG")
    func defaultDirectories() {
        #expect(ConfigSources.defaultDirectories(environment: [:]) == [])
        #expect(ConfigSources.defaultDirectories(environment: ["HOME": "/home/u"]) == ["/home/u/.config/tessera"])
        #expect(ConfigSources.defaultDirectories(environment: ["HOME": "/home/u/"]) == ["/home/u/.config/tessera"])
        #expect(ConfigSources.defaultDirectories(environment: ["HOME": "/h", "TESSERA_CONFIG": "/etc/t"])
            == ["/h/.config/tessera", "/etc/t"])
        #expect(ConfigSources.defaultDirectories(environment: ["TESSERA_CONFIG": "conf"]) == ["conf"])
        #expect(ConfigSources.defaultDirectories(environment: ["HOME": "", "TESSERA_CONFIG": ""]) == [])
    }

    // MARK: - Flattening

    @Test("Flattening nested maps into dotted keys")
    func flatten() {
        let flat = ConfigSources.flatten([
            "array": ["backend": "cupy", "chunk_size": "64MiB", "deep": ["deeper": ["leaf": 1]]],
            "workers": [1, ["not": "flattened"]],
            "empty": [:],
            "nothing": nil,
            "Dotted.Key": true,
        ])
        #expect(flat == [
            "array.backend": "cupy",
            "array.chunk-size": "64MiB",
            "array.deep.deeper.leaf": 1,
            "workers": [1, ["not": "flattened"]],
            "nothing": nil,
            "dotted.key": true,
        ])
        #expect(ConfigSources.flatten([:]) == [:])
    }

    @Test("Two spellings of one key flatten deterministically: the one sorting last wins")
    func flattenCollision() {
        #expect(ConfigSources.flatten(["chunk-size": 1, "chunk_size": 2]) == ["chunk-size": 2])
        #expect(ConfigSources.flatten(["a": ["b": 1], "a.b": 2]) == ["a.b": 2])
    }

    // MARK: - Files

    @Test("Files layer in sorted order within a folder, and later folders override earlier")
    func fileLayering() throws {
        try withTemporaryFolders(2) { folders in
            try write("""
            array:
              backend: numpy
              chunk-size: 128MiB
            num-workers: 2
            scheduler: threads
            """, to: "10-base.yaml", in: folders[0])
            try write(
                #"{"array": {"backend": "cupy"}, "flags": [1, true, 2.5, null, "x"]}"#, to: "20-override.json", in: folders[0]
            )
            try write("scheduler: processes\n", to: "05-early.yml", in: folders[0])
            try write("ignored: [", to: "notes.txt", in: folders[0])
            try write("ignored: [", to: ".hidden.yaml", in: folders[0])
            try FileManager.default.createDirectory(atPath: folders[0] + "/folder.yaml", withIntermediateDirectories: false)
            try write("num-workers: 8\n", to: "any.yml", in: folders[1])
            try write("---\n", to: "empty.yaml", in: folders[1])
            try write("Extra: {Upper_Case: 1}", to: "upper.YAML", in: folders[1])

            let layer = try ConfigSources.fileLayer(directories: [folders[0], folders[1]])
            #expect(layer == [
                "array.backend": "cupy",
                "array.chunk-size": "128MiB",
                "num-workers": 8,
                "scheduler": "threads",
                "flags": [1, true, 2.5, nil, "x"],
                "extra.upper-case": 1,
            ])
            let reversed = try ConfigSources.fileLayer(directories: [folders[1], folders[0]])
            #expect(reversed["num-workers"] == 2)
        }
    }

    @Test("Files are read in sorted name order, not creation order")
    func sortedFiles() throws {
        try withTemporaryFolders(1) { folders in
            try write("x: from-b\n", to: "b.yaml", in: folders[0])
            try write("x: from-a\ny: only-a\n", to: "a.yaml", in: folders[0])
            try write("{\"x\": \"from-c\"}", to: "c.json", in: folders[0])
            #expect(try ConfigSources.fileLayer(directories: folders) == ["x": "from-c", "y": "only-a"])
        }
    }

    @Test("Missing folders and paths that are not folders are skipped")
    func missingFolders() throws {
        try withTemporaryFolders(1) { folders in
            let file = try write("a: 1", to: "file.yaml", in: folders[0])
            let layer = try ConfigSources.fileLayer(directories: ["\(folders[0])/missing", file, folders[0]])
            #expect(layer == ["a": 1])
        }
        #expect(try ConfigSources.fileLayer(directories: []) == [:])
    }

    @Test("A malformed YAML file names its path and line")
    func malformedYAMLFile() throws {
        try withTemporaryFolders(1) { folders in
            try write("a: 1\n", to: "a-good.yaml", in: folders[0])
            let path = try write("a: 1\n# comment\na: 2\n", to: "b-bad.yaml", in: folders[0])
            #expect(throws: ConfigError.malformedFile(path: path, line: 3, reason: "duplicate key \"a\"")) {
                try ConfigSources.fileLayer(directories: folders)
            }
        }
    }

    @Test("A file whose top level is not a mapping is malformed")
    func topLevelNotMapping() throws {
        try withTemporaryFolders(1) { folders in
            let path = try write("- a\n- b\n", to: "list.yaml", in: folders[0])
            let failure = fileFailure(in: folders[0], path: path)
            #expect(failure?.line == 1)
            #expect(failure?.reason.contains("not a list") == true)
        }
        try withTemporaryFolders(1) { folders in
            let path = try write("\n[1, 2]", to: "list.json", in: folders[0])
            let expected = ConfigError.malformedFile(path: path, line: 2, reason: "the top level must be a JSON object `{...}`")
            #expect(throws: expected) {
                try ConfigSources.fileLayer(directories: folders)
            }
        }
    }

    @Test("A file that is not UTF-8 is malformed at the line of the bad byte")
    func notUTF8() throws {
        try withTemporaryFolders(1) { folders in
            let path = try write(Data("a: 1\nb: ".utf8) + Data([0xFF, 0x0A]), to: "bad.yaml", in: folders[0])
            #expect(throws: ConfigError.malformedFile(path: path, line: 2, reason: "the file is not valid UTF-8 text")) {
                try ConfigSources.fileLayer(directories: folders)
            }
        }
    }

    @Test("JSON values keep their types: booleans, integers and doubles apart")
    func jsonTypes() throws {
        try withTemporaryFolders(1) { folders in
            try write("""
            \u{FEFF}{
              "t": true, "f": false, "one": 1, "oneDouble": 1.0, "exp": 1e3, "negZero": -0, "neg": -42,
              "big": 12345678901234567890, "frac": -2.5E-1, "nothing": null,
              "text": "\\u00e9\\ud83d\\ude00 \\"q\\" \\\\ \\/ \\n",
              "list": [0, 1, true, false, [], {}],
              "nested": {"deep": {"x": "y"}, "empty": {}}
            }
            """, to: "types.json", in: folders[0])
            let layer = try ConfigSources.fileLayer(directories: folders)
            #expect(layer == [
                "t": true, "f": false, "one": 1, "onedouble": 1.0, "exp": 1000.0, "negzero": 0, "neg": -42,
                "big": 12_345_678_901_234_567_890.0, "frac": -0.25, "nothing": nil,
                "text": "é😀 \"q\" \\ / \n",
                "list": [0, 1, true, false, [], [:]],
                "nested.deep.x": "y",
            ])
            #expect(layer["one"]?.boolValue == nil)
            #expect(layer["t"]?.intValue == nil)
        }
    }

    @Test("Malformed JSON names the file and the line", arguments: [
        MalformedJSON("", line: 1, "the file is empty"),
        MalformedJSON("  \n ", line: 2, "the file is empty"),
        MalformedJSON("{\n  \"a\": 1,\n  \"b\": \n}", line: 4, "expected a value"),
        MalformedJSON("{\"a\": 1,\n\"a\": 2}", line: 2, "duplicate key \"a\""),
        MalformedJSON("{\"a\": 1,\n}", line: 2, "expected a quoted key"),
        MalformedJSON("{\"a\": [1, 2,]}", line: 1, "expected a value"),
        MalformedJSON("{\"a\": [1 2]}", line: 1, "expected `,` or `]`"),
        MalformedJSON("{\"a\" 1}", line: 1, "expected `:`"),
        MalformedJSON("{\"a\": 1 \"b\": 2}", line: 1, "expected `,` or `}`"),
        MalformedJSON("{a: 1}", line: 1, "expected a quoted key"),
        MalformedJSON("{\"a\": \"abc}", line: 1, "unterminated string"),
        MalformedJSON("{\"a\": \"x\ny\"}", line: 1, "control character"),
        MalformedJSON("{\"a\": \"\\x\"}", line: 1, "unknown escape"),
        MalformedJSON("{\"a\": \"\\ud800\"}", line: 1, "unpaired surrogate"),
        MalformedJSON("{\"a\": \"\\u12\"}", line: 1, "4 hexadecimal digits"),
        MalformedJSON("{\"a\": tru}", line: 1, "expected a value"),
        MalformedJSON("{\"a\": 01}", line: 1, "expected `,` or `}`"),
        MalformedJSON("{\"a\": -}", line: 1, "invalid number"),
        MalformedJSON("{\"a\": 1.}", line: 1, "expected digits after `.`"),
        MalformedJSON("{\"a\": 1e}", line: 1, "expected digits in the exponent"),
        MalformedJSON("{\"a\": 1e999}", line: 1, "out of range"),
        MalformedJSON("{\"a\": +1}", line: 1, "unexpected character"),
        MalformedJSON("{}\n{}", line: 2, "unexpected text after the top-level object"),
        MalformedJSON("{\"a\": 1", line: 1, "expected `,` or `}`"),
        MalformedJSON("{\"a\": " + String(repeating: "[", count: 500), line: 1, "nesting is too deep"),
        MalformedJSON("\"text\"", line: 1, "the top level must be a JSON object"),
    ])
    func malformedJSON(input: MalformedJSON) throws {
        try withTemporaryFolders(1) { folders in
            let path = try write(input.text, to: "config.json", in: folders[0])
            let failure = fileFailure(in: folders[0], path: path)
            #expect(failure?.line == input.line)
            #expect(failure?.reason.contains(input.reason) == true, "reason: \(failure?.reason ?? "none")")
        }
    }
}
