import Backends
import CUDARuntime

/// A constant of a generated kernel, passed as a parameter so that one compiled kernel serves
/// every value (`x + 1` and `x + 2` share a module).
enum KernelConstant: Sendable, Hashable {
    /// A floating-point node's value (already rounded to `float` for `float32` nodes).
    case double(Double)
    /// An integer or boolean node's value (already wrapped to its width; `uint64` as bits).
    case integer(Int64)
}

/// Turns an ``ElementwiseExpression`` into CUDA C: one statement per distinct node, evaluated per
/// element, with the semantics of the "numpy" backend's tile evaluator (see ``CUDAPrelude``).
///
/// The same generated body serves the elementwise kernel (which stores the root value) and the
/// reduction kernels (which accumulate it), so a chain of elementwise operations and a reduction
/// of it are one kernel.
struct ElementwiseKernelGenerator {
    /// How an input is read.
    struct Input: Sendable, Hashable {
        /// The dtype of the chunk passed in.
        var dtype: DType
        /// Whether the input has a single element, broadcast to every position.
        var isScalar: Bool
    }

    /// The expression.
    let expression: ElementwiseExpression
    /// The inputs, by index.
    let inputs: [Input]

    /// Register lines evaluated once per kernel (scalar inputs), then per element.
    private(set) var hoisted: [String] = []
    private(set) var lines: [String] = []
    /// The constants, in parameter order.
    private(set) var constants: [KernelConstant] = []
    /// The variable holding the root value, and whether it is a floating-point register.
    private(set) var root: (name: String, isFloat: Bool) = ("0", false)
    private var memo: [ElementwiseExpression: (String, Bool)] = [:]
    private var counter = 0

    /// Generates the per-element code of `expression` over `inputs` (element index variable `i`).
    init(_ expression: ElementwiseExpression, inputs: [Input]) {
        self.expression = expression
        self.inputs = inputs
        root = emit(expression)
    }

    /// The parameter declarations for the inputs and constants.
    var parameterDeclarations: [String] {
        inputs.enumerated().map { "const \(CUDAPrelude.cType($0.element.dtype))* __restrict__ in\($0.offset)" }
            + constants.enumerated().map { index, constant in
                switch constant {
                case .double: "double c\(index)"
                case .integer: "i64 c\(index)"
                }
            }
    }

    /// The root value converted to `dtype`'s C storage type, as C text.
    func rootStored(as dtype: DType) -> String {
        let value = root.name
        switch (root.isFloat, dtype) {
        case (true, .float32): return "__double2float_rn(\(value))"
        case (true, .float64): return value
        case (false, .float32): return "(float)(\(value))"
        case (false, .float64): return "(double)(\(value))"
        case (_, .bool): return "(unsigned char)(\(value) != 0)"
        case (true, _): return "(\(CUDAPrelude.cType(dtype)))(\(dtype == .uint64 ? "t_f2u" : "t_f2i")(\(value)))"
        case (false, _): return "(\(CUDAPrelude.cType(dtype)))(\(value))"
        }
    }

    /// The complete elementwise kernel: `out[i] = expression(i)` for `i < n`, grid-stride.
    func elementwiseSource() -> KernelSource {
        let outType = CUDAPrelude.cType(expression.dtype)
        let parameters = (["i64 n", "\(outType)* __restrict__ out"] + parameterDeclarations).joined(separator: ", ")
        var text = CUDAPrelude.text
        // No formula in the text: it would hold the constants, which are parameters so that
        // expressions differing only in them share one compiled module.
        text += "// elementwise -> \(expression.dtype)\n"
        text += "extern \"C\" __global__ void tessera_elementwise(\(parameters)) {\n"
        for line in hoisted { text += "    \(line)\n" }
        text += "    for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (i64)blockDim.x * gridDim.x) {\n"
        for line in lines { text += "        \(line)\n" }
        text += "        out[i] = \(rootStored(as: expression.dtype));\n"
        text += "    }\n}\n"
        return KernelSource(name: "elementwise", text: text, kernels: ["tessera_elementwise"], options: CUDAPrelude.options)
    }

