import Synchronization

/// A process-wide increasing counter.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// The next value, starting at 1.
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
}
