/// The name of one task: a layer name and the task's block index within it, as Dask's
/// `("sum-aggregate-1f2e", 0, 3)`.
public struct TaskKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The name of the layer the task belongs to.
    public let name: String
    /// The block index (empty for a single-task layer).
    public let index: [Int]

    /// A key for block `index` of layer `name`.
    public init(_ name: String, _ index: [Int] = []) {
        self.name = name
        self.index = index
    }

    /// `('name', i, j)`, as Dask prints keys.
    public var description: String {
        index.isEmpty ? "'\(name)'" : "('\(name)', " + index.map(String.init).joined(separator: ", ") + ")"
    }

    /// Orders by name, then index, for stable output.
    public static func < (lhs: TaskKey, rhs: TaskKey) -> Bool {
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.index.lexicographicallyPrecedes(rhs.index)
    }
}

/// Makes unique, readable layer names: `"ones-3"`, `"sum-aggregate-17"`.
public enum LayerName {
    private static let counter = AtomicCounter()

    /// A fresh name starting with `prefix`.
    public static func unique(_ prefix: String) -> String {
        "\(prefix)-\(counter.next())"
    }
}
