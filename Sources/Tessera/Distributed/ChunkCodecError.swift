/// A value that could not be encoded or decoded.
public enum ChunkCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The data ended early.
    case truncated(needed: Int, remaining: Int)
    /// The data is not what the writer writes.
    case malformed(String)
    /// A task result of a type no codec handles.
    case unsupported(String)

    /// The message.
    public var description: String {
        switch self {
        case let .truncated(needed, remaining): "Chunk data ended early: needed \(needed) bytes, \(remaining) left."
        case let .malformed(what): "Malformed chunk data: \(what)."
        case let .unsupported(type): "A task result of type \(type) cannot be sent between ranks; only array and dataframe chunks, reduction partials, shuffle pieces, bytes and numbers can."
        }
    }
}
