import Backends

/// One entry of a NumPy-style index: what `x[2, 1..., .newAxis, [0, 3]]` holds per position.
///
/// Integers, Swift ranges, `[Int]`, `[Bool]` and ``ArrayIndex`` values can all be written in a
/// subscript of ``ChunkedArray``:
///
/// ```swift
/// let row = try x[3]                                  // drops axis 0
/// let tail = try x[(-3)...]                           // the last three rows
/// let every2 = try x[ArrayIndex.slice(step: 2), 0..<5]
/// let picked = try x[[4, 0, 2]]                       // integer-array indexing along axis 0
/// let kept = try x[.all, [true, false, true]]          // a boolean mask along axis 1
/// ```
///
/// Closed and half-open Swift ranges (`a..<b`, `a...b`) must lie inside their axis (a range
/// outside throws). Partial ranges (`a...`, `..<b`) and ``slice(_:_:step:)`` follow NumPy:
/// negative positions count from the end, bounds are clipped, and a slice's step may be negative.
public enum ArrayIndex: Sendable, Hashable, ArrayIndexConvertible {
    /// One position (negative counts from the end); the axis is dropped.
    case index(Int)
    /// A NumPy slice `start:stop:step`; `nil` parts take NumPy's defaults.
    case slice(start: Int?, stop: Int?, step: Int?)
    /// A strict range, `0 <= lower <= upper <= length` (a Swift range).
    case range(Range<Int>)
    /// A new axis of length 1 (`np.newaxis`).
    case newAxis
    /// As many whole axes as the other entries leave (`...`).
    case ellipsis
    /// The positions listed, in order, along one axis (integer-array indexing; negatives count from the end).
    case positions([Int])
    /// The positions where the mask is true, along one axis (the mask's length must be the axis length).
    case mask([Bool])

    /// Every position of an axis (`:`).
    public static let all = ArrayIndex.slice(start: nil, stop: nil, step: nil)

    /// A NumPy slice `start:stop:step`.
    public static func slice(_ start: Int? = nil, _ stop: Int? = nil, step: Int? = nil) -> ArrayIndex {
        .slice(start: start, stop: stop, step: step)
    }

    /// Itself.
    public var arrayIndex: ArrayIndex { self }
}

/// A value that can be written in a ``ChunkedArray`` subscript.
public protocol ArrayIndexConvertible: Sendable {
    /// The index entry this value stands for.
    var arrayIndex: ArrayIndex { get }
}

extension Int: ArrayIndexConvertible {
    /// `.index(self)`.
    public var arrayIndex: ArrayIndex { .index(self) }
}

extension Range: ArrayIndexConvertible where Bound == Int {
    /// `.range(self)`.
    public var arrayIndex: ArrayIndex { .range(self) }
}

extension ClosedRange: ArrayIndexConvertible where Bound == Int {
    /// `.range(lower..<upper+1)`.
    public var arrayIndex: ArrayIndex { .range(lowerBound..<(upperBound + 1)) }
}

extension PartialRangeFrom: ArrayIndexConvertible where Bound == Int {
    /// `.slice(lower, nil)`: from `lowerBound` to the end (a negative bound counts from the end).
    public var arrayIndex: ArrayIndex { .slice(start: lowerBound, stop: nil, step: nil) }
}

extension PartialRangeUpTo: ArrayIndexConvertible where Bound == Int {
    /// `.slice(nil, upper)`.
    public var arrayIndex: ArrayIndex { .slice(start: nil, stop: upperBound, step: nil) }
}

extension PartialRangeThrough: ArrayIndexConvertible where Bound == Int {
    /// `.slice(nil, upper + 1)`.
    public var arrayIndex: ArrayIndex { .slice(start: nil, stop: upperBound == -1 ? nil : upperBound + 1, step: nil) }
}

extension StrideTo: ArrayIndexConvertible where Element == Int {
    /// The positions of the stride, as a NumPy slice with its step.
    public var arrayIndex: ArrayIndex {
        var iterator = makeIterator()
        guard let first = iterator.next() else { return .positions([]) }
        let second = iterator.next()
        let step = second.map { $0 - first } ?? 1
        let last = Array(self).last ?? first
        return .slice(start: first, stop: last + (step > 0 ? 1 : -1), step: step)
    }
}

extension Array: ArrayIndexConvertible where Element: ArrayIndexElement {
    /// Integer-array indexing for `[Int]`, a mask for `[Bool]`.
    public var arrayIndex: ArrayIndex { Element.arrayIndex(of: self) }
}

/// An element type of an array usable as an index: `Int` (positions) or `Bool` (a mask).
public protocol ArrayIndexElement: Sendable {
    /// The index a Swift array of these elements stands for.
    static func arrayIndex(of values: [Self]) -> ArrayIndex
}

extension Int: ArrayIndexElement {
    /// `.positions(values)`.
    public static func arrayIndex(of values: [Int]) -> ArrayIndex { .positions(values) }
}

extension Bool: ArrayIndexElement {
    /// `.mask(values)`.
    public static func arrayIndex(of values: [Bool]) -> ArrayIndex { .mask(values) }
}
