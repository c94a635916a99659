import Foundation
import Synchronization
import Testing
@testable import TaskGraph

/// Builds a diamond: a -> (b, c) -> d, with values a=1, b=a+1, c=a*10, d=b+c.
private func diamond() -> Graph {
    Graph([
        GraphTask(TaskKey("a")) { _ in 1 },
        GraphTask(TaskKey("b"), dependencies: [TaskKey("a")]) { v in (v[0] as! Int) + 1 },
        GraphTask(TaskKey("c"), dependencies: [TaskKey("a")]) { v in (v[0] as! Int) * 10 },
        GraphTask(TaskKey("d"), dependencies: [TaskKey("b"), TaskKey("c")]) { v in (v[0] as! Int) + (v[1] as! Int) },
    ])
}

private struct Boom: Error, Equatable {}

@Suite("Schedulers")
struct SchedulerTests {
    static let schedulers: [any Scheduler] = [SynchronousScheduler(), ThreadedScheduler(workers: 1),
                                              ThreadedScheduler(workers: 4)]

    @Test("A diamond computes the same on every scheduler", arguments: 0..<3)
    func diamondResult(_ which: Int) throws {
        let results = try Self.schedulers[which].run(diamond(), outputs: [TaskKey("d")], callbacks: SchedulerCallbacks())
        #expect(results[TaskKey("d")] as? Int == 12)
        #expect(results.count == 1)
    }

    @Test("A failing task surfaces as a TaskError naming its key, with the original error", arguments: 0..<3)
    func failureNamesTask(_ which: Int) throws {
        var graph = diamond()
        graph.insert(GraphTask(TaskKey("c", [3]), dependencies: [TaskKey("a")]) { _ in throw Boom() })
        graph.insert(GraphTask(TaskKey("e"), dependencies: [TaskKey("c", [3]), TaskKey("d")]) { _ in 0 })
        do {
            _ = try Self.schedulers[which].run(graph, outputs: [TaskKey("e")], callbacks: SchedulerCallbacks())
            Issue.record("expected an error")
        } catch let error as TaskError {
            #expect(error.key == TaskKey("c", [3]))
            #expect(error.underlying as? Boom == Boom())
            #expect(error.description.contains("('c', 3)"))
        }
    }

