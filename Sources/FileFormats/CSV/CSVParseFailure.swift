/// Why a region of CSV could not be parsed, located by byte offset; ``CSVReader`` turns it into a
/// ``FileFormatError`` naming the line or the byte.
enum CSVParseFailure: Error {
    /// The record at `recordOffset` has `saw` fields; the file has `expected` columns.
    case tooManyFields(recordOffset: Int, expected: Int, saw: Int)
    /// A quoted field of the record at `recordOffset` is not closed before the end of the data.
    case unclosedQuote(recordOffset: Int)
    /// The byte at `offset` starts an invalid UTF-8 sequence.
    case invalidUTF8(offset: Int)
    /// Field `text` of column `column` (a file column index) in the record at `recordOffset` is
    /// not a value of the column's type.
    case mismatch(recordOffset: Int, column: Int, text: [UInt8])
    /// Memory for the columns could not be allocated.
    case outOfMemory
}
