import Testing
@testable import TaskGraph

/// A task named `name` that needs `dependencies` and returns `value`.
private func task(_ name: String, _ dependencies: [String] = [], value: Int = 0) -> GraphTask {
    GraphTask(TaskKey(name), dependencies: dependencies.map { TaskKey($0) }) { _ in value }
}

@Suite("Task slots: keys interned once")
struct TaskSlotsTests {
    @Test("Each key gets one slot and dependencies resolve to slots")
    func interning() throws {
        let slots = TaskSlots([task("a"), task("b", ["a"]), task("c", ["a", "b"])])
        #expect(slots.count == 3)
        let a = try #require(slots.filledSlot(of: TaskKey("a")))
        let b = try #require(slots.filledSlot(of: TaskKey("b")))
        let c = try #require(slots.filledSlot(of: TaskKey("c")))
        #expect(slots.dependencySlots[c] == [a, b])
        #expect(slots.dependencySlots[b] == [a])
        #expect(slots.filledSlot(of: TaskKey("nowhere")) == nil)
    }

    @Test("A later task with the same key replaces the earlier one")
    func replacement() throws {
        var graph = Graph([task("a", value: 1), task("b", ["a"]), task("a", value: 2)])
        #expect(graph.count == 2)
        #expect(try graph.tasks[TaskKey("a")]?.run([]) as? Int == 2)
        graph.insert(task("a", value: 3))
        #expect(graph.count == 2)
        let results = try SynchronousScheduler().run(graph, outputs: [TaskKey("a")], callbacks: SchedulerCallbacks())
        #expect(results[TaskKey("a")] as? Int == 3)
    }

    @Test("A dependency inserted after its consumer is found")
    func lateDependency() throws {
        var graph = Graph([GraphTask(TaskKey("sum"), dependencies: [TaskKey("x"), TaskKey("y")]) { values in
            values.reduce(0) { $0 + ($1 as? Int ?? 0) }
        }])
        #expect(throws: GraphError.missingDependency(task: TaskKey("sum"), dependency: TaskKey("x"))) {
            _ = try graph.culled(keeping: [TaskKey("sum")])
        }
        graph.insert(task("x", value: 2))
        graph.insert(task("y", value: 3))
        let results = try ThreadedScheduler(workers: 2).run(graph, outputs: [TaskKey("sum")],
                                                           callbacks: SchedulerCallbacks())
        #expect(results[TaskKey("sum")] as? Int == 5)
    }

    @Test("A culled graph keeps its slots: a removed key can be inserted again")
    func reinsertAfterCulling() throws {
        var graph = Graph([task("a"), task("b", ["a"]), task("unused", ["a"])])
        var culled = try graph.culled(keeping: [TaskKey("b")])
        #expect(culled.count == 2)
        #expect(culled.tasks[TaskKey("unused")] == nil)
        culled.insert(task("unused", ["b"], value: 7))
        #expect(culled.count == 3)
        let results = try SynchronousScheduler().run(culled, outputs: [TaskKey("unused")],
                                                     callbacks: SchedulerCallbacks())
        #expect(results[TaskKey("unused")] as? Int == 7)
        // The original graph is unchanged.
        graph.insert(task("c"))
        #expect(graph.count == 4)
        #expect(Set(graph.tasks.keys) == [TaskKey("a"), TaskKey("b"), TaskKey("unused"), TaskKey("c")])
    }

    @Test("Fusion keeps the outer key and the inner dependencies; a fused failure names the inner task")
    func fusedErrors() throws {
        struct Boom: Error {}
        let graph = Graph([
            task("source", value: 1),
            GraphTask(TaskKey("inner"), dependencies: [TaskKey("source")]) { _ in throw Boom() },
            GraphTask(TaskKey("outer"), dependencies: [TaskKey("inner")]) { values in values[0] },
        ])
        let fused = graph.fusingLinearChains(keeping: [TaskKey("outer")])
        #expect(fused.count == 1)
        let only = try #require(fused.tasks[TaskKey("outer")])
        #expect(only.dependencies.isEmpty)
        #expect(only.label == "source+inner+outer")
        do {
            _ = try ThreadedScheduler(workers: 2).run(fused, outputs: [TaskKey("outer")], callbacks: SchedulerCallbacks())
            Issue.record("expected an error")
        } catch let error as TaskError {
            #expect(error.key == TaskKey("inner"))
        }
    }

    @Test("Priorities number every task from 0, dependencies first")
    func priorities() {
        let graph = Graph([task("a"), task("b", ["a"]), task("c", ["a"]), task("d", ["b", "c"]), task("lone")])
        let order = graph.priorities(outputs: [TaskKey("d")])
        #expect(Set(order.values) == Set(0..<5))
        #expect(order[TaskKey("lone")] == 4)   // needed by no output: placed last
        for (consumer, dependency) in [("b", "a"), ("c", "a"), ("d", "b"), ("d", "c")] {
            #expect(order[TaskKey(dependency)]! < order[TaskKey(consumer)]!)
        }
    }
}

