import FileFormats
import Testing

@Suite struct FileFormatErrorTests {
    @Test func messageNamesFileAndLocation() {
        #expect(FileFormatError(path: "a.csv", location: .line(3), message: "Bad.").description == "a.csv, line 3: Bad.")
        #expect(FileFormatError(path: "a.csv", location: .byteOffset(10), message: "Bad.").description == "a.csv, byte 10: Bad.")
        #expect(FileFormatError(path: "a.csv", message: "Bad.").description == "a.csv: Bad.")
    }
}
