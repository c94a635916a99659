import Synchronization
import CUDATestSupport
import Testing
@testable import CUDARuntime

@Suite("Device memory pool (fake driver)")
struct DeviceMemoryPoolTests {
    private func makeDevice(capacity: Int = 1 << 30, cacheLimit: Int = .max) throws -> (CUDADevice, FakeDriver) {
        let driver = FakeDriver(capacity: capacity)
        return (try CUDADevice(driver: driver, compiler: FakeCompiler(), compilerDescription: "fake", cacheLimit: cacheLimit), driver)
    }

    @Test("Sizes round to 512 bytes below 1 MiB and to whole MiB above", arguments: [
        (0, 0), (1, 512), (512, 512), (513, 1024), (1 << 20, 1 << 20), ((1 << 20) + 1, 2 << 20), ((3 << 20) - 5, 3 << 20),
    ])
    func rounding(_ request: Int, _ expected: Int) {
        #expect(DeviceMemoryPool.roundedSize(request) == expected)
    }

    @Test("A released block is reused for a request of the same rounded size, without the driver")
    func reuse() throws {
        let (device, driver) = try makeDevice()
        var first: DeviceBuffer? = try device.memoryPool.allocate(1_000)
        let address = first?.pointer
        #expect(device.memoryPool.statistics.bytesInUse == 1_024)
        first = nil
        #expect(device.memoryPool.statistics.bytesCached == 1_024)
        let second = try device.memoryPool.allocate(900)
        #expect(second.pointer == address)
        let stats = device.memoryPool.statistics
        #expect(stats.driverAllocations == 1 && stats.cacheHits == 1 && stats.bytesInUse == 1_024 && stats.bytesCached == 0)
        #expect(driver.state.withLock { $0.allocations.count } == 1)
    }

    @Test("Out of device memory: the cache is given back and the allocation retried")
    func outOfMemoryRetriesAfterEmptyingTheCache() throws {
        let (device, driver) = try makeDevice(capacity: 4_096)
        _ = try device.memoryPool.allocate(2_048)           // released at once: cached
        #expect(device.memoryPool.statistics.bytesCached == 2_048)
        let big = try device.memoryPool.allocate(3_072)     // 2048 cached + 3072 > 4096: the driver says no first
        #expect(big.capacity == 3_072)
        let stats = device.memoryPool.statistics
        #expect(stats.driverFrees == 1 && stats.bytesCached == 0 && stats.driverAllocations == 2)
        #expect(driver.state.withLock { $0.used } == 3_072)
    }

    @Test("Out of device memory after emptying the cache is a thrown .outOfMemory naming the request")
    func outOfMemoryThrows() throws {
        let (device, _) = try makeDevice(capacity: 4_096)
        let held = try device.memoryPool.allocate(4_096)
        do {
            _ = try device.memoryPool.allocate(1_000)
            Issue.record("expected out of memory")
        } catch {
            #expect(error.code == .outOfMemory)
            #expect(error.description.contains("could not allocate 1000 bytes"))
            #expect(error.description.contains("4096 bytes"))
            #expect(!error.isUnavailable)
        }
        #expect(held.capacity == 4_096)
    }

    @Test("Cached bytes stay under the cache limit; the peak is tracked")
    func cacheLimit() throws {
        let (device, driver) = try makeDevice(cacheLimit: 1_024)
        var a: DeviceBuffer? = try device.memoryPool.allocate(1_024)
        var b: DeviceBuffer? = try device.memoryPool.allocate(1_024)
        #expect(device.memoryPool.statistics.peakBytesInUse == 2_048)
        a = nil
        b = nil
        let stats = device.memoryPool.statistics
        #expect(stats.bytesCached == 1_024 && stats.driverFrees == 1 && stats.bytesInUse == 0)
        try device.memoryPool.releaseCache()
        #expect(driver.state.withLock { $0.allocations.isEmpty })
        #expect(a == nil && b == nil)
    }

    @Test("Empty buffers take no memory; negative sizes are rejected")
    func emptyAndNegative() throws {
        let (device, _) = try makeDevice()
        let empty = try device.memoryPool.allocate(0)
        #expect(empty.pointer == 0 && empty.capacity == 0)
        #expect(device.memoryPool.statistics.driverAllocations == 0)
        #expect(throws: CUDAError.self) { try device.memoryPool.allocate(-1) }
    }

    @Test("Uploads and downloads round-trip through device memory")
    func uploadDownload() throws {
        let (device, _) = try makeDevice()
        let values: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6]
        let buffer = try device.memoryPool.allocate(values.count * 4)
        let copy = try device.memoryPool.allocate(values.count * 4)
        var back = [Int32](repeating: 0, count: values.count)
        try device.perform { stream in
            try values.withUnsafeBytes { try device.upload($0, to: buffer, stream: stream) }
            try device.copy(values.count * 4, from: buffer, to: copy, stream: stream)
            try back.withUnsafeMutableBytes { try device.download(copy, into: $0, stream: stream) }
        }
        #expect(back == values)
        #expect(throws: CUDAError.self) {
            try device.perform { stream in try device.copy(64, from: buffer, to: copy, stream: stream) }
        }
    }
}
