import Backends

extension DataFrame {
    /// A 64-bit hash of each row's values in `columns`: Dask's `hash_object_dispatch` (pandas'
    /// `hash_pandas_object(index=False)`), with Tessera's own hash, not pandas' bit for bit.
    ///
    /// Rows with equal values in the columns get equal hashes, whatever frame or partition they
    /// are in, so the hash can route rows of one key to one shuffle output. Each value hashes as:
    /// - integers, booleans, dates and timestamps: `mix(v)` of the value as a 64-bit integer (sign-
    ///   extended), so equal numbers of different integer widths hash alike (a timestamp hashes
    ///   its count of units);
    /// - floats: `mix` of the `float64` bit pattern, with -0.0 as +0.0 (1.0 and 1 differ, as in pandas);
    /// - strings and categories: a hash of the UTF-8 bytes (a category hashes as its text, so
    ///   partitions with different dictionaries agree);
    /// - null and NaN: the constant `0x5555_5555_5555_5555`.
    ///
    /// `mix` is SplitMix64's finalizer; the row hash starts at `0x243F_6A88_85A3_08D3` and folds
    /// each column's value hash `v` in as `h = mix((h &* 0x9E37_79B9_7F4A_7C15) ^ v)`.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func hashRows(_ columns: [String]) throws -> [UInt64] {
        var hashes = [UInt64](repeating: HashMixer.seed, count: rowCount)
        for name in columns {
            let column = try column(name).column
            hashes.withUnsafeMutableBufferPointer { Self.foldHashes(of: column, into: $0) }
        }
        return hashes
    }

    /// This frame's rows dealt into `count` frames by their hash (Dask's `group_split_dispatch` on
    /// hashed partitions): frame `i` holds, in their original order, the rows whose
    /// ``HashMixer/partition(_:count:)`` of `hashRows(columns)` is `i` (the high word of
    /// `hash × count`, a multiplication where a modulo would divide), with the same columns and a
    /// default index.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` if `count` is less than 1,
    ///   ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func split(byHashOf columns: [String], into count: Int) throws -> [DataFrame] {
        guard count >= 1 else { throw FrameError.invalidValue("Cannot split a frame into \(count) parts; give 1 or more.") }
        if count == 1 { return [withIndexStart(0)] }
        let hashes = try hashRows(columns)
        let destinations = hashes.map { Int32(truncatingIfNeeded: HashMixer.partition($0, count: count)) }
        return scattered(to: destinations, count: count)
    }

    /// This frame's rows dealt into `base` frames by the digit `(p / divisor) % base` of their
    /// partition `p = HashMixer.partition(hash, count: modulus)` (see ``split(byHashOf:into:)``):
    /// one stage of a staged shuffle into `modulus` partitions. Frame `i` holds, in their
    /// original order, the rows whose digit is `i`.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` unless `modulus`, `divisor` and `base` are at
    ///   least 1, ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func split(byHashOf columns: [String], modulus: Int, divisor: Int, base: Int) throws -> [DataFrame] {
        guard modulus >= 1, divisor >= 1, base >= 1 else {
            throw FrameError.invalidValue("A staged hash split needs a positive modulus, divisor and base.")
        }
        let hashes = try hashRows(columns)
        let destinations = hashes.map { Int32(truncatingIfNeeded: HashMixer.partition($0, count: modulus) / divisor % base) }
        return scattered(to: destinations, count: base)
    }

    private static func foldHashes(of column: Column, into hashes: UnsafeMutableBufferPointer<UInt64>) {
        let validity = column.groupingValidity()
        @inline(__always) func fold(_ row: Int, _ valueHash: UInt64) {
            let isValid = validity?.isValid(row) ?? true
            hashes[row] = HashMixer.combine(hashes[row], isValid ? valueHash : HashMixer.nullHash)
        }
        switch column.storage {
        case let .fixedWidth(array):
            let raw = UnsafeRawPointer(array.storage.bytes)
            func integers<T: FixedWidthInteger>(_: T.Type) {
                let values = raw.assumingMemoryBound(to: T.self)
                for row in 0..<hashes.count {
                    let word = T.isSigned ? UInt64(bitPattern: Int64(truncatingIfNeeded: values[row])) : UInt64(truncatingIfNeeded: values[row])
                    fold(row, HashMixer.mix(word))
                }
            }
            func floats<F: BinaryFloatingPoint & NDArrayElement>(_: F.Type) {
                let values = raw.assumingMemoryBound(to: F.self)
                for row in 0..<hashes.count {
                    let value = values[row].doubleValue
                    fold(row, HashMixer.mix(value == 0 ? 0 : value.bitPattern))
                }
            }
            switch array.dtype {
            case .bool, .uint8: integers(UInt8.self)
            case .int8: integers(Int8.self)
            case .int16: integers(Int16.self)
            case .uint16: integers(UInt16.self)
            case .int32: integers(Int32.self)
            case .uint32: integers(UInt32.self)
            case .int64: integers(Int64.self)
            case .uint64: integers(UInt64.self)
            case .float32: floats(Float.self)
            case .float64: floats(Double.self)
            }
        case let .strings(buffer):
            for row in 0..<hashes.count { fold(row, buffer.withUTF8(row) { stringHash($0) }) }
        case let .dictionary(codes, categories):
            let categoryHashes = (0..<categories.count).map { index in categories.withUTF8(index) { stringHash($0) } }
            codes.withUnsafeElements(as: Int32.self) { codes in
                for row in 0..<hashes.count {
                    let code = Int(codes[row])
                    fold(row, code >= 0 && code < categoryHashes.count ? categoryHashes[code] : HashMixer.nullHash)
                }
            }
        }
    }

    private static func stringHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = bytes.baseAddress else { return HashMixer.bytes(UnsafePointer(bitPattern: 1)!, count: 0) }
        return HashMixer.bytes(base, count: bytes.count)
    }
}
