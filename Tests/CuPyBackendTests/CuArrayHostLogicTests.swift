import Backends
import CUDARuntime
import CUDATestSupport
import NumPyBackend
import Synchronization
import Testing
@testable import CuPyBackend

/// `CuArray` on a fake device (host memory, recorded launches): copies, shapes, and which
/// kernels an operation launches with which sizes. The kernels themselves do not run here.
@Suite("CuArray host logic (fake driver)")
struct CuArrayHostLogicTests {
    private func makeDevice() throws -> (CUDADevice, FakeDriver) {
        let driver = FakeDriver(multiprocessors: 4)
        return (try CUDADevice(driver: driver, compiler: FakeCompiler(), compilerDescription: "fake"), driver)
    }

    @Test("Host arrays round-trip through device memory, every dtype")
    func roundTrip() throws {
        let (device, _) = try makeDevice()
        let host = try NDArray([1.5, -2, 3, 4, 5, 6], shape: [2, 3])
        for dtype in DType.allCases {
            let converted = try host.converted(to: dtype)
            let array = try CuArray(converted, on: device)
            #expect(array.shape == [2, 3] && array.dtype == dtype && array.backendLabel == "cupy")
            #expect(try array.toNDArray().toArray(Double.self) == converted.toArray(Double.self))
        }
    }

    @Test("Reshape shares the buffer; bad shapes and slices throw")
    func shapes() throws {
        let (device, _) = try makeDevice()
        let array = try CuArray(NDArray([1.0, 2, 3, 4, 5, 6], shape: [2, 3]), on: device)
        let reshaped = try #require(try array.reshaped([3, 2]) as? CuArray)
        #expect(reshaped.pointer == array.pointer && reshaped.shape == [3, 2])
        #expect(throws: ShapeError.self) { try array.reshaped([4, 2]) }
        #expect(throws: ShapeError.self) { try array.slice([StridedRange(start: 0, count: 3), .all(3)]) }
        #expect(throws: ShapeError.self) { try array.transposed([0, 0]) }
        #expect(try array.slice([.all(2), .all(3)]) is CuArray)   // the identity slice launches nothing
    }

    @Test("An elementwise chain is one launch over all elements; a full reduction two; a short axis reduction one thread each")
    func launches() throws {
        let (device, driver) = try makeDevice()
        let a = try CuArray(NDArray([Double](repeating: 1, count: 1_000), shape: [10, 100]), on: device)
        let expression = ElementwiseExpression.binary(.multiply, .binary(.add, .input(0, .float64), .constant(.double(1), .float64)),
                                                      .input(0, .float64))
        let result = try #require(try a.evaluate(expression, inputs: [a], shape: [10, 100]) as? CuArray)
        #expect(result.shape == [10, 100] && result.dtype == .float64)
        var launches = driver.state.withLock { $0.launches }
        #expect(launches.count == 1 && launches[0].firstArgument == 1_000 && launches[0].configuration.gridX == 4)

        _ = try a.evaluateAndReduce(expression, inputs: [a], shape: [10, 100], operation: .sum, axes: [0, 1])
        launches = driver.state.withLock { $0.launches }
        #expect(launches.count == 3)
        #expect(launches[1].firstArgument == 1_000 && launches[1].configuration.blockX == 256)   // partial: n
        #expect(launches[2].firstArgument == launches[1].configuration.gridX.asInt64 && launches[2].configuration.gridX == 1)

        let partial = try a.evaluateAndReduce(.input(0, .float64), inputs: [a], shape: [10, 100], operation: .mean, axes: [0])
        guard case let .moments(count, mean, m2) = partial else { Issue.record("expected moments"); return }
        #expect(count.shape == [1, 100] && mean.shape == [1, 100] && m2.shape == [1, 100])
        launches = driver.state.withLock { $0.launches }
        #expect(launches.count == 4 && launches[3].firstArgument == 100)   // one thread per output (10 values each)
    }

    @Test("Reductions of constants over every axis are computed on the host, exactly")
    func constantReduction() throws {
        let (device, driver) = try makeDevice()
        let meta = try CuArray(NDArray(zeros: [0]), on: device)
        let partial = try meta.evaluateAndReduce(.constant(.double(0.5), .float64), inputs: [], shape: [1_000, 3],
                                                 operation: .sum, axes: [0, 1])
        guard case let .value(chunk) = partial else { Issue.record("expected a value"); return }
        #expect(try chunk.toNDArray().toArray(Double.self) == [1_500])
        #expect(driver.state.withLock { $0.launches.isEmpty })
    }

    @Test("Concatenation launches one row copy per part; full fills with the CPU's bit pattern")
    func concatenateAndFill() throws {
        let (device, driver) = try makeDevice()
        let a = try CuArray(NDArray([1.0, 2, 3, 4], shape: [2, 2]), on: device)
        let b = try CuArray(NDArray([5.0, 6], shape: [2, 1]), on: device)
        let joined = try #require(try a.concatenate([a, b], axis: 1) as? CuArray)
        #expect(joined.shape == [2, 3])
        let launches = driver.state.withLock { $0.launches }
        #expect(launches.map(\.firstArgument) == [2, 2])   // rows, for each part
        #expect(throws: ShapeError.self) { try a.concatenate([a, b], axis: 0) }
        let filled = try #require(try a.full(shape: [3], value: .double(2.5), dtype: .float32) as? CuArray)
        #expect(filled.dtype == .float32 && filled.count == 3)
    }
}

extension UInt32 {
    fileprivate var asInt64: Int64 { Int64(self) }
}
