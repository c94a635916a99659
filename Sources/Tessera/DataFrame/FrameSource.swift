import Backends
import PandasBackend

/// Where a dataframe's partitions come from: memory or files. A source reads one partition to a
/// host frame, parsing only `columns` (projection pushdown) and keeping only the rows where
/// `predicate` holds (filter pushdown), so a query touching two columns of a wide file parses two.
public protocol FrameSource: Sendable {
    /// What the source is, for layer names and reprs (for example `"read-csv"`).
    var kind: String { get }
    /// The columns of every partition.
    var schema: Schema { get }
    /// The number of partitions.
    var partitionCount: Int { get }
    /// Reads partition `index`: only `columns` (all when `nil`), only rows where `predicate` holds.
    func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame
    /// The rank that holds partition `index` in a distributed run (its read task runs there), or
    /// `nil` when any rank can read it (the default).
    func owner(of index: Int) -> Int?
}

extension FrameSource {
    /// Any rank can read every partition.
    public func owner(of index: Int) -> Int? { nil }

    /// The fields of `schema` a read needs, in schema order: those in `columns` (all when `nil`)
    /// and those `predicate` reads.
    static func fieldsToRead(_ schema: Schema, columns: [String]?, predicate: ColumnExpression?) -> [Schema.Field] {
        guard let columns else { return schema.fields }
        let needed = Set(columns).union(predicate?.columnNames ?? [])
        return schema.fields.filter { needed.contains($0.name) }
    }

    /// A frame holding the fields ``fieldsToRead(_:columns:predicate:)`` names, with the rows
    /// `predicate` rejects removed and then only `columns` kept, in their order.
    func finished(_ frame: DataFrame, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        var frame = frame
        if let predicate { frame = try frame.filter(where: predicate) }
        if let columns, frame.columnNames != columns { frame = try frame.selecting(columns) }
        return frame
    }

    /// Applies a projection and a predicate to a frame read whole (for sources that cannot push
    /// down): only the columns read or tested are gathered by the filter.
    func narrowed(_ frame: DataFrame, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        var frame = frame
        if predicate != nil, columns != nil {
            frame = try frame.selecting(Self.fieldsToRead(frame.schema, columns: columns, predicate: predicate).map(\.name))
        }
        return try finished(frame, columns: columns, predicate: predicate)
    }
}

/// Partitions already in memory (`fromDict`, `persist`).
struct InMemoryFrameSource: FrameSource {
    let kind: String
    let schema: Schema
    let partitions: [DataFrame]

    var partitionCount: Int { partitions.count }

    func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        try narrowed(partitions[index], columns: columns, predicate: predicate)
    }
}

/// Partitions persisted under `scheduler: "mpi"`: each rank holds the partitions it computed and
/// knows which rank holds each of the others, so the tasks reading a partition run where it is.
struct DistributedFrameSource: FrameSource {
    let kind: String
    let schema: Schema
    /// This rank's partitions, by index.
    let local: [Int: DataFrame]
    /// The rank holding each partition.
    let owners: [Int]

    var partitionCount: Int { owners.count }

    func owner(of index: Int) -> Int? { owners.indices.contains(index) ? owners[index] : nil }

    func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        guard let frame = local[index] else {
            throw FrameOperationError.internalError("partition \(index) of the persisted frame is held by rank "
                + "\(owner(of: index).map(String.init) ?? "?"), not this one")
        }
        return try narrowed(frame, columns: columns, predicate: predicate)
    }
}

/// A source and a unique identity, so that plans using it compare and hash cheaply.
struct SourceReference: Sendable, Hashable {
    let id: Int
    let source: any FrameSource

    init(_ source: any FrameSource) {
        id = SourceReference.counter.next()
        self.source = source
    }

    static func == (lhs: SourceReference, rhs: SourceReference) -> Bool { lhs.id == rhs.id }
    func hash(into hasher: inout Hasher) { hasher.combine(id) }

    private static let counter = SourceCounter()
}

import Synchronization

/// A process-wide counter for source identities.
final class SourceCounter: Sendable {
    private let value = Atomic<Int>(0)
    func next() -> Int { value.add(1, ordering: .relaxed).newValue }
}
