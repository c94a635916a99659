import Foundation
import Tessera

/// A fresh directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory: @unchecked Sendable {
    /// The directory's path (no trailing slash).
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-io-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` (creating subdirectories) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    /// The text of `name`.
    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
}

/// Every cell of a frame, column by column, for comparing frames.
func cells(_ frame: DataFrame) -> [[FrameValue]] {
    frame.columns.map { series in (0..<series.count).map { series[$0] } }
}

/// The error a computation failed with, unwrapped from the scheduler's `TaskError`.
func rootError(_ error: any Error) -> any Error {
    if let task = error as? TaskError { return rootError(task.underlying) }
    return error
}

/// The fixtures of scripts/make_io_fixtures.py.
enum IOFixtures {
    /// The path of fixture `name` in Fixtures/io.
    static func path(_ name: String) -> String {
        let url = Bundle.module.url(forResource: (name as NSString).deletingPathExtension, withExtension: (name as NSString).pathExtension,
                                    subdirectory: "Fixtures/io")
        return url?.path ?? "missing-fixture-\(name)"
    }

    /// pandas' groupby of sales.csv and its column sums.
    struct Expected: Decodable {
        let rows: Int
        let groupby: [String: [String: Double?]]
        let sums: [String: Double]
        let priceNulls: Int

        enum CodingKeys: String, CodingKey {
            case rows, groupby, sums
            case priceNulls = "price_nulls"
        }
    }

    static func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: path("sales-groupby.json"))))
    }
}
