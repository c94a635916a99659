import CHDF5

/// The layout of an HDF5 datatype, as far as Tessera's reader needs it: the byte size of a value
/// and how its bytes are to be read.
indirect enum HDF5Datatype: Sendable, Equatable {
    /// A little-endian integer of `size` bytes (an enum over one reads the same).
    case integer(size: Int, signed: Bool)
    /// A one-byte boolean (PyTables' `H5T_STD_B8` bitfield).
    case boolean
    /// A little-endian IEEE float of `size` bytes (4 or 8).
    case float(size: Int)
    /// A fixed-width byte string of `size` bytes, NUL-padded.
    case fixedString(size: Int)
    /// A compound of named members at byte offsets.
    case compound(size: Int, members: [Member])
    /// A fixed-size array of `count` elements of `element`.
    case array(element: HDF5Datatype, count: Int)
    /// Anything else: a variable-length type (such as pickled Python objects), a big-endian
    /// number, an opaque blob, a reference. `description` says which.
    case unsupported(size: Int, description: String)

    /// A member of a compound.
    struct Member: Sendable, Equatable {
        /// The member's name.
        let name: String
        /// Its byte offset in a record.
        let offset: Int
        /// Its type.
        let type: HDF5Datatype
    }

    /// The size of one value in bytes.
    var size: Int {
        switch self {
        case let .integer(size, _), let .float(size), let .fixedString(size), let .compound(size, _), let .unsupported(size, _):
            size
        case let .array(element, count): element.size * count
        case .boolean: 1
        }
    }

    /// The type behind identifier `id` (which the caller keeps and closes).
    static func describe(_ id: hid_t, in library: HDF5Library) -> HDF5Datatype {
        let size = library.typeSize(id)
        let littleEndian = library.typeOrder(id) != TESSERA_H5T_ORDER_BE
        switch library.typeClass(id) {
        case TESSERA_H5T_BITFIELD where size == 1:
            return .boolean
        case TESSERA_H5T_INTEGER, TESSERA_H5T_BITFIELD:
            guard littleEndian else { return .unsupported(size: size, description: "big-endian integers") }
            return .integer(size: size, signed: library.typeSign(id) != TESSERA_H5T_SGN_NONE)
        case TESSERA_H5T_ENUM:
            let base = library.typeSuper(id)
            defer { _ = library.typeClose(base) }
            return base < 0 ? .unsupported(size: size, description: "an enum") : describe(base, in: library)
        case TESSERA_H5T_FLOAT:
            guard littleEndian, size == 4 || size == 8 else {
                return .unsupported(size: size, description: "\(size)-byte or big-endian floats")
            }
            return .float(size: size)
        case TESSERA_H5T_STRING:
            if library.typeIsVariableString(id) > 0 { return .unsupported(size: size, description: "variable-length strings") }
            return .fixedString(size: size)
        case TESSERA_H5T_COMPOUND:
            let count = max(0, Int(library.typeMemberCount(id)))
            var members: [Member] = []
            for index in 0..<UInt32(count) {
                let memberType = library.typeMemberType(id, index)
                defer { _ = library.typeClose(memberType) }
                var name = ""
                if let pointer = library.typeMemberName(id, index) {
                    name = String(cString: pointer)
                    _ = library.freeMemory(pointer)
                }
                members.append(Member(name: name, offset: library.typeMemberOffset(id, index),
                                      type: describe(memberType, in: library)))
            }
            return .compound(size: size, members: members)
        case TESSERA_H5T_ARRAY:
            let rank = Int(library.typeArrayRank(id))
            guard rank >= 0, rank <= 32 else { return .unsupported(size: size, description: "an array type") }
            var dims = [hsize_t](repeating: 0, count: max(rank, 1))
            _ = library.typeArrayDimensions(id, &dims)
            let base = library.typeSuper(id)
            defer { _ = library.typeClose(base) }
            let count = dims.prefix(rank).reduce(1) { $0 &* Int(clamping: $1) }
            return .array(element: describe(base, in: library), count: count)
        case TESSERA_H5T_VLEN:
            return .unsupported(size: size, description: "variable-length data (pickled Python objects)")
        case TESSERA_H5T_OPAQUE:
            return .unsupported(size: size, description: "opaque data")
        default:
            return .unsupported(size: size, description: "references or times")
        }
    }
}