    // MARK: - Emission

    private mutating func fresh(_ isFloat: Bool) -> String {
        counter += 1
        return (isFloat ? "f" : "v") + String(counter)
    }

    /// Emits `node` and returns its variable and whether it is a floating-point register.
    private mutating func emit(_ node: ElementwiseExpression) -> (String, Bool) {
        if let known = memo[node] { return known }
        let result: (String, Bool)
        switch node {
        case let .input(index, dtype):
            result = emitInput(index, declared: dtype)
        case let .permutedInput(index, dtype, _):
            // `CuArray.materializingPermutations` replaces permuted operands by transposed copies
            // before any kernel is generated, so an operand here is already in the output's order.
            result = emitInput(index, declared: dtype)
        case let .constant(value, dtype):
            let index = constants.count
            if dtype.isFloatingPoint {
                constants.append(.double(dtype == .float32 ? Double(Float(value.doubleValue)) : value.doubleValue))
            } else {
                constants.append(.integer(Self.wrapped(value.int64Value, dtype)))
            }
            result = ("c\(index)", dtype.isFloatingPoint)
        case let .unary(op, operand):
            let a = emit(operand)
            result = emitUnary(op, a, operandType: operand.dtype, resultType: node.dtype)
        case let .binary(op, lhs, rhs):
            let a = emit(lhs)
            let b = emit(rhs)
            result = emitBinary(op, a, b, lhsType: lhs.dtype, rhsType: rhs.dtype, resultType: node.dtype)
        case let .cast(operand, dtype):
            let a = emit(operand)
            result = emitConvert(a, from: operand.dtype, to: dtype)
        case let .select(condition, lhs, rhs):
            let c = emit(condition)
            let a = emitConvert(emit(lhs), from: lhs.dtype, to: node.dtype)
            let b = emitConvert(emit(rhs), from: rhs.dtype, to: node.dtype)
            let name = fresh(a.1)
            lines.append("const \(a.1 ? "double" : "i64") \(name) = (\(c.0) != 0) ? \(a.0) : \(b.0);")
            result = (name, a.1)
        }
        memo[node] = result
        return result
    }

    private mutating func emitInput(_ index: Int, declared: DType) -> (String, Bool) {
        guard index < inputs.count else { return ("0", declared.isFloatingPoint) }
        let input = inputs[index]
        let isFloat = input.dtype.isFloatingPoint
        let name = fresh(isFloat)
        let load = "const \(isFloat ? "double" : "i64") \(name) = (\(isFloat ? "double" : "i64"))in\(index)[\(input.isScalar ? "0" : "i")];"
        if input.isScalar { hoisted.append(load) } else { lines.append(load) }
        if input.dtype != declared { return emitConvert((name, isFloat), from: input.dtype, to: declared) }
        return (name, isFloat)
    }

    /// Converts a register of `source` to `target`, as the tile evaluator's `convert`.
    private mutating func emitConvert(_ value: (String, Bool), from source: DType, to target: DType) -> (String, Bool) {
        if source == target && value.1 == target.isFloatingPoint { return value }
        let expression: String
        switch (value.1, target.isFloatingPoint) {
        case (true, true):
            if target == .float64 || source == .float32 { return value }
            expression = "t_r32(\(value.0))"
        case (true, false):
            switch target {
            case .bool: expression = "(i64)(\(value.0) != 0.0)"
            case .uint64: expression = "t_f2u(\(value.0))"
            default: expression = CUDAPrelude.wrap("t_f2i(\(value.0))", to: target)
            }
        case (false, true):
            let widened = source == .uint64 ? "(double)(u64)\(value.0)" : "(double)\(value.0)"
            expression = target == .float32 ? "t_r32(\(widened))" : widened
        case (false, false):
            if target == source || target == .int64 || target == .uint64 { return value }
            expression = CUDAPrelude.wrap(value.0, to: target)
        }
        let name = fresh(target.isFloatingPoint)
        lines.append("const \(target.isFloatingPoint ? "double" : "i64") \(name) = \(expression);")
        return (name, target.isFloatingPoint)
    }

