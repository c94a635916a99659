import Backends
import Foundation

/// Writes frames as CSV the way pandas' `DataFrame.to_csv(index=False)` does.
///
/// A header line, then one line per row ending in `\n`; fields are quoted (RFC 4180, quotes
/// doubled) when they contain the separator, the quote character or a line break; a missing value
/// is an empty field (and a row that is a single empty field is written `""`, as Python's `csv`
/// module does, so that it is not a blank line); floats are written in Python's shortest
/// round-trip form (`0.1`, `1e-05`, `1e+16`, `inf`); booleans as `True`/`False`; timestamps as
/// `YYYY-MM-DD HH:MM:SS` with the fraction digits the column needs (or `YYYY-MM-DD` when every
/// value is a midnight), and `+00:00` for a column with a time zone (values are written in UTC).
public enum CSVWriter {
    /// The CSV text of `frame`, with a header line if `header`; ``CSVOptions/separator`` and
    /// ``CSVOptions/quote`` set the dialect.
    public static func encode(_ frame: DataFrame, header: Bool, options: CSVOptions) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(frame.rowCount * max(frame.columns.count, 1) * 8 + 64)
        let separator = options.separator, quote = options.quote
        let single = frame.columns.count == 1
        if header {
            for (index, series) in frame.columns.enumerated() {
                if index > 0 { output.append(separator) }
                appendField(Array(series.name.utf8), to: &output, separator: separator, quote: quote,
                            alone: single)
            }
            output.append(0x0A)
        }
        let formatters = frame.columns.map { CSVColumnFormatter($0.column) }
        var field: [UInt8] = []
        for row in 0..<frame.rowCount {
            for (index, formatter) in formatters.enumerated() {
                if index > 0 { output.append(separator) }
                field.removeAll(keepingCapacity: true)
                formatter.format(row, into: &field)
                appendField(field, to: &output, separator: separator, quote: quote, alone: single)
            }
            output.append(0x0A)
        }
        return output
    }

    /// Writes `frame` (with a header) to `path`, gzip-compressed if ``CSVOptions/compression``
    /// says so or infers it from a `.gz` suffix.
    ///
    /// - Throws: ``FileFormatError`` if the file cannot be written or zlib is needed and missing.
    public static func write(_ frame: DataFrame, to path: String, options: CSVOptions) throws {
        var bytes = encode(frame, header: options.header, options: options)
        if options.compression.resolved(for: path) == .gzip {
            do {
                bytes = try bytes.withUnsafeBytes { raw in Result { () throws(GzipError) in try Gzip.compress(raw) } }.get()
            } catch {
                throw FileFormatError(path: path, message: "Cannot compress: \(error.description).")
            }
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            throw FileFormatError(path: path, message: "Cannot write the file: \(error.localizedDescription)")
        }
    }

    /// Appends `field`, quoted if it must be.
    private static func appendField(_ field: [UInt8], to output: inout [UInt8], separator: UInt8, quote: UInt8, alone: Bool) {
        var needsQuotes = field.isEmpty && alone
        if !needsQuotes {
            for byte in field where byte == separator || byte == quote || byte == 0x0A || byte == 0x0D {
                needsQuotes = true
                break
            }
        }
        guard needsQuotes else {
            output.append(contentsOf: field)
            return
        }
        output.append(quote)
        for byte in field {
            output.append(byte)
            if byte == quote { output.append(quote) }
        }
        output.append(quote)
    }
}
