import Backends

/// Decodes one top-level column of one stripe into its rows of the output: the present stream
/// (nulls), then the values of the column's type and encoding, scattered to the non-null rows.
struct ORCColumnDecoder {
    let file: ORCFile
    let footer: ORCStripeFooter
    let field: ORCField
    /// The stripe's rows.
    let rows: Int

    /// The ORC epoch, 2015-01-01T00:00:00Z, in Unix seconds.
    static let epoch: Int64 = 1_420_070_400

    private func stream(_ kind: ORCStream.Kind) throws(ORCFormatError) -> ORCBuffer? {
        guard let stream = footer.stream(kind, column: field.column) else { return nil }
        return try file.streamBytes(stream)
    }

    private func required(_ kind: ORCStream.Kind) throws(ORCFormatError) -> ORCBuffer {
        guard let buffer = try stream(kind) else { throw ORCFormatError("the stripe has no \(kind) stream for the column") }
        return buffer
    }

    /// Decodes the present stream into `presence` (one 0/1 byte per row); returns the number of
    /// non-null rows, or `nil` when the column has no nulls in this stripe (`presence` untouched).
    func decodePresence(into presence: UnsafeMutablePointer<UInt8>) throws(ORCFormatError) -> Int? {
        guard let present = try stream(.present) else { return nil }
        var decoder = ORCByteRLEDecoder(present.bytes, what: "present")
        try decoder.decodeBooleans(into: presence, count: rows)
        var count = 0
        for row in 0..<rows { count &+= Int(presence[row]) }
        return count
    }

    /// Moves the first `count` values of `values` to the non-null rows of `output` (rows where
    /// `presence` is 1), zeroing the null rows; works in place when `values == output`.
    static func scatter<T>(_ values: UnsafeMutablePointer<T>, count: Int, presence: UnsafePointer<UInt8>, rows: Int,
                           into output: UnsafeMutablePointer<T>, zero: T) {
        var source = count - 1
        var row = rows - 1
        while row >= 0 {
            if presence[row] != 0 {
                output[row] = values[source]
                source -= 1
            } else {
                output[row] = zero
            }
            row -= 1
        }
    }

    /// Integers (signed or not) of the DATA (or `kind`) stream.
    func integers(_ kind: ORCStream.Kind = .data, count: Int, signed: Bool, into output: UnsafeMutablePointer<Int64>) throws(ORCFormatError) {
        let buffer = try required(kind)
        var decoder = ORCIntegerRLEDecoder(buffer.bytes, signed: signed, version2: footer.encoding(column: field.column).kind.isV2,
                                           what: "\(kind)")
        try decoder.decode(into: output, count: count)
    }

    /// Decodes a fixed-width column into `output` (`rows` elements of the frame type's storage).
    func decodeFixed(into output: UnsafeMutableRawPointer, presence: UnsafeMutablePointer<UInt8>) throws(ORCFormatError) -> Bool {
        let nonNull = try decodePresence(into: presence)
        let count = nonNull ?? rows
        switch field.type.kind {
        case .boolean, .byte:
            let target = output.assumingMemoryBound(to: UInt8.self)
            let data = try required(.data)
            var decoder = ORCByteRLEDecoder(data.bytes, what: "data")
            if field.type.kind == .boolean {
                try decoder.decodeBooleans(into: target, count: count)
            } else {
                try decoder.decode(into: target, count: count)
            }
            if nonNull != nil { Self.scatter(target, count: count, presence: presence, rows: rows, into: target, zero: 0) }
        case .short, .int, .long, .date:
            if field.type.kind == .long {
                let target = output.assumingMemoryBound(to: Int64.self)
                try integers(count: count, signed: true, into: target)
                if nonNull != nil { Self.scatter(target, count: count, presence: presence, rows: rows, into: target, zero: 0) }
            } else {
                let scratch = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
                defer { scratch.deallocate() }
                try integers(count: count, signed: true, into: scratch)
                if field.type.kind == .short {
                    narrow(scratch, count: count, nonNull != nil ? presence : nil, into: output.assumingMemoryBound(to: Int16.self))
                } else {
                    narrow(scratch, count: count, nonNull != nil ? presence : nil, into: output.assumingMemoryBound(to: Int32.self))
                }
            }
        case .float:
            try copyFloats(output.assumingMemoryBound(to: Float.self), count: count, nonNull != nil ? presence : nil, zero: .nan)
        case .double:
            try copyFloats(output.assumingMemoryBound(to: Double.self), count: count, nonNull != nil ? presence : nil, zero: .nan)
        case .decimal:
            try decimals(into: output.assumingMemoryBound(to: Double.self), count: count, nonNull != nil ? presence : nil)
        case .timestamp, .timestampInstant:
            try timestamps(into: output.assumingMemoryBound(to: Int64.self), count: count, nonNull != nil ? presence : nil)
        default:
            throw ORCFormatError("column '\(field.name)' is not a fixed-width column")
        }
        return nonNull != nil && nonNull != rows
    }

