import Foundation
import Testing
@testable import Tessera
@testable import PandasBackend

/// Whole-frame reductions over a filter (`df[df.a > 0].assign(c=...).c.sum()`) are lowered to one
/// call per partition, which the "pandas" backend computes without materialising the filtered
/// rows when the aggregation skips NaN. These compare every reduction with values worked out here
/// in Swift from the same rows, over partitionings that leave some partitions empty after the filter.
@Suite("Reductions over a filter: fused and unfused paths agree with hand-computed values")
struct FilteredAggregateTests {
    /// Rows of a, b (with NaN in b), an integer column n and a nullable column z.
    static let rows: (a: [Double], b: [Double], n: [Int], z: [Double?]) = {
        var a: [Double] = [], b: [Double] = [], n: [Int] = [], z: [Double?] = []
        for i in 0..<97 {
            a.append(i < 30 ? -1 - Double(i) : Double((i * 37) % 23) - 11.5)      // the first partitions all rejected
            b.append(i % 11 == 3 ? .nan : Double(i % 7) * 0.25 + 1)
            n.append((i * 13) % 17 - 8)
            z.append(i % 5 == 0 ? nil : Double(i) / 4)
        }
        return (a, b, n, z)
    }()

    func frame(_ npartitions: Int, persisted: Bool) throws -> ChunkedDataFrame {
        let r = Self.rows
        let df = try ChunkedDataFrame.fromDict(["a": ColumnValues(r.a), "b": ColumnValues(r.b), "n": ColumnValues(r.n),
                                                "z": ColumnValues(r.z)], npartitions: npartitions)
        return persisted ? try df.persist() : df
    }

    /// The values `a * b` of the rows with `a > 0`, NaN left out (pandas' skipna).
    static var kept: [Double] {
        zip(rows.a, rows.b).filter { $0.0 > 0 }.map { $0.0 * $0.1 }.filter { !$0.isNaN }
    }

    static func close(_ x: Double, _ y: Double) -> Bool {
        (x.isNaN && y.isNaN) || abs(x - y) <= 1e-12 * Swift.max(1, abs(y))
    }

    @Test("sum, mean, min, max, std, var of an assigned column over a filter", arguments: [1, 3, 8])
    func nanSkippingReductions(_ npartitions: Int) throws {
        let kept = Self.kept
        let mean = kept.reduce(0, +) / Double(kept.count)
        let variance = kept.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(kept.count - 1)
        for persisted in [false, true] {
            let df = try frame(npartitions, persisted: persisted)
            let filtered = try df[df["a"] > 0.0]
            let c = try filtered.assign("c", filtered["a"] * filtered["b"])["c"]
            #expect(Self.close(try c.sum().item(Double.self), kept.reduce(0, +)))
            #expect(Self.close(try c.mean().item(Double.self), mean))
            #expect(try c.min().item(Double.self) == kept.min())
            #expect(try c.max().item(Double.self) == kept.max())
            #expect(Self.close(try c.std().item(Double.self), variance.squareRoot()))
            #expect(try c.count().item(Int.self) == kept.count)
        }
    }

    @Test("The benchmark's query is lowered to one filtered reduction per partition")
    func loweredToOneCall() throws {
        let df = try frame(4, persisted: true)
        let kept = try df[df["a"] > 0.0]
        let scalar = try kept.assign("c", kept["a"] * kept["b"])["c"].sum()
        guard case let .aggregate(input, _, _, _, _) = scalar.frame.plan.optimized() else {
            Issue.record("the plan is not an aggregation")
            return
        }
        let chain = try #require(input.filteredChain)
        #expect(chain.predicate.columnNames == ["a"] && chain.steps.count >= 1)
    }

    @Test("A reassigned column is read as it was when the later expression was assigned")
    func reassignment() throws {
        let df = try frame(4, persisted: true)
        let filtered = try df[df["a"] > 0.0]
        let doubled = try filtered.assign("a", filtered["a"] * 2.0)
        let shifted = try doubled.assign("c", doubled["a"] + 1.0)
        let expected = Self.rows.a.filter { $0 > 0 }.map { $0 * 2 + 1 }.reduce(0, +)
        #expect(Self.close(try shifted["c"].sum().item(Double.self), expected))
    }

    @Test("Integer values, nulls and a filter on another column take the unfused path with the same answers")
    func fallbacks() throws {
        let df = try frame(5, persisted: true)
        let r = Self.rows
        let byB = try df[df["b"] > 1.5]
        #expect(try byB["n"].sum().item(Int.self) == zip(r.b, r.n).filter { $0.0 > 1.5 }.map(\.1).reduce(0, +))
        let zSum = zip(r.a, r.z).filter { $0.0 < 0 }.compactMap(\.1).reduce(0, +)
        let negative = try df[df["a"] < 0.0]
        #expect(Self.close(try negative["z"].sum().item(Double.self), zSum))
        // Only the filter's column differs from the reduced one: the predicate column is read too.
        let bSum = zip(r.a, r.b).filter { $0.0 > 0 && !$0.1.isNaN }.map(\.1).reduce(0, +)
        #expect(Self.close(try df[df["a"] > 0.0]["b"].sum().item(Double.self), bSum))
    }

