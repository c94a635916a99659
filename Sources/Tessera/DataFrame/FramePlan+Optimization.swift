import Backends

extension FramePlan {
    /// The plan with projections and filters pushed down into its sources: each source parses only
    /// the columns something downstream reads, filters run right after parsing, and assignments
    /// whose column nobody reads are dropped.
    func optimized() -> FramePlan { pushingDown(required: nil) }

    /// The plan rewritten for a consumer that reads only `required` of its columns (all when `nil`).
    private func pushingDown(required: Set<String>?) -> FramePlan {
        switch self {
        case let .source(reference, columns, predicate):
            let available = columns ?? reference.source.schema.names
            guard let required else { return self }
            return .source(reference, columns: available.filter { required.contains($0) }, predicate: predicate)

        case let .select(input, columns):
            let kept = required.map { needed in columns.filter { needed.contains($0) } } ?? columns
            return .select(input.pushingDown(required: Set(kept)), kept)

        case let .filter(input, predicate):
            let child = input.pushingDown(required: required.map { $0.union(predicate.columnNames) })
            if case let .source(reference, columns, existing) = child {
                let projection = required.map { needed in (columns ?? reference.source.schema.names).filter { needed.contains($0) } }
                    ?? columns
                let combined = existing.map { ColumnExpression.binary(.logicalAnd, $0, predicate) } ?? predicate
                return .source(reference, columns: projection, predicate: combined)
            }
            return .filter(child, predicate)

        case let .assign(input, name, expression):
            if let required, !required.contains(name) { return input.pushingDown(required: required) }
            let needed = required.map { $0.subtracting([name]).union(expression.columnNames) }
            return .assign(input.pushingDown(required: needed), name, expression)

        case let .dropNulls(input, columns):
            guard let columns else { return .dropNulls(input.pushingDown(required: nil), nil) }
            return .dropNulls(input.pushingDown(required: required.map { $0.union(columns) }), columns)

        case let .mapPartitions(input, function, schema):
            return .mapPartitions(input.pushingDown(required: nil), function, schema)

        case let .concat(inputs):
            return .concat(inputs.map { $0.pushingDown(required: required) })

        case let .repartition(input, count):
            return .repartition(input.pushingDown(required: required), count)

        case let .partition(input, index):
            return .partition(input.pushingDown(required: required), index)

        case let .aggregate(input, keys, specs, dropna, splitEvery):
            let needed = Set(keys).union(specs.map(\.column))
            return .aggregate(input.pushingDown(required: needed), keys: keys, specs: specs, dropna: dropna, splitEvery: splitEvery)

        case let .hashAggregate(input, keys, specs, dropna, splitOut):
            let needed = Set(keys).union(specs.map(\.column))
            return .hashAggregate(input.pushingDown(required: needed), keys: keys, specs: specs, dropna: dropna, splitOut: splitOut)

        case let .shuffle(input, keys, count):
            return .shuffle(input.pushingDown(required: required.map { $0.union(keys) }), keys: keys, count: count)

        case let .sort(input, keys, nulls, count):
            return .sort(input.pushingDown(required: required.map { $0.union(keys.map(\.column)) }), keys: keys, nulls: nulls, count: count)

        case let .dropDuplicates(input, subset, keep, count):
            // Which rows survive depends on the subset's columns (all of them without a subset).
            let needed = subset.flatMap { subset in required.map { $0.union(subset) } }
            return .dropDuplicates(input.pushingDown(required: needed), subset: subset, keep: keep, count: count)

        case let .merge(left, right, spec, strategy):
            guard let required, let layout = try? JoinLayout(left: left.schema, right: right.schema, spec: spec) else {
                return .merge(left.pushingDown(required: nil), right.pushingDown(required: nil), spec, strategy)
            }
            // Keep the keys, the columns read downstream, and every name both sides have (dropping
            // one would change which columns get suffixes).
            let leftNames = Set(left.schema.names), rightNames = Set(right.schema.names)
            var leftNeeded = Set(spec.leftOn).union(leftNames.intersection(rightNames))
            var rightNeeded = Set(spec.rightOn).union(leftNames.intersection(rightNames))
            for output in layout.outputs where required.contains(output.name) {
                switch output.origin {
                case .sharedKey: break
                case let .left(name): leftNeeded.insert(name)
                case let .right(name): rightNeeded.insert(name)
                }
            }
            return .merge(left.pushingDown(required: leftNeeded), right.pushingDown(required: rightNeeded), spec, strategy)
        }
    }
}
