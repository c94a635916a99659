/// The columns a join produces, where each comes from, and the types its key pairs match as:
/// computed from the two schemas alone, so a lazy merge knows its schema and reports bad keys
/// before anything runs, and the kernels assemble exactly this layout.
///
/// The layout follows pandas' `merge`: the left frame's columns in order, then the right frame's
/// that are not shared keys. A key pair with one name on both sides is a *shared* key: it appears
/// once, at the left column's place, with the common type of the pair. Other names present on
/// both sides get the spec's suffixes.
public struct JoinLayout: Sendable, Hashable {
    /// Where an output column's values come from.
    public enum Origin: Sendable, Hashable {
        /// Shared key pair `index`: the left value where the row has a left side, else the right value.
        case sharedKey(Int)
        /// The left frame's column of that name.
        case left(String)
        /// The right frame's column of that name.
        case right(String)
    }

    /// One output column.
    public struct Output: Sendable, Hashable {
        /// Its name in the result.
        public let name: String
        /// Its type.
        public let type: ColumnType
        /// Where its values come from.
        public let origin: Origin
    }

    /// The output columns, in order.
    public let outputs: [Output]
    /// The type each key pair is compared as (equal types, promoted numbers, or strings).
    public let keyTypes: [ColumnType]

    /// The result's schema.
    public var schema: Schema { Schema(outputs.map { Schema.Field(name: $0.name, type: $0.type) }) }

    /// The layout of joining frames with schemas `left` and `right` by `spec`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a key a side lacks,
    ///   ``FrameError/invalidValue(_:)`` when the key lists are empty or of different lengths, or
    ///   a key pair's types cannot be compared (a number with a string, as pandas refuses), or
    ///   ``FrameError/duplicateColumn(_:)`` when the suffixes leave two outputs with one name.
    public init(left: Schema, right: Schema, spec: JoinSpec) throws(FrameError) {
        guard !spec.leftOn.isEmpty else { throw .invalidValue("A merge needs at least one key column.") }
        guard spec.leftOn.count == spec.rightOn.count else {
            throw .invalidValue("leftOn has \(spec.leftOn.count) columns but rightOn has \(spec.rightOn.count); give one right key per left key.")
        }
        var keyTypes: [ColumnType] = []
        for (leftKey, rightKey) in zip(spec.leftOn, spec.rightOn) {
            guard let leftType = left.type(of: leftKey) else { throw .unknownColumn(leftKey, available: left.names) }
            guard let rightType = right.type(of: rightKey) else { throw .unknownColumn(rightKey, available: right.names) }
            keyTypes.append(try Self.keyType(leftType, rightType, leftKey: leftKey, rightKey: rightKey))
        }
        var sharedIndex: [String: Int] = [:]
        for (index, (leftKey, rightKey)) in zip(spec.leftOn, spec.rightOn).enumerated() where leftKey == rightKey {
            if sharedIndex[leftKey] == nil { sharedIndex[leftKey] = index }
        }
        let leftNames = Set(left.names.filter { sharedIndex[$0] == nil })
        let rightNames = Set(right.names.filter { sharedIndex[$0] == nil })
        let overlapping = leftNames.intersection(rightNames)
        var outputs: [Output] = []
        for field in left.fields {
            if let index = sharedIndex[field.name] {
                outputs.append(Output(name: field.name, type: keyTypes[index], origin: .sharedKey(index)))
            } else {
                let name = overlapping.contains(field.name) ? field.name + spec.leftSuffix : field.name
                outputs.append(Output(name: name, type: field.type, origin: .left(field.name)))
            }
        }
        for field in right.fields where sharedIndex[field.name] == nil {
            let name = overlapping.contains(field.name) ? field.name + spec.rightSuffix : field.name
            outputs.append(Output(name: name, type: field.type, origin: .right(field.name)))
        }
        var seen = Set<String>()
        for output in outputs where !seen.insert(output.name).inserted {
            throw .duplicateColumn(output.name)
        }
        self.outputs = outputs
        self.keyTypes = keyTypes
    }

    /// The type a left and a right key column are matched as.
    public static func keyType(_ left: ColumnType, _ right: ColumnType, leftKey: String, rightKey: String) throws(FrameError)
        -> ColumnType {
        if left == right { return left }
        if let x = left.numericDType, let y = right.numericDType, x != .bool, y != .bool { return .numeric(DType.promote(x, y)) }
        if left.isTextual && right.isTextual { return .string }
        let names = leftKey == rightKey ? "key '\(leftKey)'" : "keys '\(leftKey)' and '\(rightKey)'"
        throw .invalidValue("You are trying to merge on \(left) and \(right) columns for \(names); cast one with astype first.")
    }
}
