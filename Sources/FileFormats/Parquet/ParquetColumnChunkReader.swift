import Backends

/// Decodes the pages of one column chunk (one flat column of one row group) into output
/// buffers: fixed-width values straight into the caller's memory, strings into a builder, nulls
/// into a validity bitmap.
///
/// Every length, count and offset read from the file is checked before it is used to read or to
/// size memory; a value that does not fit its column throws.
final class ParquetColumnChunkReader {
    /// What decoding a chunk produced besides the fixed-width values.
    struct Output {
        /// One bit per row, set for valid rows; `nil` when no row is null.
        var validity: [UInt64]?
        var nullCount: Int
        /// The values of a string column.
        var strings: ParquetStringBuilder?
    }

    private let bytes: ParquetFileBytes
    private let descriptor: ParquetColumnDescriptor
    private let metaData: ParquetColumnMetaData
    private let rowCount: Int
    private let options: ParquetReadOptions
    private let dataEnd: Int
    private let values: UnsafeMutableRawPointer?
    private let outputWidth: Int
    private let physicalWidth: Int
    private let decompressor: ParquetDecompressor

    private var strings: ParquetStringBuilder?
    private var validity: [UInt64]?
    private var nullCount = 0
    private var fixedDictionary: UnsafeMutableRawPointer?
    private var stringDictionary: ParquetStringBuilder?
    private var dictionaryCount = -1
    private var scratchBuffer: UnsafeMutableRawPointer?
    private var scratchCapacity = 0
    private var levelBuffer: UnsafeMutablePointer<UInt8>?
    private var levelCapacity = 0
    private let indexBatch = 1024
    private let indexBuffer: UnsafeMutablePointer<UInt32>

    /// A reader of `chunk`, whose pages lie before `dataEnd` in `bytes`, holding `rowCount` rows;
    /// fixed-width values go to `values` (room for `rowCount` output values).
    init(bytes: ParquetFileBytes, dataEnd: Int, chunk: ParquetColumnChunk, descriptor: ParquetColumnDescriptor,
         rowCount: Int, options: ParquetReadOptions, values: UnsafeMutableRawPointer?) throws(ParquetFormatError) {
        guard !chunk.isEncrypted else { throw ParquetFormatError("column '\(descriptor.name)' is encrypted, which is not supported") }
        guard let metaData = chunk.metaData else {
            throw ParquetFormatError("column '\(descriptor.name)' has no column metadata in its row group")
        }
        guard metaData.typeCode == descriptor.physicalType.rawValue else {
            throw ParquetFormatError("column '\(descriptor.name)' is \(descriptor.physicalType.name) in the schema, physical type \(metaData.typeCode) in its row group")
        }
        self.bytes = bytes
        self.dataEnd = dataEnd
        self.descriptor = descriptor
        self.metaData = metaData
        self.rowCount = rowCount
        self.options = options
        self.values = values
        outputWidth = descriptor.kind.outputWidth
        switch descriptor.physicalType {
        case .boolean: physicalWidth = 1
        case .fixedLenByteArray: physicalWidth = descriptor.typeLength
        case .byteArray: physicalWidth = 0
        default: physicalWidth = descriptor.physicalType.plainWidth ?? 0
        }
        decompressor = try ParquetDecompressor(codecCode: metaData.codecCode)
        indexBuffer = UnsafeMutablePointer<UInt32>.allocate(capacity: indexBatch)
        if descriptor.kind.isString {
            // Reserve no more than the chunk's own bytes could hold.
            let bound = Int(clamping: max(metaData.totalUncompressedSize, 0))
            strings = ParquetStringBuilder(reservingCapacity: min(rowCount, bound), bytes: min(bound, 1 << 26))
        }
    }

    deinit {
        fixedDictionary?.deallocate()
        scratchBuffer?.deallocate()
        levelBuffer?.deallocate()
        indexBuffer.deallocate()
    }

    private func scratch(_ byteCount: Int) -> UnsafeMutableRawPointer {
        if scratchCapacity < byteCount || scratchBuffer == nil {
            scratchBuffer?.deallocate()
            scratchCapacity = max(byteCount, 64)
            scratchBuffer = UnsafeMutableRawPointer.allocate(byteCount: scratchCapacity, alignment: 64)
        }
        return scratchBuffer.unsafelyUnwrapped
    }

