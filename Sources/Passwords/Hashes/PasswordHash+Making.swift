import Crypto
import Foundation
import HummingbirdBcrypt

extension PasswordHash {
    /// The default bcrypt cost of Apache's `htpasswd -B`.
    public static let defaultBcryptCost = 5
    /// The bcrypt costs Apache's `htpasswd -C` accepts.
    public static let bcryptCosts = 4...17

    /// Hashes `password` in `format`, as Apache's `htpasswd` would.
    ///
    /// - Parameters:
    ///   - cost: bcrypt cost (4…17, default 5), as `-C`.
    ///   - rounds: sha-crypt rounds, as `-r`; `nil` for the default 5000 (not written into the hash).
    /// - Throws: ``PasswordsError`` for a cost out of range or a format this function cannot write.
    public static func make(_ password: String, format: PasswordFormat, cost: Int? = nil, rounds: Int? = nil) throws -> PasswordHash {
        switch format {
        case .bcrypt:
            let cost = cost ?? defaultBcryptCost
            guard bcryptCosts.contains(cost) else {
                throw PasswordsError.unsupported("bcrypt cost \(cost) is out of range \(bcryptCosts.lowerBound)-\(bcryptCosts.upperBound)")
            }
            let hash = Bcrypt.hash(password, cost: UInt8(cost))
            return PasswordHash("$2y$" + hash.dropFirst(4))
        case .apr1:
            return PasswordHash(APR1.hash(password: password, salt: randomSalt(count: 8)))
        case .sha1:
            return PasswordHash(sha1(password))
        case .ssha:
            let salt = (0..<8).map { _ in UInt8.random(in: .min ... .max) }
            let digest = Array(Insecure.SHA1.hash(data: Array(password.utf8) + salt))
            return PasswordHash("{SSHA}" + Data(digest + salt).base64EncodedString())
        case .sha256Crypt, .sha512Crypt:
            let prefix = format == .sha256Crypt ? "$5$" : "$6$"
            let salt = randomSalt(count: 16)
            let setting = rounds.map { "\(prefix)rounds=\($0)$\(salt)$" } ?? "\(prefix)\(salt)$"
            return try crypt(password, setting: setting)
        case .md5Crypt:
            return try crypt(password, setting: "$1$" + randomSalt(count: 8) + "$")
        case .yescrypt:
            guard let setting = SystemCrypt.makeSetting(prefix: "$y$", count: 0) else {
                throw PasswordsError.unsupported("the system libcrypt cannot make yescrypt settings")
            }
            return try crypt(password, setting: setting)
        case .desCrypt:
            return try crypt(password, setting: randomSalt(count: 2))
        case .plainTagged:
            return PasswordHash("{PLAIN}" + password)
        case .plainUntagged:
            return PasswordHash(password)
        default:
            throw PasswordsError.unsupported("cannot write \(format) hashes")
        }
    }

    private static func crypt(_ password: String, setting: String) throws -> PasswordHash {
        guard let hash = SystemCrypt.crypt(password: password, setting: setting) else {
            throw PasswordsError.unsupported("the system libcrypt refused the setting '\(setting.prefix(3))…'")
        }
        return PasswordHash(hash)
    }

    private static func randomSalt(count: Int) -> String {
        let alphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }
}
