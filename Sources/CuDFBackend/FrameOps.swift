import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend

/// The device primitives the dataframe operations are built from, on one stream of one
/// operation: scans, compaction, gathers, slices, concatenation and counting sorts by partition.
///
/// Temporaries are held by the stream until the operation's end, so the memory pool cannot hand
/// them to another stream while a kernel may still read them.
struct FrameOps {
    let device: CUDADevice
    let stream: CUDAStream

    /// A 1-d array of `count` elements, to be filled by kernels.
    func array(_ count: Int, _ dtype: DType) throws -> CuArray {
        let array = try CuArray.uninitialized(shape: [count], dtype: dtype, on: device)
        stream.hold(array.buffer)
        return array
    }

    /// A 1-d array uploaded from host elements.
    func upload<Element: NDArrayElement>(_ values: [Element]) throws -> CuArray {
        let array = try self.array(values.count, Element.dtype)
        try values.withUnsafeBytes { try device.upload($0, to: array.buffer, stream: stream) }
        return array
    }

    /// The first `count` elements of a device array, in host memory.
    func download<Element: NDArrayElement>(_ array: CuArray, count: Int, as _: Element.Type) throws -> [Element] {
        guard count > 0 else { return [] }
        return try [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            try device.download(array.buffer, into: UnsafeMutableRawBufferPointer(buffer), stream: stream)
            // The copy is queued on the stream: wait for it before the host reads the values.
            try device.driver.synchronize(stream.handle)
            initialized = count
        }
    }

    /// Launches a kernel of ``FrameKernels/source`` over `count` threads (grid-stride).
    func launch(_ name: String, count: Int, _ fill: (inout KernelArguments) -> Void) throws {
        try launch(name, in: FrameKernels.source, count: count, fill)
    }

    /// Launches a kernel of `source` over `count` threads (grid-stride).
    func launch(_ name: String, in source: KernelSource, count: Int, _ fill: (inout KernelArguments) -> Void) throws {
        guard count > 0 else { return }
        var arguments = KernelArguments()
        fill(&arguments)
        try device.launch(name, in: source, configuration: .elementwise(count: count, multiprocessors: device.multiprocessorCount),
                          arguments: arguments, stream: stream)
    }

    /// The number of tiles of `count` rows.
    static func tiles(_ count: Int) -> Int { (count + FrameKernels.tile - 1) / FrameKernels.tile }

    // MARK: Scans and compaction

    /// The exclusive prefix sums of `count` `int64` values, and their total.
    func exclusiveScan(_ values: CuArray, count: Int) throws -> (CuArray, Int) {
        let out = try array(count, .int64)
        if count <= 4 * FrameKernels.tile {
            var running: Int64 = 0
            let host = try download(values, count: count, as: Int64.self).map { value -> Int64 in
                defer { running &+= value }
                return running
            }
            if count > 0 {
                try host.withUnsafeBytes { try device.upload($0, to: out.buffer, stream: stream) }
            }
            return (out, Int(running))
        }
        let tiles = Self.tiles(count)
        let sums = try array(tiles, .int64)
        try launch("cudf_tile_sums", count: tiles) { $0.append(Int64(count)); $0.append(values.pointer); $0.append(sums.pointer)
            $0.append(Int64(FrameKernels.tile)) }
        let (offsets, total) = try exclusiveScan(sums, count: tiles)
        try launch("cudf_tile_scan", count: tiles) { $0.append(Int64(count)); $0.append(values.pointer); $0.append(out.pointer)
            $0.append(offsets.pointer); $0.append(Int64(FrameKernels.tile)) }
        return (out, total)
    }

