/// A `z_stream` in zeroed memory, with accessors for the fields gzip uses.
struct ZlibStream {
    /// The stream's memory (``ZlibLibrary/streamSize`` bytes).
    let raw: UnsafeMutableRawPointer

    /// A zeroed stream: zlib's default allocator.
    init() {
        raw = UnsafeMutableRawPointer.allocate(byteCount: ZlibLibrary.streamSize, alignment: 16)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: ZlibLibrary.streamSize)
    }

    /// Frees the memory (after `inflateEnd`/`deflateEnd`).
    func deallocate() { raw.deallocate() }

    /// `next_in`.
    var nextIn: UnsafeRawPointer? {
        get { raw.load(fromByteOffset: 0, as: UnsafeRawPointer?.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 0, as: UnsafeRawPointer?.self) }
    }

    /// `avail_in`.
    var availIn: UInt32 {
        get { raw.load(fromByteOffset: 8, as: UInt32.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 8, as: UInt32.self) }
    }

    /// `next_out`.
    var nextOut: UnsafeMutableRawPointer? {
        get { raw.load(fromByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 24, as: UnsafeMutableRawPointer?.self) }
    }

    /// `avail_out`.
    var availOut: UInt32 {
        get { raw.load(fromByteOffset: 32, as: UInt32.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 32, as: UInt32.self) }
    }

    /// `msg`, zlib's description of the last error.
    var message: String? {
        raw.load(fromByteOffset: 48, as: UnsafePointer<CChar>?.self).map { String(cString: $0) }
    }
}
