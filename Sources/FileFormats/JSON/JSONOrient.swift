/// How the records of a JSON document are laid out, as pandas' `orient` names it.
///
/// Only `records` is supported: a top-level array of objects, `[{"a": 1}, {"a": 2}]`. JSON Lines
/// (one object per line) is chosen separately with ``JSONOptions/lines``, as pandas' `lines=True`.
public enum JSONOrient: String, Sendable {
    /// A list of row objects, one key per column.
    case records
}