    /// The row numbers, in order, whose `flags` byte is not zero.
    func compact(_ flags: CuArray, count: Int) throws -> CuArray {
        let tiles = Self.tiles(count)
        guard tiles > 0 else { return try array(0, .int64) }
        let counts = try array(tiles, .int64)
        try launch("cudf_tile_count", count: tiles) { $0.append(Int64(count)); $0.append(flags.pointer); $0.append(counts.pointer)
            $0.append(Int64(FrameKernels.tile)) }
        let (offsets, total) = try exclusiveScan(counts, count: tiles)
        let out = try array(total, .int64)
        if total > 0 {
            try launch("cudf_tile_compact", count: tiles) { $0.append(Int64(count)); $0.append(flags.pointer); $0.append(offsets.pointer)
                $0.append(out.pointer); $0.append(Int64(FrameKernels.tile)) }
        }
        return out
    }

    /// `start, start + 1, ...` (`count` of them) as `int64`.
    func iota(_ count: Int, start: Int = 0) throws -> CuArray {
        let out = try array(count, .int64)
        try launch("cudf_iota", count: count) { $0.append(Int64(count)); $0.append(out.pointer); $0.append(Int64(start)) }
        return out
    }

    /// The row numbers grouped by partition, each partition's rows in order, and where each
    /// partition starts (`parts + 1` offsets; empty when `starts` is false): a stable counting
    /// sort of `part` (`int32`, in `0..<parts`) over tiles of `tile` rows.
    func partitionOrder(_ part: CuArray, count: Int, parts: Int, tile: Int = FrameKernels.tile, starts wanted: Bool = true) throws
        -> (CuArray, [Int]) {
        let tiles = (count + tile - 1) / tile
        guard tiles > 0 else { return (try array(0, .int64), wanted ? [Int](repeating: 0, count: parts + 1) : []) }
        let counts = try array(tiles * parts, .int64)
        try launch("cudf_tile_histogram", count: tiles) { $0.append(Int64(count)); $0.append(part.pointer); $0.append(counts.pointer)
            $0.append(Int64(parts)); $0.append(Int64(tile)) }
        let (offsets, total) = try exclusiveScan(counts, count: tiles * parts)
        var starts: [Int] = []
        if wanted {
            // Each partition starts at the offset of its first tile.
            let first = try array(parts, .int64)
            try launch("cudf_gather_stride", in: SortKernels.source, count: parts) { $0.append(Int64(parts)); $0.append(first.pointer)
                $0.append(offsets.pointer); $0.append(Int64(tiles)) }
            starts = try download(first, count: parts, as: Int64.self).map { Int($0) } + [total]
        }
        let order = try array(count, .int64)
        try launch("cudf_tile_scatter", count: tiles) { $0.append(Int64(count)); $0.append(part.pointer); $0.append(offsets.pointer)
            $0.append(order.pointer); $0.append(Int64(tile)) }
        return (order, starts)
    }

    /// A copy of `count` elements of `array` from element `start`.
    func slice(_ source: CuArray, from start: Int, count: Int, itemSize: Int) throws -> CuArray {
        let out = try array(count, source.dtype)
        try device.copy(count * itemSize, from: source.buffer, offset: start * itemSize, to: out.buffer, stream: stream)
        return out
    }

    // MARK: Validity

    /// One byte per row (1 valid) of rows `start ..< start + count` of a bitmap (all valid when `nil`).
    func unpack(_ words: CuArray?, start: Int, count: Int) throws -> CuArray {
        let flags = try array(count, .bool)
        try launch("cudf_unpack_validity", count: count) { $0.append(Int64(count)); $0.append(flags.pointer)
            $0.append(words?.pointer ?? 0); $0.append(Int64(start)) }
        return flags
    }

    /// A bitmap from one byte per row.
    func pack(_ flags: CuArray, count: Int) throws -> CuArray {
        let words = try array((count + 63) / 64, .uint64)
        try launch("cudf_pack_validity", count: (count + 63) / 64) { $0.append(Int64(count)); $0.append(words.pointer)
            $0.append(flags.pointer) }
        return words
    }

