import Tessera

/// Whether two arrays of doubles agree elementwise within `rtol * |expected| + atol` (NaNs must match).
public func allClose(_ actual: [Double], _ expected: [Double], rtol: Double = 1e-9, atol: Double = 1e-12) -> Bool {
    guard actual.count == expected.count else { return false }
    for (x, y) in zip(actual, expected) {
        if x.isNaN || y.isNaN {
            if !(x.isNaN && y.isNaN) { return false }
            continue
        }
        if x == y { continue }
        if abs(x - y) > atol + rtol * abs(y) { return false }
    }
    return true
}

/// A chunked array's values, computed and converted to doubles.
public func values(_ array: ChunkedArray) throws -> [Double] { try array.toHost().toArray(Double.self) }
