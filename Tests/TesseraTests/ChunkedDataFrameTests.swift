import Synchronization
import Testing
@testable import Tessera
import PandasBackend

/// A source that records which columns and predicates its reads were asked for.
final class RecordingSource: FrameSource, @unchecked Sendable {
    let kind = "recording"
    let frame: DataFrame
    let partitionCount: Int
    let requests = Mutex<[[String]?]>([])

    init(_ frame: DataFrame, partitions: Int) {
        self.frame = frame
        partitionCount = partitions
    }

    var schema: Schema { frame.schema }

    func read(partition index: Int, columns: [String]?, predicate: ColumnExpression?) throws -> DataFrame {
        requests.withLock { $0.append(columns) }
        let size = (frame.rowCount + partitionCount - 1) / partitionCount
        var part = frame.slice(index * size..<min(frame.rowCount, (index + 1) * size))
        if let predicate { part = try part.filter(where: predicate) }
        if let columns { part = try part.selecting(columns) }
        return part
    }
}

@Suite("ChunkedDataFrame: plans, operations, errors")
struct ChunkedDataFrameTests {
    func sample(npartitions: Int) throws -> ChunkedDataFrame {
        try ChunkedDataFrame.fromDict([
            "key": [1, 2, 1, 3, 2, 1, 3, 2],
            "x": [0.5, 1.5, 2.5, nil, 4.0, 5.5, -1.0, 2.0],
            "name": ["a", "b", "c", "d", "e", "f", "g", "h"],
        ], npartitions: npartitions)
    }

    @Test func schemaIsKnownWithoutComputing() throws {
        let df = try sample(npartitions: 3)
        #expect(df.backend == "pandas")
        #expect(df.columns == ["key", "x", "name"])
        #expect(df.npartitions == 3)
        let derived = try df.assign("y", df["x"] * 2).assign("big", df["key"] > 1)
        #expect(derived.schema.fields.map(\.type) == [.int64, .float64, .string, .float64, .bool])
        #expect(try (df["key"] / 2).type == .float64)
        #expect(String(describing: df).contains("npartitions=3"))
    }

    @Test func filterAndAssignMatchHandComputedValues() throws {
        for partitions in [1, 2, 3, 8] {
            let df = try sample(npartitions: partitions)
            let kept = try df[df["x"] > 1.0]
            let out = try kept.assign("y", kept["x"] * 2).compute()
            #expect(out.columnNames == ["key", "x", "name", "y"])
            #expect(out["name"].strings == ["b", "c", "e", "f", "h"])
            #expect(out["y"].toArray(Double.self) == [3.0, 5.0, 8.0, 11.0, 4.0])
            #expect(out.rowCount == 5)
        }
    }

    @Test func logicalAndStringOperators() throws {
        let df = try sample(npartitions: 2)
        let mask = try (df["x"] > 0.0) & (df["key"] == 1)
        #expect(try df[mask].compute()["name"].strings == ["a", "c", "f"])
        let notOne = try df[!(df["key"] == 1)]
        #expect(try notOne.compute().rowCount == 5)
        let upper = try df.assign("u", df["name"].str.upper())
        #expect(try upper.compute()["u"].strings == ["A", "B", "C", "D", "E", "F", "G", "H"])
        #expect(try df[df["name"] >= "f"].compute()["name"].strings == ["f", "g", "h"])
    }

    @Test func projectionAndFilterArePushedIntoTheSource() throws {
        let frame = try DataFrame(["a": [1, 2, 3, 4], "b": [1.0, 2.0, 3.0, 4.0], "c": ["w", "x", "y", "z"], "d": [true, false, true, false]])
        let source = RecordingSource(frame, partitions: 2)
        let df = ChunkedDataFrame.fromSource(source, meta: FrameMeta(backend: "pandas", chunk: frame))
        let query = try df[df["a"] > 1].assign("e", df["b"] * 2)[["e"]]
        let result = try query.compute()
        #expect(result["e"].toArray(Double.self) == [4, 6, 8])
        // Only "b" leaves the source: "a" is read for the filter, inside the source.
        #expect(source.requests.withLock { $0 } .allSatisfy { $0 == ["b"] })
        guard case let .source(_, columns, predicate)? = query.plan.optimized().innermostSource else {
            Issue.record("no source in the optimised plan")
            return
        }
        #expect(columns == ["b"])
        #expect(predicate != nil)
    }

    @Test func partitioningNeverChangesResults() throws {
        let reference = try sample(npartitions: 1)
        let expected = try reference[reference["x"] < 5.0].compute()
        for partitions in 2...8 {
            let df = try sample(npartitions: partitions)
            let result = try df[df["x"] < 5.0].compute()
            #expect(result["x"].toArray(Double.self) == expected["x"].toArray(Double.self))
            let repartitioned = try df.repartition(npartitions: 11 - partitions)
            #expect(try repartitioned.compute()["name"].strings == reference.compute()["name"].strings)
        }
    }

