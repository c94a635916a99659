import Testing
@testable import Tessera

/// A groupby without `splitOut` chooses a tree reduction or a shuffle from the estimated number of
/// groups (`automaticSplitOut(keys:)`); the choice never changes the groups, only how they meet.
@Suite("Automatic splitOut")
struct AutomaticSplitOutTests {
    static func frame(distinct: Int, rows: Int = 4_000, npartitions: Int = 4) throws -> ChunkedDataFrame {
        let keys = (0..<rows).map { ($0 * 7919) % distinct }
        return try ChunkedDataFrame.fromDict(["k": ColumnValues(keys), "x": ColumnValues((0..<rows).map(Double.init))],
                                             npartitions: npartitions)
    }

    @Test("Few groups reduce by tree; many groups (past the configured count) shuffle into every partition")
    func choice() throws {
        try Config.set(["dataframe.groupby.split-out-groups": 1_000]) { () throws in
            #expect(try Self.frame(distinct: 10).automaticSplitOut(keys: ["k"]) == 1)
            // 4,000 distinct keys: the first partition's 1,000 rows are all distinct, so 4,000 groups are estimated.
            #expect(try Self.frame(distinct: 4_000).automaticSplitOut(keys: ["k"]) == 4)
            #expect(try Self.frame(distinct: 4_000, npartitions: 1).automaticSplitOut(keys: ["k"]) == 1)
            // A frame of one partition, or an explicit splitOut, decides without sampling.
            #expect(try Self.frame(distinct: 4_000).groupby("k", splitOut: 1).sum().npartitions == 1)
            #expect(try Self.frame(distinct: 4_000).groupby("k").sum().npartitions == 4)
        }
        // The default threshold (a million groups) keeps small frames on the tree reduction.
        #expect(try Self.frame(distinct: 4_000).groupby("k").sum().npartitions == 1)
    }

    @Test("The shuffled result holds the same groups as the tree reduction")
    func sameGroups() throws {
        let df = try Self.frame(distinct: 3_000)
        let tree = try df.groupby("k", splitOut: 1).agg(["x": .sum]).compute()
        let shuffled = try Config.set(["dataframe.groupby.split-out-groups": 100]) {
            try df.groupby("k").agg(["x": .sum])
        }
        #expect(shuffled.npartitions == 4)
        let sorted = try shuffled.sortValues("k", npartitions: 1).compute()
        #expect(sorted["k"].column.doubles() == tree["k"].column.doubles())
        #expect(sorted["x"].column.doubles() == tree["x"].column.doubles())
    }

    @Test("A non-positive splitOut is an error")
    func badSplitOut() throws {
        #expect(throws: FrameOperationError.self) { try Self.frame(distinct: 5).groupby("k", splitOut: 0) }
    }
}
