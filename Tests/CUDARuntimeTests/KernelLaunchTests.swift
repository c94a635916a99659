import Dispatch
import Synchronization
import CUDATestSupport
import Testing
@testable import CUDARuntime

@Suite("Kernel cache, launches and streams (fake driver)")
struct KernelLaunchTests {
    private let source = KernelSource(name: "demo", text: "extern \"C\" __global__ void scale(...) {} void shift(...) {}",
                                      kernels: ["scale", "shift"])

    private func makeDevice(multiprocessors: Int = 4) throws -> (CUDADevice, FakeDriver, FakeCompiler) {
        let driver = FakeDriver(multiprocessors: multiprocessors)
        let compiler = FakeCompiler()
        return (try CUDADevice(driver: driver, compiler: compiler, compilerDescription: "fake"), driver, compiler)
    }

    @Test("Grid-stride launches cover the elements, capped at a few waves per multiprocessor", arguments: [
        (0, 1), (1, 1), (256, 1), (257, 2), (1_000, 4), (100_000, 32), (1 << 40, 32),
    ])
    func elementwiseLaunch(_ count: Int, _ blocks: UInt32) {
        let configuration = LaunchConfiguration.elementwise(count: count, multiprocessors: 4)
        #expect(configuration.gridX == blocks)
        #expect(configuration.blockX == 256 && configuration.gridY == 1 && configuration.blockY == 1)
        #expect(configuration.threadCount == Int(blocks) * 256)
    }

    @Test("Launches out of the driver's range are rejected before reaching it")
    func invalidLaunch() {
        #expect(throws: CUDAError.self) { try LaunchConfiguration(grid: (0, 1, 1), block: (32, 1, 1)) }
        #expect(throws: CUDAError.self) { try LaunchConfiguration(grid: (1, 70_000, 1), block: (32, 1, 1)) }
        #expect(throws: CUDAError.self) { try LaunchConfiguration(grid: (1, 1, 1), block: (64, 32, 1)) }
        #expect((try? LaunchConfiguration(grid: (10, 20, 1), block: (16, 16, 1)))?.threadCount == 51_200)
    }

    @Test("A module is compiled and loaded once, then found in the cache")
    func compiledOnce() throws {
        let (device, driver, compiler) = try makeDevice()
        try device.perform { stream in
            for count in [10, 20, 30] {
                var arguments = KernelArguments()
                arguments.append(Int64(count))
                try device.launch("scale", in: source, configuration: .elementwise(count: count, multiprocessors: 4),
                                  arguments: arguments, stream: stream)
            }
            var arguments = KernelArguments()
            arguments.append(Int64(7))
            try device.launch("shift", in: source, configuration: .elementwise(count: 7, multiprocessors: 4), arguments: arguments,
                              stream: stream)
        }
        #expect(compiler.compilations.load(ordering: .relaxed) == 1)
        #expect(device.kernelStatistics.compilations == 1 && device.kernelStatistics.hits == 3 && device.kernelStatistics.modules == 1)
        let launches = driver.state.withLock { $0.launches }
        #expect(launches.map(\.firstArgument) == [10, 20, 30, 7])
        #expect(Set(launches.prefix(3).map(\.function)).count == 1)
        #expect(launches[3].function != launches[0].function)
    }

    @Test("Threads racing on one new source all get its kernel; one module is kept")
    func concurrentFirstUse() throws {
        let (device, driver, compiler) = try makeDevice()
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                try device.perform { stream in
                    var arguments = KernelArguments()
                    arguments.append(Int64(index))
                    try device.launch("scale", in: source, configuration: .elementwise(count: 1, multiprocessors: 4),
                                      arguments: arguments, stream: stream)
                }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(device.kernelStatistics.modules == 1)
        #expect(compiler.compilations.load(ordering: .relaxed) >= 1)
        #expect(driver.state.withLock { $0.modules.count } == 1)   // losers of the race were unloaded
        #expect(driver.state.withLock { $0.launches.count } == 16)
        #expect(device.streamCount <= 16)
    }

    @Test("Unknown kernels and compilation errors are thrown, not trapped")
    func errors() throws {
        let (device, _, _) = try makeDevice()
        #expect(throws: CUDAError.self) {
            try device.perform { stream in
                try device.launch("nosuch", in: source, configuration: .elementwise(count: 1, multiprocessors: 1),
                                  arguments: KernelArguments(), stream: stream)
            }
        }
        let broken = KernelSource(name: "broken", text: "#error no", kernels: ["k"])
        do {
            try device.prepare(broken)
            Issue.record("expected a compilation error")
        } catch {
            #expect(error.code == .compilation)
        }
    }

    @Test("Streams are reused: one per operation running at once, each synchronised when it ends")
    func streamsAreReused() throws {
        let (device, driver, _) = try makeDevice()
        for _ in 0..<5 { try device.perform { _ in } }
        #expect(device.streamCount == 1)
        #expect(driver.state.withLock { $0.synchronizations } == 5)
        #expect(try device.time { _ in } == 0.5)
    }

    @Test("Kernel arguments are laid out as the C parameters")
    func argumentLayout() {
        var arguments = KernelArguments()
        arguments.append(Int64(-2))
        arguments.append(Float(1.5))
        arguments.appendStruct([3, 4])
        #expect(arguments.count == 3)
        #expect(arguments.bytes(of: 0, count: 8) == [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(arguments.bytes(of: 1, count: 4) == [0, 0, 0xC0, 0x3F])
        #expect(arguments.bytes(of: 2, count: 16) == [3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0])
    }
}
