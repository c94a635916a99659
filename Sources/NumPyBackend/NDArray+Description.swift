import Backends

extension NDArray: CustomStringConvertible {
    /// The array as NumPy's `str` shows it: nested brackets, aligned values, and `...` when it has
    /// more than 1000 elements (the first and last three of each axis are shown).
    public var description: String {
        let summarise = count > 1000
        let texts = formattedElements()
        let width = texts.values.map(\.count).max() ?? 0
        if shape.isEmpty { return texts[0] ?? "" }
        return render(axis: 0, offset: 0, indent: 1, summarise: summarise, texts: texts, width: width)
    }

    /// Formats the elements that will be shown, by flat index.
    private func formattedElements() -> [Int: String] {
        let indices = shownIndices()
        var texts: [Int: String] = [:]
        if dtype.isFloatingPoint {
            let values = indices.map { scalar(at: $0).doubleValue }
            let finite = values.filter(\.isFinite)
            let integral = finite.allSatisfy { $0 == $0.rounded() && abs($0) < 1e16 }
            let maxMagnitude = finite.map { abs($0) }.max() ?? 0
            let minMagnitude = finite.filter { $0 != 0 }.map { abs($0) }.min() ?? 1
            let scientific = maxMagnitude >= 1e16 || (minMagnitude < 1e-4 && !integral)
            for (index, value) in zip(indices, values) {
                texts[index] = Self.format(value, integral: integral, scientific: scientific)
            }
            if !integral && !scientific {
                // Align decimals: pad fractional parts to the longest.
                let fractionWidth = texts.values.compactMap { t -> Int? in
                    guard let dot = t.firstIndex(of: ".") else { return nil }
                    return t.distance(from: dot, to: t.endIndex) - 1
                }.max() ?? 0
                for (index, text) in texts {
                    guard let dot = text.firstIndex(of: ".") else { continue }
                    let have = text.distance(from: dot, to: text.endIndex) - 1
                    texts[index] = text + String(repeating: " ", count: fractionWidth - have)
                }
            }
        } else {
            for index in indices { texts[index] = scalar(at: index).description }
        }
        return texts
    }

    private static func format(_ value: Double, integral: Bool, scientific: Bool) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if integral { return String(Int64(value)) + "." }
        if scientific {
            let exponent = value == 0 ? 0 : Int((abs(value)).log10Floor)
            let mantissa = value / pow10(exponent)
            let digits = trimmed(fixed(mantissa, decimals: 8))
            return digits + "e" + (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        }
        return trimmed(fixed(value, decimals: 8))
    }

    private static func fixed(_ value: Double, decimals: Int) -> String {
        let scale = pow10(decimals)
        let scaled = (abs(value) * scale).rounded()
        let whole = (scaled / scale).rounded(.down)
        let fraction = Int(scaled - whole * scale)
        var fractionText = String(fraction)
        fractionText = String(repeating: "0", count: max(0, decimals - fractionText.count)) + fractionText
        return (value < 0 ? "-" : "") + String(Int64(whole)) + "." + fractionText
    }

    private static func trimmed(_ text: String) -> String {
        var result = text
        while result.hasSuffix("0") { result.removeLast() }
        return result
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10 }
        return exponent < 0 ? 1 / result : result
    }

    private func shownIndices() -> [Int] {
        guard count > 0 else { return [] }
        if count <= 1000 { return Array(0..<count) }
        var result: [Int] = []
        let strides = self.strides
        func walk(axis: Int, offset: Int) {
            if axis == shape.count { result.append(offset); return }
            for i in visible(axis: axis) { walk(axis: axis + 1, offset: offset + i * strides[axis]) }
        }
        walk(axis: 0, offset: 0)
        return result
    }

    private func visible(axis: Int) -> [Int] {
        let n = shape[axis]
        return n > 6 && count > 1000 ? [0, 1, 2, n - 3, n - 2, n - 1] : Array(0..<n)
    }

    private func render(axis: Int, offset: Int, indent: Int, summarise: Bool, texts: [Int: String],
                        width: Int) -> String {
        let n = shape[axis]
        let stride = strides[axis]
        let elided = summarise && n > 6
        let shown = elided ? [0, 1, 2, n - 3, n - 2, n - 1] : Array(0..<n)
        var parts: [String] = []
        for (position, i) in shown.enumerated() {
            if elided && position == 3 { parts.append("...") }
            if axis == shape.count - 1 {
                let text = texts[offset + i * stride] ?? ""
                parts.append(String(repeating: " ", count: max(0, width - text.count)) + text)
            } else {
                parts.append(render(axis: axis + 1, offset: offset + i * stride, indent: indent + 1,
                                    summarise: summarise, texts: texts, width: width))
            }
        }
        if axis == shape.count - 1 { return "[" + parts.joined(separator: " ") + "]" }
        let separator = String(repeating: "\n", count: shape.count - axis - 1) + String(repeating: " ", count: indent)
        return "[" + parts.joined(separator: separator) + "]"
    }
}

extension Double {
    /// ⌊log10 |self|⌋ without Foundation.
    fileprivate var log10Floor: Double {
        var exponent = 0.0
        var value = Swift.abs(self)
        while value >= 10 { value /= 10; exponent += 1 }
        while value < 1 && value > 0 { value *= 10; exponent -= 1 }
        return exponent
    }
}
