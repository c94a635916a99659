import Backends

/// Which of a file's columns a read keeps (``CSVOptions/usecols``, in file order) and how their
/// types are decided (``CSVOptions/dtypes``, ``CSVOptions/parseDates``, or inference).
struct CSVColumnSelection {
    /// The file's column names.
    let names: [String]
    /// The kept columns' indices, in file order.
    let columns: [Int]
    /// Whether each file column is kept.
    let wanted: [Bool]
    /// Whether each file column is a `parse_dates` column.
    let dates: [Bool]

    /// The selection `options` make of a file with columns `names`.
    ///
    /// - Throws: ``FileFormatError`` naming `usecols` or `parseDates` entries that are not columns.
    init(names: [String], options: CSVOptions, path: String) throws(FileFormatError) {
        self.names = names
        let known = Set(names)
        if let usecols = options.usecols {
            let missing = usecols.filter { !known.contains($0) }
            if !missing.isEmpty {
                throw FileFormatError(path: path, message: "Usecols do not match columns, columns expected but not found: \(CSVReader.quoted(missing)).")
            }
        }
        let missingDates = options.parseDates.filter { !known.contains($0) }
        if let first = missingDates.first {
            throw FileFormatError(path: path, message: "Missing column provided to 'parseDates': '\(first)'.")
        }
        let kept = options.usecols.map(Set.init)
        var seen = Set<String>()
        var columns: [Int] = []
        var wanted: [Bool] = []
        for (index, name) in names.enumerated() {
            let keep = (kept?.contains(name) ?? true) && seen.insert(name).inserted
            wanted.append(keep)
            if keep { columns.append(index) }
        }
        self.columns = columns
        self.wanted = wanted
        let dateNames = Set(options.parseDates)
        dates = names.map { dateNames.contains($0) }
    }

    /// The kept columns whose type is inferred (no ``CSVOptions/dtypes`` entry).
    func inferred(options: CSVOptions) -> [Int] {
        columns.filter { options.dtypes[names[$0]] == nil }
    }

    /// The schema of the kept columns, typed from `classifiers` where `options` do not say.
    func schema(classifiers: [CSVColumnClassifier], options: CSVOptions) -> Schema {
        Schema(columns.map { index in
            let name = names[index]
            if let type = options.dtypes[name] { return Schema.Field(name: name, type: type) }
            let classifier = index < classifiers.count ? classifiers[index] : CSVColumnClassifier()
            if dates[index] {
                let type = classifier.sawValue ? classifier.dateType ?? .string : .timestamp(.ns, timeZone: nil)
                return Schema.Field(name: name, type: type)
            }
            return Schema.Field(name: name, type: classifier.inferredType)
        })
    }
}