    private func narrow<T: FixedWidthInteger>(_ scratch: UnsafeMutablePointer<Int64>, count: Int, _ presence: UnsafeMutablePointer<UInt8>?,
                                              into output: UnsafeMutablePointer<T>) {
        guard let presence else {
            for index in 0..<count { output[index] = T(truncatingIfNeeded: scratch[index]) }
            return
        }
        var source = 0
        for row in 0..<rows {
            if presence[row] != 0 {
                output[row] = T(truncatingIfNeeded: scratch[source])
                source += 1
            } else {
                output[row] = 0
            }
        }
    }

    private func copyFloats<T: BinaryFloatingPoint>(_ output: UnsafeMutablePointer<T>, count: Int, _ presence: UnsafeMutablePointer<UInt8>?,
                                                    zero: T) throws(ORCFormatError) {
        guard let stream = footer.stream(.data, column: field.column) else {
            if count == 0 { return }
            throw ORCFormatError("the stripe has no data stream for the column")
        }
        // Straight from the file (or the codec) into the column: the values are used as stored.
        try file.stream(stream, into: UnsafeMutableRawPointer(output), count: count * MemoryLayout<T>.size)
        if let presence { Self.scatter(output, count: count, presence: presence, rows: rows, into: output, zero: zero) }
    }

    /// DECIMAL: unbounded zigzag varints (DATA) and each value's scale (SECONDARY), as float64.
    private func decimals(into output: UnsafeMutablePointer<Double>, count: Int, _ presence: UnsafeMutablePointer<UInt8>?) throws(ORCFormatError) {
        let data = try required(.data)
        let scales = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
        defer { scales.deallocate() }
        try integers(.secondary, count: count, signed: true, into: scales)
        let bytes = data.bytes
        var position = 0
        var bigEndian = [UInt8](repeating: 0, count: 24)
        for index in 0..<count {
            // Up to 168 bits of varint: enough for 38 digits (127 bits) and a sign.
            var low: UInt64 = 0
            var high: UInt64 = 0
            var shift = 0
            while true {
                guard position < bytes.count else { throw ORCFormatError("the decimal data stream ends after \(index) of \(count) values") }
                let byte = UInt64(bytes[position])
                position += 1
                guard shift < 128 else { throw ORCFormatError("a decimal value is wider than 128 bits") }
                let bits = byte & 0x7f
                if shift < 64 {
                    low |= bits << UInt64(shift)
                    if shift > 57 { high |= bits >> UInt64(64 - shift) }
                } else {
                    high |= bits << UInt64(shift - 64)
                }
                if byte & 0x80 == 0 { break }
                shift += 7
            }
            // Zigzag on 128 bits: (n >> 1) ^ -(n & 1).
            let negative = low & 1 == 1
            var valueLow = (low >> 1) | (high << 63)
            var valueHigh = high >> 1
            if negative {
                valueLow = ~valueLow
                valueHigh = ~valueHigh
            }
            let scale = scales[index]
            guard scale >= -64, scale <= 64 else { throw ORCFormatError("a decimal value has the scale \(scale)") }
            let fitsInt64 = (valueHigh == 0 && valueLow >> 63 == 0) || (valueHigh == ~0 && valueLow >> 63 == 1)
            if fitsInt64 {
                output[index] = ParquetDecimal.double(unscaled: Int64(bitPattern: valueLow), scale: Int(scale))
            } else {
                for byte in 0..<8 {
                    bigEndian[byte] = UInt8(truncatingIfNeeded: valueHigh >> UInt64(56 - 8 * byte))
                    bigEndian[8 + byte] = UInt8(truncatingIfNeeded: valueLow >> UInt64(56 - 8 * byte))
                }
                output[index] = bigEndian.withUnsafeBufferPointer { ParquetDecimal.double(bigEndian: UnsafeBufferPointer(rebasing: $0[0..<16]), scale: Int(scale)) }
            }
        }
        if let presence { Self.scatter(output, count: count, presence: presence, rows: rows, into: output, zero: 0) }
    }

