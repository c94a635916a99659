/// A graph's tasks in numbered slots, each dependency resolved to the slot of the task that
/// computes it: the form that culling, fusion, ordering and the schedulers work on, so that they
/// index arrays instead of hashing keys.
///
/// Keys are hashed once, when a task is inserted and when its dependencies are resolved. A key
/// keeps its slot for good: removing a task (culled, or fused into its consumer) empties the slot,
/// and inserting one under the same key fills it again, so graphs derived from one another share
/// the key index and the slot numbers.
struct TaskSlots: Sendable {
    /// The slot of every key ever inserted.
    private(set) var slotOfKey: [TaskKey: Int] = [:]
    /// The task each slot last held; only the filled slots' tasks are in the graph.
    private(set) var tasks: [GraphTask] = []
    /// Whether each slot's task is in the graph.
    private(set) var isFilled: [Bool] = []
    /// For each slot, the slots of its task's dependencies in order; ``missing`` for a key that had
    /// no slot when it was resolved.
    private(set) var dependencySlots: [[Int]] = []
    /// The number of filled slots.
    private(set) var count = 0
    /// Whether a dependency was left ``missing`` and a key has since been given a slot, so that
    /// ``resolved()`` must look the missing keys up again.
    private var isStale = false
    /// Whether some dependency is ``missing``.
    private var hasMissing = false

    /// The slot of a dependency that no task computes.
    static let missing = -1

    /// Slots for `tasks`, in order; a later task with the same key replaces an earlier one.
    ///
    /// The array itself becomes the slots' storage (task `i` in slot `i`), so no task is copied.
    init(_ tasks: [GraphTask]) {
        self.tasks = tasks
        isFilled = [Bool](repeating: true, count: tasks.count)
        count = tasks.count
        slotOfKey.reserveCapacity(tasks.count)
        for slot in tasks.indices {
            if let replaced = slotOfKey.updateValue(slot, forKey: tasks[slot].key) { remove(replaced) }
        }
        dependencySlots.reserveCapacity(tasks.count)
        var previous = Self.missing
        for slot in tasks.indices {
            dependencySlots.append(isFilled[slot] ? lookUpDependencies(of: tasks[slot], after: &previous) : [])
        }
    }

    /// The number of slots, filled or not: the length of arrays indexed by slot.
    var slotCount: Int { tasks.count }

    /// Whether `slot` names a task in the graph (not ``missing``, not emptied).
    func isTask(_ slot: Int) -> Bool { slot >= 0 && isFilled[slot] }

    /// The tasks in the graph.
    var filledTasks: some Sequence<GraphTask> { tasks.indices.lazy.filter { isFilled[$0] }.map { tasks[$0] } }

    /// The slot of `key`'s task, if the graph has one.
    func filledSlot(of key: TaskKey) -> Int? {
        guard let slot = slotOfKey[key], isFilled[slot] else { return nil }
        return slot
    }

    /// Adds `task`, or replaces the task with its key.
    mutating func insert(_ task: GraphTask) {
        let slot: Int
        if let existing = slotOfKey[task.key] {
            slot = existing
            tasks[slot] = task
            if !isFilled[slot] { count += 1 }
            isFilled[slot] = true
        } else {
            slot = tasks.count
            slotOfKey[task.key] = slot
            tasks.append(task)
            isFilled.append(true)
            dependencySlots.append([])
            count += 1
            if hasMissing { isStale = true }
        }
        var previous = Self.missing
        dependencySlots[slot] = lookUpDependencies(of: task, after: &previous)
    }

    /// The slots of `task`'s dependencies now, ``missing`` for keys without one.
    ///
    /// Dependencies mostly come in slot order (a layer's tasks read the blocks of the layer below
    /// one after another), so the slot after `previous` (the last slot found) is compared first
    /// and the key is hashed only when that guess is wrong.
    private mutating func lookUpDependencies(of task: GraphTask, after previous: inout Int) -> [Int] {
        task.dependencies.map { key in
            let guess = previous + 1
            if guess < tasks.count, isFilled[guess], tasks[guess].key == key {
                previous = guess
                return guess
            }
            guard let slot = slotOfKey[key] else {
                hasMissing = true
                return Self.missing
            }
            previous = slot
            return slot
        }
    }

    /// These slots with every ``missing`` dependency looked up again (the same slots when no key
    /// was added since they were resolved).
    func resolved() -> TaskSlots {
        var result = self
        result.resolve()
        return result
    }

    /// Looks every ``missing`` dependency up again, if a key was added since they were resolved.
    mutating func resolve() {
        guard isStale else { return }
        isStale = false
        hasMissing = false
        for slot in tasks.indices where isFilled[slot] && dependencySlots[slot].contains(Self.missing) {
            var previous = Self.missing
            let dependencies = lookUpDependencies(of: tasks[slot], after: &previous)
            dependencySlots[slot] = dependencies
        }
    }

    /// Empties `slot`.
    ///
    /// Only the flag changes, so removing tasks from a shared copy copies no task.
    mutating func remove(_ slot: Int) {
        guard isFilled[slot] else { return }
        isFilled[slot] = false
        count -= 1
    }

    /// Puts `task` (with the same key) in filled `slot`, its dependencies already resolved to
    /// `dependencies`.
    mutating func replace(_ slot: Int, with task: GraphTask, dependencies: [Int]) {
        tasks[slot] = task
        dependencySlots[slot] = dependencies
    }

    /// Which slots `outputs` need, directly or indirectly.
    ///
    /// - Throws: ``GraphError/missingDependency(task:dependency:)`` if a needed key has no task.
    func needed(by outputs: [TaskKey]) throws -> [Bool] {
        var needed = [Bool](repeating: false, count: slotCount)
        var stack: [Int] = []
        for output in outputs {
            guard let slot = filledSlot(of: output) else {
                throw GraphError.missingDependency(task: output, dependency: output)
            }
            stack.append(slot)
        }
        while let slot = stack.popLast() {
            guard !needed[slot] else { continue }
            needed[slot] = true
            let dependencies = dependencySlots[slot]
            for position in dependencies.indices {
                let dependency = dependencies[position]
                guard isTask(dependency) else {
                    let task = tasks[slot]
                    throw GraphError.missingDependency(task: task.key, dependency: task.dependencies[position])
                }
                if !needed[dependency] { stack.append(dependency) }
            }
        }
        return needed
    }

    /// These slots with every task `keep` rejects removed (the same slots when it keeps them all).
    func keeping(_ keep: [Bool]) -> TaskSlots {
        var result = self
        for slot in tasks.indices where !keep[slot] && isFilled[slot] { result.remove(slot) }
        return result
    }

    /// For each slot, whether its key is one of `keys`.
    func marking(_ keys: some Sequence<TaskKey>) -> [Bool] {
        var marked = [Bool](repeating: false, count: slotCount)
        for key in keys {
            if let slot = slotOfKey[key] { marked[slot] = true }
        }
        return marked
    }
}