    @Test("Every row filtered out: sum 0, mean and max undefined, as the unfused path gives")
    func nothingKept() throws {
        let df = try frame(3, persisted: true)
        let none = try df[df["a"] > 1e9]
        let assigned = try none.assign("c", none["a"] * none["b"])
        let fused = try assigned["c"]
        let unfused = try assigned.persist()["c"]       // the filtered rows materialised first
        #expect(try fused.sum().item(Double.self) == 0)
        #expect(try fused.mean().compute() == .null)
        for reduce in [{ try $0.sum() }, { try $0.mean() }, { try $0.max() }, { try $0.std() }] as [(ChunkedSeries) throws -> ChunkedScalar] {
            #expect(try reduce(fused).compute() == reduce(unfused).compute())
        }
    }

    @Test("The fused partial state equals the state of the filtered, assigned frame; other inputs are declined")
    func fusedState() throws {
        let r = Self.rows
        let frame = try DataFrame(["a": ColumnValues(r.a), "b": ColumnValues(r.b), "n": ColumnValues(r.n),
                                   "z": ColumnValues(r.z)])
        let predicate = ColumnExpression.binary(.greater, .column("a"), .literal(.double(0)))
        let product = ColumnExpression.binary(.multiply, .column("a"), .column("b"))
        let aggregations: [Aggregation] = [.sum, .mean, .std, .min, .max, .count, .size]
        let specs = aggregations.map { AggregationSpec(column: "c", aggregation: $0, outputName: $0.rawValue) }
        let fused = try #require(try frame.fusedFilteredPartial(where: predicate, steps: [.assign("c", product)], specs: specs))
        let filtered = try #require(try frame.filtering(predicate).assigning("c", product) as? DataFrame)
        let reference = try filtered.groupbyPartial(keys: [], specs: specs)
        #expect(fused.columnNames == reference.columnNames)
        for name in reference.columnNames {
            switch (try fused.column(name)[0], try reference.column(name)[0]) {
            case let (.double(x), .double(y)): #expect(Self.close(x, y), "\(name): \(x) vs \(y)")
            case let (x, y): #expect(x == y, "\(name)")
            }
        }
        // Integer values, a nullable column and a non-fusable aggregation take the unfused path.
        let nSum = [AggregationSpec(column: "n", aggregation: .sum, outputName: "n")]
        #expect(try frame.fusedFilteredPartial(where: predicate, steps: [], specs: nSum) == nil)
        let zSum = [AggregationSpec(column: "z", aggregation: .sum, outputName: "z")]
        #expect(try frame.fusedFilteredPartial(where: predicate, steps: [], specs: zSum) == nil)
        let first = [AggregationSpec(column: "b", aggregation: .first, outputName: "b")]
        #expect(try frame.fusedFilteredPartial(where: predicate, steps: [], specs: first) == nil)
    }

    @Test("Thousands of rows, several tiles per partition: fused reductions equal the materialised ones",
          arguments: [1, 3, 7])
    func manyTiles(_ npartitions: Int) throws {
        let n = 20_011
        var a: [Double] = [], b: [Double] = []
        for i in 0..<n {
            a.append(Double((i * 7919) % 1013) - 506.5)
            b.append(i % 97 == 1 ? .nan : Double((i * 31) % 59) / 8)
        }
        let df = try ChunkedDataFrame.fromDict(["a": ColumnValues(a), "b": ColumnValues(b)], npartitions: npartitions).persist()
        let positive = try df["a"] > 0.0
        let small = try df["b"] < 5.0
        let kept = try df[try positive & small]
        let fused = try kept.assign("c", kept["a"] * kept["b"] - 1.0)["c"]
        let materialised = try kept.assign("c", kept["a"] * kept["b"] - 1.0).persist()["c"]
        for reduce in [{ try $0.sum() }, { try $0.mean() }, { try $0.min() }, { try $0.max() }, { try $0.std() },
                       { try $0.var() }, { try $0.count() }] as [(ChunkedSeries) throws -> ChunkedScalar] {
            switch (try reduce(fused).compute(), try reduce(materialised).compute()) {
            case let (.double(x), .double(y)): #expect(Self.close(x, y) || abs(x - y) <= 1e-9 * Swift.max(1.0, abs(y)))
            case let (x, y): #expect(x == y)
            }
        }
    }
}
