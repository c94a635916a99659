import Foundation
import Synchronization

/// A terminal progress bar for computations, built on ``SchedulerCallbacks``, as Dask's
/// `ProgressBar`:
///
/// ```
/// [########################################] | 100% Completed | 1.2s
/// ```
///
/// Use ``callbacks`` for one computation or ``register()`` for every computation until
/// ``unregister()``. The bar is written to standard error (or to `output`), redrawn at most every
/// `minimumInterval` seconds.
public final class ProgressBar: Sendable {
    private let width: Int
    private let minimumInterval: Double
    private let output: @Sendable (String) -> Void
    private let state = Mutex(State())
    private let token = Mutex<Int?>(nil)

    private struct State {
        var total = 0
        var done = 0
        var started = Date()
        var lastDraw = Date.distantPast
    }

    /// A bar `width` characters wide that writes with `output` (standard error by default).
    public init(width: Int = 40, minimumInterval: Double = 0.1,
                output: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.width = max(1, width)
        self.minimumInterval = minimumInterval
        self.output = output
    }

    /// Callbacks that draw this bar.
    public var callbacks: SchedulerCallbacks {
        SchedulerCallbacks(
            start: { [self] total in
                state.withLock { $0 = State(total: total, done: 0, started: Date(), lastDraw: .distantPast) }
                draw(force: true)
            },
            taskEnd: { [self] _ in
                state.withLock { $0.done += 1 }
                draw(force: false)
            },
            finish: { [self] _ in
                draw(force: true)
                output("\n")
            }
        )
    }

    /// Shows the bar for every computation from now on.
    public func register() {
        token.withLock { token in
            if token == nil { token = GlobalCallbacks.register(callbacks) }
        }
    }

    /// Stops showing the bar.
    public func unregister() {
        token.withLock { token in
            if let registered = token { GlobalCallbacks.unregister(registered) }
            token = nil
        }
    }

    /// The bar's text for `done` of `total` tasks after `elapsed` seconds.
    public func render(done: Int, total: Int, elapsed: Double) -> String {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = Int((fraction * 100).rounded(.down))
        let seconds = Double(Int(elapsed * 10)) / 10
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] | "
            + String(repeating: " ", count: percent < 10 ? 2 : (percent < 100 ? 1 : 0))
            + "\(percent)% Completed | \(seconds)s"
    }

    private func draw(force: Bool) {
        let now = Date()
        let snapshot: State? = state.withLock { state in
            guard force || now.timeIntervalSince(state.lastDraw) >= minimumInterval else { return nil }
            state.lastDraw = now
            return state
        }
        guard let snapshot else { return }
        output("\r" + render(done: snapshot.done, total: snapshot.total, elapsed: now.timeIntervalSince(snapshot.started)))
    }
}