    private mutating func emitUnary(_ op: UnaryOperation, _ a: (String, Bool), operandType: DType,
                                    resultType: DType) -> (String, Bool) {
        if resultType.isFloatingPoint || (operandType.isFloatingPoint && (op == .isnan || op == .isfinite || op == .isinf)) {
            let x = a.1 ? a : emitConvert(a, from: operandType, to: .float64)
            let v = x.0
            let f: String = switch op {
            case .negate: "-\(v)"
            case .abs: "fabs(\(v))"
            case .sign: "(\(v) > 0.0 ? 1.0 : (\(v) < 0.0 ? -1.0 : \(v)))"
            case .sqrt: "sqrt(\(v))"
            case .exp: "exp(\(v))"
            case .log: "log(\(v))"
            case .log1p: "log1p(\(v))"
            case .sin: "sin(\(v))"
            case .cos: "cos(\(v))"
            case .tanh: "tanh(\(v))"
            case .floor: "floor(\(v))"
            case .ceil: "ceil(\(v))"
            case .round: "rint(\(v))"
            case .logicalNot: "(\(v) == 0.0 ? 1.0 : 0.0)"
            case .isnan: "(\(v) != \(v) ? 1.0 : 0.0)"
            case .isfinite: "(isfinite(\(v)) ? 1.0 : 0.0)"
            case .isinf: "(isinf(\(v)) ? 1.0 : 0.0)"
            }
            if resultType.isFloatingPoint {
                let name = fresh(true)
                lines.append("const double \(name) = \(resultType == .float32 ? "t_r32(\(f))" : f);")
                return (name, true)
            }
            let name = fresh(false)
            lines.append("const i64 \(name) = (i64)(\(f));")
            return (name, false)
        }
        // Integer and boolean results. A float operand only reaches here for logicalNot, which
        // tests the value itself (NumPy's semantics) rather than its integer part.
        let v: String
        if a.1 {
            if op == .logicalNot {
                let name = fresh(false)
                lines.append("const i64 \(name) = (i64)(\(a.0) == 0.0);")
                return (name, false)
            }
            v = "t_f2i(\(a.0))"
        } else {
            v = a.0
        }
        let g: String = switch op {
        case .negate: resultType == .bool ? v : "t_sub(0, \(v))"
        case .abs: operandType.kind == .unsignedInteger ? v : "(\(v) < 0 ? t_sub(0, \(v)) : \(v))"
        case .logicalNot: "(i64)(\(v) == 0)"
        case .sign:
            operandType.kind == .unsignedInteger ? "(i64)(\(v) != 0)" : "(\(v) > 0 ? (i64)1 : (\(v) < 0 ? (i64)-1 : (i64)0))"
        case .isnan, .isinf: "(i64)0"
        case .isfinite: "(i64)1"
        default: v
        }
        let name = fresh(false)
        lines.append("const i64 \(name) = \(CUDAPrelude.wrap(g, to: resultType));")
        return (name, false)
    }

