extension TaskSlots {
    /// A priority for every filled slot, `-1` for empty ones: the position in a depth-first walk
    /// from `outputs` that visits dependencies first, as Dask's `order` does, so that a scheduler
    /// taking the lowest priority finishes one branch (and frees its inputs) before starting the
    /// next. The priorities of the filled slots are `0..<count`.
    func priorities(outputs: [TaskKey]) -> [Int] {
        let dependencies = SlotLists(dependenciesOf: self)
        return priorities(outputs: outputs, dependencies: dependencies, dependents: SlotLists(reversing: dependencies))
    }

    /// ``priorities(outputs:)`` with the lists of dependencies and dependents of every slot
    /// already made.
    func priorities(outputs: [TaskKey], dependencies: SlotLists, dependents: SlotLists) -> [Int] {
        var walk = PriorityWalk(self, dependencies: dependencies, dependents: dependents)
        for output in outputs {
            if let slot = filledSlot(of: output) { walk.visit(from: slot) }
        }
        walk.placeRest()
        return walk.order
    }
}

/// The state of ``TaskSlots/priorities(outputs:)``'s walk.
private struct PriorityWalk {
    /// The graph walked.
    let slots: TaskSlots
    /// The dependencies of every slot.
    let dependencies: SlotLists
    /// The consumers of every slot.
    let dependents: SlotLists
    /// The priority of each slot, `-1` until placed.
    private(set) var order: [Int]
    /// For each slot, how many of its dependencies are not placed yet (once per mention).
    private var unplaced: [Int]
    /// Whether the depth-first walk has pushed a slot.
    private var visiting: [Bool]
    /// The number of slots placed so far: the next priority.
    private var placed = 0
    /// The depth-first walk's path: each slot with the position of the next dependency to visit
    /// (kept between walks to reuse its storage).
    private var stack: [(slot: Int, next: Int)] = []
    /// The slots ``place(_:)`` has yet to place (kept to reuse its storage).
    private var ready: [Int] = []

    /// A walk over `slots` that has placed nothing yet.
    init(_ slots: TaskSlots, dependencies: SlotLists, dependents: SlotLists) {
        self.slots = slots
        self.dependencies = dependencies
        self.dependents = dependents
        order = [Int](repeating: -1, count: slots.slotCount)
        unplaced = (0..<slots.slotCount).map(dependencies.count)
        visiting = [Bool](repeating: false, count: slots.slotCount)
    }

    /// Walks depth-first from `start`, placing each task after its dependencies.
    mutating func visit(from start: Int) {
        stack.append((start, 0))
        while let (slot, next) = stack.popLast() {
            if order[slot] >= 0 { continue }
            let list = dependencies[slot]
            if next < list.count {
                stack.append((slot, next + 1))
                let dependency = list[list.startIndex + next]
                if slots.isTask(dependency) && order[dependency] < 0 && !visiting[dependency] {
                    visiting[dependency] = true
                    stack.append((dependency, 0))
                }
            } else {
                place(slot)
            }
        }
    }

    /// Gives `slot` the next position, then does the same for every consumer whose inputs are now
    /// all placed: a value shared by several consumers (a block read by both a mean and a standard
    /// deviation) is used by all of them before the walk moves on, so it can be freed.
    private mutating func place(_ slot: Int) {
        ready.append(slot)
        while let next = ready.popLast() {
            guard order[next] < 0 else { continue }
            order[next] = placed
            placed += 1
            for consumer in dependents[next] {
                unplaced[consumer] -= 1
                if unplaced[consumer] == 0 && order[consumer] < 0 { ready.append(consumer) }
            }
        }
    }

    /// Places the tasks no output needs, in key order.
    mutating func placeRest() {
        var rest: [(key: TaskKey, slot: Int)] = []
        for slot in 0..<slots.slotCount where order[slot] < 0 && slots.isFilled[slot] {
            rest.append((slots.tasks[slot].key, slot))
        }
        for (_, slot) in rest.sorted(by: { $0.key < $1.key }) {
            order[slot] = placed
            placed += 1
        }
    }
}
