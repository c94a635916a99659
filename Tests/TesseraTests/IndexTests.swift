import Foundation
import Testing
@testable import Tessera

/// `setIndex`, `divisions`, `loc` and `resetIndex` (Dask's `set_index`, `divisions`, `.loc`,
/// `reset_index`), against references worked out here row by row: setting the index sorts the
/// rows by it and cuts the partitions at known divisions; `loc` gives the rows pandas' `.loc`
/// gives on the sorted frame, reading only the partitions that can hold them. Partitioning never
/// changes a result.
@Suite("Indexes with divisions")
struct IndexTests {
    /// Keys with duplicates and nulls, values 0, 1, 2, ... (the row number).
    static let keys: [Int?] = (0..<200).map { $0 % 17 == 3 ? nil : ($0 * 37) % 61 }
    static let values: [Double] = (0..<200).map(Double.init)

    static func frame(_ npartitions: Int) throws -> ChunkedDataFrame {
        try ChunkedDataFrame.fromDict(["k": ColumnValues(keys), "v": ColumnValues(values)], npartitions: npartitions)
    }

    /// The (key, value) rows with a non-null key, sorted by key then original order (a stable sort).
    static var sortedRows: [(Int, Double)] {
        zip(keys, values).compactMap { key, value in key.map { ($0, value) } }
            .enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
    }

    static func rows(_ frame: DataFrame) -> [(Int?, Double)] {
        let k = frame["k"].column.doubles(), v = frame["v"].column.doubles()
        return (0..<frame.rowCount).map { (k[$0].map { Int($0) }, v[$0] ?? .nan) }
    }

