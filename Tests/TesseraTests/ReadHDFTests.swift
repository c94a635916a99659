import Foundation
import Testing
@testable import Tessera

/// `ChunkedDataFrame.readHDF` on the "pandas" backend over stores pandas wrote (the fixtures of
/// scripts/make_hdf5_fixtures.py): partitioning by `chunksize`, projection, several files, and
/// the errors of bad arguments. Values themselves are checked against pandas in FileFormatsTests.
@Suite("readHDF", .enabled(if: HDFReader.isAvailable, "libhdf5 (Debian libhdf5-103-1) is not installed"))
struct ReadHDFTests {
    static func fixture(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: name, withExtension: "h5", subdirectory: "Fixtures/hdf5")?.path)
    }

    @Test("Partitioning a table by chunksize never changes the frame")
    func chunking() throws {
        let path = try Self.fixture("table")
        let whole = try HDFReader.read(path: path, key: "grp/tab")
        for chunksize in [1, 5, 10, 23, 1_000] {
            let frame = try ChunkedDataFrame.readHDF(path, key: "/grp/tab", chunksize: chunksize)
            #expect(frame.npartitions == (whole.rowCount + chunksize - 1) / chunksize)
            #expect(frame.schema == whole.schema)
            let computed = try frame.compute()
            for name in whole.columnNames { #expect(computed[name].strings == whole[name].strings, "\(name) at \(chunksize)") }
        }
    }

    @Test("Only the columns asked for, in their order; a filter and a sum over the lazy frame")
    func projectionAndQuery() throws {
        let path = try Self.fixture("table")
        let whole = try HDFReader.read(path: path, key: "grp/tab")
        let frame = try ChunkedDataFrame.readHDF(path, key: "grp/tab", columns: ["label", "i32"], chunksize: 7)
        #expect(frame.columns == ["label", "i32"])
        let kept = try frame[frame["i32"] > 0].compute()
        let i32 = whole["i32"].column.doubles().map { $0 ?? 0 }
        #expect(kept.rowCount == i32.filter { $0 > 0 }.count)
        let total = try frame["i32"].sum().item(Double.self)
        #expect(total == i32.reduce(0, +))
    }

    @Test("A fixed key is one partition; two files are one frame")
    func fixedAndSeveralFiles() throws {
        let path = try Self.fixture("fixed")
        let one = try ChunkedDataFrame.readHDF(path, key: "deep/er/frame", chunksize: 2)
        #expect(one.npartitions == 1)
        let two = try ChunkedDataFrame.readHDF([path, path], key: "deep/er/frame")
        #expect(two.npartitions == 2)
        #expect(try two.compute().rowCount == 2 * one.compute().rowCount)
    }

    @Test("Bad arguments throw clear errors naming the file")
    func badArguments() throws {
        let path = try Self.fixture("table")
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.readHDF(path, key: "grp/tab", chunksize: 0) }
        #expect { try ChunkedDataFrame.readHDF(path, key: "grp/tab", columns: ["nope"]) } throws: { error in
            "\(error)".contains("no column 'nope'") && "\(error)".contains(path)
        }
        #expect { try ChunkedDataFrame.readHDF(path, key: "absent") } throws: { error in
            "\(error)".contains("no key '/absent'")
        }
        let fixed = try Self.fixture("fixed")
        #expect { try ChunkedDataFrame.readHDF([fixed, path], key: "grp/tab") } throws: { error in
            "\(error)".contains(fixed)
        }
    }
}
