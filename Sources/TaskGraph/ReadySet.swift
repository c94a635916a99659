/// A set of task numbers in `0..<capacity` that gives back its smallest member first: the ready
/// tasks of a run, whose numbers are their priorities.
///
/// A bitmap with a summary bitmap on top of it (one bit per non-zero word below), level upon
/// level until one word: inserting and taking the smallest touch one word per level (three levels
/// for a quarter of a million tasks), rather than sifting through a heap.
struct ReadySet {
    /// The bitmaps of every level, finest first, end to end; bit `i` of level `k + 1` says
    /// whether word `i` of level `k` has a bit set. The last level is one word.
    private var words: [UInt64]
    /// Where each level starts in `words`.
    private let levelStarts: [Int]
    /// The number of members.
    private(set) var count = 0

    /// An empty set for numbers below `capacity`.
    init(capacity: Int) {
        var levelStarts: [Int] = []
        var total = 0
        var size = max(1, capacity)
        repeat {
            size = (size + 63) / 64
            levelStarts.append(total)
            total += size
        } while size > 1
        self.levelStarts = levelStarts
        words = [UInt64](repeating: 0, count: total)
    }

    /// Whether the set has no members.
    var isEmpty: Bool { count == 0 }

    /// Adds `member` (which must be below the capacity and not already in the set).
    mutating func insert(_ member: Int) {
        var position = member
        for start in levelStarts {
            let word = start + position / 64
            let wasEmpty = words[word] == 0
            words[word] |= 1 << UInt64(position % 64)
            // The levels above already know about a word that had a member.
            if !wasEmpty { break }
            position /= 64
        }
        count += 1
    }

    /// Removes and returns the smallest member, or `nil` if the set is empty.
    mutating func popFirst() -> Int? {
        guard count > 0 else { return nil }
        // Descend from the top: at each level, the first set bit of the word the level above chose.
        var position = 0
        for start in levelStarts.reversed() {
            position = position * 64 + words[start + position].trailingZeroBitCount
        }
        let member = position
        // Clear the member, and each summary bit whose word became empty.
        for start in levelStarts {
            let word = start + position / 64
            words[word] &= ~(1 << UInt64(position % 64))
            if words[word] != 0 { break }
            position /= 64
        }
        count -= 1
        return member
    }
}
