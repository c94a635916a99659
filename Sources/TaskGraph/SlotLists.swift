/// One list of slots per slot, stored end to end in a single array (compressed rows): the
/// dependencies or the consumers of every task without an array per task.
struct SlotLists: Sendable {
    /// Where each slot's list starts in `items`; one more entry than there are slots.
    private let starts: [Int]
    /// The lists, one after another.
    private let items: [Int]

    /// The dependencies of every filled slot of `slots` (empty lists for empty slots).
    init(dependenciesOf slots: TaskSlots) {
        var starts = [Int]()
        starts.reserveCapacity(slots.slotCount + 1)
        var items = [Int]()
        items.reserveCapacity(slots.slotCount)
        for slot in 0..<slots.slotCount {
            starts.append(items.count)
            if slots.isFilled[slot] { items.append(contentsOf: slots.dependencySlots[slot]) }
        }
        starts.append(items.count)
        self.starts = starts
        self.items = items
    }

    /// `lists` renumbered: list `i` is the list of slot `oldSlot[i]`, each item `s` replaced by
    /// `newSlot[s]`.
    init(renumbering lists: SlotLists, oldSlot: [Int], newSlot: [Int]) {
        var starts = [Int]()
        starts.reserveCapacity(oldSlot.count + 1)
        var items = [Int]()
        items.reserveCapacity(lists.items.count)
        for old in oldSlot {
            starts.append(items.count)
            for item in lists[old] { items.append(newSlot[item]) }
        }
        starts.append(items.count)
        self.starts = starts
        self.items = items
    }

    /// The reverse of `lists`: for each slot, the slots whose lists name it, once per mention, in
    /// slot order. ``TaskSlots/missing`` entries are left out.
    init(reversing lists: SlotLists) {
        let slotCount = lists.starts.count - 1
        var counts = [Int](repeating: 0, count: slotCount + 1)
        for item in lists.items where item >= 0 { counts[item + 1] += 1 }
        for slot in 0..<slotCount { counts[slot + 1] += counts[slot] }
        var next = counts
        var items = [Int](repeating: 0, count: counts[slotCount])
        for slot in 0..<slotCount {
            for item in lists[slot] where item >= 0 {
                items[next[item]] = slot
                next[item] += 1
            }
        }
        starts = counts
        self.items = items
    }

    /// The list of `slot`.
    subscript(slot: Int) -> ArraySlice<Int> { items[starts[slot]..<starts[slot + 1]] }

    /// The length of `slot`'s list.
    func count(_ slot: Int) -> Int { starts[slot + 1] - starts[slot] }
}
