/// Where a CSV file's data starts and what its columns are called: the result of reading the
/// byte-order mark, the skipped rows and the header.
struct CSVFileLayout {
    /// The names of the file's columns, in order (pandas' names: explicit ones, or the header's
    /// with empty names as `Unnamed: i` and duplicates as `a.1`, `a.2`, or `0`, `1`, … without
    /// a header).
    var names: [String]
    /// The offset of the first data byte in the buffer the layout was read from.
    var dataStart: Int
    /// The (pandas) line number at `dataStart`.
    var dataLine: Int

    /// The layout of the file whose first bytes `input` holds.
    ///
    /// - Throws: ``FileFormatError`` for an empty file ("No columns to parse from file"), a header
    ///   that is not UTF-8 or has an unclosed quote, or duplicate explicit names. `nil` if `input`
    ///   does not reach the end of the file and the header may continue past it.
    static func read(_ input: CSVInputBuffer, options: CSVOptions, path: String) throws(FileFormatError) -> CSVFileLayout? {
        let base = input.base
        var start = 0
        if input.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { start = 3 }
        var reader = CSVRecordReader(base: base, start: start, end: input.count, separator: options.separator,
                                     quote: options.quote, truncated: !input.reachesEndOfFile)
        reader.skipLines(max(options.skiprows, 0))
        let explicit = options.names
        if let explicit, Set(explicit).count != explicit.count {
            throw FileFormatError(path: path, message: "Duplicate names are not allowed.")
        }
        var fileNames: [String] = []
        let dataStart: Int
        let dataLine: Int
        let found: Bool
        do {
            let afterSkipping = reader.position
            let lineAfterSkipping = reader.line
            found = try reader.next()
            if found {
                for index in 0..<reader.fieldCount {
                    try reader.withField(index) { (bytes, count) throws(FileFormatError) in
                        if CSVUTF8Validator.firstInvalid(bytes, count) != nil {
                            throw FileFormatError(path: path, location: .line(reader.recordLine),
                                                  message: "The header is not valid UTF-8.")
                        }
                    }
                    fileNames.append(reader.fieldString(index))
                }
            }
            dataStart = options.header ? reader.position : afterSkipping
            dataLine = options.header ? reader.line : lineAfterSkipping
        } catch let failure as CSVRecordReader.Failure {
            guard input.reachesEndOfFile else { return nil }
            switch failure {
            case let .unclosedQuote(_, line):
                throw FileFormatError(path: path, location: .line(line), message: "EOF inside string starting at line \(line).")
            }
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, message: "\(error)")
        }
        if !found {
            guard input.reachesEndOfFile else { return nil }
            if let explicit { return CSVFileLayout(names: explicit, dataStart: input.count, dataLine: reader.line) }
            throw FileFormatError(path: path, message: "No columns to parse from file.")
        }
        if let explicit { return CSVFileLayout(names: explicit, dataStart: dataStart, dataLine: dataLine) }
        if !options.header {
            return CSVFileLayout(names: (0..<fileNames.count).map { String($0) }, dataStart: dataStart, dataLine: dataLine)
        }
        return CSVFileLayout(names: mangled(fileNames), dataStart: dataStart, dataLine: dataLine)
    }

    /// Header names as pandas' C parser cleans them: an empty name becomes `Unnamed: i`, a
    /// repeated one `name.1`, `name.2`, … skipping suffixed names the header already has.
    static func mangled(_ names: [String]) -> [String] {
        var result = names.enumerated().map { index, name in name.isEmpty ? "Unnamed: \(index)" : name }
        var counts: [String: Int] = [:]
        for index in result.indices {
            let original = result[index]
            var name = original
            var current = counts[name, default: 0]
            while current > 0 {
                counts[original] = current + 1
                name = "\(original).\(current)"
                if result.contains(name) {
                    current += 1
                } else {
                    current = counts[name, default: 0]
                }
            }
            result[index] = name
            counts[name] = current + 1
        }
        return result
    }
}
