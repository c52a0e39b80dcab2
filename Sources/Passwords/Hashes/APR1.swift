import HTTPAuth
import Crypto

/// Apache's MD5 password hash, `$apr1$salt$hash`: the FreeBSD MD5-crypt algorithm (1000 rounds of MD5) with the
/// magic `$apr1$` instead of `$1$`. It is not a crypt(3) scheme, so libcrypt cannot verify it.
/// https://svn.apache.org/repos/asf/apr/apr-util/trunk/crypto/apr_md5.c (`apr_md5_encode`)
public enum APR1 {
    /// The full `$apr1$salt$hash` string for `password` with `salt` (at most 8 characters are used).
    public static func hash(password: String, salt: String) -> String {
        md5Crypt(password: Array(password.utf8), salt: Array(salt.utf8.prefix(8)), magic: Array("$apr1$".utf8))
    }

    /// Whether `password` matches the stored `$apr1$` string, compared in constant time.
    public static func verify(password: String, hash stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[1] == "apr1" else { return false }
        return ConstantTime.equals(hash(password: password, salt: String(parts[2])), stored)
    }

    static func md5Crypt(password: [UInt8], salt: [UInt8], magic: [UInt8]) -> String {
        var context = Insecure.MD5()
        context.update(data: password + magic + salt)
        let alternate = Array(Insecure.MD5.hash(data: password + salt + password))
        var remaining = password.count
        while remaining > 0 {
            context.update(data: alternate.prefix(min(16, remaining)))
            remaining -= 16
        }
        var length = password.count
        while length > 0 {
            context.update(data: (length & 1) != 0 ? [0] : [password.first ?? 0])
            length >>= 1
        }
        var digest = Array(context.finalize())
        for round in 0..<1000 {
            var step: [UInt8] = (round & 1) != 0 ? password : digest
            if round % 3 != 0 { step += salt }
            if round % 7 != 0 { step += password }
            step += (round & 1) != 0 ? digest : password
            digest = Array(Insecure.MD5.hash(data: step))
        }
        let groups: [(Int, Int, Int)] = [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)]
        var encoded = ""
        for (a, b, c) in groups {
            encoded += cryptBase64(UInt32(digest[a]) << 16 | UInt32(digest[b]) << 8 | UInt32(digest[c]), count: 4)
        }
        encoded += cryptBase64(UInt32(digest[11]), count: 2)
        return String(decoding: magic + salt, as: UTF8.self) + "$" + encoded
    }
}

/// crypt(3)'s base-64: `./0-9A-Za-z`, least significant six bits first.
func cryptBase64(_ value: UInt32, count: Int) -> String {
    let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    var value = value
    var output = ""
    for _ in 0..<count {
        output.append(alphabet[Int(value & 0x3F)])
        value >>= 6
    }
    return output
}
