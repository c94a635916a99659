import Backends

/// A file's top-level fields, resolved from its flattened schema tree: which leaf columns each
/// covers, and for a flat field how it is read (or why it cannot be).
struct ParquetFileSchema: Sendable {
    /// One top-level field.
    struct Field: Sendable {
        let name: String
        /// The leaf columns it covers (one for a flat field).
        let leaves: Range<Int>
        /// How it is read, or why it cannot be.
        let column: Result<ParquetColumnDescriptor, ParquetFormatError>
    }

    let fields: [Field]
    /// The number of leaf columns: the number of column chunks in every row group.
    let leafCount: Int

    /// Resolves `elements` (the footer's depth-first schema list).
    init(elements: [ParquetSchemaElement], options: ParquetReadOptions) throws(ParquetFormatError) {
        guard let root = elements.first else { throw ParquetFormatError("the schema is empty") }
        let rootChildren = Int(root.numChildren ?? 0)
        guard rootChildren >= 0, rootChildren < elements.count else {
            throw ParquetFormatError("the schema root claims \(rootChildren) children, the schema has \(elements.count - 1) more elements")
        }
        var cursor = 1
        var leaf = 0
        var fields: [Field] = []
        /// Skips the subtree at `cursor`, counting its leaves.
        func skipSubtree(depth: Int) throws(ParquetFormatError) {
            guard depth < 64 else { throw ParquetFormatError("the schema is nested more than 64 levels deep") }
            guard cursor < elements.count else { throw ParquetFormatError("the schema tree has fewer elements than its groups claim") }
            let element = elements[cursor]
            cursor += 1
            let children = Int(element.numChildren ?? 0)
            if element.typeCode != nil, children == 0 {
                leaf += 1
                return
            }
            guard children >= 0, children <= elements.count - cursor else {
                throw ParquetFormatError("schema group '\(element.name)' claims \(children) children, only \(elements.count - cursor) elements follow")
            }
            for _ in 0..<children { try skipSubtree(depth: depth + 1) }
        }
        for _ in 0..<rootChildren {
            guard cursor < elements.count else { throw ParquetFormatError("the schema tree has fewer elements than the root claims") }
            let element = elements[cursor]
            let first = leaf
            let isLeaf = element.typeCode != nil && (element.numChildren ?? 0) == 0
            if isLeaf {
                cursor += 1
                leaf += 1
                fields.append(Field(name: element.name, leaves: first..<leaf,
                                    column: ParquetColumnDescriptor.make(element: element, leafIndex: first, options: options)))
            } else {
                try skipSubtree(depth: 0)
                let kind: String
                switch element.logicalType ?? .other(0) {
                case .list: kind = "a list"
                case .map: kind = "a map"
                default: kind = element.convertedType == .list ? "a list" : element.convertedType == .map ? "a map" : "a struct"
                }
                fields.append(Field(name: element.name, leaves: first..<leaf,
                                    column: .failure(ParquetFormatError("column '\(element.name)' is \(kind) (a nested column), which Tessera cannot read yet — read the other columns with `columns:` (see docs/formats/parquet.md)"))))
            }
        }
        guard cursor == elements.count else {
            throw ParquetFormatError("the schema has \(elements.count - cursor) elements outside its tree")
        }
        self.fields = fields
        leafCount = leaf
    }

    /// The field called `name`.
    func field(_ name: String) -> Field? { fields.first { $0.name == name } }
}
