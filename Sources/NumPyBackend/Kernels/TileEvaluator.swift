import Backends
import Foundation

/// Evaluates an ``ElementwiseExpression`` over contiguous arrays, one tile of elements at a time.
///
/// The expression is flattened once into instructions in dependency order. Each instruction owns
/// one tile-sized register, so a whole chain of operations runs over a tile that stays in the L1
/// cache, and each input is read from memory once. Floating-point nodes compute in `Double`
/// registers (rounded to `Float` after each operation when the node is `float32`, which gives the
/// same result as computing in `Float`); boolean and integer nodes compute in `Int64` registers,
/// wrapped to their width after each operation as NumPy's fixed-width integers wrap.
struct TileEvaluator {
    /// Elements per tile: 1024 doubles are 8 KiB, so a dozen registers fit in L1.
    static let tileSize = 1024

    /// Where an instruction's values live for the current tile.
    enum Register {
        case float(UnsafeMutablePointer<Double>)
        case integer(UnsafeMutablePointer<Int64>)
        case floatScalar(Double)
        case integerScalar(Int64)
    }

    private enum Instruction {
        case input(Int, DType)
        case constant(ScalarValue, DType)
        case unary(UnaryOperation, Int, DType)
        case binary(BinaryOperation, Int, Int, DType)
        case cast(Int, DType)
        case select(Int, Int, Int, DType)
    }

    private var instructions: [Instruction] = []
    private let inputs: [NDArray]
    /// The dtype of the expression's result.
    let resultType: DType
    private var floatTiles: UnsafeMutablePointer<Double>
    private var integerTiles: UnsafeMutablePointer<Int64>

    /// Prepares `expression` over `inputs`, each of which has `count` elements or exactly one.
    init(_ expression: ElementwiseExpression, inputs: [NDArray]) {
        self.inputs = inputs
        resultType = expression.dtype
        floatTiles = .allocate(capacity: 1)
        integerTiles = .allocate(capacity: 1)
        var memo: [ElementwiseExpression: Int] = [:]
        _ = flatten(expression, memo: &memo)
        floatTiles.deallocate()
        integerTiles.deallocate()
        // Two tiles per instruction: the result, and scratch for a converted second operand.
        floatTiles = .allocate(capacity: instructions.count * 2 * Self.tileSize)
        integerTiles = .allocate(capacity: instructions.count * 2 * Self.tileSize)
    }

    /// Frees the registers.
    func release() {
        floatTiles.deallocate()
        integerTiles.deallocate()
    }

    private mutating func flatten(_ node: ElementwiseExpression, memo: inout [ElementwiseExpression: Int]) -> Int {
        if let index = memo[node] { return index }
        let instruction: Instruction
        switch node {
        case let .input(k, dtype): instruction = .input(k, dtype)
        case let .constant(value, dtype): instruction = .constant(value, dtype)
        case let .unary(op, operand): instruction = .unary(op, flatten(operand, memo: &memo), node.dtype)
        case let .binary(op, lhs, rhs):
            let a = flatten(lhs, memo: &memo)
            let b = flatten(rhs, memo: &memo)
            instruction = .binary(op, a, b, node.dtype)
        case let .cast(operand, dtype): instruction = .cast(flatten(operand, memo: &memo), dtype)
        case let .select(c, a, b):
            let ci = flatten(c, memo: &memo)
            let ai = flatten(a, memo: &memo)
            let bi = flatten(b, memo: &memo)
            instruction = .select(ci, ai, bi, node.dtype)
        }
        instructions.append(instruction)
        memo[node] = instructions.count - 1
        return instructions.count - 1
    }

