import Backends
import CUDARuntime
import CuPyBackend
import NumPyBackend

/// One column of a ``CuDataFrame`` in GPU memory, laid out as the host ``Column`` is (Arrow's
/// layout): fixed-width values, or `int64` string offsets and UTF-8 bytes, or `int32` codes into a
/// dictionary of categories, and an optional validity bitmap of 64-bit words (bit `i % 64` of word
/// `i / 64` set for a valid row; `nil` when no row is null).
///
/// A categorical column's categories stay in host memory: they are few, and the kernels read only
/// the codes (a comparison with a text looks its code up on the host first).
public struct CuColumn: Sendable {
    /// How the values are laid out on the device.
    public enum Storage: Sendable {
        /// One element per row, of the column type's storage dtype.
        case fixedWidth(CuArray)
        /// `count + 1` `int64` offsets into `uint8` bytes.
        case strings(offsets: CuArray, bytes: CuArray)
        /// `int32` codes (one per row) into `categories`.
        case dictionary(codes: CuArray, categories: StringBuffer)
    }

    /// The logical type.
    public let type: ColumnType
    /// The values.
    public let storage: Storage
    /// The validity bitmap's `(count + 63) / 64` words (`uint64`), or `nil` when every row holds a value.
    public let validity: CuArray?
    /// The number of rows.
    public let count: Int

    /// A column from parts the caller made consistent.
    package init(type: ColumnType, storage: Storage, validity: CuArray?, count: Int) {
        self.type = type
        self.storage = storage
        self.validity = validity
        self.count = count
    }

    /// The fixed-width values or codes (`nil` for strings).
    public var values: CuArray? {
        switch storage {
        case let .fixedWidth(values): values
        case let .dictionary(codes, _): codes
        case .strings: nil
        }
    }

    /// The device the column lives on.
    public var device: CUDADevice {
        switch storage {
        case let .fixedWidth(values): values.device
        case let .dictionary(codes, _): codes.device
        case let .strings(offsets, _): offsets.device
        }
    }

    /// A device copy of `column`: one transfer per buffer.
    ///
    /// - Throws: ``CUDAError`` (out of memory, or a driver error).
    public init(_ column: Column, on device: CUDADevice) throws {
        switch column.storage {
        case let .fixedWidth(values):
            storage = .fixedWidth(try CuArray(values, on: device))
        case let .strings(buffer):
            storage = .strings(offsets: try CuArray(NDArray(buffer.offsets), on: device), bytes: try CuArray(NDArray(buffer.bytes), on: device))
        case let .dictionary(codes, categories):
            storage = .dictionary(codes: try CuArray(codes, on: device), categories: categories)
        }
        validity = try column.validity.map { try CuArray(NDArray($0.words), on: device) }
        type = column.type
        count = column.count
    }

    /// A host copy of the column.
    public func download() throws -> Column {
        let bitmap = try validity.map { words in
            ValidityBitmap(unchecked: try words.download().withUnsafeElements(as: UInt64.self) { Array($0) }, count: count)
        }
        let hostStorage: Column.Storage
        switch storage {
        case let .fixedWidth(values):
            hostStorage = .fixedWidth(try values.download())
        case let .strings(offsets, bytes):
            let hostOffsets = try offsets.download().withUnsafeElements(as: Int64.self) { Array($0) }
            let hostBytes = try bytes.download().withUnsafeElements(as: UInt8.self) { Array($0) }
            let byteCount = Int(hostOffsets.last ?? 0)
            hostStorage = .strings(StringBuffer(unchecked: hostOffsets, bytes: Array(hostBytes.prefix(byteCount))))
        case let .dictionary(codes, categories):
            hostStorage = .dictionary(codes: try codes.download(), categories: categories)
        }
        return Column(unchecked: type, storage: hostStorage, validity: bitmap, count: count)
    }

    /// The number of bytes the column's device buffers hold.
    public var byteCount: Int {
        let bitmap = validity?.byteCount ?? 0
        switch storage {
        case let .fixedWidth(values): return values.byteCount + bitmap
        case let .strings(offsets, bytes): return offsets.byteCount + bytes.byteCount + bitmap
        case let .dictionary(codes, categories): return codes.byteCount + categories.bytes.count + bitmap
        }
    }
}
