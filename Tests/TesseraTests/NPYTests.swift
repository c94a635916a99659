import Foundation
import Testing
import Tessera
import TesseraTestSupport

/// `.npy` interchange with NumPy: files np.save wrote are read exactly, files Tessera writes have
/// NumPy's bytes, and malformed input is a thrown ``NPYError``, never a trap.
@Suite("NPY files")
struct NPYTests {
    private func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures/npy")).path
    }

    private func scratch(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tessera-npy-\(UInt64.random(in: 0...UInt64.max))-\(name)").path
    }

    @Test("Files written by np.save are read with their dtype, shape and values", arguments: [
        ("f8_2x3", DType.float64, [2, 3], [0, 0.25, 0.5, 0.75, 1, 1.25]),
        ("f4_5", .float32, [5], [-2.5, -1.5, -0.5, 0.5, 1.5]),
        ("i8_3x4x2", .int64, [3, 4, 2], (0..<24).map { Double($0 - 7) }),
        ("i1_4", .int8, [4], [-128, -1, 0, 127]),
        ("u2_3", .uint16, [3], [0, 1, 65_535]),
        ("b1_2x2", .bool, [2, 2], [1, 0, 0, 1]),
        ("scalar_f8", .float64, [], [3.25]),
        ("empty_0x3", .float64, [0, 3], []),
        ("fortran_3x4", .float64, [3, 4], (0..<12).map(Double.init)),
        ("bigendian_i4_3", .int32, [3], [1, -2, 300]),
        ("bigendian_f8_2x2", .float64, [2, 2], [1.5, -2.0, 1e300, 0]),
    ] as [(String, DType, [Int], [Double])])
    func readNumPyFiles(_ name: String, _ dtype: DType, _ shape: [Int], _ expected: [Double]) throws {
        let path = try fixture(name)
        let host = try NDArray(contentsOfNPY: path)
        #expect(host.dtype == dtype)
        #expect(host.shape == shape)
        #expect(host.toArray(Double.self) == expected)
        let fromBytes = try NDArray(npyBytes: Array(Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(fromBytes.toArray(Double.self) == expected)
        // Chunked and lazy, with uneven blocks: the same values.
        let chunked = try ChunkedArray.readNPY(path, chunks: .uniform(shape.map { Swift.max(1, ($0 + 1) / 2) }))
        #expect(chunked.shape == shape)
        #expect(chunked.dtype == dtype)
        #expect(try chunked.toHost().toArray(Double.self) == expected)
    }

    @Test("uint64 values above Int64.max survive")
    func bigUnsigned() throws {
        let host = try NDArray(contentsOfNPY: fixture("u8_2"))
        #expect(host.toArray(UInt64.self) == [0, (1 << 63) + 5])
    }

    @Test("A chunked read reads each block's runs only", arguments: [[7, 5], [3, 2], [1, 5], [4, 1]])
    func chunkedReads(_ chunks: [Int]) throws {
        let x = try ChunkedArray.readNPY(fixture("chunks_7x5"), chunks: .uniform(chunks))
        #expect(x.chunkSize == chunks)
        #expect(try x.toHost().toArray(Double.self) == (0..<35).map(Double.init))
        #expect(try x[2..<5, 1..<4].sum().item(Double.self) == [11, 12, 13, 16, 17, 18, 21, 22, 23].reduce(0, +))
        #expect(try x.transposed().sum(axis: 1).toHost().toArray(Double.self) == [105, 112, 119, 126, 133])
    }

    @Test("What Tessera writes, it reads back, for every dtype", arguments: DType.allCases)
    func roundTrip(_ dtype: DType) throws {
        let source = try ChunkedArray.arange(start: -5, stop: 7, step: 1, chunks: [5]).astype(dtype).reshaped([3, 4])
        let path = scratch("roundtrip.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try source.toNPY(path)
        let back = try NDArray(contentsOfNPY: path)
        let expected = try source.toHost()
        #expect(back.dtype == dtype)
        #expect(back.shape == [3, 4])
        #expect(back.toArray(Double.self) == expected.toArray(Double.self))
        #expect(try NDArray(npyBytes: expected.npyBytes()).toArray(Double.self) == expected.toArray(Double.self))
    }

    @Test("Written headers are NumPy's, byte for byte")
    func headerBytes() throws {
        let bytes = try NDArray((0..<6).map(Double.init), shape: [2, 3]).npyBytes()
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        #expect(Array(bytes[0..<10]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 118, 0])
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix(" \n"))
        #expect(bytes.count == 128 + 48)
        let original = try Data(contentsOf: URL(fileURLWithPath: fixture("f8_2x3")))
        let rewritten = try NDArray(npyBytes: Array(original)).npyBytes()
        #expect(rewritten == Array(original))
    }

    @Test("Malformed files are thrown errors naming the problem", arguments: [
        ([UInt8](), "magic"),
        (Array("NUMPY not really".utf8), "magic"),
        ([0x93] + Array("NUMPY".utf8) + [9, 0, 10, 0], "version"),
        ([0x93] + Array("NUMPY".utf8) + [1, 0, 200, 0] + Array("{'descr'".utf8), "header"),
        (Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", data: 8), "truncated"),
        (Self.npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", data: 16), "dtype"),
        (Self.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: 8), "dtype"),
        (Self.npy("{'descr': '<f8', 'fortran_order': maybe, 'shape': (1,), }", data: 8), "malformed"),
        (Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", data: 8), "negative"),
        (Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (9999999999, 9999999999), }", data: 8), "too large"),
        (Self.npy("{'descr': '<f8', 'fortran_order': False}", data: 8), "shape"),
        (Self.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } trailing", data: 8), "malformed"),
        (Self.npy("[1, 2]", data: 8), "malformed"),
    ] as [([UInt8], String)])
    func malformed(_ bytes: [UInt8], _ problem: String) throws {
        let error = #expect(throws: NPYError.self) { try NDArray(npyBytes: bytes) }
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
        let path = scratch("bad.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: NPYError.self) { try NDArray(contentsOfNPY: path) }
        #expect(throws: NPYError.self) { try ChunkedArray.readNPY(path) }
    }

    @Test("Files np.save wrote with unsupported dtypes are refused")
    func unsupportedFiles() throws {
        #expect(throws: NPYError.self) { try NDArray(contentsOfNPY: fixture("object")) }
        #expect(throws: NPYError.self) { try NDArray(contentsOfNPY: fixture("complex")) }
        #expect(throws: NPYError.self) { try NDArray(contentsOfNPY: "/nonexistent/file.npy") }
        #expect(throws: NPYError.self) { try NDArray((0..<3).map(Double.init)).writeNPY(to: "/nonexistent/dir/x.npy") }
    }

    @Test("Random corruption of a valid file never traps")
    func fuzz() throws {
        let original = try NDArray((0..<12).map(Double.init), shape: [3, 4]).npyBytes()
        var generator = SplitMix(seed: 7)
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<Int(generator.next() % 4 + 1) {
                let position = Int(generator.next() % UInt64(bytes.count))
                bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            }
            if generator.next() % 5 == 0 { bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count)))) }
            _ = try? NDArray(npyBytes: bytes)
        }
    }

    /// A version 1.0 file with `header` (padded as NumPy pads it) and `data` zero bytes.
    static func npy(_ header: String, data: Int) -> [UInt8] {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
            + [UInt8](repeating: 0, count: data)
    }
}

/// A small deterministic generator for the fuzz test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
