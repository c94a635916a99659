/// Which tasks ``Graph/fusingLinearChains(keeping:)`` merges: a task is absorbed into its consumer
/// when it has exactly one consumer, is not an output, and that consumer has no other dependency.
struct FusionPlan {
    /// The slots of the absorbed tasks.
    private(set) var absorbed: [Int] = []
    /// Each chain that fuses into one task, as slots from the outermost (which keeps its slot and
    /// key) down to the innermost (whose dependencies the fused task takes); at least two long.
    private(set) var chains: [[Int]] = []

    /// The plan for `slots`, keeping the tasks of `outputs` as they are.
    init(_ slots: TaskSlots, outputs: Set<TaskKey>) {
        let isOutput = slots.marking(outputs)
        var consumerCount = [Int](repeating: 0, count: slots.slotCount)
        var lastConsumer = [Int](repeating: TaskSlots.missing, count: slots.slotCount)
        for slot in 0..<slots.slotCount where slots.isFilled[slot] {
            for dependency in slots.dependencySlots[slot] where dependency >= 0 {
                consumerCount[dependency] += 1
                lastConsumer[dependency] = slot
            }
        }
        func isAbsorbed(_ slot: Int) -> Bool {
            slots.isTask(slot) && !isOutput[slot] && consumerCount[slot] == 1
                && slots.dependencySlots[lastConsumer[slot]].count == 1
        }
        for slot in 0..<slots.slotCount where slots.isFilled[slot] {
            if isAbsorbed(slot) {
                absorbed.append(slot)
                continue
            }
            var chain: [Int] = []
            var current = slot
            while slots.dependencySlots[current].count == 1, isAbsorbed(slots.dependencySlots[current][0]) {
                if chain.isEmpty { chain.append(slot) }
                current = slots.dependencySlots[current][0]
                chain.append(current)
            }
            if !chain.isEmpty { chains.append(chain) }
        }
    }
}