    private mutating func emitBinary(_ op: BinaryOperation, _ a: (String, Bool), _ b: (String, Bool), lhsType: DType,
                                     rhsType: DType, resultType: DType) -> (String, Bool) {
        let operandType = DType.promote(lhsType, rhsType)
        let computeType = op.isComparison ? operandType : resultType
        if computeType.isFloatingPoint {
            let x = a.1 ? a.0 : (lhsType == .uint64 ? "(double)(u64)\(a.0)" : "(double)\(a.0)")
            let y = b.1 ? b.0 : (rhsType == .uint64 ? "(double)(u64)\(b.0)" : "(double)\(b.0)")
            if op.isComparison {
                let name = fresh(false)
                lines.append("const i64 \(name) = (i64)(\(Self.comparison(op, x, y)));")
                return (name, false)
            }
            let value: String = switch op {
            case .add: "\(x) + \(y)"
            case .subtract: "\(x) - \(y)"
            case .multiply: "\(x) * \(y)"
            case .divide: "\(x) / \(y)"
            case .power: "pow(\(x), \(y))"
            case .floorDivide: "t_floordiv(\(x), \(y))"
            case .remainder: "t_remainder(\(x), \(y))"
            case .minimum: "t_min(\(x), \(y))"
            case .maximum: "t_max(\(x), \(y))"
            case .fmin: "((\(y) != \(y) || \(x) <= \(y)) ? \(x) : \(y))"
            case .fmax: "((\(y) != \(y) || \(x) >= \(y)) ? \(x) : \(y))"
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .logicalAnd, .logicalOr, .logicalXor:
                "0.0"   // comparisons returned above
            }
            let name = fresh(true)
            lines.append("const double \(name) = \(computeType == .float32 ? "t_r32(\(value))" : value);")
            return (name, true)
        }
        let x = a.1 ? "t_f2i(\(a.0))" : a.0
        let y = b.1 ? "t_f2i(\(b.0))" : b.0
        let unsigned = computeType == .uint64
        if op.isComparison {
            let (p, q) = unsigned && op != .logicalAnd && op != .logicalOr && op != .logicalXor && op != .equal && op != .notEqual
                ? ("(u64)\(x)", "(u64)\(y)") : (x, y)
            let name = fresh(false)
            lines.append("const i64 \(name) = (i64)(\(Self.comparison(op, p, q)));")
            return (name, false)
        }
        let w = resultType
        let value: String = switch op {
        case .add: w == .bool ? "(\(x) | \(y))" : "t_add(\(x), \(y))"
        case .subtract: "t_sub(\(x), \(y))"
        case .multiply: w == .bool ? "(\(x) & \(y))" : "t_mul(\(x), \(y))"
        case .power: "t_ipow(\(x), \(y))"
        case .floorDivide: unsigned ? "t_udiv(\(x), \(y))" : "t_ifloordiv(\(x), \(y))"
        case .remainder: unsigned ? "t_uremainder(\(x), \(y))" : "t_iremainder(\(x), \(y))"
        case .minimum, .fmin: unsigned ? "((u64)\(x) <= (u64)\(y) ? \(x) : \(y))" : "(\(y) < \(x) ? \(y) : \(x))"
        default: unsigned ? "((u64)\(x) >= (u64)\(y) ? \(x) : \(y))" : "(\(y) >= \(x) ? \(y) : \(x))"
        }
        let name = fresh(false)
        lines.append("const i64 \(name) = \(CUDAPrelude.wrap(value, to: w));")
        return (name, false)
    }

    private static func comparison(_ op: BinaryOperation, _ x: String, _ y: String) -> String {
        switch op {
        case .equal: "\(x) == \(y)"
        case .notEqual: "\(x) != \(y)"
        case .less: "\(x) < \(y)"
        case .lessEqual: "\(x) <= \(y)"
        case .greater: "\(x) > \(y)"
        case .greaterEqual: "\(x) >= \(y)"
        case .logicalAnd: "(\(x) != 0) && (\(y) != 0)"
        case .logicalXor: "(\(x) != 0) != (\(y) != 0)"
        default: "(\(x) != 0) || (\(y) != 0)"
        }
    }

    /// `value` wrapped to `dtype`, as the tile evaluator's `wrap` (host side, for constants).
    static func wrapped(_ value: Int64, _ dtype: DType) -> Int64 {
        switch dtype {
        case .bool: value != 0 ? 1 : 0
        case .int8: Int64(Int8(truncatingIfNeeded: value))
        case .int16: Int64(Int16(truncatingIfNeeded: value))
        case .int32: Int64(Int32(truncatingIfNeeded: value))
        case .uint8: Int64(UInt8(truncatingIfNeeded: value))
        case .uint16: Int64(UInt16(truncatingIfNeeded: value))
        case .uint32: Int64(UInt32(truncatingIfNeeded: value))
        default: value
        }
    }
}
