// libFuzzer target for Tessera's ORC reader (and the codecs it uses), compiled into one module
// with Sources/FileFormats so that it reaches the internal entry points:
//
//   scripts/fuzz_orc.sh [seconds]
//
// Every input is read as an ORC file (all readable columns, then each column alone, then the
// stripe statistics); anything but a thrown error (a trap, an out-of-bounds access
// AddressSanitizer sees, an allocation over libFuzzer's limit) is a bug.

import Backends

/// Options that keep allocations small whatever the input claims.
let fuzzOptions: ORCReadOptions = {
    var options = ORCReadOptions()
    options.maxRowsPerStripe = 1 << 16
    options.maxStreamSize = 1 << 24
    options.useThreads = false
    return options
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func orcFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let bytes = ParquetFileBytes(copying: raw)
    // Reads size their buffers by the rows the footer claims (bounded by the machine's memory);
    // keep them within libFuzzer's allocation limit.
    if let file = try? ORCFile(bytes: bytes, path: "fuzz-input", options: fuzzOptions),
       file.footer.stripes.reduce(0, { $0 + $1.rowCount }) <= 1 << 18 {
        let readable = file.fields.filter { (try? $0.frameType.get()) != nil }.map(\.name)
        _ = try? ORCReader.read(file: file, columns: readable, options: fuzzOptions)
        for name in readable.prefix(8) {
            _ = try? ORCReader.read(file: file, columns: [name], options: fuzzOptions)
        }
        for stripe in file.footer.stripes.indices.prefix(16) { _ = file.statistics(stripe: stripe) }
    }
    // The integer decoders on raw input, both versions, signed and not.
    let output = UnsafeMutablePointer<Int64>.allocate(capacity: 1024)
    defer { output.deallocate() }
    for (signed, v2) in [(false, false), (true, false), (false, true), (true, true)] {
        var decoder = ORCIntegerRLEDecoder(raw, signed: signed, version2: v2, what: "fuzz")
        _ = try? decoder.decode(into: output, count: 1024)
    }
    return 0
}
