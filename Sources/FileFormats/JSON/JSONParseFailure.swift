/// A problem found while parsing a buffer, before it is turned into a ``FileFormatError``
/// (which needs the file's path and, for JSON Lines, the line number of `offset`).
struct JSONParseFailure: Error {
    /// The 0-based offset of the problem in the file.
    var offset: Int
    /// What is wrong, as a sentence.
    var message: String
    /// The column whose value was being read, if any.
    var column: String? = nil
    /// Set (to a column index) when an inferring parse must start over because that column turned
    /// out to need the string type after numbers or booleans were stored in it.
    var restartColumn: Int? = nil
}
