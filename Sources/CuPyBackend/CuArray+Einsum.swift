import Backends
import NumPyBackend

extension CuArray {
    /// `np.einsum` on the device for the forms a chunked product builds: a permutation of one
    /// operand, and a contraction of two (`"ij,jk->ik"`, any `tensordot`), which is one matrix
    /// product (``tensordot(_:_:axes:)``) and a transpose. Other forms (diagonals, traces, batched
    /// products, three or more operands) are evaluated by the "numpy" backend's kernel on the host
    /// and the result is uploaded; docs/gpu.md lists them among the operations that run on the host.
    public func einsum(_ subscripts: String, _ operands: [any ArrayChunk]) throws -> any ArrayChunk {
        let arrays = try operands.map(onDevice)
        let spec = try EinsumSpec(subscripts, ranks: arrays.map(\.ndim))
        if arrays.count == 1, let order = Self.positions(of: spec.output, in: spec.inputs[0]) {
            return try arrays[0].transposed(order)
        }
        if arrays.count == 2, let plan = Self.contraction(spec) {
            let product = try tensordot(arrays[0], arrays[1], axes: plan.axes)
            return try product.transposed(plan.permutation)
        }
        let host = try NDArray.einsum(subscripts, arrays.map { try $0.toNDArray() })
        return try CuArray(host, on: device)
    }

    /// The position in `term` of each letter of `letters`, when `letters` is a permutation of
    /// `term` (distinct letters, none summed away).
    private static func positions(of letters: [Character], in term: [Character]) -> [Int]? {
        guard letters.count == term.count, Set(term).count == term.count else { return nil }
        let order = letters.compactMap { term.firstIndex(of: $0) }
        return order.count == term.count ? order : nil
    }

    /// The tensordot axes and the result's permutation for a two-operand einsum in which every
    /// letter is either shared by both operands and summed, or in one operand and kept; nil
    /// otherwise.
    private static func contraction(_ spec: EinsumSpec) -> (axes: ([Int], [Int]), permutation: [Int])? {
        let (a, b) = (spec.inputs[0], spec.inputs[1])
        guard Set(a).count == a.count, Set(b).count == b.count, Set(spec.output).count == spec.output.count else { return nil }
        let shared = a.filter { b.contains($0) }
        guard shared.allSatisfy({ !spec.output.contains($0) }) else { return nil }      // a batch axis
        let free = a.filter { !shared.contains($0) } + b.filter { !shared.contains($0) }
        guard let permutation = positions(of: spec.output, in: free) else { return nil }  // a letter summed in one operand
        let axesA = shared.compactMap { a.firstIndex(of: $0) }
        let axesB = shared.compactMap { b.firstIndex(of: $0) }
        return ((axesA, axesB), permutation)
    }
}
