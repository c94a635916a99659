import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend

extension FrameOps {
    /// The row hashes of `columns` (`uint64`), equal to ``Backends/DataFrame/hashRows(_:)`` of
    /// the "pandas" backend row for row: the same seed, value hashes and folding.
    func hashRows(_ columns: [CuColumn], count n: Int) throws -> CuArray {
        let hashes = try array(n, .uint64)
        try launch("cudf_hash_init", count: n) { $0.append(Int64(n)); $0.append(hashes.pointer) }
        for column in columns {
            let words = column.validity?.pointer ?? 0
            switch column.storage {
            case let .fixedWidth(values):
                let kernel: String
                switch values.dtype {
                case .float64: kernel = "cudf_hash_f64"
                case .float32: kernel = "cudf_hash_f32"
                case .bool, .uint8: kernel = "cudf_hash_u8"
                case .int8: kernel = "cudf_hash_i8"
                case .int16: kernel = "cudf_hash_i16"
                case .uint16: kernel = "cudf_hash_u16"
                case .int32: kernel = "cudf_hash_i32"
                case .uint32: kernel = "cudf_hash_u32"
                case .int64: kernel = "cudf_hash_i64"
                case .uint64: kernel = "cudf_hash_u64"
                }
                try launch(kernel, count: n) { $0.append(Int64(n)); $0.append(hashes.pointer); $0.append(values.pointer); $0.append(words) }
            case let .strings(offsets, bytes):
                try launch("cudf_hash_strings", count: n) { $0.append(Int64(n)); $0.append(hashes.pointer); $0.append(offsets.pointer)
                    $0.append(bytes.pointer); $0.append(words) }
            case let .dictionary(codes, categories):
                // A category hashes as its text: hash the categories once, then look each code up.
                let offsets = try upload(categories.offsets), bytes = try upload(categories.bytes)
                let categoryHashes = try array(categories.count, .uint64)
                let m = categories.count
                try launch("cudf_string_hashes", count: m) { $0.append(Int64(m)); $0.append(categoryHashes.pointer)
                    $0.append(offsets.pointer); $0.append(bytes.pointer) }
                try launch("cudf_hash_codes", count: n) { $0.append(Int64(n)); $0.append(hashes.pointer); $0.append(codes.pointer)
                    $0.append(categoryHashes.pointer); $0.append(Int64(m)); $0.append(words) }
            }
        }
        return hashes
    }

    /// Row numbers grouped by the digit `(p / divisor) % base` of each row's hash partition
    /// `p` among `modulus` (`HashMixer.partition`), each group in row order, with the group offsets.
    func hashOrder(_ hashes: CuArray, count n: Int, modulus: Int, divisor: Int, base: Int) throws -> (CuArray, [Int]) {
        let parts = try array(n, .int32)
        try launch("cudf_partition_of", count: n) { $0.append(Int64(n)); $0.append(parts.pointer); $0.append(hashes.pointer)
            $0.append(UInt64(modulus)); $0.append(Int64(divisor)); $0.append(Int64(base)) }
        return try partitionOrder(parts, count: n, parts: base)
    }
}

extension CuDataFrame {
    /// The hash of each row's values in `columns`, computed on the device: equal to the
    /// "pandas" backend's ``Backends/DataFrame/hashRows(_:)``.
    ///
    /// - Throws: ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func rowHashes(_ names: [String]) throws -> [UInt64] {
        let keys = try names.map { try column($0) }
        return try perform { ops in
            let hashes = try ops.hashRows(keys, count: rowCount)
            return try ops.download(hashes, count: rowCount, as: UInt64.self)
        }
    }

    /// The rows dealt into `base` frames by the digit `(p / divisor) % base` of their hash
    /// partition `p` among `modulus`, each keeping the rows' order (the shuffle's split): a
    /// counting sort by partition on the device, then one gather per output.
    ///
    /// - Throws: ``FrameError/invalidValue(_:)`` unless the three numbers are positive,
    ///   ``FrameError/unknownColumn(_:available:)`` for a missing column.
    public func splitByHash(of names: [String], modulus: Int, divisor: Int, base: Int) throws -> [CuDataFrame] {
        guard modulus >= 1, divisor >= 1, base >= 1 else {
            throw FrameError.invalidValue("A staged hash split needs a positive modulus, divisor and base.")
        }
        let keys = try names.map { try column($0) }
        if base == 1 { return [with(columns: columns, rowCount: rowCount)] }
        return try perform { ops in
            let hashes = try ops.hashRows(keys, count: rowCount)
            let (order, starts) = try ops.hashOrder(hashes, count: rowCount, modulus: modulus, divisor: divisor, base: base)
            return try (0..<base).map { part in
                let count = starts[part + 1] - starts[part]
                let indices = try ops.slice(order, from: starts[part], count: count, itemSize: 8)
                return try taking(indices, count: count, ops: ops)
            }
        }
    }
}
