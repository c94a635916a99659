/// A dotted configuration key, normalised so that `-` and `_` are the same character.
///
/// `"array.chunk_size"`, `"array.chunk-size"` and `"Array.Chunk-Size"` name one key: components
/// are lower-cased and `_` becomes `-` when the key is made, so lookups compare canonical forms.
public struct ConfigKey: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The canonical components, for example `["array", "chunk-size"]`.
    public let components: [String]

    /// Normalises a dotted key.
    public init(_ dotted: String) {
        components = dotted.split(separator: ".", omittingEmptySubsequences: false).map { part in
            String(part).lowercased().replacingOccurrences(of: "_", with: "-")
        }
    }

    /// Creates a key from canonical or raw components.
    public init(components: [String]) {
        self.components = components.map { $0.lowercased().replacingOccurrences(of: "_", with: "-") }
    }

    /// Normalises a dotted key written as a literal.
    public init(stringLiteral value: String) { self.init(value) }

    /// The canonical dotted form, for example `"array.chunk-size"`.
    public var description: String { components.joined(separator: ".") }
}

extension String {
    /// Replaces every occurrence of `target` with `replacement` (without Foundation).
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
