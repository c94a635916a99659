/// A partition of a dataframe, in a backend library's own type: the compute-dispatch side of a
/// dataframe backend.
///
/// Tasks call these requirements on the collection's meta chunk or on their input partitions, so
/// the chunk's type picks the kernel (Dask's `concat_dispatch`, `hash_object_dispatch`, ...; the
/// table in docs/ARCHITECTURE.md maps each). ``DataFrame`` is the "pandas" backend's chunk.
/// Requirements a backend does not implement keep the default, which throws
/// ``BackendError/notImplemented(function:backend:)``.
public protocol DataFrameChunk: Sendable {
    /// The chunk's type name, for messages and reprs (for example `"DataFrame"`).
    var chunkType: String { get }
    /// The names and types of the columns (`make_meta`).
    var schema: Schema { get }
    /// The number of rows.
    var rowCount: Int { get }
    /// A copy in host memory.
    func toHost() throws -> DataFrame
    /// A chunk of this backend holding `frame` (called on the meta chunk).
    func fromHost(_ frame: DataFrame) throws -> any DataFrameChunk
    /// A chunk with `schema` and no rows (`make_meta`, `meta_nonempty`'s empty twin).
    func empty(schema: Schema) throws -> any DataFrameChunk
    /// The chunks' rows one after another (`concat_dispatch`), called on the meta chunk.
    func concatenate(_ chunks: [any DataFrameChunk]) throws -> any DataFrameChunk
    /// The named columns, in that order.
    func selecting(_ columns: [String]) throws -> any DataFrameChunk
    /// The rows where `predicate` is true.
    func filtering(_ predicate: ColumnExpression) throws -> any DataFrameChunk
    /// The chunk with column `name` set to `expression`'s values.
    func assigning(_ name: String, _ expression: ColumnExpression) throws -> any DataFrameChunk
    /// The first `n` rows.
    func prefix(_ n: Int) throws -> any DataFrameChunk
    /// The last `n` rows.
    func suffix(_ n: Int) throws -> any DataFrameChunk
    /// Rows with a null in any of `columns` (all columns when `nil`) removed.
    func droppingNulls(in columns: [String]?) throws -> any DataFrameChunk
    /// Per-partition state of a groupby (`grouper_dispatch`); `keys` empty reduces the whole chunk.
    func partialAggregate(keys: [String], specs: [AggregationSpec], dropna: Bool) throws -> any DataFrameChunk
    /// The whole-chunk partial aggregate (no keys) of the rows where `predicate` holds, after
    /// `steps`: what `filtering(predicate)`, the steps in order and `partialAggregate(keys: [], ...)`
    /// give, which a backend may compute without materialising the filtered rows (the lowering of
    /// `df[df.a > 0].assign(c=...).c.sum()`). The default does exactly those calls.
    func filteredPartialAggregate(where predicate: ColumnExpression, steps: [FrameStep], specs: [AggregationSpec],
                                  dropna: Bool) throws -> any DataFrameChunk
    /// Several partial states merged into one (called on the meta chunk).
    func combineAggregates(_ partials: [any DataFrameChunk], keys: [String], specs: [AggregationSpec]) throws -> any DataFrameChunk
    /// The final groupby result from a partial state: keys, then one column per spec, sorted by key.
    func finalizeAggregate(keys: [String], specs: [AggregationSpec]) throws -> any DataFrameChunk
    /// A 64-bit hash of each row of `columns` (`hash_object_dispatch`).
    func hashRows(_ columns: [String]) throws -> [UInt64]
    /// The rows split into `count` chunks by the hash of `columns` (`group_split_dispatch`).
    func hashPartitions(by columns: [String], into count: Int) throws -> [any DataFrameChunk]
    /// The values of one column as cells (`tolist_dispatch`).
    func toList(_ column: String) throws -> [FrameValue]
    /// The rows split into `base` chunks by the digit `(p / divisor) % base` of the partition `p`
    /// that ``hashPartitions(by:into:)`` with `modulus` parts gives them (one stage of a staged
    /// hash shuffle), each keeping the rows' order.
    func hashPartitions(by columns: [String], modulus: Int, divisor: Int, base: Int) throws -> [any DataFrameChunk]
    /// About how many bytes the chunk's buffers hold (the shuffle's memory accounting).
    var estimatedByteCount: Int { get }
    /// The rows ordered by `keys`, stable, missing values placed by `nulls` (`sort_values`).
    func sorting(by keys: [SortKey], nulls: NullPlacement) throws -> any DataFrameChunk
    /// The rows split into `boundaries.rowCount + 1` chunks by the order of `keys`: chunk `i`
    /// holds, in their original order, the rows not before boundary row `i - 1` and before
    /// boundary row `i` (`boundaries` has the key columns, sorted; `partitioning_index` by range).
    func rangePartitions(by keys: [SortKey], nulls: NullPlacement, boundaries: DataFrame) throws -> [any DataFrameChunk]
    /// This chunk joined with `right` (`merge_chunk`); columns as ``JoinLayout`` describes.
    func joining(_ right: any DataFrameChunk, spec: JoinSpec) throws -> any DataFrameChunk
    /// The rows left when rows repeating the values of `subset` (every column when `nil`) are
    /// dropped, in their original order (`drop_duplicates`).
    func droppingDuplicates(subset: [String]?, keep: DuplicateKeep) throws -> any DataFrameChunk
}

