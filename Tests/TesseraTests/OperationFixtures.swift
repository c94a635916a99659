import Foundation
import Tessera

/// NumPy's answers for the operation set, written by scripts/make_array_fixtures.py into
/// Fixtures/numpy-operations.json (non-finite values as the strings "nan", "inf", "-inf").
struct OperationFixtures {
    struct Case: Decodable, Sendable {
        let name: String
        let shape: [Int]
        let dtype: String
        let values: [Double]

        private enum Keys: String, CodingKey { case name, shape, dtype, values }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Keys.self)
            name = try container.decode(String.self, forKey: .name)
            shape = try container.decode([Int].self, forKey: .shape)
            dtype = try container.decode(String.self, forKey: .dtype)
            var list = try container.nestedUnkeyedContainer(forKey: .values)
            var values: [Double] = []
            while !list.isAtEnd {
                if let number = try? list.decode(Double.self) {
                    values.append(number)
                } else {
                    switch try list.decode(String.self) {
                    case "inf": values.append(.infinity)
                    case "-inf": values.append(-.infinity)
                    default: values.append(.nan)
                    }
                }
            }
            self.values = values
        }
    }

    private struct File: Decodable { let cases: [Case] }

    static let all: [Case] = {
        guard let url = Bundle.module.url(forResource: "numpy-operations", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()

    /// The dtype Tessera gives where NumPy gives `name` (Tessera has no float16).
    static func expectedDType(_ name: String) -> DType? {
        name == "float16" ? .float32 : DType(numpyName: name)
    }
}

/// The inputs of the operation fixtures, cut into chunks by one of several plans.
struct FixtureInputs {
    /// How inputs are chunked: whole, in two uneven blocks per axis, or one element per block.
    enum Plan: String, CaseIterable, Sendable, CustomStringConvertible {
        case whole, uneven, single
        var description: String { rawValue }
    }

    let plan: Plan

    func chunked(_ host: NDArray) throws -> ChunkedArray {
        let chunks: ChunkSpec
        switch plan {
        case .whole: chunks = .uniform(host.shape.map { _ in -1 })
        case .uneven: chunks = .uniform(host.shape.map { $0 >= 3 ? $0 / 2 + 1 : Swift.max($0, 1) })
        case .single: chunks = .uniform(host.shape.map { _ in 1 })
        }
        return try ChunkedArray.fromArray(host, chunks: chunks)
    }

    static func grid(_ count: Int, shape: [Int], _ f: (Int) -> Double) throws -> NDArray {
        try NDArray((0..<count).map(f), shape: shape)
    }

    // The same inputs as the generator's.
    var x: ChunkedArray { get throws { try chunked(Self.grid(24, shape: [4, 6]) { Double($0) }) } }
    var xn: ChunkedArray {
        get throws {
            try chunked(Self.grid(24, shape: [4, 6]) { k in k == 9 || k == 12 ? .nan : Double(k) - 10 })
        }
    }
    var b3: ChunkedArray { get throws { try chunked(Self.grid(60, shape: [3, 4, 5]) { Double($0) / 7 }) } }
    var i: ChunkedArray { get throws { try chunked(NDArray((0..<24).map { Int64($0) - 11 }, shape: [4, 6])) } }
    var s: ChunkedArray { get throws { try chunked(Self.grid(36, shape: [6, 6]) { Double($0) / 3 }) } }
    var v: ChunkedArray { get throws { try chunked(Self.grid(6, shape: [6]) { Double($0) }) } }
    var c: ChunkedArray { get throws { try chunked(Self.grid(4, shape: [4, 1]) { Double($0) }) } }
    var w: ChunkedArray {
        get throws {
            try chunked(Self.grid(24, shape: [4, 6]) { k in
                fmod(Double(k) * 7.3, 5) - 2
            })
        }
    }
}
