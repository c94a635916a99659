import Foundation

/// A scratch directory for files a test writes, removed with the value.
final class JSONScratch {
    let directory: URL

    init() {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-json-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Writes `text` to a file called `name` and returns its path.
    func file(_ name: String, _ text: String) -> String {
        let url = directory.appendingPathComponent(name)
        try? Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes `bytes` to a file called `name` and returns its path.
    func file(_ name: String, bytes: [UInt8]) -> String {
        let url = directory.appendingPathComponent(name)
        try? Data(bytes).write(to: url)
        return url.path
    }
}
