import Backends
import CUDARuntime

/// Every kernel module the "cupy" backend can compile: the fixed ones, and a representative set
/// of generated ones (every unary and binary operation, every cast between dtype families,
/// selects, broadcast scalars, and every reduction over float, signed, unsigned and boolean
/// values), so that a test can compile them all with NVRTC on a machine without a GPU.
package enum KernelCatalog {
    /// The fixed modules.
    package static var fixed: [KernelSource] { [CoreKernels.source, RandomKernels.source] }

    /// Generated elementwise modules: every unary operation on a boolean, a signed, an unsigned
    /// and both float operands; every binary operation on integer, unsigned, mixed and float
    /// operands and against a constant; every cast from each family to every dtype.
    package static var elementwise: [KernelSource] {
        var sources: [KernelSource] = []
        for dtype in [DType.bool, .int8, .uint64, .float32] {
            for op in UnaryOperation.allCases { sources.append(generate(.unary(op, .input(0, dtype)), [dtype])) }
        }
        for (a, b) in [(DType.int32, DType.int32), (.uint64, .uint64), (.bool, .bool), (.int16, .float32)] {
            for op in BinaryOperation.allCases {
                sources.append(generate(.binary(op, .input(0, a), .input(1, b)), [a, b]))
            }
        }
        for op in BinaryOperation.allCases {
            sources.append(generate(.binary(op, .input(0, .float32), .constant(.double(2.5), .float32)), [.float32]))
        }
        for source in [DType.bool, .uint64, .float64] {
            for target in DType.allCases where target != source {
                sources.append(generate(.cast(.input(0, source), target), [source]))
            }
        }
        // A fused chain with a broadcast scalar input, a select and a shared subexpression:
        // where(x > 0, (x + 1) * y - x / 2, x).
        let x = ElementwiseExpression.input(0, .float64)
        let y = ElementwiseExpression.input(1, .float64)
        let chain = ElementwiseExpression.binary(
            .subtract, .binary(.multiply, .binary(.add, x, .constant(.double(1), .float64)), y),
            .binary(.divide, x, .constant(.double(2), .float64)))
        sources.append(generate(.select(.binary(.greater, x, .constant(.double(0), .float64)), chain, x), [.float64, .float64],
                                scalars: [false, true]))
        sources.append(generate(.constant(.double(7.5), .float32), []))
        return sources
    }

    /// Generated reduction modules: every reduction of boolean, signed, unsigned and float values
    /// (each accumulator and every combine), and a fused one with a constant.
    package static var reductions: [KernelSource] {
        var sources: [KernelSource] = []
        for dtype in [DType.bool, .uint64, .float32] {
            for operation in ReductionOperation.allCases {
                sources.append(ReductionKernelGenerator(.input(0, dtype), inputs: [.init(dtype: dtype, isScalar: false)],
                                                        operation: operation).source())
            }
        }
        let fused = ElementwiseExpression.binary(.multiply, .binary(.add, .input(0, .float64), .constant(.double(1), .float64)),
                                                 .input(1, .float64))
        sources.append(ReductionKernelGenerator(fused, inputs: [.init(dtype: .float64, isScalar: false), .init(dtype: .float64, isScalar: true)],
                                                operation: .sum).source())
        return sources
    }

    /// Every module, deduplicated.
    package static var all: [KernelSource] {
        var seen = Set<KernelSource>()
        return (fixed + elementwise + reductions).filter { seen.insert($0).inserted }
    }

    private static func generate(_ expression: ElementwiseExpression, _ dtypes: [DType], scalars: [Bool]? = nil) -> KernelSource {
        let flags = scalars ?? dtypes.map { _ in false }
        return ElementwiseKernelGenerator(expression, inputs: zip(dtypes, flags).map { .init(dtype: $0, isScalar: $1) })
            .elementwiseSource()
    }
}
