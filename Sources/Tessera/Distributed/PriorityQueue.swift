/// A binary min-heap of task numbers: the ready task of lowest priority number first.
struct PriorityQueue {
    private var heap: [Int] = []

    /// Whether nothing is queued.
    var isEmpty: Bool { heap.isEmpty }

    /// Adds `task`.
    mutating func insert(_ task: Int) {
        heap.append(task)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the smallest task number.
    mutating func popMin() -> Int? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return first }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left] < heap[smallest] { smallest = left }
            if right < heap.count && heap[right] < heap[smallest] { smallest = right }
            if smallest == parent { break }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
        return first
    }
}
