#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import FileFormats
import Foundation

/// Expands the paths given to the readers into files, as Dask's `read_csv` does with fsspec: a
/// glob pattern (`*`, `?`, `[...]` in any path component) is every file it matches, in sorted
/// order; a directory is every file in it (not hidden ones, nor names starting with `_`, which
/// writers use for markers such as `_SUCCESS`), sorted; any other path is that file.
enum FilePattern {
    /// The characters that make a path component a pattern.
    static let metacharacters: Set<Character> = ["*", "?", "["]

    /// Whether `path` contains glob metacharacters.
    static func isPattern(_ path: String) -> Bool { path.contains { metacharacters.contains($0) } }

    /// The files `paths` name, each expanded in turn, in the order given (each pattern's matches sorted).
    ///
    /// - Throws: ``FileFormatError`` naming a pattern that matches no file, a directory without
    ///   files, or a path that does not exist.
    static func expand(_ paths: [String]) throws -> [String] {
        guard !paths.isEmpty else { throw FrameOperationError.invalidArgument("No paths were given to read.") }
        var files: [String] = []
        for path in paths { files.append(contentsOf: try expand(path)) }
        return files
    }

    /// The files one path names.
    static func expand(_ path: String) throws -> [String] {
        guard !path.isEmpty else { throw FrameOperationError.invalidArgument("An empty path was given to read.") }
        if !isPattern(path) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw FileFormatError(path: path, message: "No such file or directory.")
            }
            guard isDirectory.boolValue else { return [path] }
            let names = try listing(path).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }
            let files = names.map { join(path, $0) }.filter(isRegularFile).sorted()
            guard !files.isEmpty else { throw FileFormatError(path: path, message: "The directory holds no files to read.") }
            return files
        }
        let absolute = path.hasPrefix("/")
        let components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var candidates = [absolute ? "/" : ""]
        for (position, component) in components.enumerated() {
            let last = position == components.count - 1
            var next: [String] = []
            for base in candidates {
                if !isPattern(component) {
                    next.append(join(base, component))
                    continue
                }
                let directory = base.isEmpty ? "." : base
                guard let names = try? listing(directory) else { continue }
                for name in names where matches(component, name) { next.append(join(base, name)) }
            }
            candidates = last ? next : next.filter(isDirectory)
            if candidates.isEmpty { break }
        }
        let files = candidates.filter(isRegularFile).sorted()
        guard !files.isEmpty else { throw FileFormatError(path: path, message: "No files match this pattern.") }
        return files
    }

    /// Whether `name` matches the shell pattern `pattern` (`fnmatch` with a leading dot matched
    /// only explicitly, as the shell does).
    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PERIOD) == 0
    }

    private static func listing(_ directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw FileFormatError(path: directory, message: "Cannot list the directory: \(error.localizedDescription)")
        }
    }

    private static func join(_ base: String, _ name: String) -> String {
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && !flag.boolValue
    }
}