    @Test func headTailConcatPersist() throws {
        let df = try sample(npartitions: 4)
        #expect(try df.head(3)["name"].strings == ["a", "b", "c"])
        #expect(try df.head(5)["name"].strings == ["a", "b", "c", "d", "e"])
        #expect(try df.tail(3)["name"].strings == ["f", "g", "h"])
        #expect(try df.head(0).rowCount == 0)
        let both = try ChunkedDataFrame.concat([df, df])
        #expect(both.npartitions == 8)
        #expect(try both.compute().rowCount == 16)
        let persisted = try df.persist()
        #expect(try persisted.compute()["x"].toArray(Double.self) == df.compute()["x"].toArray(Double.self))
    }

    @Test func dropnaFillnaIsnullAstype() throws {
        let df = try sample(npartitions: 3)
        #expect(try df.dropna().compute().rowCount == 7)
        #expect(try df.fillna(0.0).compute()["x"].toArray(Double.self)[3] == 0)
        #expect(try df.isnull().compute()["x"].toArray(Bool.self) == [false, false, false, true, false, false, false, false])
        #expect(try df.astype(["key": .float64]).schema.type(of: "key") == .float64)
        #expect(try df["x"].isnull().compute().toArray(Bool.self)[3] == true)
    }

    @Test func mapPartitionsChecksItsDeclaredSchema() throws {
        let df = try sample(npartitions: 2)
        let doubled = try df.mapPartitions { frame in try frame.selecting(["key", "x", "name"]) }
        #expect(try doubled.compute().rowCount == 8)
        let wrong = try df.mapPartitions { frame in try frame.selecting(["key"]) }
        #expect(throws: (any Error).self) { try wrong.compute() }
    }

    @Test func badInputThrowsClearErrors() throws {
        let df = try sample(npartitions: 2)
        #expect(throws: FrameError.unknownColumn("nope", available: ["key", "x", "name"])) { try df["nope"] }
        #expect(throws: FrameError.self) { try df["name"] * 2 }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.fromDict(["a": [1]], npartitions: 0) }
        #expect(throws: FrameOperationError.self) { try ChunkedDataFrame.fromDict(["a": [1]], chunksize: -1) }
        #expect(throws: FrameError.self) { try ChunkedDataFrame.fromDict(["a": [1, 2], "b": [1]]) }
        let other = try sample(npartitions: 2)
        #expect(throws: FrameOperationError.self) { try df[other["x"] > 1.0] }
        #expect(throws: FrameOperationError.self) { try df.repartition(npartitions: 0) }
        #expect(throws: (any Error).self) { try df.groupby("nope") }
        do {
            _ = try Config.set(["dataframe.backend": "cudf"]) { try ChunkedDataFrame.fromDict(["a": [1]]) }
            Issue.record("cudf should be unavailable here")
        } catch let error as BackendError {
            #expect(String(describing: error).contains("cudf"))
        }
        #expect(throws: BackendError.self) {
            try Config.set(["dataframe.backend": "nosuch"]) { try ChunkedDataFrame.fromDict(["a": [1]]) }
        }
        // The pandas backend reads ORC: a missing file is named.
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readORC("x.orc") }
        #expect(throws: FileFormatError.self) { try ChunkedDataFrame.readParquet("x.parquet") }
    }
}

extension FramePlan {
    /// The source node at the bottom of a chain of one-input nodes.
    var innermostSource: FramePlan? {
        switch self {
        case .source: self
        case let .select(input, _), let .filter(input, _), let .assign(input, _, _), let .dropNulls(input, _),
             let .mapPartitions(input, _, _), let .repartition(input, _), let .partition(input, _),
             let .aggregate(input, _, _, _, _), let .hashAggregate(input, _, _, _, _), let .shuffle(input, _, _),
             let .sort(input, _, _, _), let .dropDuplicates(input, _, _, _):
            input.innermostSource
        case .concat, .merge: nil
        }
    }
}

@Suite("ChunkedDataFrame: groupby and reductions")
struct ChunkedDataFrameAggregationTests {
    @Test func groupbyMatchesHandComputedValuesForEveryPartitioning() throws {
        for partitions in [1, 2, 3, 8] {
            let df = try ChunkedDataFrame.fromDict([
                "key": [1, 2, 1, 3, 2, 1, 3, 2],
                "x": [0.5, 1.5, 2.5, nil, 4.0, 5.5, -1.0, 2.0],
            ], npartitions: partitions)
            let out = try df.groupby("key").agg(["x": [.mean, .count]]).compute()
            #expect(out.columnNames == ["key", "x_mean", "x_count"])
            #expect(out["key"].toArray(Int.self) == [1, 2, 3])
            #expect(out["x_mean"].toArray(Double.self) == [8.5 / 3.0, 2.5, -1.0])
            #expect(out["x_count"].toArray(Int.self) == [3, 3, 1])
            #expect(throws: FrameError.duplicateColumn("key")) { try df.groupby("key").agg(["key": .count]) }
            #expect(try df["x"].sum().item(Double.self) == 15.0)
            #expect(try df["x"].count().item(Int.self) == 7)
        }
    }

    @Test func aggregatingAnEmptySelectionGivesNoGroups() throws {
        let df = try ChunkedDataFrame.fromDict(["key": [1, 2], "x": [0.5, 1.5]], npartitions: 2)
        let none = try df[df["x"] > 10.0]
        #expect(try none.groupby("key").agg(["x": .sum]).compute().rowCount == 0)
        #expect(try none["x"].sum().item(Double.self) == 0)
    }
}
