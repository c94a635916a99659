import Backends

/// The state columns of a groupby partial state, read from its column names.
struct DeviceStateLayout {
    /// A state column: its component and value column.
    struct Entry {
        let name: String
        let component: DeviceStateComponent
        let column: String
    }

    let entries: [Entry]

    /// The layout of `state`; `nil` when it holds state the device does not merge (first, last,
    /// nunique rows) or lacks `__size`.
    init?(state: CuDataFrame, keys: [String]) {
        guard state.names.contains("__size"), keys.allSatisfy({ state.names.contains($0) }) else { return nil }
        var entries: [Entry] = []
        for name in state.names where !keys.contains(name) && name != "__size" {
            guard name.hasPrefix("__") else { return nil }
            let rest = name.dropFirst(2)
            guard let separator = rest.firstRange(of: "__") else { return nil }
            guard let component = DeviceStateComponent(rawValue: String(rest[..<separator.lowerBound])) else { return nil }
            entries.append(Entry(name: name, component: component, column: String(rest[separator.upperBound...])))
        }
        self.entries = entries
    }

    /// The state column of `component` for `column`, if present.
    func name(_ component: DeviceStateComponent, of column: String) -> String? {
        entries.first { $0.component == component && $0.column == column }?.name
    }
}
