/// Snappy block compression and decompression, written in Swift (no library needed).
///
/// Decompression is bounds-checked against both the input and the output: corrupt data throws,
/// it never reads or writes outside the buffers.
package enum Snappy {
    /// The uncompressed length recorded at the start of snappy data, and the preamble's size.
    package static func uncompressedLength(_ input: UnsafeRawBufferPointer) throws(CodecError) -> (length: Int, headerSize: Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var index = 0
        while true {
            guard index < input.count, index < 5 else { throw .corrupt(codec: "snappy", message: "the length preamble is invalid") }
            let byte = input[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        guard result <= UInt64(UInt32.max) else { throw .corrupt(codec: "snappy", message: "the length preamble is invalid") }
        return (Int(result), index)
    }

    /// Decompresses `input` into `output`, which must have room for exactly the length the
    /// preamble records (``uncompressedLength(_:)``) plus 16 bytes of scratch space after it.
    ///
    /// - Returns: the number of bytes written.
    package static func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutablePointer<UInt8>,
                                   capacity: Int) throws(CodecError) -> Int {
        let (length, header) = try uncompressedLength(input)
        guard length <= capacity else {
            throw .corrupt(codec: "snappy", message: "the data claims \(length) bytes, \(capacity) were expected")
        }
        guard let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            if length == 0 { return 0 }
            throw .corrupt(codec: "snappy", message: "no data")
        }
        let inputEnd = input.count
        var ip = header
        var op = 0
        let outputEnd = length
        // All positions stay within 0...inputEnd and 0...outputEnd (checked before each step), so
        // the arithmetic below cannot overflow and uses wrapping operators.
        while ip < inputEnd {
            let tag = source[ip]
            ip &+= 1
            if tag & 3 == 0 {
                var literal = Int(tag >> 2) &+ 1
                if literal > 60 {
                    let extra = literal &- 60
                    guard inputEnd &- ip >= extra else { throw .corrupt(codec: "snappy", message: "a literal length runs past the end") }
                    var value = 0
                    for index in 0..<extra { value |= Int(source[ip &+ index]) << (8 &* index) }
                    ip &+= extra
                    literal = value &+ 1
                }
                guard inputEnd &- ip >= literal, outputEnd &- op >= literal else {
                    throw .corrupt(codec: "snappy", message: "a literal runs past the end of the data")
                }
                if literal <= 16, inputEnd &- ip >= 16 {
                    // Both buffers have 16 bytes of room: two fixed 8-byte moves.
                    let from = UnsafeRawPointer(source + ip), to = UnsafeMutableRawPointer(output + op)
                    to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    (to + 8).storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                } else {
                    (output + op).update(from: source + ip, count: literal)
                }
                ip &+= literal
                op &+= literal
                continue
            }
            let copyLength: Int
            let offset: Int
            switch tag & 3 {
            case 1:
                guard ip < inputEnd else { throw .corrupt(codec: "snappy", message: "a copy runs past the end") }
                copyLength = 4 &+ Int((tag >> 2) & 7)
                offset = Int(tag >> 5) << 8 | Int(source[ip])
                ip &+= 1
            case 2:
                guard inputEnd &- ip >= 2 else { throw .corrupt(codec: "snappy", message: "a copy runs past the end") }
                copyLength = Int(tag >> 2) &+ 1
                offset = Int(UnsafeRawPointer(source + ip).loadUnaligned(as: UInt16.self).littleEndian)
                ip &+= 2
            default:
                guard inputEnd &- ip >= 4 else { throw .corrupt(codec: "snappy", message: "a copy runs past the end") }
                copyLength = Int(tag >> 2) &+ 1
                offset = Int(UnsafeRawPointer(source + ip).loadUnaligned(as: UInt32.self).littleEndian)
                ip &+= 4
            }
            // 1 <= offset <= op (one unsigned comparison), and room for the copy.
            guard UInt(bitPattern: offset &- 1) < UInt(bitPattern: op), copyLength <= outputEnd &- op else {
                throw .corrupt(codec: "snappy", message: "a copy refers outside the data")
            }
            let from = UnsafeRawPointer(output + (op &- offset))
            let to = UnsafeMutableRawPointer(output + op)
            if offset >= 8 {
                // 8-byte moves never overlap their own source; the output has 16 bytes of slack.
                to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
                (to + 8).storeBytes(of: from.loadUnaligned(fromByteOffset: 8, as: UInt64.self), as: UInt64.self)
                var done = 16
                while done < copyLength {
                    (to + done).storeBytes(of: from.loadUnaligned(fromByteOffset: done, as: UInt64.self), as: UInt64.self)
                    done &+= 8
                }
            } else {
                let target = output + op, origin = output + (op &- offset)
                for index in 0..<copyLength { target[index] = origin[index] }
            }
            op &+= copyLength
        }
        guard op == outputEnd else {
            throw .corrupt(codec: "snappy", message: "the data holds \(op) bytes, its preamble says \(outputEnd)")
        }
        return op
    }

    /// Compresses `input` to snappy's block format.
    package static func compress(_ input: UnsafeRawBufferPointer) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(32 + input.count + input.count / 6)
        var length = UInt64(input.count)
        while length >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        output.append(UInt8(length))
        guard let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else { return output }
        let blockSize = 1 << 16
        var table = [UInt16](repeating: 0, count: 1 << 14)
        var blockStart = 0
        while blockStart < input.count {
            let blockEnd = min(blockStart + blockSize, input.count)
            compressBlock(source, start: blockStart, end: blockEnd, table: &table, into: &output)
            blockStart = blockEnd
        }
        return output
    }

    private static func emitLiteral(_ source: UnsafePointer<UInt8>, _ start: Int, _ end: Int, into output: inout [UInt8]) {
        let count = end - start
        guard count > 0 else { return }
        let n = count - 1
        if n < 60 {
            output.append(UInt8(n << 2))
        } else {
            var bytes = 0
            var value = n
            while value > 0 { bytes += 1; value >>= 8 }
            output.append(UInt8((59 + bytes) << 2))
            for index in 0..<bytes { output.append(UInt8(truncatingIfNeeded: n >> (8 * index))) }
        }
        output.append(contentsOf: UnsafeBufferPointer(start: source + start, count: count))
    }

    private static func emitCopy(offset: Int, length: Int, into output: inout [UInt8]) {
        var length = length
        while length > 0 {
            // Keep at least 4 bytes for the last piece, so a 1-byte-offset copy stays possible.
            var piece = min(length, 64)
            if length > 64, length - 64 < 4 { piece = 60 }
            if piece >= 4, piece <= 11, offset < 2048 {
                output.append(UInt8(1 | ((piece - 4) << 2) | ((offset >> 8) << 5)))
                output.append(UInt8(truncatingIfNeeded: offset))
            } else {
                output.append(UInt8(2 | ((piece - 1) << 2)))
                output.append(UInt8(truncatingIfNeeded: offset))
                output.append(UInt8(truncatingIfNeeded: offset >> 8))
            }
            length -= piece
        }
    }

    @inline(__always)
    private static func load32(_ pointer: UnsafePointer<UInt8>, _ index: Int) -> UInt32 {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: UInt32.self)
    }

    private static func compressBlock(_ source: UnsafePointer<UInt8>, start: Int, end: Int, table: inout [UInt16],
                                      into output: inout [UInt8]) {
        let count = end - start
        if count < 16 {
            emitLiteral(source, start, end, into: &output)
            return
        }
        table.withUnsafeMutableBufferPointer { table in
            table.update(repeating: 0)
            let shift = UInt32(32 - 14)
            @inline(__always) func hash(_ value: UInt32) -> Int { Int((value &* 0x1E35_A7BD) >> shift) }
            let limit = end - 15 // leave room for 4-byte loads and a final literal
            var literalStart = start
            var ip = start + 1
            var skip = 32
            while ip < limit {
                let current = load32(source, ip)
                let slot = hash(current)
                let candidate = start + Int(table[slot])
                table[slot] = UInt16(ip - start)
                if candidate < ip, ip - candidate < 65536, load32(source, candidate) == current {
                    emitLiteral(source, literalStart, ip, into: &output)
                    var matchEnd = ip + 4
                    var from = candidate + 4
                    while matchEnd < end, source[matchEnd] == source[from] {
                        matchEnd += 1
                        from += 1
                    }
                    emitCopy(offset: ip - candidate, length: matchEnd - ip, into: &output)
                    if matchEnd < limit {
                        table[hash(load32(source, matchEnd - 1))] = UInt16(matchEnd - 1 - start)
                    }
                    ip = matchEnd
                    literalStart = ip
                    skip = 32
                } else {
                    ip += skip >> 5
                    skip += 1
                }
            }
            emitLiteral(source, literalStart, end, into: &output)
        }
    }
}
