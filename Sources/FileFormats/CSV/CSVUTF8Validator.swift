/// Checks that bytes are well-formed UTF-8 (no overlong forms, surrogates or code points past
/// U+10FFFF), with a word-at-a-time fast path for ASCII.
enum CSVUTF8Validator {
    /// The offset of the first byte of the first invalid sequence in `p[0 ..< n]`, or `nil`.
    static func firstInvalid(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var i = 0
        while i < n {
            // Skip ASCII eight bytes at a time.
            while i + 8 <= n, UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            let lead = p[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80, upper: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            let second = p[i + 1]
            guard second >= lower, second <= upper else { return i }
            for k in 2..<max(length, 2) where p[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// Whether `p[0 ..< n]` is well-formed UTF-8.
    @inline(__always)
    static func isValid(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool { firstInvalid(p, n) == nil }
}
