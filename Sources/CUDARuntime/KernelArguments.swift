/// The parameters of one kernel launch, each copied into its own aligned slot, as
/// `cuLaunchKernel`'s `kernelParams` wants them (one pointer per parameter).
///
/// ```swift
/// var arguments = KernelArguments()
/// arguments.append(Int64(count))
/// arguments.append(output.pointer)
/// ```
public struct KernelArguments: ~Copyable {
    private var slots: [UnsafeMutableRawPointer] = []

    /// No parameters yet.
    public init() {}

    /// Appends a parameter of a plain type (a number, a device pointer as `UInt64`).
    public mutating func append<T: BitwiseCopyable>(_ value: T) {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: max(MemoryLayout<T>.size, 1),
                                                    alignment: max(MemoryLayout<T>.alignment, 8))
        slot.storeBytes(of: value, as: T.self)
        slots.append(slot)
    }

    /// Appends a parameter that is a C struct of 64-bit integers (`struct { long long a[n]; }`).
    public mutating func appendStruct(_ fields: [Int64]) {
        let slot = UnsafeMutableRawPointer.allocate(byteCount: max(fields.count * 8, 8), alignment: 16)
        for (index, field) in fields.enumerated() { slot.storeBytes(of: field, toByteOffset: index * 8, as: Int64.self) }
        slots.append(slot)
    }

    /// The number of parameters.
    public var count: Int { slots.count }

    /// The bytes of parameter `index` (for tests).
    public func bytes(of index: Int, count: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: slots[index], count: count))
    }

    /// Calls `body` with the array of parameter pointers.
    public func withParameterPointers<R, E: Error>(
        _ body: (UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(E) -> R
    ) throws(E) -> R {
        var pointers: [UnsafeMutableRawPointer?] = slots
        pointers.append(nil)
        return try pointers.withUnsafeMutableBufferPointer { buffer throws(E) in
            // The buffer is never empty: it ends with a nil.
            try body(buffer.baseAddress!)
        }
    }

    deinit { for slot in slots { slot.deallocate() } }
}
