import Backends
import Testing
@testable import PandasBackend

@Suite("groupby, value_counts and describe against pandas")
struct GroupByFixtureTests {
    @Test("The pandas fixtures are present")
    func fixturesLoad() throws {
        let fixtures = try #require(GroupByFixtures.shared)
        #expect(fixtures.cases.count >= 20)
        #expect(fixtures.frames.keys.sorted() == ["mixed", "wide"])
    }

    @Test("Matches pandas on one frame", arguments: GroupByFixtures.caseNames)
    func matchesPandas(_ name: String) throws {
        let fixture = try GroupByFixtures.fixtureCase(name)
        var frame = try GroupByFixtures.frame(fixture.frame)
        if let rows = fixture.rows { frame = frame.groupingGather(rows.map { Int32($0) }) }
        let result: DataFrame
        switch fixture.op {
        case "groupby":
            result = try frame.groupby(keys: fixture.keys ?? [], specs: try fixture.aggregationSpecs(), dropna: fixture.dropna ?? true)
        case "value_counts":
            result = try frame.valueCounts(try #require(fixture.column), dropna: fixture.dropna ?? true)
        case "describe":
            let selected = try (fixture.columns ?? []).map { try frame.column($0) }
            result = try DataFrame(columns: selected).describe()
        default:
            Issue.record("unknown operation \(fixture.op)")
            return
        }
        let problems = GroupByFixtures.differences(result, fixture.expected)
        #expect(problems.isEmpty, "\(name): \(problems.prefix(8).joined(separator: "; "))")
    }

    @Test("Matches pandas when the frame is split into partitions and merged as a tree",
          arguments: GroupByFixtures.caseNames.filter { name in (try? GroupByFixtures.fixtureCase(name).op) == "groupby" })
    func matchesPandasPartitioned(_ name: String) throws {
        let fixture = try GroupByFixtures.fixtureCase(name)
        var frame = try GroupByFixtures.frame(fixture.frame)
        if let rows = fixture.rows { frame = frame.groupingGather(rows.map { Int32($0) }) }
        let keys = fixture.keys ?? [], specs = try fixture.aggregationSpecs(), dropna = fixture.dropna ?? true
        for pieces in [2, 3, 5] {
            let parts = GroupByTestSupport.slices(frame, pieces: pieces)
            let partials = try parts.map { try $0.groupbyPartial(keys: keys, specs: specs, dropna: dropna) }
            let merged = try GroupByTestSupport.treeCombine(partials, splitEvery: 2, keys: keys, specs: specs)
            let result = try merged.groupbyFinalize(keys: keys, specs: specs)
            let problems = GroupByFixtures.differences(result, fixture.expected)
            #expect(problems.isEmpty, "\(name) in \(pieces) pieces: \(problems.prefix(8).joined(separator: "; "))")
        }
    }
}
