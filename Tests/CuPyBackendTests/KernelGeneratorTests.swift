import Backends
import CUDARuntime
import Foundation
import Testing
@testable import CuPyBackend

@Suite("Generated CUDA source: text and structure")
struct KernelGeneratorTests {
    private let x = ElementwiseExpression.input(0, .float64)
    private let y = ElementwiseExpression.input(1, .float64)

    private func generate(_ expression: ElementwiseExpression, _ inputs: [DType], scalars: [Bool]? = nil) -> ElementwiseKernelGenerator {
        ElementwiseKernelGenerator(expression, inputs: zip(inputs, scalars ?? inputs.map { _ in false }).map { .init(dtype: $0, isScalar: $1) })
    }

    @Test("A chain is one kernel: inputs are read once, each node is one statement, the root is stored")
    func fusedChain() {
        // (x + 1) * y - x / 2
        let chain = ElementwiseExpression.binary(.subtract, .binary(.multiply, .binary(.add, x, .constant(.double(1), .float64)), y),
                                                 .binary(.divide, x, .constant(.double(2), .float64)))
        let generator = generate(chain, [.float64, .float64])
        let source = generator.elementwiseSource()
        #expect(source.kernels == ["tessera_elementwise"])
        #expect(source.options.contains("--fmad=false"))
        let text = source.text
        #expect(text.contains("extern \"C\" __global__ void tessera_elementwise(i64 n, double* __restrict__ out, "
            + "const double* __restrict__ in0, const double* __restrict__ in1, double c0, double c1)"))
        #expect(text.components(separatedBy: "in0[i]").count - 1 == 1)   // x read once although used twice
        #expect(generator.lines.count == 6)                               // 2 loads + 4 operations
        #expect(generator.constants == [.double(1), .double(2)])
        #expect(text.contains("out[i] = \(generator.root.name);"))
    }

    @Test("Constants are parameters: the same structure with other values shares its source (one compilation)")
    func constantsAreParameters() {
        let a = generate(.binary(.add, x, .constant(.double(1), .float64)), [.float64])
        let b = generate(.binary(.add, x, .constant(.double(2.5), .float64)), [.float64])
        #expect(a.elementwiseSource() == b.elementwiseSource())
        #expect(a.constants == [.double(1)] && b.constants == [.double(2.5)])
        // Constants are rounded or wrapped on the host, as the CPU does.
        let f = generate(.binary(.add, .input(0, .float32), .constant(.double(0.1), .float32)), [.float32])
        #expect(f.constants == [.double(Double(Float(0.1)))])
        let i = generate(.binary(.add, .input(0, .int8), .constant(.int(300), .int8)), [.int8])
        #expect(i.constants == [.integer(44)])
    }

    @Test("Repeated subexpressions are computed once")
    func commonSubexpressions() {
        let square = ElementwiseExpression.binary(.multiply, x, x)
        let generator = generate(.binary(.add, square, square), [.float64])
        #expect(generator.lines.filter { $0.contains(" * ") }.count == 1)
        #expect(generator.lines.count == 3)
    }

    @Test("Single-element inputs are read once, before the loop")
    func scalarsAreHoisted() {
        let text = generate(.binary(.multiply, x, y), [.float64, .float64], scalars: [false, true]).elementwiseSource().text
        let hoisted = text.range(of: "in1[0]")
        let loop = text.range(of: "for (i64 i =")
        #expect(hoisted != nil && loop != nil && hoisted!.lowerBound < loop!.lowerBound)
        #expect(!text.contains("in1[i]"))
    }

    @Test("float32 nodes round to float after each operation; integers wrap to their width")
    func typesFollowTheCPU() {
        let f32 = generate(.binary(.multiply, .input(0, .float32), .input(1, .float32)), [.float32, .float32])
        #expect(f32.lines.last?.contains("t_r32(") == true)
        #expect(f32.elementwiseSource().text.contains("out[i] = __double2float_rn("))
        let i8 = generate(.binary(.add, .input(0, .int8), .input(1, .int8)), [.int8, .int8])
        #expect(i8.lines.last?.contains("(signed char)(t_add(") == true)
        let u64 = generate(.binary(.less, .input(0, .uint64), .input(1, .uint64)), [.uint64, .uint64])
        #expect(u64.lines.last?.contains("(u64)") == true)
        let boolAdd = generate(.binary(.add, .input(0, .bool), .input(1, .bool)), [.bool, .bool])
        #expect(boolAdd.lines.last?.contains(" | ") == true)
        let toUnsigned = generate(.cast(x, .uint64), [.float64])
        #expect(toUnsigned.lines.last?.contains("t_f2u(") == true)
        let notFloat = generate(.unary(.logicalNot, x), [.float64])
        #expect(notFloat.lines.last?.contains("== 0.0") == true)
        let mixed = generate(.binary(.add, .input(0, .int16), .input(1, .float32)), [.int16, .float32])
        #expect(mixed.expression.dtype == .float32 && mixed.lines.last?.contains("t_r32(") == true)
    }

    @Test("An input of another dtype than the expression declares is converted")
    func inputConversion() {
        let generator = generate(.binary(.add, .input(0, .float64), .constant(.double(1), .float64)), [.int32])
        #expect(generator.lines.contains { $0.contains("(double)") })
    }

    @Test("Reductions: accumulator and partial dtype per operation, as the CPU's", arguments: [
        (ReductionOperation.sum, DType.float32, DType.float64), (.sum, .int8, .int64), (.sum, .uint16, .uint64),
        (.prod, .bool, .int64), (.min, .uint64, .uint64), (.max, .float64, .float64), (.any, .float64, .bool),
        (.all, .int32, .bool), (.count, .float32, .int64), (.mean, .int32, .float64), (.variance, .float32, .float64),
    ])
    func partialTypes(_ operation: ReductionOperation, _ input: DType, _ partial: DType) {
        #expect(ReductionKernelGenerator.partialType(for: operation, dtype: input) == partial)
    }

    @Test("A reduction module holds the four kernels, evaluates the expression inline, and merges moments with Chan's formula")
    func reductionModule() {
        let generator = ReductionKernelGenerator(.binary(.multiply, x, x), inputs: [.init(dtype: .float64, isScalar: false)],
                                                 operation: .variance)
        let source = generator.source()
        #expect(source.kernels == ["tessera_reduce_all_partial", "tessera_reduce_all_final", "tessera_reduce_axes_block",
                                   "tessera_reduce_axes_thread"])
        #expect(generator.outputCount == 3 && generator.accumulatorSize == 24)
        #expect(source.text.contains("struct Acc { double n, mean, m2; };"))
        #expect(source.text.contains("delta * delta * a.n * b.n / n"))
        #expect(source.text.contains("__shfl_down_sync"))
        #expect(!source.text.contains("atomic"))
        let count = ReductionKernelGenerator(.input(0, .float32), inputs: [.init(dtype: .float32, isScalar: false)], operation: .count)
        #expect(count.source().text.contains("(v != v ? 0 : 1)"))
        let minimum = ReductionKernelGenerator(.input(0, .uint64), inputs: [.init(dtype: .uint64, isScalar: false)], operation: .min)
        #expect(minimum.source().text.contains("(u64)a.v <= (u64)b.v"))
    }

    @Test("The random module carries the CPU's ziggurat tables and Philox constants bit for bit")
    func randomModule() {
        let text = RandomKernels.source.text
        #expect(text.contains("0xef33d8025ef65ULL"))                     // K[0]
        #expect(text.contains("0xD2511F53u") && text.contains("0xCD9E8D57u") && text.contains("0x9E3779B9u"))
        #expect(text.contains(String(0x1.d3bb48209ad33p+1.bitPattern, radix: 16)))   // r
        #expect(RandomKernels.source.kernels.allSatisfy { text.contains("void \($0)(") })
    }

    @Test("Index maps merge contiguous axes and refuse more than 8")
    func indexMaps() throws {
        let contiguous = try TesseraIndex(extents: [2, 3, 4], strides: [12, 4, 1])
        #expect(contiguous.fields.count == 17)
        #expect(Array(contiguous.fields.prefix(2)) == [1, 24] && contiguous.fields[9] == 1)
        let transposed = try TesseraIndex(extents: [4, 3], strides: [1, 4])
        #expect(transposed.fields[0] == 2 && Array(transposed.fields[1...2]) == [4, 3] && Array(transposed.fields[9...10]) == [1, 4])
        let broadcast = try TesseraIndex(extents: [3, 1, 5], strides: [0, 5, 1])
        #expect(broadcast.fields[0] == 2)
        let nine = [Int](repeating: 2, count: 9)
        #expect(throws: ShapeError.self) { try TesseraIndex(extents: nine, strides: nine.indices.map { 1 << (2 * $0) }) }
        #expect(TesseraIndex.strides([2, 3, 4]) == [12, 4, 1])
    }
}
