/// One layer of configuration: canonical keys and their values.
///
/// Layers stack (scoped over global over environment over files over defaults); a lookup takes
/// the value from the highest layer that has the key.
public struct ConfigLayer: Sendable, Hashable {
    /// The values, by canonical key.
    package var values: [ConfigKey: ConfigValue]

    /// An empty layer.
    package init(_ values: [ConfigKey: ConfigValue] = [:]) { self.values = values }

    /// This layer with `other`'s values written over it.
    package func merging(_ other: ConfigLayer) -> ConfigLayer {
        ConfigLayer(values.merging(other.values) { _, new in new })
    }

    /// The value of `key`, or of the section `key` names as a map of its leaves.
    package func lookup(_ key: ConfigKey) -> ConfigValue? {
        if let value = values[key] { return value }
        var section: [String: ConfigValue] = [:]
        let depth = key.components.count
        for (candidate, value) in values where candidate.components.count > depth
            && Array(candidate.components.prefix(depth)) == key.components {
            section.insert(path: candidate.components.dropFirst(depth), value: value)
        }
        return section.isEmpty ? nil : .map(section)
    }
}

extension Dictionary where Key == String, Value == ConfigValue {
    /// Inserts `value` at the nested `path`, creating maps on the way.
    fileprivate mutating func insert(path: ArraySlice<String>, value: ConfigValue) {
        guard let head = path.first else { return }
        if path.count == 1 {
            self[head] = value
            return
        }
        var child = self[head]?.mapValue ?? [:]
        child.insert(path: path.dropFirst(), value: value)
        self[head] = .map(child)
    }
}