    /// Rows valid in both bitmaps (`nil` is all valid).
    func intersect(_ a: CuArray?, _ b: CuArray?, count: Int) throws -> CuArray? {
        guard let a else { return b }
        guard let b else { return a }
        let words = (count + 63) / 64
        let out = try array(words, .uint64)
        try launch("cudf_words_and", count: words) { $0.append(Int64(words)); $0.append(out.pointer); $0.append(a.pointer)
            $0.append(b.pointer) }
        return out
    }

    /// One byte per row, 1 where the column is missing (null, or a NaN float), as pandas' `isnull`.
    func isNull(_ column: CuColumn) throws -> CuArray {
        let n = column.count
        let out = try array(n, .bool)
        let words = column.validity?.pointer ?? 0
        if case let .fixedWidth(values) = column.storage, values.dtype.isFloatingPoint {
            try launch(values.dtype == .float64 ? "cudf_is_null_f64" : "cudf_is_null_f32", count: n) {
                $0.append(Int64(n)); $0.append(out.pointer); $0.append(values.pointer); $0.append(words) }
        } else {
            try launch("cudf_is_null", count: n) { $0.append(Int64(n)); $0.append(out.pointer); $0.append(words) }
        }
        return out
    }

    // MARK: Gathers

    /// Rows `indices` of `column` (`int64`; a negative index gives a null row).
    func take(_ column: CuColumn, _ indices: CuArray, count n: Int, mayHaveMissing: Bool = false) throws -> CuColumn {
        var validity: CuArray? = nil
        if column.validity != nil || mayHaveMissing {
            let words = try array((n + 63) / 64, .uint64)
            try launch("cudf_take_validity", count: (n + 63) / 64) { $0.append(Int64(n)); $0.append(words.pointer)
                $0.append(column.validity?.pointer ?? 0); $0.append(indices.pointer) }
            validity = words
        }
        switch column.storage {
        case let .fixedWidth(values):
            return CuColumn(type: column.type, storage: .fixedWidth(try takeValues(values, indices, count: n)), validity: validity, count: n)
        case let .dictionary(codes, categories):
            return CuColumn(type: column.type, storage: .dictionary(codes: try takeValues(codes, indices, count: n), categories: categories),
                            validity: validity, count: n)
        case let .strings(offsets, bytes):
            let lengths = try array(n, .int64)
            try launch("cudf_take_lengths", count: n) { $0.append(Int64(n)); $0.append(lengths.pointer); $0.append(offsets.pointer)
                $0.append(indices.pointer) }
            let (starts, total) = try exclusiveScan(lengths, count: n)
            let newOffsets = try array(n + 1, .int64)
            try device.copy(n * 8, from: starts.buffer, to: newOffsets.buffer, stream: stream)
            try store(Int64(total), into: newOffsets, at: n)
            let newBytes = try array(total, .uint8)
            if total > 0 {
                try launch("cudf_take_bytes", count: n) { $0.append(Int64(n)); $0.append(newBytes.pointer); $0.append(newOffsets.pointer)
                    $0.append(bytes.pointer); $0.append(offsets.pointer); $0.append(indices.pointer) }
            }
            return CuColumn(type: column.type, storage: .strings(offsets: newOffsets, bytes: newBytes), validity: validity, count: n)
        }
    }

    /// Stores one `int64` at element `index` of `array`.
    func store(_ value: Int64, into array: CuArray, at index: Int) throws {
        let scratch = try self.array(1, .int64)
        try [value].withUnsafeBytes { try device.upload($0, to: scratch.buffer, stream: stream) }
        try device.copy(8, from: scratch.buffer, offset: 0, to: array.buffer, offset: index * 8, stream: stream)
    }

    /// Elements `indices` of a fixed-width array.
    func takeValues(_ values: CuArray, _ indices: CuArray, count n: Int) throws -> CuArray {
        let out = try array(n, values.dtype)
        try launch("cudf_take_\(values.dtype.itemSize)", count: n) { $0.append(Int64(n)); $0.append(out.pointer)
            $0.append(values.pointer); $0.append(indices.pointer) }
        return out
    }
}
