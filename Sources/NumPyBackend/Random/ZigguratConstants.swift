/// The ziggurat's constants for other implementations of the normal transform (the GPU backend
/// copies them into its kernels), exactly as the CPU uses them; see docs/random-streams.md.
package enum ZigguratConstants {
    /// Fast-path bounds on the 52-bit magnitude, one per layer.
    package static var k: [UInt64] { ZigguratTables.k }
    /// Layer widths over 2^52, one per layer.
    package static var w: [Double] { ZigguratTables.w }
    /// The density at each layer's edge.
    package static var f: [Double] { ZigguratTables.f }
    /// The start of the tail.
    package static var r: Double { ZigguratTables.r }
    /// 1 / r.
    package static var inverseR: Double { ZigguratTables.inverseR }
}
