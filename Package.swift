// swift-tools-version: 6.0
import PackageDescription

/// Upcoming-feature flags every Tessera module is compiled with.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Tessera",
    products: [
        .library(name: "Tessera", targets: ["Tessera"]),
        .executable(name: "tessera-demo", targets: ["tessera-demo"]),
        .executable(name: "tessera-bench", targets: ["tessera-bench"]),
        .executable(name: "tessera-gpu-selftest", targets: ["tessera-gpu-selftest"]),
        .executable(name: "tessera-mpi-check", targets: ["tessera-mpi-check"]),
    ],
    targets: [
        // MARK: - Public API
        .target(
            name: "Tessera",
            dependencies: ["Backends", "TaskGraph", "NumPyBackend", "PandasBackend", "FileFormats", "CTesseraBackendABI",
                           "CUDARuntime", "CuPyBackend", "CuDFBackend", "MPIRuntime"],
            swiftSettings: strict
        ),

        // MARK: - Implementation modules
        .target(name: "Backends", swiftSettings: strict),
        .target(name: "TaskGraph", dependencies: ["Backends"], swiftSettings: strict),
        .target(name: "NumPyBackend", dependencies: ["Backends"], swiftSettings: strict),
        .target(name: "PandasBackend", dependencies: ["Backends", "NumPyBackend"], swiftSettings: strict),
        .target(name: "FileFormats", dependencies: ["Backends", "CHDF5"], swiftSettings: strict),
        /// The HDF5 C API's types, for the HDF5 reader, which opens libhdf5 at run time (nothing linked).
        .systemLibrary(name: "CHDF5", path: "Sources/CHDF5"),
        /// The CUDA driver, NVRTC and cuBLAS entry points as a hand-written header: no CUDA is needed to build,
        /// the libraries are opened with dlopen at run time (docs/gpu.md).
        .systemLibrary(name: "CCUDA", path: "Sources/CCUDA"),
        .target(name: "CUDARuntime", dependencies: ["Backends", "CCUDA"], swiftSettings: strict),
        .target(name: "CuPyBackend", dependencies: ["Backends", "CCUDA", "CUDARuntime", "NumPyBackend"], swiftSettings: strict),
        /// GPU dataframes: `CuDataFrame` and its kernels (docs/cudf.md).
        .target(name: "CuDFBackend", dependencies: ["Backends", "CCUDA", "CUDARuntime", "CuPyBackend", "NumPyBackend", "PandasBackend"],
                swiftSettings: strict),
        /// The MPI entry points as a hand-written header, one typedef set per ABI family (Open MPI, MPICH);
        /// nothing linked, libmpi is opened with dlopen at run time (docs/distributed.md).
        .systemLibrary(name: "CMPI", path: "Sources/CMPI"),
        .target(name: "MPIRuntime", dependencies: ["Backends", "CMPI"], swiftSettings: strict),
        /// The C ABI a backend built as its own shared library exports (see docs/writing-a-backend.md).
        .target(name: "CTesseraBackendABI"),

        // MARK: - Example third-party backend (Examples/DynamicBackend is the shared-library one, built by its test)
        .target(name: "ExampleBackend", dependencies: ["Tessera"], path: "Examples/ExampleBackend", swiftSettings: strict),

        // MARK: - Executables
        .executableTarget(name: "tessera-demo", dependencies: ["Tessera", "ExampleBackend"], path: "Sources/Demo",
                          swiftSettings: strict),
        .executableTarget(name: "tessera-bench", dependencies: ["Tessera"], path: "Benchmarks", swiftSettings: strict),
        /// Checks every GPU operation against the CPU backend, and times it (docs/gpu.md); built with
        /// --static-swift-stdlib to run on a GPU machine without a Swift toolchain.
        .executableTarget(name: "tessera-gpu-selftest", dependencies: ["GPUSelfTestKit", "Tessera", "CUDARuntime", "CuPyBackend", "CuDFBackend", "Backends"],
                          path: "Sources/GPUSelfTest", swiftSettings: strict),
        /// The program mpirun starts for the distributed tests and the scaling benchmark (docs/distributed.md).
        .executableTarget(name: "tessera-mpi-check", dependencies: ["Tessera"], path: "Sources/MPICheck", swiftSettings: strict),
        /// The self-test's checks and benchmarks, a library so the tests can run them on the CPU emulator.
        .target(name: "GPUSelfTestKit", dependencies: ["Tessera", "CuPyBackend", "CuDFBackend", "CUDARuntime", "NumPyBackend", "Backends"],
                swiftSettings: strict),

        // MARK: - Tests
        .target(name: "TesseraTestSupport", dependencies: ["Tessera"], path: "Tests/TesseraTestSupport",
                swiftSettings: strict),
        .testTarget(name: "BackendsTests", dependencies: ["Backends", "TesseraTestSupport"], swiftSettings: strict),
        .testTarget(name: "TaskGraphTests", dependencies: ["TaskGraph", "TesseraTestSupport"], swiftSettings: strict),
        .testTarget(name: "NumPyBackendTests", dependencies: ["NumPyBackend", "TesseraTestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "PandasBackendTests", dependencies: ["PandasBackend", "TesseraTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .testTarget(name: "FileFormatsTests", dependencies: ["FileFormats", "Backends", "TesseraTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: strict),
        .target(name: "CUDATestSupport", dependencies: ["CUDARuntime", "CCUDA"], path: "Tests/CUDATestSupport",
                swiftSettings: strict),
        .testTarget(name: "CUDARuntimeTests", dependencies: ["CUDARuntime", "CCUDA", "Backends", "CUDATestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CuPyBackendTests",
                    dependencies: ["CuPyBackend", "CUDARuntime", "NumPyBackend", "Backends", "CUDATestSupport"],
                    swiftSettings: strict),
        .testTarget(name: "CuDFBackendTests",
                    dependencies: ["CuDFBackend", "CuPyBackend", "CUDARuntime", "PandasBackend", "NumPyBackend", "Backends",
                                   "CUDATestSupport", "TesseraTestSupport"],
                    swiftSettings: strict),
        .testTarget(
            name: "TesseraTests",
            dependencies: ["Tessera", "TesseraTestSupport", "ExampleBackend", "CUDATestSupport", "GPUSelfTestKit"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
