import Foundation
import Tessera

/// NumPy's answers, written by scripts/make_array_fixtures.py.
struct NumPyFixtures {
    struct Case: Decodable {
        let name: String
        let shape: [Int]
        let dtype: String
        let values: [Double]
    }

    private struct File: Decodable { let cases: [Case] }

    static let shared: [String: Case] = {
        guard let url = Bundle.module.url(forResource: "numpy-arrays", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let file = try? JSONDecoder().decode(File.self, from: data) else { return [:] }
        return Dictionary(uniqueKeysWithValues: file.cases.map { ($0.name, $0) })
    }()

    static subscript(name: String) -> Case? { shared[name] }
}
