#if canImport(Glibc)
import Glibc
#endif
import Backends
import CMPI

/// An MPI library opened with `dlopen`, its family detected and its entry points looked up once.
///
/// Every call goes through one typed table per family, so handles are passed with the C types that
/// family declares (pointers for Open MPI, `int` for MPICH). Nothing is linked: a build without MPI
/// works, and one binary runs with either library.
public final class MPILibrary: @unchecked Sendable {
    // @unchecked: only immutable function pointers and handle values are stored.

    /// The path or name the library was opened as.
    public let path: String
    /// The ABI family.
    public let family: MPIFamily
    private let library: DynamicLibrary
    let initThread: cmpi_Init_thread
    let initialized: cmpi_Initialized
    let finalized: cmpi_Finalized
    let finalize: cmpi_Finalize
    let libraryVersion: cmpi_Get_library_version
    let errorString: cmpi_Error_string
    let test: cmpi_Test
    let table: Table

    /// The family-specific entry points and predefined handles.
    enum Table {
        case openMPI(OpenMPITable)
        case mpich(MPICHTable)
    }

    /// Open MPI's entry points; handles are the addresses of its predefined objects.
    struct OpenMPITable {
        let commRank: cmpi_ompi_Comm_rank
        let commSize: cmpi_ompi_Comm_size
        let setErrorHandler: cmpi_ompi_Comm_set_errhandler
        let isend: cmpi_ompi_Isend
        let recv: cmpi_ompi_Recv
        let iprobe: cmpi_ompi_Iprobe
        let getCount: cmpi_ompi_Get_count
        let iallgather: cmpi_ompi_Iallgather
        let abort: cmpi_ompi_Abort
        let commWorld: UnsafeMutableRawPointer
        let byte: UnsafeMutableRawPointer
        let uint64: UnsafeMutableRawPointer
        let errorsReturn: UnsafeMutableRawPointer
    }

    /// MPICH's entry points; handles are its integer constants.
    struct MPICHTable {
        let commRank: cmpi_mpich_Comm_rank
        let commSize: cmpi_mpich_Comm_size
        let setErrorHandler: cmpi_mpich_Comm_set_errhandler
        let isend: cmpi_mpich_Isend
        let recv: cmpi_mpich_Recv
        let iprobe: cmpi_mpich_Iprobe
        let getCount: cmpi_mpich_Get_count
        let iallgather: cmpi_mpich_Iallgather
        let abort: cmpi_mpich_Abort
    }

    /// The libraries tried, in order, when none is configured: the one matching the launcher first
    /// (Open MPI's `mpirun` sets `OMPI_COMM_WORLD_SIZE`; MPICH's Hydra and Slurm set `PMI_RANK`).
    public static func defaultCandidates(environment: [String: String]) -> [String] {
        let openMPI = ["libmpi.so.40", "libmpi.so.12"]
        let mpich = ["libmpich.so.12", "libmpi.so.12"]
        if environment["OMPI_COMM_WORLD_SIZE"] != nil { return openMPI + mpich + ["libmpi.so"] }
        if environment["PMI_RANK"] != nil || environment["PMI_SIZE"] != nil || environment["MPI_LOCALNRANKS"] != nil {
            return mpich + openMPI + ["libmpi.so"]
        }
        return openMPI + mpich + ["libmpi.so"]
    }

    /// Opens the first of `candidates` that loads and looks up every entry point.
    ///
    /// - Throws: ``MPIError`` `.libraryNotFound` when none opens (each candidate's reason listed),
    ///   `.missingFunction` when the library lacks an entry point.
    public init(candidates: [String]) throws(MPIError) {
        var reasons: [String] = []
        var opened: DynamicLibrary?
        for candidate in candidates {
            do {
                // RTLD_GLOBAL: Open MPI's components are plugins that resolve libmpi's symbols.
                opened = try DynamicLibrary(path: candidate, global: true)
                break
            } catch {
                reasons.append(error.description)
            }
        }
        guard let library = opened else {
            throw MPIError(code: .libraryNotFound, call: "dlopen",
                           message: "no MPI library could be opened (" + reasons.joined(separator: "; ") + ")")
        }
        self.library = library
        path = library.path
        func load<T>(_ name: String, _: T.Type = T.self) throws(MPIError) -> T {
            guard let function = library.function(name, as: T.self) else {
                throw MPIError(code: .missingFunction, call: "dlsym", message: "\(library.path) does not export \(name)")
            }
            return function
        }
        func object(_ name: String) throws(MPIError) -> UnsafeMutableRawPointer {
            guard let address = library.symbol(name) else {
                throw MPIError(code: .missingFunction, call: "dlsym", message: "\(library.path) does not export \(name)")
            }
            return address
        }
        initThread = try load("MPI_Init_thread")
        initialized = try load("MPI_Initialized")
        finalized = try load("MPI_Finalized")
        finalize = try load("MPI_Finalize")
        libraryVersion = try load("MPI_Get_library_version")
        errorString = try load("MPI_Error_string")
        test = try load("MPI_Test")
        if library.symbol(MPIFamily.OpenMPISymbol.commWorld) != nil {
            family = .openMPI
            table = .openMPI(OpenMPITable(
                commRank: try load("MPI_Comm_rank"), commSize: try load("MPI_Comm_size"),
                setErrorHandler: try load("MPI_Comm_set_errhandler"), isend: try load("MPI_Isend"),
                recv: try load("MPI_Recv"), iprobe: try load("MPI_Iprobe"), getCount: try load("MPI_Get_count"),
                iallgather: try load("MPI_Iallgather"), abort: try load("MPI_Abort"),
                commWorld: try object(MPIFamily.OpenMPISymbol.commWorld), byte: try object(MPIFamily.OpenMPISymbol.byte),
                uint64: try object(MPIFamily.OpenMPISymbol.uint64),
                errorsReturn: try object(MPIFamily.OpenMPISymbol.errorsReturn)))
        } else {
            family = .mpich
            table = .mpich(MPICHTable(
                commRank: try load("MPI_Comm_rank"), commSize: try load("MPI_Comm_size"),
                setErrorHandler: try load("MPI_Comm_set_errhandler"), isend: try load("MPI_Isend"),
                recv: try load("MPI_Recv"), iprobe: try load("MPI_Iprobe"), getCount: try load("MPI_Get_count"),
                iallgather: try load("MPI_Iallgather"), abort: try load("MPI_Abort")))
        }
    }

    /// The library's own version line (`MPI_Get_library_version`), first line only.
    public var versionLine: String {
        var buffer = [CChar](repeating: 0, count: 8192)
        var length: Int32 = 0
        guard libraryVersion(&buffer, &length) == 0 else { return "unknown" }
        let text = Self.text(buffer)
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
    }

    /// `MPI_Error_string` for `code`.
    func describe(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var length: Int32 = 0
        guard errorString(code, &buffer, &length) == 0 else { return "MPI error \(code)" }
        return Self.text(buffer)
    }

    /// The text of a NUL-terminated C buffer.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Throws ``MPIError`` `.callFailed` naming `call` when `status` is not `MPI_SUCCESS`.
    func check(_ status: Int32, _ call: String) throws(MPIError) {
        guard status == 0 else { throw MPIError(code: .callFailed, call: call, message: describe(status)) }
    }
}
