import Tessera

/// What ``checkArrayBackendConformance(_:)`` found.
public struct ConformanceReport: Sendable {
    /// The functions the backend claims and that were checked.
    public var checked: [String] = []
    /// A sentence for each check that failed.
    public var failures: [String] = []
}

/// Checks every creation function a backend implements against the "numpy" backend's results on
/// the same arguments, for backend authors to run in their own tests:
///
/// ```swift
/// let report = try checkArrayBackendConformance("mylib")
/// #expect(report.failures.isEmpty, "\(report.failures)")
/// ```
///
/// Each array is made with uneven chunks and compared element by element, and its recorded
/// backend label, shape and dtype are checked.
public func checkArrayBackendConformance(_ label: String) throws -> ConformanceReport {
    var report = ConformanceReport()
    let implemented = try ChunkedArray.implementedFunctions(of: label)
    let cases: [(String, () throws -> ChunkedArray)] = [
        ("ones", { try ChunkedArray.ones(shape: [5, 3], chunks: [2, 2]) }),
        ("zeros", { try ChunkedArray.zeros(shape: [5, 3], chunks: [2, 2]) }),
        ("empty", { try ChunkedArray.empty(shape: [5, 3], chunks: [2, 2]) }),
        ("full", { try ChunkedArray.full(shape: [5, 3], fillValue: 2.5, chunks: [3, 1]) }),
        ("arange", { try ChunkedArray.arange(start: 1.0, stop: 9.0, step: 0.5, chunks: [5]) }),
    ]
    for (function, make) in cases where implemented.contains(function) {
        report.checked.append(function)
        let reference = try Config.set(["array.backend": "numpy"]) { try make() }
        let candidate = try Config.set(["array.backend": .string(label)]) { try make() }
        if candidate.backend != label {
            report.failures.append("\(function): the array records backend \"\(candidate.backend)\", not \"\(label)\"")
        }
        if candidate.shape != reference.shape || candidate.dtype != reference.dtype {
            report.failures.append("\(function): shape \(candidate.shape) \(candidate.dtype), expected \(reference.shape) \(reference.dtype)")
            continue
        }
        if function == "empty" { continue }
        let expected = try values(reference)
        let actual = try values(candidate)
        if !allClose(actual, expected, rtol: 1e-12) {
            report.failures.append("\(function): values \(actual.prefix(8)) differ from numpy's \(expected.prefix(8))")
        }
    }
    return report
}