    /// TIMESTAMP / TIMESTAMP_INSTANT: seconds from the ORC epoch (DATA) and nanoseconds with their
    /// trailing zeros encoded (SECONDARY), as nanoseconds since the Unix epoch: the writer's wall
    /// clock for TIMESTAMP, UTC for TIMESTAMP_INSTANT.
    private func timestamps(into output: UnsafeMutablePointer<Int64>, count: Int, _ presence: UnsafeMutablePointer<UInt8>?) throws(ORCFormatError) {
        let nanos = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
        defer { nanos.deallocate() }
        try integers(count: count, signed: true, into: output)
        try integers(.secondary, count: count, signed: false, into: nanos)
        let zone = field.type.kind == .timestampInstant ? ORCTimeZone.utc : try ORCTimeZone.named(footer.writerTimeZone ?? "UTC")
        let zoneEpoch = zone.utc(ofLocal: Self.epoch)
        let isUTC = zone === ORCTimeZone.utc
        for index in 0..<count {
            // Signed, as ORC's C++ reader takes them: Arrow's writer stores negative nanoseconds
            // for instants before 1970 (an arithmetic shift restores them).
            let encoded = nanos[index]
            let zeros = encoded & 7
            var nano = encoded >> 3
            if zeros != 0 {
                for _ in 0...zeros { nano = nano &* 10 }
            }
            guard nano > -1_000_000_000, nano < 1_000_000_000 else { throw ORCFormatError("a timestamp has \(nano) nanoseconds") }
            var seconds = output[index] &+ zoneEpoch
            if !isUTC { seconds = seconds &+ zone.offset(atUTC: seconds) }
            if seconds < 0, nano > 999_999 { seconds -= 1 }
            let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let (total, overflow2) = scaled.addingReportingOverflow(nano)
            guard !overflow, !overflow2 else { throw ORCFormatError("a timestamp is outside the range of nanoseconds since 1970 (years 1677 to 2262)") }
            output[index] = total
        }
        if let presence { Self.scatter(output, count: count, presence: presence, rows: rows, into: output, zero: 0) }
    }

    /// Decodes a string or binary column: each row's bytes, appended to `bytes`, with row `i`
    /// ending at `ends[i]` (relative to the start of `bytes`).
    func decodeStrings(presence: UnsafeMutablePointer<UInt8>, ends: UnsafeMutablePointer<Int64>, bytes: inout [UInt8]) throws(ORCFormatError) -> Bool {
        let nonNull = try decodePresence(into: presence)
        let count = nonNull ?? rows
        let encoding = footer.encoding(column: field.column)
        let lengths = UnsafeMutablePointer<Int64>.allocate(capacity: max(count, 1))
        defer { lengths.deallocate() }
        if encoding.kind.isDictionary {
            let size = encoding.dictionarySize
            // A writer only keeps the values its rows use.
            guard size <= max(count, 1) else { throw ORCFormatError("the dictionary claims \(size) entries for \(count) values") }
            let dictionary = try stream(.dictionaryData)
            let dictionaryBytes = dictionary?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
            // Dictionary entry starts.
            var starts = [Int](repeating: 0, count: size + 1)
            if size > 0 {
                let entryLengths = UnsafeMutablePointer<Int64>.allocate(capacity: size)
                defer { entryLengths.deallocate() }
                try integers(.length, count: size, signed: false, into: entryLengths)
                var total = 0
                for entry in 0..<size {
                    let length = entryLengths[entry]
                    guard length >= 0, length <= dictionaryBytes.count - total else {
                        throw ORCFormatError("the dictionary's lengths run past its \(dictionaryBytes.count) bytes")
                    }
                    total += Int(length)
                    starts[entry + 1] = total
                }
            }
            try integers(count: count, signed: false, into: lengths)
            var total = 0
            for index in 0..<count {
                let code = lengths[index]
                guard code >= 0, code < size else { throw ORCFormatError("a dictionary code \(code) is out of range (the dictionary has \(size) entries)") }
                total += starts[Int(code) + 1] - starts[Int(code)]
                guard total <= file.options.maxStreamSize else { throw ORCFormatError("the strings expand to more than \(file.options.maxStreamSize) bytes") }
            }
            bytes.reserveCapacity(total)
            var row = 0
            var offset: Int64 = 0
            for index in 0..<count {
                if nonNull != nil {
                    while presence[row] == 0 {
                        ends[row] = offset
                        row += 1
                    }
                }
                let code = Int(lengths[index])
                let start = starts[code], end = starts[code + 1]
                if end > start { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: dictionaryBytes[start..<end])) }
                offset += Int64(end - start)
                ends[row] = offset
                row += 1
            }
            while row < rows {
                ends[row] = offset
                row += 1
            }
        } else {
            try integers(.length, count: count, signed: false, into: lengths)
            let data = try stream(.data)
            let dataBytes = data?.bytes ?? UnsafeRawBufferPointer(start: nil, count: 0)
            var total = 0
            for index in 0..<count {
                let length = lengths[index]
                guard length >= 0, length <= dataBytes.count - total else {
                    throw ORCFormatError("the string lengths run past the data stream's \(dataBytes.count) bytes")
                }
                total += Int(length)
            }
            if total > 0 { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: dataBytes[0..<total])) }
            var offset: Int64 = 0
            if nonNull == nil {
                for index in 0..<count {
                    offset += lengths[index]
                    ends[index] = offset
                }
            } else {
                var source = 0
                for row in 0..<rows {
                    if presence[row] != 0 {
                        offset += lengths[source]
                        source += 1
                    }
                    ends[row] = offset
                }
            }
        }
        return nonNull != nil && nonNull != rows
    }
}
