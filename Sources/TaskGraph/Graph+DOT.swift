extension Graph {
    /// The graph in Graphviz DOT: one node per task (labelled with its key and work) and one edge per
    /// dependency, ordered by key so the text is stable.
    public func dot(name: String = "tessera") -> String {
        var lines = ["digraph \"\(name)\" {", "  rankdir=BT;", "  node [shape=box, fontname=\"Helvetica\"];"]
        let tasks = self.tasks
        let keys = tasks.keys.sorted()
        var ids: [TaskKey: Int] = [:]
        for (id, key) in keys.enumerated() { ids[key] = id }
        for key in keys {
            guard let task = tasks[key], let id = ids[key] else { continue }
            let label = (key.description + "\\n" + task.label).replacingQuotes()
            lines.append("  t\(id) [label=\"\(label)\"];")
        }
        for key in keys {
            guard let task = tasks[key], let id = ids[key] else { continue }
            for dependency in task.dependencies {
                if let from = ids[dependency] { lines.append("  t\(from) -> t\(id);") }
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension HighLevelGraph {
    /// The layers in Graphviz DOT: one node per layer with its task count, one edge per dependency.
    public func dot(name: String = "tessera") -> String {
        var lines = ["digraph \"\(name)\" {", "  rankdir=BT;", "  node [shape=box, style=rounded, fontname=\"Helvetica\"];"]
        for name in layers.keys.sorted() {
            guard let layer = layers[name] else { continue }
            let label = "\(name)\\n\(layer.summary)\\n\(layer.taskCount) task\(layer.taskCount == 1 ? "" : "s")"
            lines.append("  \"\(name)\" [label=\"\(label.replacingQuotes())\"];")
        }
        for name in layers.keys.sorted() {
            for dependency in layers[name]?.dependencies ?? [] where layers[dependency] != nil {
                lines.append("  \"\(dependency)\" -> \"\(name)\";")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string with `"` escaped for a DOT label.
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\"" { result += "\\\"" } else { result.append(character) }
        }
        return result
    }
}