extension DataFrameChunk {
    private func missing(_ function: String) -> BackendError {
        .notImplemented(function: function, backend: chunkType)
    }

    /// Filters, applies `steps` and reduces, one operation at a time.
    public func filteredPartialAggregate(where predicate: ColumnExpression, steps: [FrameStep], specs: [AggregationSpec],
                                         dropna: Bool) throws -> any DataFrameChunk {
        try filteredThenAggregated(where: predicate, steps: steps, specs: specs, dropna: dropna)
    }

    /// ``filteredPartialAggregate(where:steps:specs:dropna:)`` as separate operations (the default,
    /// and the fallback of a backend whose fused path does not apply).
    public func filteredThenAggregated(where predicate: ColumnExpression, steps: [FrameStep], specs: [AggregationSpec],
                                       dropna: Bool) throws -> any DataFrameChunk {
        var frame = try filtering(predicate)
        for step in steps {
            switch step {
            case let .select(columns): frame = try frame.selecting(columns)
            case let .assign(name, expression): frame = try frame.assigning(name, expression)
            }
        }
        return try frame.partialAggregate(keys: [], specs: specs, dropna: dropna)
    }

    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func empty(schema: Schema) throws -> any DataFrameChunk { throw missing("empty") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func concatenate(_ chunks: [any DataFrameChunk]) throws -> any DataFrameChunk { throw missing("concat") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func selecting(_ columns: [String]) throws -> any DataFrameChunk { throw missing("select") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func filtering(_ predicate: ColumnExpression) throws -> any DataFrameChunk { throw missing("filter") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func assigning(_ name: String, _ expression: ColumnExpression) throws -> any DataFrameChunk { throw missing("assign") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func prefix(_ n: Int) throws -> any DataFrameChunk { throw missing("head") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func suffix(_ n: Int) throws -> any DataFrameChunk { throw missing("tail") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func droppingNulls(in columns: [String]?) throws -> any DataFrameChunk { throw missing("dropna") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func partialAggregate(keys: [String], specs: [AggregationSpec], dropna: Bool) throws -> any DataFrameChunk {
        throw missing("groupby")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func combineAggregates(_ partials: [any DataFrameChunk], keys: [String], specs: [AggregationSpec]) throws
        -> any DataFrameChunk { throw missing("groupby") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func finalizeAggregate(keys: [String], specs: [AggregationSpec]) throws -> any DataFrameChunk { throw missing("groupby") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func hashRows(_ columns: [String]) throws -> [UInt64] { throw missing("hash_object") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func hashPartitions(by columns: [String], into count: Int) throws -> [any DataFrameChunk] { throw missing("group_split") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func toList(_ column: String) throws -> [FrameValue] { throw missing("tolist") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func hashPartitions(by columns: [String], modulus: Int, divisor: Int, base: Int) throws -> [any DataFrameChunk] {
        throw missing("group_split")
    }
    /// Eight bytes per cell: a rough size for backends that do not report theirs.
    public var estimatedByteCount: Int { rowCount * Swift.max(1, schema.fields.count) * 8 }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func sorting(by keys: [SortKey], nulls: NullPlacement) throws -> any DataFrameChunk { throw missing("sort_values") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func rangePartitions(by keys: [SortKey], nulls: NullPlacement, boundaries: DataFrame) throws -> [any DataFrameChunk] {
        throw missing("partitioning_index")
    }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func joining(_ right: any DataFrameChunk, spec: JoinSpec) throws -> any DataFrameChunk { throw missing("merge_chunk") }
    /// Throws ``BackendError/notImplemented(function:backend:)``.
    public func droppingDuplicates(subset: [String]?, keep: DuplicateKeep) throws -> any DataFrameChunk {
        throw missing("drop_duplicates")
    }
}