    /// Evaluates elements `start..<start+length` (length ≤ tileSize) and returns the result register.
    func evaluateTile(start: Int, length: Int) -> Register {
        var registers: [Register] = []
        registers.reserveCapacity(instructions.count)
        for (index, instruction) in instructions.enumerated() {
            let f = floatTiles + index * 2 * Self.tileSize
            let i = integerTiles + index * 2 * Self.tileSize
            switch instruction {
            case let .input(k, dtype):
                registers.append(loadInput(inputs[k], as: dtype, start: start, length: length, float: f, integer: i))
            case let .constant(value, dtype):
                registers.append(dtype.isFloatingPoint ? .floatScalar(round(value.doubleValue, dtype))
                                                       : .integerScalar(wrap(value.int64Value, dtype)))
            case let .unary(op, a, dtype):
                registers.append(unary(op, registers[a], operandType: typeOf(a), result: dtype, length: length,
                                       float: f, integer: i))
            case let .binary(op, a, b, dtype):
                registers.append(binary(op, registers[a], registers[b], operandType: DType.promote(typeOf(a), typeOf(b)),
                                        result: dtype, length: length, float: f, integer: i))
            case let .cast(a, dtype):
                registers.append(convert(registers[a], from: typeOf(a), to: dtype, length: length, float: f, integer: i))
            case let .select(c, a, b, dtype):
                let x = convert(registers[a], from: typeOf(a), to: dtype, length: length, float: f, integer: i)
                let y = convert(registers[b], from: typeOf(b), to: dtype, length: length,
                                float: f + Self.tileSize, integer: i + Self.tileSize)
                registers.append(select(registers[c], x, y, length: length, float: f, integer: i))
            }
        }
        return registers[registers.count - 1]
    }

    private func typeOf(_ index: Int) -> DType {
        switch instructions[index] {
        case let .input(_, dtype), let .constant(_, dtype), let .unary(_, _, dtype), let .binary(_, _, _, dtype),
             let .cast(_, dtype), let .select(_, _, _, dtype):
            dtype
        }
    }

    // MARK: - Loading

