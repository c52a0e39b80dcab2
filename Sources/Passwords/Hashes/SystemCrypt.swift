import HTTPAuth
import CCrypt

/// The system's crypt(3), libxcrypt on Debian: verifies and makes `$1$`, `$5$`, `$6$`, `$y$`, `$2b$/$2y$` and DES
/// hashes, through the thread-safe `crypt_r` and `crypt_gensalt_rn`.
public enum SystemCrypt {
    /// `crypt_r(password, setting)`: the full hash string, or `nil` when libcrypt refuses the setting (it returns
    /// a string starting with `*`).
    public static func crypt(password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memsetZero(data)
        guard let result = crypt_r(password, setting, data) else { return nil }
        let output = String(cString: result)
        return output.hasPrefix("*") ? nil : output
    }

    /// Whether `password` matches `hash` under crypt(3), compared in constant time.
    public static func verify(password: String, hash: String) -> Bool {
        guard let computed = crypt(password: password, setting: hash) else { return false }
        return ConstantTime.equals(computed, hash)
    }

    /// A new setting (prefix, cost and random salt) for `prefix` such as `$6$`; `count` is rounds or cost, 0 for the
    /// default.
    public static func makeSetting(prefix: String, count: UInt) -> String? {
        var output = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        let random = (0..<32).map { _ in CChar(bitPattern: UInt8.random(in: .min ... .max)) }
        let result = output.withUnsafeMutableBufferPointer { buffer in
            crypt_gensalt_rn(prefix, count, random, Int32(random.count), buffer.baseAddress, Int32(buffer.count))
        }
        guard result != nil else { return nil }
        return output.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func memsetZero(_ pointer: UnsafeMutablePointer<crypt_data>) {
        UnsafeMutableRawPointer(pointer).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
    }
}
