/// A failure of the MPI layer: the library cannot be loaded, a call returned an error code, or the
/// other ranks disagree or stopped answering.
public struct MPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, in kinds a caller can test.
    public enum Code: String, Sendable, Equatable {
        /// No MPI library could be opened (or `mpi.library` names one that cannot).
        case libraryNotFound
        /// The library lacks an entry point Tessera needs.
        case missingFunction
        /// An MPI call returned an error code.
        case callFailed
        /// A message had a form this version does not understand.
        case malformedMessage
    }

    /// The kind of failure.
    public let code: Code
    /// The MPI call involved (`"MPI_Isend"`), or the step (`"dlopen"`).
    public let call: String
    /// The library's or Tessera's explanation.
    public let message: String

    /// A failure of `call` with `message`.
    public init(code: Code, call: String, message: String) {
        self.code = code
        self.call = call
        self.message = message
    }

    /// "MPI_Isend failed: <message>".
    public var description: String { "\(call) failed: \(message)" }
}
