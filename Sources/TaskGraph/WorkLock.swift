#if canImport(Glibc)
import Glibc

/// A mutex with a condition to wait on, for the scheduler's shared state.
///
/// Tasks are often shorter than a context switch, so the mutex is glibc's adaptive one: a thread
/// that finds it held spins briefly before sleeping, instead of paying a futex wait and wake for a
/// hold of a few hundred nanoseconds (`NSCondition`'s mutex sleeps at once).
final class WorkLock: @unchecked Sendable {
    // @unchecked: the pthread objects are only touched through the pthread functions, which are
    // thread-safe.

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// An unlocked lock.
    init() {
        var attributes = pthread_mutexattr_t()
        pthread_mutexattr_init(&attributes)
        pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ADAPTIVE_NP))
        pthread_mutex_init(mutex, &attributes)
        pthread_mutexattr_destroy(&attributes)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Takes the mutex, waiting if another thread holds it.
    func lock() { pthread_mutex_lock(mutex) }

    /// Releases the mutex.
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Releases the mutex until ``broadcast()`` (or a spurious wake-up), then takes it again.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Wakes every thread in ``wait()``.
    func broadcast() { pthread_cond_broadcast(condition) }
}
#else
import Foundation

/// A mutex with a condition to wait on, for the scheduler's shared state: Foundation's condition
/// where glibc's adaptive mutex is not available.
typealias WorkLock = NSCondition
#endif
