/// Decodes ORC's integer run-length encodings, version 1 and version 2 (with its four
/// sub-encodings: short repeat, direct, patched base and delta), signed (zigzag) or unsigned.
///
/// Every read is bounds-checked: a stream that ends early or holds an impossible header throws
/// ``ORCFormatError``; arithmetic wraps as the writers' does, never traps.
struct ORCIntegerRLEDecoder {
    private let base: UnsafePointer<UInt8>?
    private let end: Int
    private var position = 0
    private let signed: Bool
    private let version2: Bool
    /// What the stream is, for error messages.
    private let what: String

    init(_ bytes: UnsafeRawBufferPointer, signed: Bool, version2: Bool, what: String) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        end = bytes.count
        self.signed = signed
        self.version2 = version2
        self.what = what
    }

    /// Decodes exactly `count` values into `output`.
    mutating func decode(into output: UnsafeMutablePointer<Int64>, count: Int) throws(ORCFormatError) {
        var done = 0
        while done < count {
            guard position < end, let base else { throw ORCFormatError("the \(what) stream ends after \(done) of \(count) values") }
            if version2 {
                done += try runV2(base, output + done, room: count - done)
            } else {
                done += try runV1(base, output + done, room: count - done)
            }
        }
    }

    // MARK: - Primitives

    @inline(__always)
    private static func zigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: (value >> 1) ^ (0 &- (value & 1)))
    }

    @inline(__always)
    private mutating func byte(_ base: UnsafePointer<UInt8>) throws(ORCFormatError) -> UInt8 {
        guard position < end else { throw ORCFormatError("the \(what) stream ends inside a run header") }
        let value = base[position]
        position += 1
        return value
    }

    private mutating func varint(_ base: UnsafePointer<UInt8>) throws(ORCFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw ORCFormatError("the \(what) stream ends inside a number") }
            let byte = base[position]
            position += 1
            guard shift < 64 else { throw ORCFormatError("the \(what) stream holds a number longer than 64 bits") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    @inline(__always)
    private mutating func value(_ base: UnsafePointer<UInt8>) throws(ORCFormatError) -> Int64 {
        let raw = try varint(base)
        return signed ? Self.zigzag(raw) : Int64(bitPattern: raw)
    }

    /// A `width`-byte big-endian unsigned value.
    private mutating func bigEndian(_ base: UnsafePointer<UInt8>, width: Int) throws(ORCFormatError) -> UInt64 {
        guard width <= end - position else { throw ORCFormatError("the \(what) stream ends inside a value") }
        var value: UInt64 = 0
        for index in 0..<width { value = value << 8 | UInt64(base[position + index]) }
        position += width
        return value
    }

    /// The bit width a 5-bit code stands for (RLE v2).
    @inline(__always)
    private static func width(_ code: Int) -> Int {
        switch code {
        case 0...23: code + 1
        case 24: 26
        case 25: 28
        case 26: 30
        case 27: 32
        case 28: 40
        case 29: 48
        case 30: 56
        default: 64
        }
    }

    /// The smallest width of the table that holds `bits` (for patch list entries).
    private static func closestFixedWidth(_ bits: Int) -> Int {
        switch bits {
        case ...0: 1
        case 1...24: bits
        case 25...26: 26
        case 27...28: 28
        case 29...30: 30
        case 31...32: 32
        case 33...40: 40
        case 41...48: 48
        case 49...56: 56
        default: 64
        }
    }

    /// Unpacks `count` big-endian bit-packed values of `width` bits (1...64) into `output`.
    private mutating func unpack(_ base: UnsafePointer<UInt8>, width: Int, count: Int,
                                 into output: UnsafeMutablePointer<UInt64>) throws(ORCFormatError) {
        let (bits, overflow) = width.multipliedReportingOverflow(by: count)
        guard !overflow, (bits + 7) / 8 <= end - position else {
            throw ORCFormatError("the \(what) stream ends inside bit-packed values")
        }
        let start = base + position
        position += (bits + 7) / 8
        if width == 8 {
            for index in 0..<count { output[index] = UInt64(start[index]) }
            return
        }
        if width % 8 == 0 {
            let size = width / 8
            for index in 0..<count {
                var value: UInt64 = 0
                let source = start + index * size
                for byte in 0..<size { value = value << 8 | UInt64(source[byte]) }
                output[index] = value
            }
            return
        }
        let available = (bits + 7) / 8
        var bitPosition = 0
        var index = 0
        if width <= 56 {
            // Fast path: one unaligned 8-byte big-endian load per value while 8 bytes remain.
            let mask: UInt64 = (1 << UInt64(width)) - 1
            while index < count, (bitPosition >> 3) + 8 <= available {
                let word = UnsafeRawPointer(start + (bitPosition >> 3)).loadUnaligned(as: UInt64.self).bigEndian
                output[index] = (word >> UInt64(64 - width - (bitPosition & 7))) & mask
                bitPosition += width
                index += 1
            }
        }
        while index < count {
            var value: UInt64 = 0
            var need = width
            while need > 0 {
                let byte = UInt64(start[bitPosition >> 3])
                let offset = bitPosition & 7
                let take = min(need, 8 - offset)
                let chunk = (byte >> UInt64(8 - offset - take)) & ((1 << UInt64(take)) - 1)
                value = take == 64 ? chunk : (value << UInt64(take)) | chunk
                need -= take
                bitPosition += take
            }
            output[index] = value
            index += 1
        }
    }

    // MARK: - Version 1

    private mutating func runV1(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let control = Int8(bitPattern: try byte(base))
        if control >= 0 {
            let length = Int(control) + 3
            guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
            let delta = Int64(Int8(bitPattern: try byte(base)))
            var current = try value(base)
            for index in 0..<length {
                output[index] = current
                current &+= delta
            }
            return length
        }
        let length = -Int(control)
        guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
        for index in 0..<length { output[index] = try value(base) }
        return length
    }

    // MARK: - Version 2

    private mutating func runV2(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let first = Int(base[position])
        switch first >> 6 {
        case 0: return try shortRepeat(base, output, room: room)
        case 1: return try direct(base, output, room: room)
        case 2: return try patchedBase(base, output, room: room)
        default: return try delta(base, output, room: room)
        }
    }

    private mutating func shortRepeat(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let header = Int(try byte(base))
        let width = ((header >> 3) & 7) + 1
        let length = (header & 7) + 3
        guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
        let raw = try bigEndian(base, width: width)
        let value = signed ? Self.zigzag(raw) : Int64(bitPattern: raw)
        output.initialize(repeating: value, count: length)
        return length
    }

    private mutating func direct(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let first = Int(try byte(base))
        let second = Int(try byte(base))
        let width = Self.width((first >> 1) & 0x1f)
        let length = ((first & 1) << 8 | second) + 1
        guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
        let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: UInt64.self)
        try unpack(base, width: width, count: length, into: raw)
        if signed {
            for index in 0..<length { output[index] = Self.zigzag(raw[index]) }
        }
        return length
    }

    private mutating func patchedBase(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let first = Int(try byte(base))
        let second = Int(try byte(base))
        let third = Int(try byte(base))
        let fourth = Int(try byte(base))
        let width = Self.width((first >> 1) & 0x1f)
        let length = ((first & 1) << 8 | second) + 1
        let baseWidth = ((third >> 5) & 7) + 1
        let patchWidth = Self.width(third & 0x1f)
        let gapWidth = ((fourth >> 5) & 7) + 1
        let patchCount = fourth & 0x1f
        guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
        guard patchWidth + gapWidth <= 64 else { throw ORCFormatError("the \(what) stream has a patch wider than 64 bits") }
        // The base: big-endian sign-magnitude (the top bit of its bytes is the sign).
        let rawBase = try bigEndian(base, width: baseWidth)
        let signBit: UInt64 = 1 << UInt64(baseWidth * 8 - 1)
        let baseValue = rawBase & signBit != 0 ? 0 &- Int64(bitPattern: rawBase & ~signBit) : Int64(bitPattern: rawBase)
        let raw = UnsafeMutableRawPointer(output).assumingMemoryBound(to: UInt64.self)
        try unpack(base, width: width, count: length, into: raw)
        if patchCount > 0 {
            var patches = [UInt64](repeating: 0, count: patchCount)
            let entryWidth = Self.closestFixedWidth(patchWidth + gapWidth)
            try patches.withUnsafeMutableBufferPointer { (buffer) throws(ORCFormatError) in
                try unpack(base, width: entryWidth, count: patchCount, into: buffer.baseAddress!)
            }
            let patchMask: UInt64 = patchWidth >= 64 ? ~0 : (1 << UInt64(patchWidth)) - 1
            var index = 0
            for entry in patches {
                let gap = patchWidth >= 64 ? 0 : Int(entry >> UInt64(patchWidth))
                index += gap
                let patch = entry & patchMask
                if patch == 0 { continue } // A gap of 255 with no patch only moves on.
                guard index < length else { throw ORCFormatError("the \(what) stream patches a value past its run") }
                if width < 64 { raw[index] |= patch << UInt64(width) }
            }
        }
        for index in 0..<length { output[index] = baseValue &+ Int64(bitPattern: raw[index]) }
        return length
    }

    private mutating func delta(_ base: UnsafePointer<UInt8>, _ output: UnsafeMutablePointer<Int64>, room: Int) throws(ORCFormatError) -> Int {
        let first = Int(try byte(base))
        let second = Int(try byte(base))
        let code = (first >> 1) & 0x1f
        let width = code == 0 ? 0 : Self.width(code)
        let length = ((first & 1) << 8 | second) + 1
        guard length <= room else { throw ORCFormatError("the \(what) stream holds more values than its column") }
        let start = try value(base)
        let step = Self.zigzag(try varint(base))
        output[0] = start
        if length == 1 { return 1 }
        output[1] = start &+ step
        if width == 0 {
            var current = output[1]
            for index in 2..<length {
                current &+= step
                output[index] = current
            }
            return length
        }
        if length > 2 {
            let raw = UnsafeMutableRawPointer(output + 2).assumingMemoryBound(to: UInt64.self)
            try unpack(base, width: width, count: length - 2, into: raw)
            var current = output[1]
            for index in 2..<length {
                let magnitude = Int64(bitPattern: raw[index - 2])
                current = step < 0 ? current &- magnitude : current &+ magnitude
                output[index] = current
            }
        }
        return length
    }
}
