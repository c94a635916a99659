/// The kind of a page (`PageType` in parquet.thrift).
enum ParquetPageType: Int32, Sendable, Hashable {
    case dataPage = 0
    case indexPage = 1
    case dictionaryPage = 2
    case dataPageV2 = 3
}