    @Test("No task starts after a failure")
    func stopsAfterFailure() throws {
        let ran = Atomic<Int>(0)
        var tasks = [GraphTask(TaskKey("fail")) { _ in throw Boom() }]
        for i in 0..<100 {
            tasks.append(GraphTask(TaskKey("after", [i]), dependencies: [TaskKey("fail")]) { _ in
                ran.add(1, ordering: .relaxed)
                return i
            })
        }
        #expect(throws: TaskError.self) {
            _ = try ThreadedScheduler(workers: 2).run(Graph(tasks), outputs: (0..<100).map { TaskKey("after", [$0]) },
                                                      callbacks: SchedulerCallbacks())
        }
        #expect(ran.load(ordering: .relaxed) == 0)
    }

    @Test("A missing dependency is an error, not a hang")
    func missingDependency() {
        let graph = Graph([GraphTask(TaskKey("x"), dependencies: [TaskKey("nowhere")]) { _ in 0 }])
        #expect(throws: GraphError.missingDependency(task: TaskKey("x"), dependency: TaskKey("nowhere"))) {
            _ = try ThreadedScheduler(workers: 2).run(graph, outputs: [TaskKey("x")], callbacks: SchedulerCallbacks())
        }
    }

    @Test("Callbacks see start, every task and finish")
    func callbacks() throws {
        let events = Mutex<[String]>([])
        let callbacks = SchedulerCallbacks(
            start: { n in events.withLock { $0.append("start \(n)") } },
            taskStart: { k in events.withLock { $0.append("begin \(k.name)") } },
            taskEnd: { k in events.withLock { $0.append("end \(k.name)") } },
            finish: { e in events.withLock { $0.append(e == nil ? "finish" : "failed") } })
        _ = try ThreadedScheduler(workers: 2).run(diamond(), outputs: [TaskKey("d")], callbacks: callbacks)
        let log = events.withLock { $0 }
        #expect(log.first == "start 4")
        #expect(log.last == "finish")
        #expect(log.filter { $0.hasPrefix("end") }.count == 4)
        #expect(log.firstIndex(of: "end a")! < log.firstIndex(of: "begin b")!)
    }

    @Test("Results are released after their last consumer: a long chain keeps few alive")
    func releasesResults() throws {
        final class Tracked: Sendable {
            static let alive = Atomic<Int>(0)
            static let peak = Atomic<Int>(0)
            init() {
                let now = Tracked.alive.add(1, ordering: .relaxed).newValue
                Tracked.peak.max(now, ordering: .relaxed)
            }
            deinit { Tracked.alive.subtract(1, ordering: .relaxed) }
        }
        // 200 independent leaves, each consumed by its own partial; partials summed in a tree of 2.
        var tasks: [GraphTask] = []
        for i in 0..<200 {
            tasks.append(GraphTask(TaskKey("leaf", [i])) { _ in Tracked() })
            tasks.append(GraphTask(TaskKey("partial", [i]), dependencies: [TaskKey("leaf", [i])]) { _ in 1 })
        }
        tasks.append(GraphTask(TaskKey("total"), dependencies: (0..<200).map { TaskKey("partial", [$0]) }) { v in
            v.reduce(0) { $0 + ($1 as! Int) }
        })
        let results = try ThreadedScheduler(workers: 2).run(Graph(tasks), outputs: [TaskKey("total")],
                                                           callbacks: SchedulerCallbacks())
        #expect(results[TaskKey("total")] as? Int == 200)
        #expect(Tracked.peak.load(ordering: .relaxed) <= 8)
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }

    @Test("Culling keeps only what the outputs need")
    func culling() throws {
        var graph = diamond()
        graph.insert(GraphTask(TaskKey("unused"), dependencies: [TaskKey("a")]) { _ in 0 })
        let culled = try graph.culled(keeping: [TaskKey("b")])
        #expect(Set(culled.tasks.keys) == [TaskKey("a"), TaskKey("b")])
    }

    @Test("Linear chains fuse into one task per chain, with the same result")
    func fusion() throws {
        var tasks: [GraphTask] = []
        for block in 0..<3 {
            tasks.append(GraphTask(TaskKey("x", [block])) { _ in block })
            tasks.append(GraphTask(TaskKey("y", [block]), dependencies: [TaskKey("x", [block])]) { v in (v[0] as! Int) + 1 })
            tasks.append(GraphTask(TaskKey("z", [block]), dependencies: [TaskKey("y", [block])]) { v in (v[0] as! Int) * 2 })
        }
        let outputs = (0..<3).map { TaskKey("z", [$0]) }
        let fused = Graph(tasks).fusingLinearChains(keeping: Set(outputs))
        #expect(fused.count == 3)
        let results = try SynchronousScheduler().run(fused, outputs: outputs, callbacks: SchedulerCallbacks())
        #expect(outputs.map { results[$0] as? Int } == [2, 4, 6])
    }

    @Test("Depth-first priorities finish a branch before starting the next")
    func ordering() {
        let graph = diamond()
        let order = graph.priorities(outputs: [TaskKey("d")])
        #expect(order[TaskKey("a")]! < order[TaskKey("b")]!)
        #expect(order[TaskKey("b")]! < order[TaskKey("d")]!)
        #expect(order[TaskKey("c")]! < order[TaskKey("d")]!)
    }

    @Test("The DOT picture lists every task and edge")
    func dot() {
        let text = diamond().dot()
        #expect(text.hasPrefix("digraph"))
        #expect(text.components(separatedBy: "->").count - 1 == 4)
        #expect(text.components(separatedBy: "[label=").count - 1 == 4)
    }

    @Test("The progress bar renders fractions")
    func progressBar() {
        let bar = ProgressBar(width: 10, output: { _ in })
        #expect(bar.render(done: 5, total: 10, elapsed: 1.25) == "[#####     ] |  50% Completed | 1.2s")
        #expect(bar.render(done: 10, total: 10, elapsed: 0) == "[##########] | 100% Completed | 0.0s")
    }
}
