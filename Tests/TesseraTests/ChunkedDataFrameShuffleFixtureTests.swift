import Testing
@testable import Tessera

/// Shuffles, joins, sorts and shuffled aggregations against pandas' answers
/// (scripts/make_shuffle_fixtures.py), for every partitioning of the inputs and several output
/// partition counts: the partitioning never changes a result.
@Suite("Shuffle-based operations against pandas")
struct ChunkedDataFrameShuffleFixtureTests {
    @Test("The pandas fixtures are present")
    func fixturesLoad() throws {
        let fixtures = try #require(ShuffleFixtures.shared)
        #expect(fixtures.cases.count >= 50)
        #expect(ShuffleFixtures.caseNames("merge").count == 29)
    }

    /// The strategies a merge is tried with: automatic, hash into the default, one and four
    /// partitions, and broadcasting where the kind allows.
    static func strategies(_ how: JoinKind) -> [(broadcast: Bool?, npartitions: Int?)] {
        var result: [(Bool?, Int?)] = [(nil, nil), (false, nil), (false, 1), (false, 4)]
        if how != .outer { result.append((true, nil)) }
        return result
    }

    @Test("merge matches pandas for every partitioning and strategy", arguments: ShuffleFixtures.caseNames("merge"))
    func merge(_ name: String) throws {
        let fixture = try ShuffleFixtures.fixtureCase(name)
        let left = try ShuffleFixtures.frame(try #require(fixture.frame))
        let right = try ShuffleFixtures.frame(try #require(fixture.right))
        let kind = try #require(fixture.how)
        let how = try #require(JoinKind(rawValue: kind))
        let suffixes = try #require(fixture.suffixes)
        let leftSchemes = Partitioning.schemes(rows: left.rowCount)
        let rightSchemes = [[0, right.rowCount], [0, right.rowCount / 2, right.rowCount / 2, right.rowCount]]
        for leftCuts in leftSchemes {
            for rightCuts in rightSchemes {
                for (broadcast, npartitions) in Self.strategies(how) {
                    let joined = try Partitioning.chunked(left, cuts: leftCuts).merge(
                        Partitioning.chunked(right, cuts: rightCuts), leftOn: try #require(fixture.leftOn),
                        rightOn: try #require(fixture.rightOn), how: how, suffixes: (suffixes[0], suffixes[1]),
                        broadcast: broadcast, npartitions: npartitions)
                    let result = try joined.compute()
                    let problems = ShuffleFixtures.differences(result, fixture.expected, ordered: false)
                    #expect(problems.isEmpty,
                            "\(name), left \(leftCuts), right \(rightCuts), broadcast \(String(describing: broadcast)), npartitions \(String(describing: npartitions)): \(problems.joined(separator: "; "))")
                }
            }
        }
    }

    @Test("sortValues matches pandas' stable sort, row for row", arguments: ShuffleFixtures.caseNames("sort"))
    func sort(_ name: String) throws {
        let fixture = try ShuffleFixtures.fixtureCase(name)
        let frame = try ShuffleFixtures.frame(try #require(fixture.frame))
        let nulls: NullPlacement = fixture.naPosition == "first" ? .first : .last
        for cuts in Partitioning.schemes(rows: frame.rowCount) {
            for npartitions in [nil, 1, 3, 8, 40] {
                let sorted = try Partitioning.chunked(frame, cuts: cuts).sortValues(
                    try #require(fixture.by), ascending: fixture.ascending, naPosition: nulls, npartitions: npartitions)
                let problems = ShuffleFixtures.differences(try sorted.compute(), fixture.expected, ordered: true)
                #expect(problems.isEmpty, "\(name), cuts \(cuts), npartitions \(String(describing: npartitions)): \(problems.joined(separator: "; "))")
            }
        }
        // The host kernel alone agrees too.
        let keys = zip(try #require(fixture.by), try #require(fixture.ascending)).map { SortKey(column: $0, ascending: $1) }
        let problems = ShuffleFixtures.differences(try frame.sorted(by: keys, nulls: nulls), fixture.expected, ordered: true)
        #expect(problems.isEmpty, "\(name), host kernel: \(problems.joined(separator: "; "))")
    }

    @Test("dropDuplicates keeps pandas' rows", arguments: ShuffleFixtures.caseNames("drop_duplicates"))
    func dropDuplicates(_ name: String) throws {
        let fixture = try ShuffleFixtures.fixtureCase(name)
        let frame = try ShuffleFixtures.frame(try #require(fixture.frame))
        let keepName = try #require(fixture.keep)
        let keep = try #require(DuplicateKeep(rawValue: keepName))
        for cuts in Partitioning.schemes(rows: frame.rowCount) {
            for splitOut in [nil, 1, 3] {
                let result = try Partitioning.chunked(frame, cuts: cuts).dropDuplicates(subset: fixture.subset, keep: keep, splitOut: splitOut)
                let problems = ShuffleFixtures.differences(try result.compute(), fixture.expected, ordered: false)
                #expect(problems.isEmpty, "\(name), cuts \(cuts), splitOut \(String(describing: splitOut)): \(problems.joined(separator: "; "))")
            }
        }
        let host: DataFrame = try frame.droppingDuplicates(subset: fixture.subset, keep: keep)
        #expect(ShuffleFixtures.differences(host, fixture.expected, ordered: true).isEmpty, "\(name): the host kernel keeps pandas' order")
    }

    @Test("groupby with splitOut matches pandas", arguments: ShuffleFixtures.caseNames("groupby"))
    func groupby(_ name: String) throws {
        let fixture = try ShuffleFixtures.fixtureCase(name)
        let frame = try ShuffleFixtures.frame(try #require(fixture.frame))
        let keys = try #require(fixture.keys)
        for cuts in Partitioning.schemes(rows: frame.rowCount) {
            for splitOut in [1, 2, 5] {
                let grouped = try Partitioning.chunked(frame, cuts: cuts).groupby(keys, dropna: fixture.dropna ?? true, splitOut: splitOut)
                let result = try grouped.agg(try fixture.aggregationSpecs())
                #expect(result.npartitions == splitOut)
                // One output partition is sorted by key as pandas; several are sorted within each.
                let problems = ShuffleFixtures.differences(try result.compute(), fixture.expected, ordered: splitOut == 1)
                #expect(problems.isEmpty, "\(name), cuts \(cuts), splitOut \(splitOut): \(problems.joined(separator: "; "))")
            }
        }
    }

    @Test("valueCounts and nunique at scale match pandas",
          arguments: ShuffleFixtures.caseNames("value_counts") + ShuffleFixtures.caseNames("nunique"))
    func counts(_ name: String) throws {
        let fixture = try ShuffleFixtures.fixtureCase(name)
        let frame = try ShuffleFixtures.frame(try #require(fixture.frame))
        let column = try #require(fixture.column)
        for cuts in Partitioning.schemes(rows: frame.rowCount) {
            for splitOut in [1, 3] {
                let series = try Partitioning.chunked(frame, cuts: cuts)[column]
                if fixture.op == "nunique" {
                    let expected = try #require(fixture.expected.columns.first?.values.first?.cell)
                    let value = try series.nunique(splitOut: splitOut).compute()
                    #expect(Cell.equal([Cell(value)], [expected], rtol: 0), "\(name), cuts \(cuts), splitOut \(splitOut)")
                } else {
                    let counts = try series.valueCounts(splitOut: splitOut).compute()
                    let problems = ShuffleFixtures.differences(counts, fixture.expected, ordered: true)
                    #expect(problems.isEmpty, "\(name), cuts \(cuts), splitOut \(splitOut): \(problems.joined(separator: "; "))")
                }
            }
        }
    }

    /// SplitMix64, as the fixture script computes it with NumPy's wrapping uint64 arithmetic.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The many-groups frame of the fixture script: `key`, `x`, `y` from the row number.
    static func manyGroupsFrame(rows: Int, groups: Int) throws -> DataFrame {
        let indices = (0..<UInt64(rows))
        let key = indices.map { Int64(mix($0) % UInt64(groups)) }
        let x = indices.map { Double(mix($0 ^ 0x5555) >> 11) * 0x1p-53 }
        let y = indices.map { Int64(mix($0 &+ 7) % 1000) }
        return try DataFrame(["key": ColumnValues(key), "x": ColumnValues(x), "y": ColumnValues(y)])
    }

    @Test("groupby of 100k groups through a shuffle matches pandas' digests")
    func manyGroups() throws {
        let fixture = try ShuffleFixtures.fixtureCase("groupby_100k_groups")
        let digest = try #require(fixture.digest)
        let frame = try Self.manyGroupsFrame(rows: try #require(fixture.rows), groups: try #require(fixture.groups))
        let df = Partitioning.chunked(frame, cuts: (0...6).map { frame.rowCount * $0 / 6 })
        let grouped = try df.groupby("key", splitOut: 8).agg([
            AggregationSpec(column: "x", aggregation: .sum, outputName: "x_sum"),
            AggregationSpec(column: "x", aggregation: .mean, outputName: "x_mean"),
            AggregationSpec(column: "x", aggregation: .max, outputName: "x_max"),
            AggregationSpec(column: "y", aggregation: .sum, outputName: "y_sum"),
            AggregationSpec(column: "y", aggregation: .count, outputName: "y_count"),
            AggregationSpec(column: "y", aggregation: .min, outputName: "y_min"),
        ])
        let result = try grouped.sortValues("key").compute()
        #expect(result.rowCount == digest.groups)
        let keys = result["key"].toArray(Int64.self).map { Double(($0 ?? 0) % 97 + 1) }
        for (column, expected) in digest.weightedSums {
            let values = result[column].column.doubles().map { $0 ?? .nan }
            let sum = zip(values, keys).reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(abs(sum - expected) <= 1e-9 * abs(expected), "\(column): \(sum) vs \(expected)")
        }
        #expect(ShuffleFixtures.differences(result.head(5), digest.head, ordered: true).isEmpty)
        #expect(ShuffleFixtures.differences(result.tail(5).withIndexStart(0), digest.tail, ordered: true).isEmpty)
    }
}
