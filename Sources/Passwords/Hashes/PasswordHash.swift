import Crypto
import Foundation
import HTTPAuth
import HummingbirdBcrypt

/// A stored password hash from a password file, and how to check a password against it.
///
/// ``verify(_:)`` is synchronous and may be slow (bcrypt, sha-crypt, APR1): call it through ``PasswordVerifier``,
/// which runs it off the event loop and caches results. Every comparison of computed and stored bytes is constant
/// time. Its ``description`` never shows the hash.
public struct PasswordHash: Hashable, Sendable, CustomStringConvertible {
    /// The hash as stored in the file.
    public let stored: String

    public init(_ stored: String) {
        self.stored = stored
    }

    public var format: PasswordFormat { PasswordFormat.of(stored) }

    /// Whether `password` matches.
    ///
    /// `$2y$` (what `htpasswd -B` writes) is the same algorithm as `$2b$`; it is verified as `$2b$`, since
    /// HummingbirdBcrypt accepts only `$2a$`/`$2b$`. Untagged plain text is compared as Apache's `-p` wrote it.
    public func verify(_ password: String) -> Bool {
        switch format {
        case .bcrypt:
            let normalized = stored.hasPrefix("$2y$") ? "$2b$" + stored.dropFirst(4) : stored
            return Bcrypt.verify(password, hash: normalized)
        case .apr1:
            return APR1.verify(password: password, hash: stored)
        case .sha1:
            return ConstantTime.equals(Self.sha1(password), stored)
        case .ssha:
            return Self.verifySaltedSHA1(password, stored: stored)
        case .plainTagged:
            return ConstantTime.equals("{PLAIN}" + password, stored)
        case .plainUntagged:
            return ConstantTime.equals(password, stored)
        default:
            return SystemCrypt.verify(password: password, hash: stored)
        }
    }

    /// A hash of a random password with the same format and cost as this one: what an unknown user is checked
    /// against, so that the time taken does not tell whether the user exists.
    public func decoy() -> PasswordHash {
        let password = UUID().uuidString
        switch format {
        case .bcrypt:
            return (try? Self.make(password, format: .bcrypt, cost: bcryptCost)) ?? self
        case .sha256Crypt, .sha512Crypt, .md5Crypt, .yescrypt, .desCrypt:
            return SystemCrypt.crypt(password: password, setting: stored).map(PasswordHash.init) ?? self
        default:
            return (try? Self.make(password, format: format)) ?? self
        }
    }

    /// The bcrypt cost written in the hash, such as 5 in `$2y$05$…`.
    public var bcryptCost: Int? {
        guard format == .bcrypt else { return nil }
        return Int(stored.dropFirst(4).prefix(2))
    }

    public var description: String { "PasswordHash(\(format), [redacted])" }

    static func sha1(_ password: String) -> String {
        "{SHA}" + Data(Insecure.SHA1.hash(data: Array(password.utf8))).base64EncodedString()
    }

    private static func verifySaltedSHA1(_ password: String, stored: String) -> Bool {
        guard let decoded = Data(base64Encoded: String(stored.dropFirst(6))), decoded.count > 20 else { return false }
        let digest = decoded.prefix(20)
        let salt = decoded.dropFirst(20)
        return ConstantTime.equals(Array(Insecure.SHA1.hash(data: Array(password.utf8) + salt)), digest)
    }
}
