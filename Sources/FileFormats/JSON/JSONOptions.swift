import Backends

/// How to read a JSON file: the layout and the column types, as pandas' `read_json` takes them.
///
/// ```swift
/// var options = JSONOptions()
/// options.lines = true
/// options.dtypes = ["id": .int64, "when": .timestamp(.ms, timeZone: nil)]
/// options.columns = ["id", "when"]
/// let frame = try JSONReader.read(path: "events.jsonl", options: options)
/// ```
public struct JSONOptions: Sendable, Hashable {
    /// Whether the file is JSON Lines (one object per line) rather than one array of objects.
    public var lines: Bool = false
    /// The layout of a non-lines document.
    public var orient: JSONOrient = .records
    /// Column types that replace inference. A key given here but absent from the inspected records
    /// is still a column (all null where the key is missing).
    public var dtypes: [String: ColumnType] = [:]
    /// The columns to materialise, in this order; other keys are skipped (but still validated).
    /// A name that is neither in the records nor in ``dtypes`` is an error.
    public var columns: [String]? = nil
    /// The unit of integers read into timestamp and date columns: counts of this unit since the
    /// epoch (pandas' `date_unit`; milliseconds, what `to_json` writes by default).
    public var dateUnit: ColumnType.TimeUnit = .ms
    /// How many bytes from the start of the file ``JSONReader/inferSchema(path:options:)`` inspects
    /// (rounded to whole records).
    public var sampleBytes: Int = 256 * 1024

    /// The defaults: an array of records, every column inferred.
    public init() {}
}
