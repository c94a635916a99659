/// Lookup tables for float parsing, copied once into memory that is never freed so the hot loops
/// index raw pointers instead of arrays.
struct CSVFloatTables: @unchecked Sendable {
    // @unchecked: the tables are written once, before publication, and only read after.

    /// The process-wide tables.
    static let shared = CSVFloatTables()

    /// `10^0 ... 10^22`, every one exactly representable.
    let exactPowersOfTen: UnsafePointer<Double>
    /// ``CSVEiselLemireTable/powersOfFive``.
    let powersOfFive: UnsafePointer<UInt64>

    private init() {
        let tens = UnsafeMutablePointer<Double>.allocate(capacity: 23)
        var power = 1.0
        for k in 0...22 {
            tens[k] = power
            power *= 10
        }
        exactPowersOfTen = UnsafePointer(tens)
        let fives = CSVEiselLemireTable.powersOfFive
        let copy = UnsafeMutablePointer<UInt64>.allocate(capacity: fives.count)
        for (k, word) in fives.enumerated() { copy[k] = word }
        powersOfFive = UnsafePointer(copy)
    }
}
