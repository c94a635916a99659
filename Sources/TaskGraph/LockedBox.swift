import Synchronization

/// A value behind a mutex, shareable between threads.
final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// Boxes `value`.
    init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with exclusive access to the value.
    func withLock<R: Sendable>(_ body: (inout Value) throws -> R) rethrows -> R {
        try mutex.withLock { try body(&$0) }
    }
}
