/// The two ABIs MPI libraries ship in: the handle types and predefined constants differ, the
/// function names do not.
public enum MPIFamily: String, Sendable, Equatable {
    /// Open MPI: handles are pointers, predefined handles are addresses of exported symbols.
    case openMPI = "Open MPI"
    /// MPICH and the libraries built on its ABI (Intel MPI, MVAPICH): handles are `int` constants.
    case mpich = "MPICH"

    /// `MPI_ANY_SOURCE`.
    var anySource: Int32 { self == .openMPI ? -1 : -2 }
    /// `MPI_ANY_TAG` (the same in both).
    var anyTag: Int32 { -1 }
    /// The byte offsets of `MPI_SOURCE` and `MPI_TAG` in `MPI_Status`.
    var statusSourceAndTagOffsets: (source: Int, tag: Int) { self == .openMPI ? (0, 4) : (8, 12) }

    /// MPICH's predefined handles (its mpi.h's constants).
    enum MPICHHandle {
        static let commWorld: Int32 = 0x4400_0000
        static let byte: Int32 = 0x4c00_010d
        static let uint64: Int32 = 0x4c00_083e
        static let errorsReturn: Int32 = 0x5400_0001
    }

    /// Open MPI's predefined handles: the exported symbols whose addresses they are.
    enum OpenMPISymbol {
        static let commWorld = "ompi_mpi_comm_world"
        static let byte = "ompi_mpi_byte"
        static let uint64 = "ompi_mpi_uint64_t"
        static let errorsReturn = "ompi_mpi_errors_return"
    }
}