@Suite("Ready set")
struct ReadySetTests {
    @Test("Members come out smallest first, across levels", arguments: [1, 64, 65, 4_096, 4_097, 300_000])
    func smallestFirst(_ capacity: Int) {
        var set = ReadySet(capacity: capacity)
        #expect(set.isEmpty)
        #expect(set.popFirst() == nil)
        var members = Set<Int>()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<min(capacity, 500) {
            let member = Int.random(in: 0..<capacity, using: &generator)
            if members.insert(member).inserted { set.insert(member) }
        }
        #expect(set.count == members.count)
        var popped: [Int] = []
        while let member = set.popFirst() { popped.append(member) }
        #expect(popped == members.sorted())
        #expect(set.isEmpty)
    }

    @Test("Inserting below the current smallest, after removals, is seen")
    func interleaved() {
        var set = ReadySet(capacity: 10_000)
        for member in [9_999, 5_000, 64, 63] { set.insert(member) }
        #expect(set.popFirst() == 63)
        set.insert(0)
        #expect(set.popFirst() == 0)
        #expect(set.popFirst() == 64)
        set.insert(4_095)
        set.insert(4_096)
        #expect(set.popFirst() == 4_095)
        #expect(set.popFirst() == 4_096)
        #expect(set.popFirst() == 5_000)
        #expect(set.popFirst() == 9_999)
        #expect(set.popFirst() == nil)
    }
}

@Suite("Run progress")
struct RunProgressTests {
    /// Tasks 0 and 1 are leaves, 2 consumes both, 3 consumes 2 and is the output.
    private func chain() -> RunProgress {
        let dependencies = SlotLists(dependenciesOf: TaskSlots([task("0"), task("1"), task("2", ["0", "1"]),
                                                                task("3", ["2"])]))
        return RunProgress(dependencies: dependencies, isOutput: [false, false, false, true])
    }

    @Test("Tasks become ready when their dependencies finish, lowest number first")
    func readiness() {
        var progress = chain()
        var inputs: [any Sendable] = []
        var released: [(any Sendable)?] = []
        #expect(progress.take(inputs: &inputs) == 0)
        #expect(progress.take(inputs: &inputs) == 1)
        #expect(!progress.hasReady)
        progress.complete(1, with: 10, releasing: &released)
        #expect(!progress.hasReady)
        progress.complete(0, with: 20, releasing: &released)
        #expect(progress.take(inputs: &inputs) == 2)
        #expect(inputs.compactMap { $0 as? Int } == [20, 10])
        #expect(!progress.isFinished)
    }

    @Test("A result is let go after its last consumer; outputs are kept")
    func release() {
        var progress = chain()
        var inputs: [any Sendable] = []
        var released: [(any Sendable)?] = []
        for value in [0, 1] {
            _ = progress.take(inputs: &inputs)
            progress.complete(value, with: value, releasing: &released)
        }
        #expect(released.isEmpty)
        _ = progress.take(inputs: &inputs)
        progress.complete(2, with: 2, releasing: &released)
        #expect(released.compactMap { $0 as? Int }.sorted() == [0, 1])
        #expect(progress.result(of: 0) == nil)
        released.removeAll()
        _ = progress.take(inputs: &inputs)
        progress.complete(3, with: 3, releasing: &released)
        #expect(released.compactMap { $0 as? Int } == [2])
        #expect(progress.result(of: 3) as? Int == 3)
        #expect(progress.isFinished)
    }
}
