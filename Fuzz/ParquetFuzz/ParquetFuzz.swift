// libFuzzer target for Tessera's Parquet reader (and the codecs it uses), compiled into one
// module with Sources/FileFormats so that it reaches the internal entry points:
//
//   scripts/fuzz_parquet.sh [seconds]
//
// Every input is read as a Parquet file (all columns, then each column alone) and fed to the
// Snappy decoder; anything but a thrown error (a trap, an out-of-bounds access AddressSanitizer
// sees, an allocation over libFuzzer's limit) is a bug.

import Backends

/// Options that keep allocations small whatever the input claims.
let fuzzOptions: ParquetReadOptions = {
    var options = ParquetReadOptions()
    options.maxRowsPerRowGroup = 1 << 16
    options.maxPageSize = 1 << 22
    options.maxColumnChunkSize = 1 << 26
    options.useThreads = false
    return options
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func parquetFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = ParquetFileBytes(copying: raw)
    if let file = try? ParquetFile(bytes: bytes, path: "fuzz-input", options: fuzzOptions) {
        _ = try? ParquetReader.read(file: file, options: fuzzOptions)
        for field in file.schema.fields.prefix(8) {
            _ = try? ParquetReader.read(file: file, columns: [field.name], options: fuzzOptions)
        }
        _ = ParquetReader.rowGroupSummaries(file)
    }
    // The Arrow schema decoder (base64, then FlatBuffers) on raw input, both ways.
    _ = ParquetArrowSchema.decode(String(decoding: raw, as: UTF8.self))
    _ = ParquetArrowSchema.decode(ParquetArrowSchema.base64(Array(raw)))
    // The Snappy decoder on raw input, with a bounded output.
    if let (length, _) = try? Snappy.uncompressedLength(raw), length <= 1 << 20 {
        let output = UnsafeMutablePointer<UInt8>.allocate(capacity: length + 16)
        defer { output.deallocate() }
        _ = try? Snappy.decompress(raw, into: output, capacity: length)
    }
    return 0
}
