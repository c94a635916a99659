import Backends

/// Encodes some rows of one frame column as a column chunk: an optional dictionary page and data
/// pages (version 1 or 2), compressed, with the chunk's metadata and statistics. Offsets in the
/// metadata are relative to the chunk's first byte; the file writer moves them.
struct ParquetColumnChunkWriter {
    let plan: ParquetColumnPlan
    let column: Column
    let rows: Range<Int>
    let options: ParquetWriteOptions

    /// The chunk's bytes and metadata.
    func write() throws(ParquetFormatError) -> (bytes: [UInt8], metaData: ParquetColumnMetaData) {
        let values = try ParquetColumnValues(column, rows: rows, plan: plan)
        var output: [UInt8] = []
        var metaData = ParquetColumnMetaData()
        metaData.typeCode = plan.physicalType.rawValue
        metaData.pathInSchema = [plan.name]
        metaData.codecCode = options.compression.codec.rawValue
        metaData.numValues = Int64(rows.count)
        var uncompressedTotal = 0

        // Dictionary: a categorical's categories, or the distinct values when they are few.
        var indices: [UInt32]?
        var dictionaryCount = 0
        if plan.physicalType != .boolean, let (dictionaryPlain, entries, codes) = dictionary(values) {
            indices = codes
            dictionaryCount = entries
            let compressed = try options.compression.compress(dictionaryPlain, level: options.compressionLevel)
            guard dictionaryPlain.count <= Int(Int32.max), compressed.count <= Int(Int32.max) else {
                throw ParquetFormatError("a dictionary page larger than Parquet's 2 GiB limit; lower dictionaryPageSizeLimit")
            }
            var header = ParquetPageHeader()
            header.typeCode = ParquetPageType.dictionaryPage.rawValue
            header.uncompressedPageSize = Int32(dictionaryPlain.count)
            header.compressedPageSize = Int32(compressed.count)
            if options.pageChecksums { header.crc = Int32(bitPattern: compressed.withUnsafeBytes { CRC32.checksum($0) }) }
            var page = ParquetDictionaryPageHeader()
            page.numValues = Int32(entries)
            page.encoding = ParquetEncoding.plain.rawValue
            header.dictionaryPage = page
            metaData.dictionaryPageOffset = 0
            let headerBytes = Self.serialize(header)
            output += headerBytes
            output += compressed
            uncompressedTotal += headerBytes.count + dictionaryPlain.count
        }
        metaData.dataPageOffset = Int64(output.count)
        let encoding: ParquetEncoding = indices == nil ? .plain : .rleDictionary
        let indexWidth = max(1, ParquetBitPacking.bitWidth(of: UInt64(max(dictionaryCount - 1, 0))))

        // Data pages: rows split so that each page's values are about the page size.
        var row = 0
        var value = 0
        let total = rows.count
        repeat {
            var end = row
            var size = 0
            var pageValues = 0
            let pageBits = max(options.dataPageSize, 1) * 8
            while end < total, end == row || size < pageBits {
                if values.levels[end] == 1 {
                    if let _ = indices {
                        size += indexWidth
                    } else if plan.physicalType == .byteArray {
                        size += 8 * (4 + values.lengths[value + pageValues])
                    } else {
                        size += plan.physicalType == .boolean ? 1 : 8 * plan.width
                    }
                    pageValues += 1
                } else {
                    size += 1
                }
                end += 1
            }
            let levels = values.levels[row..<end]
            var definition: [UInt8] = []
            levels.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: 1, into: &definition) }
            var body: [UInt8] = []
            if let indices {
                body.append(UInt8(indexWidth))
                indices[value..<(value + pageValues)].withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: indexWidth, into: &body) }
            } else {
                plain(values, value..<(value + pageValues), into: &body)
            }
            let (headerBytes, pageBytes, uncompressed) = try page(rows: end - row, nulls: end - row - pageValues, definition: definition,
                                                                  values: body, encoding: encoding)
            output += headerBytes
            output += pageBytes
            uncompressedTotal += headerBytes.count + uncompressed
            row = end
            value += pageValues
        } while row < total

        metaData.encodings = indices == nil
            ? [ParquetEncoding.plain.rawValue, ParquetEncoding.rle.rawValue]
            : [ParquetEncoding.plain.rawValue, ParquetEncoding.rle.rawValue, ParquetEncoding.rleDictionary.rawValue]
        metaData.totalCompressedSize = Int64(output.count)
        metaData.totalUncompressedSize = Int64(uncompressedTotal)
        if options.writeStatistics { metaData.statistics = statistics(values) }
        return (output, metaData)
    }

    static func serialize(_ header: ParquetPageHeader) -> [UInt8] {
        var writer = ThriftCompactWriter()
        header.write(to: &writer)
        return writer.bytes
    }

    /// One data page: its header, its (compressed) bytes and its uncompressed size.
    private func page(rows: Int, nulls: Int, definition: [UInt8], values: [UInt8],
                      encoding: ParquetEncoding) throws(ParquetFormatError) -> ([UInt8], [UInt8], Int) {
        var header = ParquetPageHeader()
        let stored: [UInt8]
        let uncompressed: Int
        switch options.dataPageVersion {
        case .v1:
            let length = UInt32(definition.count)
            var body: [UInt8] = [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
            body += definition
            body += values
            stored = try options.compression.compress(body, level: options.compressionLevel)
            uncompressed = body.count
            header.typeCode = ParquetPageType.dataPage.rawValue
            var data = ParquetDataPageHeader()
            data.numValues = Int32(rows)
            data.encoding = encoding.rawValue
            header.dataPage = data
        case .v2:
            stored = definition + (try options.compression.compress(values, level: options.compressionLevel))
            uncompressed = definition.count + values.count
            header.typeCode = ParquetPageType.dataPageV2.rawValue
            var data = ParquetDataPageHeaderV2()
            data.numValues = Int32(rows)
            data.numNulls = Int32(nulls)
            data.numRows = Int32(rows)
            data.encoding = encoding.rawValue
            data.definitionLevelsByteLength = Int32(definition.count)
            data.repetitionLevelsByteLength = 0
            data.isCompressed = options.compression != .none
            header.dataPageV2 = data
        }
        guard uncompressed <= Int(Int32.max), stored.count <= Int(Int32.max) else {
            throw ParquetFormatError("a page of \(uncompressed) bytes is larger than Parquet's 2 GiB limit; lower dataPageSize")
        }
        header.uncompressedPageSize = Int32(uncompressed)
        header.compressedPageSize = Int32(stored.count)
        if options.pageChecksums { header.crc = Int32(bitPattern: stored.withUnsafeBytes { CRC32.checksum($0) }) }
        return (Self.serialize(header), stored, uncompressed)
    }

    /// PLAIN encoding of values `range`.
    private func plain(_ values: ParquetColumnValues, _ range: Range<Int>, into body: inout [UInt8]) {
        switch plan.physicalType {
        case .boolean:
            var byte: UInt8 = 0
            for (position, index) in range.enumerated() {
                if values.fixed[index] != 0 { byte |= 1 << UInt8(position & 7) }
                if position & 7 == 7 {
                    body.append(byte)
                    byte = 0
                }
            }
            if range.count & 7 != 0 { body.append(byte) }
        case .byteArray:
            for index in range {
                let length = UInt32(values.lengths[index])
                body += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
                values.withValue(index) { body.append(contentsOf: $0) }
            }
        default:
            body.append(contentsOf: values.fixed[(range.lowerBound * plan.width)..<(range.upperBound * plan.width)])
        }
    }

    /// The dictionary (PLAIN bytes, entry count) and each value's index, or `nil` when the column
    /// is not dictionary-encoded.
    private func dictionary(_ values: ParquetColumnValues) -> ([UInt8], Int, [UInt32])? {
        if case let .dictionary(_, categories) = column.storage {
            // Categories are the dictionary, codes the indices.
            var plainBytes: [UInt8] = []
            for index in 0..<categories.count {
                let length = UInt32(categories.byteCount(index))
                plainBytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
                categories.withUTF8(index) { plainBytes.append(contentsOf: $0) }
            }
            return (plainBytes, categories.count, values.codes.map { UInt32($0) })
        }
        guard options.useDictionary, values.count > 0 else { return nil }
        let limit = options.dictionaryPageSizeLimit
        var plainBytes: [UInt8] = []
        var indices: [UInt32] = []
        indices.reserveCapacity(values.count)
        if plan.physicalType == .byteArray {
            var lookup: [ArraySlice<UInt8>: UInt32] = [:]
            for index in 0..<values.count {
                let slice = values.buffer[values.starts[index]..<(values.starts[index] + values.lengths[index])]
                if let found = lookup[slice] {
                    indices.append(found)
                    continue
                }
                let entry = UInt32(lookup.count)
                lookup[slice] = entry
                let length = UInt32(slice.count)
                plainBytes += [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
                plainBytes.append(contentsOf: slice)
                if plainBytes.count > limit { return nil }
                indices.append(entry)
            }
            return (plainBytes, lookup.count, indices)
        }
        let width = plan.width
        var lookup: [UInt64: UInt32] = [:]
        for index in 0..<values.count {
            var key: UInt64 = 0
            for byte in 0..<width { key |= UInt64(values.fixed[index * width + byte]) << UInt64(8 * byte) }
            if let found = lookup[key] {
                indices.append(found)
                continue
            }
            let entry = UInt32(lookup.count)
            lookup[key] = entry
            plainBytes.append(contentsOf: values.fixed[(index * width)..<((index + 1) * width)])
            if plainBytes.count > limit { return nil }
            indices.append(entry)
        }
        return (plainBytes, lookup.count, indices)
    }

    /// Min, max and null count of the chunk.
    private func statistics(_ values: ParquetColumnValues) -> ParquetStatistics {
        var statistics = ParquetStatistics()
        statistics.nullCount = Int64(values.levels.count - values.count)
        if plan.physicalType == .float || plan.physicalType == .double { statistics.nanCount = 0 }
        guard values.count > 0 else { return statistics }
        var low: [UInt8]?, high: [UInt8]?
        switch plan.physicalType {
        case .byteArray:
            var lowIndex = 0, highIndex = 0
            let bytes = values.buffer
            func slice(_ index: Int) -> ArraySlice<UInt8> { bytes[values.starts[index]..<(values.starts[index] + values.lengths[index])] }
            for index in 1..<values.count {
                let current = slice(index)
                if current.lexicographicallyPrecedes(slice(lowIndex)) { lowIndex = index }
                if slice(highIndex).lexicographicallyPrecedes(current) { highIndex = index }
            }
            // Long strings would bloat the footer: bounds only when short.
            if values.lengths[lowIndex] <= 1024, values.lengths[highIndex] <= 1024 {
                low = Array(slice(lowIndex))
                high = Array(slice(highIndex))
            }
        case .boolean:
            low = [values.fixed.contains(0) ? 0 : 1]
            high = [values.fixed.contains(1) ? 1 : 0]
        default:
            let width = plan.width
            func element(_ index: Int) -> [UInt8] { Array(values.fixed[(index * width)..<((index + 1) * width)]) }
            func load(_ index: Int) -> UInt64 {
                var key: UInt64 = 0
                for byte in 0..<width { key |= UInt64(values.fixed[index * width + byte]) << UInt64(8 * byte) }
                return key
            }
            var lowIndex = 0, highIndex = 0
            func less(_ a: Int, _ b: Int) -> Bool {
                let x = load(a), y = load(b)
                switch plan.physicalType {
                case .float: return Float(bitPattern: UInt32(x)) < Float(bitPattern: UInt32(y))
                case .double: return Double(bitPattern: x) < Double(bitPattern: y)
                case .int32: return plan.isUnsigned ? UInt32(x) < UInt32(y) : Int32(bitPattern: UInt32(x)) < Int32(bitPattern: UInt32(y))
                default: return plan.isUnsigned ? x < y : Int64(bitPattern: x) < Int64(bitPattern: y)
                }
            }
            for index in 1..<values.count {
                if less(index, lowIndex) { lowIndex = index }
                if less(highIndex, index) { highIndex = index }
            }
            low = element(lowIndex)
            high = element(highIndex)
            // Zero bounds as the specification asks: -0.0 for a minimum, +0.0 for a maximum.
            if plan.physicalType == .double {
                if Double(bitPattern: load(lowIndex)) == 0 { low = withUnsafeBytes(of: (-0.0).bitPattern.littleEndian) { Array($0) } }
                if Double(bitPattern: load(highIndex)) == 0 { high = [UInt8](repeating: 0, count: 8) }
            } else if plan.physicalType == .float {
                if Float(bitPattern: UInt32(load(lowIndex))) == 0 { low = withUnsafeBytes(of: Float(-0.0).bitPattern.littleEndian) { Array($0) } }
                if Float(bitPattern: UInt32(load(highIndex))) == 0 { high = [UInt8](repeating: 0, count: 4) }
            }
        }
        statistics.minValue = low
        statistics.maxValue = high
        if !plan.isUnsigned, plan.physicalType != .byteArray {
            statistics.legacyMin = low
            statistics.legacyMax = high
        }
        return statistics
    }
}