    @Test("setIndex sorts by the index and cuts the partitions at known, sorted divisions", arguments: [1, 3, 7])
    func setIndex(_ npartitions: Int) throws {
        let indexed = try Self.frame(npartitions).setIndex("k", npartitions: npartitions)
        #expect(indexed.index == "k" && indexed.knownDivisions)
        let divisions = try #require(indexed.divisions)
        #expect(divisions.count == indexed.npartitions + 1)
        #expect(zip(divisions, divisions.dropFirst()).allSatisfy { ChunkedDataFrame.compare($0, $1, column: "k")! <= 0 })
        #expect(divisions.first == .int(0) && divisions.last == .int(60))
        // Every partition's keys lie within its divisions; the null keys come last.
        for partition in 0..<indexed.npartitions {
            let part = try indexed.with(.partition(indexed.plan, partition)).compute()
            for (key, _) in Self.rows(part) {
                guard let key else { #expect(partition == indexed.npartitions - 1); continue }
                if case let .int(low) = divisions[partition] { #expect(Int64(key) >= low) }
                if case let .int(high) = divisions[partition + 1] {
                    #expect(partition == indexed.npartitions - 1 ? Int64(key) <= high : Int64(key) < high)
                }
            }
        }
        let all = Self.rows(try indexed.compute())
        let keyed = all.compactMap { key, value in key.map { ($0, value) } }
        #expect(keyed.map(\.0) == Self.sortedRows.map(\.0))
        #expect(Set(keyed.map(\.1)) == Set(Self.sortedRows.map(\.1)))
        #expect(all.count == Self.keys.count)
    }

    @Test("loc of a label and of a range gives pandas' rows and reads only the partitions that can hold them",
          arguments: [1, 4, 9])
    func loc(_ npartitions: Int) throws {
        let indexed = try Self.frame(npartitions).setIndex("k", npartitions: npartitions)
        let reference = Self.sortedRows
        for label in [0, 5, 33, 60, 61, -1] {
            let got = Self.rows(try indexed.loc(FrameLiteral(integerLiteral: Int64(label))).compute())
            let expected = reference.filter { $0.0 == label }
            #expect(got.map(\.0) == expected.map { $0.0 }, "label \(label)")
            #expect(Set(got.map(\.1)) == Set(expected.map(\.1)), "label \(label)")
        }
        for (low, high) in [(10, 20), (0, 60), (59, 100), (-5, 3), (25, 25)] {
            let selected = try indexed.loc(from: FrameLiteral(integerLiteral: Int64(low)), to: FrameLiteral(integerLiteral: Int64(high)))
            let got = Self.rows(try selected.compute())
            let expected = reference.filter { $0.0 >= low && $0.0 <= high }
            #expect(got.map(\.0) == expected.map { $0.0 }, "\(low)...\(high)")
            #expect(Set(got.map(\.1)) == Set(expected.map(\.1)))
            #expect(selected.index == "k" && selected.npartitions <= indexed.npartitions)
        }
        let open = Self.rows(try indexed.loc(from: 50).compute())
        #expect(open.map(\.0) == reference.filter { $0.0 >= 50 }.map { $0.0 })
        if npartitions > 1 {
            // A narrow range touches fewer partitions than the frame has.
            #expect(try indexed.loc(from: 10, to: 12).npartitions < indexed.npartitions)
        }
    }

    @Test("sorted: true takes the divisions from each partition's extremes, without moving rows")
    func presorted() throws {
        let sortedKeys: [Int] = (0..<120).map { $0 / 3 }
        let df = try ChunkedDataFrame.fromDict(["k": ColumnValues(sortedKeys), "v": ColumnValues((0..<120).map(Double.init))],
                                               npartitions: 4)
        let indexed = try df.setIndex("k", sorted: true)
        #expect(indexed.npartitions == 4)
        #expect(indexed.divisions == [.int(0), .int(10), .int(20), .int(30), .int(39)])
        #expect(try indexed.loc(from: 9, to: 10).compute().rowCount == 6)
        let shuffled = try ChunkedDataFrame.fromDict(["k": ColumnValues(sortedKeys.reversed()), "v": ColumnValues((0..<120).map(Double.init))],
                                                     npartitions: 4)
        #expect { try shuffled.setIndex("k", sorted: true) } throws: { "\($0)".contains("overlap") }
    }

    @Test("Given divisions cut the sorted rows there; values outside them and unsorted divisions are errors")
    func givenDivisions() throws {
        let df = try Self.frame(3)
        let indexed = try df.setIndex("k", divisions: [0, 20, 40, 60])
        #expect(indexed.npartitions == 3 && indexed.divisions == [.int(0), .int(20), .int(40), .int(60)])
        let middle = Self.rows(try indexed.with(.partition(indexed.plan, 1)).compute())
        #expect(middle.allSatisfy { ($0.0 ?? -1) >= 20 && ($0.0 ?? -1) < 40 })
        #expect(middle.count == Self.keys.compactMap { $0 }.filter { $0 >= 20 && $0 < 40 }.count)
        #expect { try df.setIndex("k", divisions: [10, 20]) } throws: { "\($0)".contains("outside") }
        #expect { try df.setIndex("k", divisions: [30, 20]) } throws: { "\($0)".contains("not sorted") }
    }

    @Test("The index lasts through filters and selections, and ends with a groupby or resetIndex")
    func lifetime() throws {
        let indexed = try Self.frame(4).setIndex("k")
        let filtered = try indexed[indexed["v"] > 50.0]
        #expect(filtered.index == "k" && filtered.divisions == indexed.divisions)
        #expect(try filtered[["v"]].columns == ["k", "v"])
        #expect(try indexed.assign("w", indexed["v"] * 2.0).index == "k")
        #expect(try indexed.assign("k", indexed["v"]).index == nil)
        #expect(try indexed.groupby("k").sum().index == nil)
        #expect(try indexed.persist().divisions == indexed.divisions)
        let kept = try indexed.resetIndex()
        #expect(kept.index == nil && kept.columns == indexed.columns)
        let dropped = try indexed.resetIndex(drop: true)
        #expect(dropped.index == nil && dropped.columns == ["v"])
        #expect(try dropped.compute().rowCount == Self.keys.count)
    }

    @Test("A timestamp index is selected with date strings")
    func timestamps() throws {
        let day: Int64 = 86_400_000_000_000
        let stamps = (0..<30).map { Int64(($0 * 7) % 30) * day }
        let column = try Column(type: .timestamp(.ns, timeZone: nil), storage: .fixedWidth(NDArray(stamps, shape: [30])))
        let df = try ChunkedDataFrame.fromDict(["t": ColumnValues(column), "v": ColumnValues((0..<30).map(Double.init))],
                                               npartitions: 3)
        let indexed = try df.setIndex("t")
        let week = try indexed.loc(from: "1970-01-02", to: "1970-01-08").compute()
        #expect(week.rowCount == 7)
        #expect { try indexed.loc(from: "not a date") } throws: { "\($0)".contains("not a") }
    }

    @Test("Bad arguments are errors that say why")
    func badArguments() throws {
        let df = try Self.frame(2)
        #expect(throws: FrameError.self) { try df.setIndex("nope") }
        let flags = try ChunkedDataFrame.fromDict(["b": ColumnValues([true, false])], npartitions: 1)
        #expect { try flags.setIndex("b") } throws: { "\($0)".contains("ordered") }
        #expect { try df.loc(3) } throws: { "\($0)".contains("setIndex first") }
        #expect { try df.setIndex("k").loc("three") } throws: { "\($0)".contains("type of the index") }
        #expect { try df.setIndex("k", npartitions: 0) } throws: { "\($0)".contains("positive") }
    }

    @Test("Index joins are partition-wise on aligned divisions and give pandas' rows", arguments: [JoinKind.inner, .left, .right, .outer])
    func indexJoin(_ how: JoinKind) throws {
        let leftKeys: [Int?] = (0..<90).map { $0 % 23 == 4 ? nil : ($0 * 7) % 40 }
        let rightKeys: [Int?] = (0..<50).map { $0 % 19 == 2 ? nil : ($0 * 3) % 60 + 10 }
        let left = try ChunkedDataFrame.fromDict(["k": ColumnValues(leftKeys), "a": ColumnValues((0..<90).map(Double.init))],
                                                 npartitions: 3).setIndex("k")
        let right = try ChunkedDataFrame.fromDict(["k": ColumnValues(rightKeys), "b": ColumnValues((0..<50).map { Double($0) + 0.5 })],
                                                  npartitions: 2).setIndex("k")
        let joined = try left.merge(right, leftIndex: true, rightIndex: true, how: how)
        #expect(joined.index == "k" && joined.knownDivisions)
        // The same rows as pandas: every (left, right) pair with equal keys (null meets null), plus
        // the unmatched rows of the kept sides.
        var expected: [String] = []
        var matchedRight = Set<Int>()
        for (i, lk) in leftKeys.enumerated() {
            let matches = rightKeys.indices.filter { rightKeys[$0] == lk }
            for j in matches { expected.append("\(lk.map(String.init) ?? "-")|\(Double(i))|\(Double(j) + 0.5)"); matchedRight.insert(j) }
            if matches.isEmpty, how == .left || how == .outer { expected.append("\(lk.map(String.init) ?? "-")|\(Double(i))|-") }
        }
        if how == .right || how == .outer {
            for (j, rk) in rightKeys.enumerated() where !matchedRight.contains(j) {
                expected.append("\(rk.map(String.init) ?? "-")|-|\(Double(j) + 0.5)")
            }
        }
        let frame = try joined.compute()
        let k = frame["k"].column.doubles(), a = frame["a"].column.doubles(), b = frame["b"].column.doubles()
        let got = (0..<frame.rowCount).map { row in
            "\(k[row].map { String(Int($0)) } ?? "-")|\(a[row].map { "\($0)" } ?? "-")|\(b[row].map { "\($0)" } ?? "-")"
        }
        #expect(got.sorted() == expected.sorted())
        // The same answer as the hash merge on the columns.
        let hashed = try left.resetIndex().merge(right.resetIndex(), on: "k", how: how).compute()
        #expect(hashed.rowCount == frame.rowCount)
    }

    @Test("An index join needs indexes on both sides")
    func indexJoinErrors() throws {
        let plain = try Self.frame(2)
        let indexed = try plain.setIndex("k")
        #expect { try plain.merge(indexed, leftIndex: true, rightIndex: true) } throws: { "\($0)".contains("setIndex first") }
        #expect { try indexed.merge(indexed, leftIndex: true, rightIndex: false) } throws: { "\($0)".contains("not supported") }
    }
}
