import Testing
@testable import Backends

@Suite("ArrayStorage windows")
struct ArrayStorageTests {
    @Test("A window reads the parent's bytes and keeps the parent alive")
    func windowSharesAndRetains() throws {
        weak var weakParent: ArrayStorage?
        let window: ArrayStorage
        do {
            let parent = ArrayStorage(byteCount: 8 * 100)
            let values = parent.bytes.bindMemory(to: Int64.self, capacity: 100)
            for index in 0..<100 { values[index] = Int64(index * 3) }
            weakParent = parent
            window = try #require(ArrayStorage(viewing: parent, byteOffset: 8 * 40, byteCount: 8 * 10))
        }
        #expect(weakParent != nil)
        let array = NDArray(shape: [10], dtype: .int64, storage: window)
        #expect(array.toArray(Int64.self) == (40..<50).map { Int64($0 * 3) })
        // A window of a window points into the original buffer.
        let inner = try #require(ArrayStorage(viewing: window, byteOffset: 8 * 2, byteCount: 8 * 3))
        #expect(NDArray(shape: [3], dtype: .int64, storage: inner).toArray(Int64.self) == [126, 129, 132])
    }

    @Test("A window outside the parent is refused", arguments: [(-8, 8), (0, 801), (800, 1), (792, 16), (0, -1)])
    func outOfRange(offset: Int, count: Int) {
        let parent = ArrayStorage(byteCount: 800)
        #expect(ArrayStorage(viewing: parent, byteOffset: offset, byteCount: count) == nil)
    }

    @Test("The whole parent and an empty window at its end are valid")
    func edges() {
        let parent = ArrayStorage(byteCount: 800)
        #expect(ArrayStorage(viewing: parent, byteOffset: 0, byteCount: 800) != nil)
        #expect(ArrayStorage(viewing: parent, byteOffset: 800, byteCount: 0) != nil)
    }
}