    private func levels(_ count: Int) -> UnsafeMutablePointer<UInt8> {
        if levelCapacity < count || levelBuffer == nil {
            levelBuffer?.deallocate()
            levelCapacity = max(count, 64)
            levelBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: levelCapacity)
        }
        return levelBuffer.unsafelyUnwrapped
    }

    // MARK: - Pages

    /// Where the chunk's pages lie in the file, checked.
    private static func pageRange(_ metaData: ParquetColumnMetaData, name: String, dataEnd: Int) throws(ParquetFormatError) -> Range<Int> {
        var start = Int(clamping: metaData.dataPageOffset)
        if let dictionary = metaData.dictionaryPageOffset, dictionary > 0, dictionary < metaData.dataPageOffset {
            start = Int(dictionary)
        }
        let length = Int(clamping: metaData.totalCompressedSize)
        guard start >= 4, length >= 0, start <= dataEnd, length <= dataEnd - start else {
            throw ParquetFormatError("column '\(name)' claims bytes \(start)..<\(start &+ length), outside the file's data (4..<\(dataEnd))")
        }
        return start..<(start + length)
    }

    /// Checks, from the page headers alone, that the chunk's data pages hold exactly `rowCount`
    /// values, so that no memory is sized by a row count the pages do not confirm.
    static func checkValueCount(bytes: ParquetFileBytes, dataEnd: Int, chunk: ParquetColumnChunk, name: String,
                                rowCount: Int) throws(ParquetFormatError) {
        guard rowCount > 0 else { return }
        guard let metaData = chunk.metaData else { throw ParquetFormatError("column '\(name)' has no column metadata in its row group") }
        let range = try pageRange(metaData, name: name, dataEnd: dataEnd)
        var position = range.lowerBound
        var values = 0
        while position < range.upperBound, values < rowCount {
            var reader = ThriftCompactReader(bytes.slice(position..<range.upperBound), fileOffset: position)
            let header: ParquetPageHeader
            do { header = try ParquetPageHeader(reading: &reader) } catch { throw error.context("column '\(name)', page header") }
            let bodyStart = position + reader.position
            guard Int(header.compressedPageSize) <= range.upperBound - bodyStart else {
                throw ParquetFormatError("column '\(name)': a page of \(header.compressedPageSize) bytes runs past the end of its column chunk", offset: position)
            }
            values += Int(header.dataPage?.numValues ?? header.dataPageV2?.numValues ?? 0)
            position = bodyStart + Int(header.compressedPageSize)
        }
        guard values == rowCount else {
            throw ParquetFormatError("column '\(name)': its pages hold \(values < rowCount ? "only " : "at least ")\(values) values, its row group claims \(rowCount) rows")
        }
    }

    /// Decodes every page.
    func read() throws(ParquetFormatError) -> Output {
        if rowCount == 0 { return Output(validity: nil, nullCount: 0, strings: strings) }
        let range = try Self.pageRange(metaData, name: descriptor.name, dataEnd: dataEnd)
        let end = range.upperBound
        var position = range.lowerBound
        var rowsDone = 0
        var sawDataPage = false
        while rowsDone < rowCount {
            guard position < end else {
                throw ParquetFormatError("column '\(descriptor.name)' ends after \(rowsDone) of the row group's \(rowCount) rows", offset: position)
            }
            var reader = ThriftCompactReader(bytes.slice(position..<end), fileOffset: position)
            let header: ParquetPageHeader
            do { header = try ParquetPageHeader(reading: &reader) } catch {
                throw error.context("column '\(descriptor.name)', page header")
            }
            let bodyStart = position + reader.position
            let bodyLength = Int(header.compressedPageSize)
            guard bodyLength <= end - bodyStart else {
                throw ParquetFormatError("column '\(descriptor.name)': a page of \(bodyLength) bytes runs past the end of its column chunk", offset: position)
            }
            let body = bytes.slice(bodyStart..<(bodyStart + bodyLength))
            if let crc = header.crc, options.verifyChecksums {
                let actual = CRC32.checksum(body)
                guard actual == UInt32(bitPattern: crc) else {
                    throw ParquetFormatError("column '\(descriptor.name)': page checksum mismatch (CRC-32 \(actual), the header says \(UInt32(bitPattern: crc)))", offset: position)
                }
            }
            do throws(ParquetFormatError) {
                switch ParquetPageType(rawValue: header.typeCode) {
                case .dictionaryPage?:
                    guard dictionaryCount < 0, !sawDataPage else { throw ParquetFormatError("a second or late dictionary page") }
                    try readDictionaryPage(header, body)
                case .dataPage?:
                    sawDataPage = true
                    rowsDone += try readDataPage(header, body, rowsDone: rowsDone)
                case .dataPageV2?:
                    sawDataPage = true
                    rowsDone += try readDataPageV2(header, body, rowsDone: rowsDone)
                case .indexPage?, nil:
                    break
                }
            } catch {
                throw error.context("column '\(descriptor.name)'").at(error.offset ?? position)
            }
            position = bodyStart + bodyLength
        }
        if validity != nil, nullCount == 0 { validity = nil }
        return Output(validity: validity, nullCount: nullCount, strings: strings)
    }

    private func pageValueCount(_ count: Int32, rowsDone: Int) throws(ParquetFormatError) -> Int {
        let count = Int(count)
        guard count >= 0, count <= rowCount - rowsDone else {
            throw ParquetFormatError("a page holds \(count) values, but only \(rowCount - rowsDone) of the row group's \(rowCount) rows are left")
        }
        return count
    }

    private func readDictionaryPage(_ header: ParquetPageHeader, _ body: UnsafeRawBufferPointer) throws(ParquetFormatError) {
        guard let dictionaryHeader = header.dictionaryPage else { throw ParquetFormatError("a dictionary page without its header") }
        let encoding = dictionaryHeader.encoding
        guard encoding == ParquetEncoding.plain.rawValue || encoding == ParquetEncoding.plainDictionary.rawValue else {
            throw ParquetFormatError("a dictionary page in \(ParquetEncoding.name(of: encoding)), not PLAIN")
        }
        let data = try decompressor.decompress(body, size: Int(header.uncompressedPageSize), limit: options.maxPageSize)
        let count = Int(dictionaryHeader.numValues)
        // Every value takes at least one bit (booleans) and most at least a byte: a count that
        // cannot fit in the page is rejected before anything is sized by it.
        guard count <= data.count * 8 else {
            throw ParquetFormatError("a dictionary page claims \(count) values in \(data.count) bytes")
        }
        if descriptor.kind.isString {
            let dictionary = ParquetStringBuilder(reservingCapacity: count, bytes: data.count)
            try decodeStrings(ParquetEncoding.plain.rawValue, data, count: count, into: dictionary)
            stringDictionary = dictionary
        } else {
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(count * outputWidth, 8), alignment: 64)
            fixedDictionary = buffer
            try decodeFixed(ParquetEncoding.plain.rawValue, data, count: count, into: buffer)
        }
        dictionaryCount = count
    }

    /// Decodes definition levels; returns the number of non-null values.
    private func readLevels(_ data: UnsafeRawBufferPointer, count: Int, into target: UnsafeMutablePointer<UInt8>,
                            encoding: Int32, lengthPrefixed: Bool) throws(ParquetFormatError) -> (valid: Int, consumed: Int) {
        let maximum = descriptor.maxDefinitionLevel
        let bitWidth = ParquetBitPacking.bitWidth(of: UInt64(maximum))
        guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            if count == 0 { return (0, 0) }
            throw ParquetFormatError("a page has no definition levels")
        }
        switch ParquetEncoding(rawValue: encoding) {
        case .rle?:
            var start = 0
            var length = data.count
            if lengthPrefixed {
                guard data.count >= 4 else { throw ParquetFormatError("the definition levels' length is missing") }
                length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
                start = 4
                guard length <= data.count - 4 else {
                    throw ParquetFormatError("the definition levels claim \(length) bytes, the page has \(data.count - 4)")
                }
            }
            var decoder = try ParquetRLEDecoder(base + start, count: length, bitWidth: bitWidth)
            let valid = try decoder.decodeLevels(into: target, count: count, maximum: maximum)
            return (valid, start + length)
        case .bitPacked?:
            let length = (count * bitWidth + 7) / 8
            guard length <= data.count else { throw ParquetFormatError("the BIT_PACKED definition levels run past the page") }
            var valid = 0
            for index in 0..<count {
                var level = 0
                for bit in 0..<bitWidth {
                    let position = index * bitWidth + bit
                    level = level << 1 | Int((base[position >> 3] >> (7 - UInt8(position & 7))) & 1)
                }
                guard level <= maximum else { throw ParquetFormatError("a definition level \(level) exceeds the maximum \(maximum)") }
                target[index] = UInt8(level)
                if level == maximum { valid += 1 }
            }
            return (valid, length)
        default:
            throw ParquetFormatError("definition levels in \(ParquetEncoding.name(of: encoding)) are not supported")
        }
    }

    private func readDataPage(_ header: ParquetPageHeader, _ body: UnsafeRawBufferPointer, rowsDone: Int) throws(ParquetFormatError) -> Int {
        guard let pageHeader = header.dataPage else { throw ParquetFormatError("a data page without its header") }
        let count = try pageValueCount(pageHeader.numValues, rowsDone: rowsDone)
        let data = try decompressor.decompress(body, size: Int(header.uncompressedPageSize), limit: options.maxPageSize)
        var valuesData = data
        var valid = count
        var levelPointer: UnsafeMutablePointer<UInt8>?
        if descriptor.maxDefinitionLevel > 0 {
            let target = levels(count)
            let (found, consumed) = try readLevels(data, count: count, into: target, encoding: pageHeader.definitionLevelEncoding,
                                                   lengthPrefixed: true)
            valid = found
            levelPointer = target
            valuesData = UnsafeRawBufferPointer(rebasing: data[consumed...])
        }
        try readValues(pageHeader.encoding, valuesData, valid: valid, rows: count, levels: levelPointer, rowsDone: rowsDone)
        return count
    }

    private func readDataPageV2(_ header: ParquetPageHeader, _ body: UnsafeRawBufferPointer, rowsDone: Int) throws(ParquetFormatError) -> Int {
        guard let pageHeader = header.dataPageV2 else { throw ParquetFormatError("a version 2 data page without its header") }
        let count = try pageValueCount(pageHeader.numValues, rowsDone: rowsDone)
        let repetitionLength = Int(pageHeader.repetitionLevelsByteLength)
        let definitionLength = Int(pageHeader.definitionLevelsByteLength)
        guard repetitionLength + definitionLength <= body.count else {
            throw ParquetFormatError("a version 2 page's levels (\(repetitionLength + definitionLength) bytes) are longer than the page (\(body.count))")
        }
        let levelsEnd = repetitionLength + definitionLength
        var valid = count
        var levelPointer: UnsafeMutablePointer<UInt8>?
        if descriptor.maxDefinitionLevel > 0 {
            let target = levels(count)
            let levelBytes = UnsafeRawBufferPointer(rebasing: body[repetitionLength..<levelsEnd])
            valid = try readLevels(levelBytes, count: count, into: target, encoding: ParquetEncoding.rle.rawValue, lengthPrefixed: false).valid
            levelPointer = target
        }
        let compressed = UnsafeRawBufferPointer(rebasing: body[levelsEnd...])
        let valuesSize = Int(header.uncompressedPageSize) - levelsEnd
        guard valuesSize >= 0 else { throw ParquetFormatError("a version 2 page's uncompressed size is smaller than its levels") }
        let data: UnsafeRawBufferPointer
        if pageHeader.isCompressed, decompressor.codec != .uncompressed, valuesSize > 0 {
            data = try decompressor.decompress(compressed, size: valuesSize, limit: options.maxPageSize)
        } else {
            data = compressed
        }
        try readValues(pageHeader.encoding, data, valid: valid, rows: count, levels: levelPointer, rowsDone: rowsDone)
        return count
    }

    // MARK: - Values

    /// Decodes `valid` values for `rows` rows starting at row `rowsDone`, spreading them over the
    /// rows whose definition level says they hold a value.
    private func readValues(_ encoding: Int32, _ data: UnsafeRawBufferPointer, valid: Int, rows: Int,
                            levels: UnsafeMutablePointer<UInt8>?, rowsDone: Int) throws(ParquetFormatError) {
        if descriptor.kind == .null {
            markNulls(levels: nil, rows: rows, rowsDone: rowsDone, allNull: true)
            if let values { (values + rowsDone * 8).initializeMemory(as: UInt64.self, repeating: Double.nan.bitPattern, count: rows) }
            return
        }
        if descriptor.kind.isString {
            try decodeStrings(encoding, data, count: valid, into: strings!)
            if valid < rows, let levels {
                strings!.spread(valueCount: valid, levels: levels, rows: rows, maximum: UInt8(descriptor.maxDefinitionLevel))
            }
        } else {
            guard let values else { return }
            let target = values + rowsDone * outputWidth
            try decodeFixed(encoding, data, count: valid, into: target)
            if valid < rows, let levels { spreadFixed(target, valueCount: valid, levels: levels, rows: rows) }
        }
        if valid < rows, let levels { markNulls(levels: levels, rows: rows, rowsDone: rowsDone, allNull: false) }
    }

    private func markNulls(levels: UnsafeMutablePointer<UInt8>?, rows: Int, rowsDone: Int, allNull: Bool) {
        if validity == nil {
            var words = [UInt64](repeating: ~0, count: (rowCount + 63) / 64)
            if rowCount & 63 != 0, !words.isEmpty { words[words.count - 1] = (1 << UInt64(rowCount & 63)) - 1 }
            validity = words
        }
        let maximum = UInt8(descriptor.maxDefinitionLevel)
        validity!.withUnsafeMutableBufferPointer { words in
            for row in 0..<rows where allNull || levels.unsafelyUnwrapped[row] != maximum {
                let index = rowsDone + row
                words[index >> 6] &= ~(1 << UInt64(index & 63))
                nullCount += 1
            }
        }
    }

    /// Moves `valueCount` packed values at `target` to the rows whose level is the maximum,
    /// filling the others (NaN for floats, zero otherwise).
    private func spreadFixed(_ target: UnsafeMutableRawPointer, valueCount: Int, levels: UnsafeMutablePointer<UInt8>, rows: Int) {
        let maximum = UInt8(descriptor.maxDefinitionLevel)
        func spread<T>(_: T.Type, fill: T) {
            let pointer = target.assumingMemoryBound(to: T.self)
            var value = valueCount - 1
            var row = rows - 1
            while row >= 0 {
                if levels[row] == maximum {
                    pointer[row] = pointer[value]
                    value -= 1
                } else {
                    pointer[row] = fill
                }
                row -= 1
            }
        }
        switch outputWidth {
        case 1: spread(UInt8.self, fill: 0)
        case 2: spread(UInt16.self, fill: 0)
        case 4: spread(UInt32.self, fill: descriptor.type == .float32 ? Float.nan.bitPattern : 0)
        default: spread(UInt64.self, fill: descriptor.type == .float64 ? Double.nan.bitPattern : 0)
        }
    }

    /// Decodes `count` fixed-width output values from `data` in `encoding` into `target`.
    private func decodeFixed(_ encoding: Int32, _ data: UnsafeRawBufferPointer, count: Int,
                             into target: UnsafeMutableRawPointer) throws(ParquetFormatError) {
        if count == 0 { return }
        let kind = descriptor.kind
        let physical = descriptor.physicalType
        guard let source = data.baseAddress else { throw ParquetFormatError("a page holds no values but needs \(count)") }
        switch ParquetEncoding(rawValue: encoding) {
        case .plain?:
            switch physical {
            case .boolean:
                guard (count + 7) / 8 <= data.count else { throw ParquetFormatError("PLAIN booleans run past the end of the page") }
                let bits = source.assumingMemoryBound(to: UInt8.self)
                let output = target.assumingMemoryBound(to: UInt8.self)
                for index in 0..<count { output[index] = (bits[index >> 3] >> UInt8(index & 7)) & 1 }
            case .byteArray:
                let temporary = ParquetStringBuilder(reservingCapacity: count)
                try decodeStrings(encoding, data, count: count, into: temporary)
                try convertByteArrays(temporary, into: target)
            default:
                let (needed, overflow) = count.multipliedReportingOverflow(by: physicalWidth)
                guard !overflow, needed <= data.count else {
                    throw ParquetFormatError("PLAIN values need \(count) × \(physicalWidth) bytes, the page has \(data.count)")
                }
                if kind.isIdentity(for: physical) {
                    target.copyMemory(from: source, byteCount: needed)
                } else {
                    try kind.convert(source, width: physicalWidth, count: count, physical: physical, into: target)
                }
            }
        case .plainDictionary?, .rleDictionary?:
            try gatherFixed(data, count: count, into: target)
        case .rle?:
            guard physical == .boolean else { throw ParquetFormatError("RLE encoding for \(physical.name) values") }
            guard data.count >= 4 else { throw ParquetFormatError("RLE booleans lack their length") }
            let length = Int(data.loadUnaligned(as: UInt32.self).littleEndian)
            guard length <= data.count - 4 else { throw ParquetFormatError("RLE booleans claim \(length) bytes, the page has \(data.count - 4)") }
            var decoder = try ParquetRLEDecoder(source.assumingMemoryBound(to: UInt8.self) + 4, count: length, bitWidth: 1)
            _ = try decoder.decodeLevels(into: target.assumingMemoryBound(to: UInt8.self), count: count, maximum: 1)
        case .deltaBinaryPacked?:
            guard physical == .int32 || physical == .int64 else {
                throw ParquetFormatError("DELTA_BINARY_PACKED encoding for \(physical.name) values")
            }
            let buffer = scratch(count * 8).assumingMemoryBound(to: Int64.self)
            var decoder = try ParquetDeltaBinaryPackedDecoder(source.assumingMemoryBound(to: UInt8.self), count: data.count)
            try decoder.decode(into: buffer, count: count)
            if physical == .int32 {
                let narrow = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Int32.self)
                for index in 0..<count { narrow[index] = Int32(truncatingIfNeeded: buffer[index]) }
            }
            try kind.convert(UnsafeRawPointer(buffer), width: physicalWidth, count: count, physical: physical, into: target)
        case .byteStreamSplit?:
            guard physicalWidth > 0, physical != .boolean else {
                throw ParquetFormatError("BYTE_STREAM_SPLIT encoding for \(physical.name) values")
            }
            let (needed, overflow) = count.multipliedReportingOverflow(by: physicalWidth)
            guard !overflow, needed <= data.count else { throw ParquetFormatError("BYTE_STREAM_SPLIT values run past the end of the page") }
            // The streams are laid out for all the values the page holds (which may be more than
            // `count` only in a malformed page; use what the page's size implies).
            let streamLength = data.count / physicalWidth
            let unsplit = kind.isIdentity(for: physical) ? target : scratch(needed)
            let input = source.assumingMemoryBound(to: UInt8.self)
            let output = unsplit.assumingMemoryBound(to: UInt8.self)
            for stream in 0..<physicalWidth {
                let from = input + stream * streamLength
                for index in 0..<count { output[index * physicalWidth + stream] = from[index] }
            }
            if !kind.isIdentity(for: physical) {
                try kind.convert(UnsafeRawPointer(unsplit), width: physicalWidth, count: count, physical: physical, into: target)
            }
        case .deltaLengthByteArray?, .deltaByteArray?:
            guard physical == .byteArray || physical == .fixedLenByteArray else {
                throw ParquetFormatError("\(ParquetEncoding.name(of: encoding)) encoding for \(physical.name) values")
            }
            let temporary = ParquetStringBuilder(reservingCapacity: count)
            try decodeStrings(encoding, data, count: count, into: temporary)
            if physical == .byteArray {
                try convertByteArrays(temporary, into: target)
            } else {
                guard temporary.byteCount == count * physicalWidth else {
                    throw ParquetFormatError("FIXED_LEN_BYTE_ARRAY values of the wrong length")
                }
                try kind.convert(UnsafeRawPointer(temporary.bytes), width: physicalWidth, count: count, physical: physical, into: target)
            }
        default:
            throw ParquetFormatError("the \(ParquetEncoding.name(of: encoding)) encoding is not supported for \(physical.name) values")
        }
    }

    /// Converts variable-length (BYTE_ARRAY) decimals to doubles.
    private func convertByteArrays(_ values: ParquetStringBuilder, into target: UnsafeMutableRawPointer) throws(ParquetFormatError) {
        guard case let .decimal(scale) = descriptor.kind else { return }
        let output = target.assumingMemoryBound(to: Double.self)
        for index in 0..<values.count {
            let value = values.value(index)
            guard value.count <= ParquetDecimal.maximumBytes else {
                throw ParquetFormatError("a DECIMAL value of \(value.count) bytes is wider than the \(ParquetDecimal.maximumBytes) bytes supported")
            }
            output[index] = ParquetDecimal.double(bigEndian: value, scale: scale)
        }
    }

    /// Reads the bit width and RLE-encoded dictionary indices of a dictionary-encoded page.
    private func indexDecoder(_ data: UnsafeRawBufferPointer) throws(ParquetFormatError) -> ParquetRLEDecoder {
        guard dictionaryCount >= 0 else { throw ParquetFormatError("a dictionary-encoded page, but the column chunk has no dictionary page") }
        guard let base = data.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count >= 1 else {
            throw ParquetFormatError("a dictionary-encoded page lacks its index bit width")
        }
        let bitWidth = Int(base[0])
        guard bitWidth <= 32 else { throw ParquetFormatError("dictionary indices of \(bitWidth) bits") }
        return try ParquetRLEDecoder(base + 1, count: data.count - 1, bitWidth: bitWidth)
    }

    private func checkIndex(_ index: UInt32) throws(ParquetFormatError) {
        guard Int(index) < dictionaryCount else {
            throw ParquetFormatError("a dictionary index \(index) is out of range (the dictionary has \(dictionaryCount) entries)")
        }
    }

    private func gatherFixed(_ data: UnsafeRawBufferPointer, count: Int, into target: UnsafeMutableRawPointer) throws(ParquetFormatError) {
        var decoder = try indexDecoder(data)
        guard let dictionary = fixedDictionary else { throw ParquetFormatError("the dictionary page is missing") }
        switch outputWidth {
        case 1:
            try decoder.gather(into: target.assumingMemoryBound(to: UInt8.self), dictionary: dictionary.assumingMemoryBound(to: UInt8.self),
                               dictionaryCount: dictionaryCount, count: count)
        case 2:
            try decoder.gather(into: target.assumingMemoryBound(to: UInt16.self), dictionary: dictionary.assumingMemoryBound(to: UInt16.self),
                               dictionaryCount: dictionaryCount, count: count)
        case 4:
            try decoder.gather(into: target.assumingMemoryBound(to: UInt32.self), dictionary: dictionary.assumingMemoryBound(to: UInt32.self),
                               dictionaryCount: dictionaryCount, count: count)
        default:
            try decoder.gather(into: target.assumingMemoryBound(to: UInt64.self), dictionary: dictionary.assumingMemoryBound(to: UInt64.self),
                               dictionaryCount: dictionaryCount, count: count)
        }
    }

    // MARK: - Strings

    /// Refuses string values that would expand the chunk past ``ParquetReadOptions/maxColumnChunkSize``.
    private func checkGrowth(_ builder: ParquetStringBuilder, _ added: Int) throws(ParquetFormatError) {
        guard added <= options.maxColumnChunkSize - builder.byteCount else {
            throw ParquetFormatError("the column chunk's strings expand to more than maxColumnChunkSize (\(options.maxColumnChunkSize) bytes)")
        }
    }

    /// Decodes `count` byte-array values from `data` in `encoding`, appending them to `builder`.
    private func decodeStrings(_ encoding: Int32, _ data: UnsafeRawBufferPointer, count: Int,
                               into builder: ParquetStringBuilder) throws(ParquetFormatError) {
        if count == 0 { return }
        let physical = descriptor.physicalType
        let uuid = descriptor.kind == .uuid
        guard let source = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw ParquetFormatError("a page holds no values but needs \(count)")
        }
        func append(_ start: UnsafePointer<UInt8>, _ length: Int) throws(ParquetFormatError) {
            if uuid {
                guard length == 16 else { throw ParquetFormatError("a UUID value of \(length) bytes") }
                builder.appendUUID(start)
            } else {
                builder.append(start, length)
            }
        }
        switch ParquetEncoding(rawValue: encoding) {
        case .plain?:
            if physical == .fixedLenByteArray {
                let (needed, overflow) = count.multipliedReportingOverflow(by: physicalWidth)
                guard !overflow, needed <= data.count else { throw ParquetFormatError("PLAIN values run past the end of the page") }
                if !uuid {
                    builder.append(fixed: source, width: physicalWidth, values: count)
                } else {
                    for index in 0..<count { try append(source + index * physicalWidth, physicalWidth) }
                }
            } else {
                var position = 0
                let end = data.count
                if !uuid { builder.reserve(values: count, bytes: end) }
                for _ in 0..<count {
                    guard end - position >= 4 else { throw ParquetFormatError("PLAIN byte arrays run past the end of the page") }
                    let length = Int(UnsafeRawPointer(source + position).loadUnaligned(as: UInt32.self).littleEndian)
                    position += 4
                    guard length <= end - position else {
                        throw ParquetFormatError("a PLAIN byte array of \(length) bytes runs past the end of the page")
                    }
                    try append(source + position, length)
                    position += length
                }
            }
        case .plainDictionary?, .rleDictionary?:
            var decoder = try indexDecoder(data)
            guard let dictionary = stringDictionary else { throw ParquetFormatError("the dictionary page is missing") }
            var done = 0
            while done < count {
                switch try decoder.nextRun(maximum: min(count - done, indexBatch)) {
                case let .repeated(value, run):
                    try checkIndex(value)
                    try checkGrowth(builder, dictionary.value(Int(value)).count * run)
                    for _ in 0..<run { builder.append(from: dictionary, Int(value)) }
                    done += run
                case let .literal(run):
                    decoder.unpack(into: indexBuffer, count: run)
                    var largest: UInt32 = 0
                    for index in 0..<run { largest = max(largest, indexBuffer[index]) }
                    try checkIndex(largest)
                    var added = 0
                    for index in 0..<run { added += dictionary.value(Int(indexBuffer[index])).count }
                    try checkGrowth(builder, added)
                    for index in 0..<run { builder.append(from: dictionary, Int(indexBuffer[index])) }
                    done += run
                }
            }
        case .deltaLengthByteArray?:
            guard physical == .byteArray else { throw ParquetFormatError("DELTA_LENGTH_BYTE_ARRAY for \(physical.name) values") }
            let lengths = scratch(count * 8).assumingMemoryBound(to: Int64.self)
            var decoder = try ParquetDeltaBinaryPackedDecoder(source, count: data.count)
            try decoder.decode(into: lengths, count: count)
            var position = try decoder.finish()
            for index in 0..<count {
                let length = lengths[index]
                guard length >= 0, length <= Int64(data.count - position) else {
                    throw ParquetFormatError("a DELTA_LENGTH_BYTE_ARRAY value of \(length) bytes runs past the end of the page")
                }
                try append(source + position, Int(length))
                position += Int(length)
            }
        case .deltaByteArray?:
            let lengths = scratch(count * 16).assumingMemoryBound(to: Int64.self)
            let prefixes = lengths, suffixes = lengths + count
            var prefixDecoder = try ParquetDeltaBinaryPackedDecoder(source, count: data.count)
            try prefixDecoder.decode(into: prefixes, count: count)
            let suffixStart = try prefixDecoder.finish()
            var suffixDecoder = try ParquetDeltaBinaryPackedDecoder(source + suffixStart, count: data.count - suffixStart)
            try suffixDecoder.decode(into: suffixes, count: count)
            var position = suffixStart + (try suffixDecoder.finish())
            var previous: [UInt8] = []
            var current: [UInt8] = []
            for index in 0..<count {
                let prefix = prefixes[index], suffix = suffixes[index]
                guard prefix >= 0, prefix <= Int64(previous.count) else {
                    throw ParquetFormatError("a DELTA_BYTE_ARRAY prefix of \(prefix) bytes is longer than the previous value")
                }
                guard suffix >= 0, suffix <= Int64(data.count - position) else {
                    throw ParquetFormatError("a DELTA_BYTE_ARRAY suffix of \(suffix) bytes runs past the end of the page")
                }
                try checkGrowth(builder, Int(prefix + suffix))
                current.removeAll(keepingCapacity: true)
                current.append(contentsOf: previous[0..<Int(prefix)])
                current.append(contentsOf: UnsafeBufferPointer(start: source + position, count: Int(suffix)))
                position += Int(suffix)
                if physical == .fixedLenByteArray, current.count != physicalWidth {
                    throw ParquetFormatError("a FIXED_LEN_BYTE_ARRAY value of \(current.count) bytes, not \(physicalWidth)")
                }
                if uuid, current.count != 16 { throw ParquetFormatError("a UUID value of \(current.count) bytes") }
                current.withUnsafeBufferPointer { value in
                    let base = value.baseAddress ?? source
                    if uuid { builder.appendUUID(base) } else { builder.append(base, value.count) }
                }
                swap(&previous, &current)
            }
        case .byteStreamSplit?:
            guard physical == .fixedLenByteArray else { throw ParquetFormatError("BYTE_STREAM_SPLIT for \(physical.name) values") }
            let (needed, overflow) = count.multipliedReportingOverflow(by: physicalWidth)
            guard !overflow, needed <= data.count else { throw ParquetFormatError("BYTE_STREAM_SPLIT values run past the end of the page") }
            let streamLength = data.count / physicalWidth
            let output = scratch(needed).assumingMemoryBound(to: UInt8.self)
            for stream in 0..<physicalWidth {
                for index in 0..<count { output[index * physicalWidth + stream] = source[stream * streamLength + index] }
            }
            for index in 0..<count { try append(output + index * physicalWidth, physicalWidth) }
        default:
            throw ParquetFormatError("the \(ParquetEncoding.name(of: encoding)) encoding is not supported for \(physical.name) values")
        }
    }
}

extension ParquetFormatError {
    /// The same error at `offset` if it has none.
    func at(_ offset: Int) -> ParquetFormatError {
        ParquetFormatError(message, offset: self.offset ?? offset)
    }
}