    private func loadInput(_ array: NDArray, as dtype: DType, start: Int, length: Int,
                           float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        let raw = UnsafeRawPointer(array.storage.bytes)
        if array.count == 1 {
            let scalar = array.scalar(at: 0)
            return dtype.isFloatingPoint ? .floatScalar(scalar.doubleValue) : .integerScalar(scalar.int64Value)
        }
        func widen<T: NDArrayElement>(_: T.Type, into target: UnsafeMutablePointer<Double>) {
            let source = raw.assumingMemoryBound(to: T.self) + start
            for k in 0..<length { target[k] = source[k].doubleValue }
        }
        func widenInteger<T: NDArrayElement>(_: T.Type) {
            let source = raw.assumingMemoryBound(to: T.self) + start
            for k in 0..<length { integer[k] = source[k].int64Value }
        }
        switch array.dtype {
        case .float64:
            return .float(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Double.self)) + start)
        case .int64, .uint64:
            return .integer(UnsafeMutablePointer(mutating: raw.assumingMemoryBound(to: Int64.self)) + start)
        case .float32: widen(Float.self, into: float); return .float(float)
        case .bool: widenInteger(Bool.self)
        case .int8: widenInteger(Int8.self)
        case .int16: widenInteger(Int16.self)
        case .int32: widenInteger(Int32.self)
        case .uint8: widenInteger(UInt8.self)
        case .uint16: widenInteger(UInt16.self)
        case .uint32: widenInteger(UInt32.self)
        }
        return .integer(integer)
    }

    // MARK: - Conversions

    @inline(__always)
    private func round(_ value: Double, _ dtype: DType) -> Double {
        dtype == .float32 ? Double(Float(value)) : value
    }

    @inline(__always)
    private func wrap(_ value: Int64, _ dtype: DType) -> Int64 {
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

    @inline(__always)
    private func integerToDouble(_ value: Int64, _ dtype: DType) -> Double {
        dtype == .uint64 ? Double(UInt64(bitPattern: value)) : Double(value)
    }

    @inline(__always)
    private func doubleToInteger(_ value: Double, _ dtype: DType) -> Int64 {
        if dtype == .bool { return value != 0 ? 1 : 0 }
        if dtype == .uint64, value >= 9_223_372_036_854_775_808.0 {
            return value < 18_446_744_073_709_551_616.0 ? Int64(bitPattern: UInt64(value)) : -1
        }
        return wrap(Int64(truncatingIfNeeded: value), dtype)
    }

    /// Converts a register to `target`, writing any tile it must produce into `float` or `integer`.
    private func convert(_ register: Register, from source: DType, to target: DType, length: Int,
                         float f: UnsafeMutablePointer<Double>, integer i: UnsafeMutablePointer<Int64>) -> Register {
        switch (register, target.isFloatingPoint) {
        case let (.floatScalar(v), true): return .floatScalar(round(v, target))
        case let (.floatScalar(v), false): return .integerScalar(doubleToInteger(v, target))
        case let (.integerScalar(v), true): return .floatScalar(round(integerToDouble(v, source), target))
        case let (.integerScalar(v), false): return .integerScalar(wrap(v, target))
        case let (.float(p), true):
            if target == .float64 || source == .float32 { return .float(p) }
            for k in 0..<length { f[k] = Double(Float(p[k])) }
            return .float(f)
        case let (.float(p), false):
            for k in 0..<length { i[k] = doubleToInteger(p[k], target) }
            return .integer(i)
        case let (.integer(p), true):
            if source == .uint64 {
                for k in 0..<length { f[k] = round(Double(UInt64(bitPattern: p[k])), target) }
            } else if target == .float32 {
                for k in 0..<length { f[k] = Double(Float(p[k])) }
            } else {
                for k in 0..<length { f[k] = Double(p[k]) }
            }
            return .float(f)
        case let (.integer(p), false):
            if target == source || target == .int64 || target == .uint64 { return .integer(p) }
            for k in 0..<length { i[k] = wrap(p[k], target) }
            return .integer(i)
        }
    }

    // MARK: - Unary

    private func unary(_ op: UnaryOperation, _ a: Register, operandType: DType, result: DType, length: Int,
                       float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        if result.isFloatingPoint || (operandType.isFloatingPoint && (op == .isnan || op == .isfinite)) {
            // Compute in doubles.
            let x = operandType.isFloatingPoint ? a : convert(a, from: operandType, to: .float64, length: length,
                                                                float: float, integer: integer)
            let f: (Double) -> Double
            switch op {
            case .negate: f = { -$0 }
            case .abs: f = { Swift.abs($0) }
            case .sqrt: f = { $0.squareRoot() }
            case .exp: f = { Foundation.exp($0) }
            case .log: f = { Foundation.log($0) }
            case .log1p: f = { Foundation.log1p($0) }
            case .sin: f = { Foundation.sin($0) }
            case .cos: f = { Foundation.cos($0) }
            case .tanh: f = { Foundation.tanh($0) }
            case .floor: f = { $0.rounded(.down) }
            case .ceil: f = { $0.rounded(.up) }
            case .logicalNot: f = { $0 == 0 ? 1 : 0 }
            case .isnan: f = { $0.isNaN ? 1 : 0 }
            case .isfinite: f = { $0.isFinite ? 1 : 0 }
            }
            if result.isFloatingPoint {
                let r32 = result == .float32
                switch x {
                case let .floatScalar(v): return .floatScalar(r32 ? Double(Float(f(v))) : f(v))
                case let .float(p):
                    if r32 { for k in 0..<length { float[k] = Double(Float(f(p[k]))) } }
                    else { for k in 0..<length { float[k] = f(p[k]) } }
                    return .float(float)
                default: return x
                }
            }
            switch x {
            case let .floatScalar(v): return .integerScalar(Int64(f(v)))
            case let .float(p):
                for k in 0..<length { integer[k] = Int64(f(p[k])) }
                return .integer(integer)
            default: return x
            }
        }
        // Integer and boolean results.
        let unsigned = operandType.kind == .unsignedInteger
        let g: (Int64) -> Int64
        switch op {
        case .negate: g = { result == .bool ? $0 : 0 &- $0 }
        case .abs: g = { unsigned ? $0 : ($0 < 0 ? 0 &- $0 : $0) }
        case .logicalNot: g = { $0 == 0 ? 1 : 0 }
        case .isnan: g = { _ in 0 }
        case .isfinite: g = { _ in 1 }
        default: g = { $0 }
        }
        switch a {
        case let .integerScalar(v): return .integerScalar(wrap(g(v), result))
        case let .integer(p):
            for k in 0..<length { integer[k] = wrap(g(p[k]), result) }
            return .integer(integer)
        case let .floatScalar(v): return .integerScalar(wrap(g(Int64(truncatingIfNeeded: v)), result))
        case let .float(p):
            for k in 0..<length { integer[k] = wrap(g(Int64(truncatingIfNeeded: p[k])), result) }
            return .integer(integer)
        }
    }

    // MARK: - Binary

    private func binary(_ op: BinaryOperation, _ a: Register, _ b: Register, operandType: DType, result: DType,
                        length: Int, float: UnsafeMutablePointer<Double>,
                        integer: UnsafeMutablePointer<Int64>) -> Register {
        let computeType = op.isComparison ? operandType : result
        if computeType.isFloatingPoint {
            let x = toFloat(a, length: length, scratch: float)
            let y = toFloat(b, length: length, scratch: float + Self.tileSize)
            if op.isComparison {
                let c: (Double, Double) -> Bool
                switch op {
                case .equal: c = { $0 == $1 }
                case .notEqual: c = { $0 != $1 }
                case .less: c = { $0 < $1 }
                case .lessEqual: c = { $0 <= $1 }
                case .greater: c = { $0 > $1 }
                case .greaterEqual: c = { $0 >= $1 }
                case .logicalAnd: c = { $0 != 0 && $1 != 0 }
                default: c = { $0 != 0 || $1 != 0 }
                }
                return compareLoop(x, y, length: length, out: integer, c)
            }
            let r32 = computeType == .float32
            switch op {
            case .add: return floatLoop(x, y, length: length, out: float, r32) { $0 + $1 }
            case .subtract: return floatLoop(x, y, length: length, out: float, r32) { $0 - $1 }
            case .multiply: return floatLoop(x, y, length: length, out: float, r32) { $0 * $1 }
            case .divide: return floatLoop(x, y, length: length, out: float, r32) { $0 / $1 }
            case .power: return floatLoop(x, y, length: length, out: float, r32) { Foundation.pow($0, $1) }
            case .minimum: return floatLoop(x, y, length: length, out: float, r32) { $0.isNaN || $1.isNaN ? .nan : Swift.min($0, $1) }
            default: return floatLoop(x, y, length: length, out: float, r32) { $0.isNaN || $1.isNaN ? .nan : Swift.max($0, $1) }
            }
        }
        let x = toInteger(a, from: operandType, length: length, scratch: integer)
        let y = toInteger(b, from: operandType, length: length, scratch: integer + Self.tileSize)
        let unsigned = computeType == .uint64
        if op.isComparison {
            let c: (Int64, Int64) -> Bool
            switch op {
            case .equal: c = { $0 == $1 }
            case .notEqual: c = { $0 != $1 }
            case .less: c = unsigned ? { UInt64(bitPattern: $0) < UInt64(bitPattern: $1) } : { $0 < $1 }
            case .lessEqual: c = unsigned ? { UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) } : { $0 <= $1 }
            case .greater: c = unsigned ? { UInt64(bitPattern: $0) > UInt64(bitPattern: $1) } : { $0 > $1 }
            case .greaterEqual: c = unsigned ? { UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) } : { $0 >= $1 }
            case .logicalAnd: c = { $0 != 0 && $1 != 0 }
            default: c = { $0 != 0 || $1 != 0 }
            }
            return integerCompareLoop(x, y, length: length, out: integer, c)
        }
        let w = result
        switch op {
        case .add: return integerLoop(x, y, length: length, out: integer) { self.wrap(w == .bool ? ($0 | $1) : $0 &+ $1, w) }
        case .subtract: return integerLoop(x, y, length: length, out: integer) { self.wrap($0 &- $1, w) }
        case .multiply: return integerLoop(x, y, length: length, out: integer) { self.wrap(w == .bool ? ($0 & $1) : $0 &* $1, w) }
        case .power: return integerLoop(x, y, length: length, out: integer) { self.wrap(Self.integerPower($0, $1), w) }
        case .minimum:
            return integerLoop(x, y, length: length, out: integer) {
                unsigned ? (UInt64(bitPattern: $0) <= UInt64(bitPattern: $1) ? $0 : $1) : Swift.min($0, $1)
            }
        default:
            return integerLoop(x, y, length: length, out: integer) {
                unsigned ? (UInt64(bitPattern: $0) >= UInt64(bitPattern: $1) ? $0 : $1) : Swift.max($0, $1)
            }
        }
    }

    /// `base ** exponent` with wrapping, as NumPy computes integer powers (0 for negative exponents
    /// except for bases 1 and -1, where NumPy raises instead).
    static func integerPower(_ base: Int64, _ exponent: Int64) -> Int64 {
        if exponent < 0 { return base == 1 ? 1 : (base == -1 ? (exponent & 1 == 0 ? 1 : -1) : 0) }
        var result: Int64 = 1
        var b = base
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = result &* b }
            b = b &* b
            e >>= 1
        }
        return result
    }

    private func toFloat(_ register: Register, length: Int, scratch: UnsafeMutablePointer<Double>) -> Register {
        switch register {
        case .float, .floatScalar: return register
        case let .integerScalar(v): return .floatScalar(Double(v))
        case let .integer(p):
            for k in 0..<length { scratch[k] = Double(p[k]) }
            return .float(scratch)
        }
    }

    private func toInteger(_ register: Register, from _: DType, length: Int,
                           scratch: UnsafeMutablePointer<Int64>) -> Register {
        switch register {
        case .integer, .integerScalar: return register
        case let .floatScalar(v): return .integerScalar(Int64(truncatingIfNeeded: v))
        case let .float(p):
            for k in 0..<length { scratch[k] = Int64(truncatingIfNeeded: p[k]) }
            return .integer(scratch)
        }
    }

    @inline(__always)
    private func floatLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Double>,
                           _ round32: Bool, _ f: (Double, Double) -> Double) -> Register {
        switch (a, b) {
        case let (.float(x), .float(y)):
            for k in 0..<length { out[k] = f(x[k], y[k]) }
        case let (.float(x), .floatScalar(s)):
            for k in 0..<length { out[k] = f(x[k], s) }
        case let (.floatScalar(s), .float(y)):
            for k in 0..<length { out[k] = f(s, y[k]) }
        case let (.floatScalar(s), .floatScalar(t)):
            let v = f(s, t)
            return .floatScalar(round32 ? Double(Float(v)) : v)
        default:
            return .floatScalar(.nan)
        }
        if round32 { for k in 0..<length { out[k] = Double(Float(out[k])) } }
        return .float(out)
    }

    @inline(__always)
    private func compareLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                             _ c: (Double, Double) -> Bool) -> Register {
        switch (a, b) {
        case let (.float(x), .float(y)): for k in 0..<length { out[k] = c(x[k], y[k]) ? 1 : 0 }
        case let (.float(x), .floatScalar(s)): for k in 0..<length { out[k] = c(x[k], s) ? 1 : 0 }
        case let (.floatScalar(s), .float(y)): for k in 0..<length { out[k] = c(s, y[k]) ? 1 : 0 }
        case let (.floatScalar(s), .floatScalar(t)): return .integerScalar(c(s, t) ? 1 : 0)
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    @inline(__always)
    private func integerLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                             _ f: (Int64, Int64) -> Int64) -> Register {
        switch (a, b) {
        case let (.integer(x), .integer(y)): for k in 0..<length { out[k] = f(x[k], y[k]) }
        case let (.integer(x), .integerScalar(s)): for k in 0..<length { out[k] = f(x[k], s) }
        case let (.integerScalar(s), .integer(y)): for k in 0..<length { out[k] = f(s, y[k]) }
        case let (.integerScalar(s), .integerScalar(t)): return .integerScalar(f(s, t))
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    @inline(__always)
    private func integerCompareLoop(_ a: Register, _ b: Register, length: Int, out: UnsafeMutablePointer<Int64>,
                                    _ c: (Int64, Int64) -> Bool) -> Register {
        switch (a, b) {
        case let (.integer(x), .integer(y)): for k in 0..<length { out[k] = c(x[k], y[k]) ? 1 : 0 }
        case let (.integer(x), .integerScalar(s)): for k in 0..<length { out[k] = c(x[k], s) ? 1 : 0 }
        case let (.integerScalar(s), .integer(y)): for k in 0..<length { out[k] = c(s, y[k]) ? 1 : 0 }
        case let (.integerScalar(s), .integerScalar(t)): return .integerScalar(c(s, t) ? 1 : 0)
        default: return .integerScalar(0)
        }
        return .integer(out)
    }

    private func select(_ c: Register, _ a: Register, _ b: Register, length: Int,
                        float: UnsafeMutablePointer<Double>, integer: UnsafeMutablePointer<Int64>) -> Register {
        func condition(_ k: Int) -> Bool {
            switch c {
            case let .integer(p): p[k] != 0
            case let .float(p): p[k] != 0
            case let .integerScalar(v): v != 0
            case let .floatScalar(v): v != 0
            }
        }
        switch (a, b) {
        case (.float, _), (.floatScalar, _):
            for k in 0..<length {
                let pick = condition(k) ? a : b
                switch pick {
                case let .float(p): float[k] = p[k]
                case let .floatScalar(v): float[k] = v
                default: float[k] = 0
                }
            }
            return .float(float)
        default:
            let out = integer
            for k in 0..<length {
                let pick = condition(k) ? a : b
                switch pick {
                case let .integer(p): out[k] = p[k]
                case let .integerScalar(v): out[k] = v
                default: out[k] = 0
                }
            }
            return .integer(out)
        }
    }
}
