/// The format of a stored password hash, as Apache's `htpasswd` writes it or nginx's `auth_basic_user_file` reads it.
///
/// | format | looks like | written by |
/// |---|---|---|
/// | bcrypt | `$2y$05$…` (also `$2a$`, `$2b$`) | `htpasswd -B [-C cost]` |
/// | Apache MD5 | `$apr1$salt$hash` | `htpasswd -m` (the default) |
/// | SHA-1 | `{SHA}base64` | `htpasswd -s` |
/// | salted SHA-1 | `{SSHA}base64` | nginx reads it (OpenLDAP's format) |
/// | SHA-256-crypt | `$5$[rounds=N$]salt$hash` | `htpasswd -2 [-r rounds]` |
/// | SHA-512-crypt | `$6$[rounds=N$]salt$hash` | `htpasswd -5 [-r rounds]` |
/// | MD5-crypt | `$1$salt$hash` | system `crypt(3)` |
/// | yescrypt | `$y$…` | Debian's `mkpasswd`, `/etc/shadow` |
/// | DES crypt | 13 characters of `[./0-9A-Za-z]` | `htpasswd -d` |
/// | plain | `{PLAIN}text` (nginx) or any other text (Apache's `-p`) | `htpasswd -p` |
public struct PasswordFormat: Hashable, Sendable, CustomStringConvertible {
    /// A short stable name, such as `bcrypt` or `apr1`.
    public let name: String
    /// Whether verifying costs a deliberately slow hash (worth caching and running off the event loop).
    public let isSlow: Bool
    /// Whether it is considered safe for new passwords.
    public let isRecommended: Bool

    private init(_ name: String, slow: Bool, recommended: Bool) {
        self.name = name
        self.isSlow = slow
        self.isRecommended = recommended
    }

    public static let bcrypt = PasswordFormat("bcrypt", slow: true, recommended: true)
    public static let apr1 = PasswordFormat("apr1", slow: true, recommended: false)
    public static let sha1 = PasswordFormat("sha1", slow: false, recommended: false)
    public static let ssha = PasswordFormat("ssha", slow: false, recommended: false)
    public static let sha256Crypt = PasswordFormat("sha256-crypt", slow: true, recommended: true)
    public static let sha512Crypt = PasswordFormat("sha512-crypt", slow: true, recommended: true)
    public static let md5Crypt = PasswordFormat("md5-crypt", slow: true, recommended: false)
    public static let yescrypt = PasswordFormat("yescrypt", slow: true, recommended: true)
    public static let desCrypt = PasswordFormat("des-crypt", slow: false, recommended: false)
    /// nginx's `{PLAIN}` prefix.
    public static let plainTagged = PasswordFormat("plain", slow: false, recommended: false)
    /// Text that matches no other format: Apache's `htpasswd -p` output, which Apache on Linux does not accept.
    public static let plainUntagged = PasswordFormat("plain-untagged", slow: false, recommended: false)

    /// The format of `hash`.
    public static func of(_ hash: String) -> PasswordFormat {
        if hash.hasPrefix("$2y$") || hash.hasPrefix("$2a$") || hash.hasPrefix("$2b$") { return .bcrypt }
        if hash.hasPrefix("$apr1$") { return .apr1 }
        if hash.hasPrefix("{SHA}") { return .sha1 }
        if hash.hasPrefix("{SSHA}") { return .ssha }
        if hash.hasPrefix("{PLAIN}") { return .plainTagged }
        if hash.hasPrefix("$5$") { return .sha256Crypt }
        if hash.hasPrefix("$6$") { return .sha512Crypt }
        if hash.hasPrefix("$1$") { return .md5Crypt }
        if hash.hasPrefix("$y$") { return .yescrypt }
        if hash.utf8.count == 13 && hash.utf8.allSatisfy(isCryptBase64) { return .desCrypt }
        return .plainUntagged
    }

    public var description: String { name }
}

/// The alphabet of crypt(3) salts and hashes: `./0-9A-Za-z`.
func isCryptBase64(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") || (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte)
        || (0x61...0x7A).contains(byte)
}
