import Crypto
import HTTPAuth

/// The text form of a gateway API key, `ghk_<id>_<secret>`: a 12-character id that finds the stored record and a
/// 32-character secret (192 random bits, base64url alphabet without `_`) of which only the SHA-256 is stored.
///
/// The `ghk_` prefix lets secret scanners recognise a leaked key, as GitHub's `ghp_` does.
public struct APIKeyToken: Hashable, Sendable {
    public static let prefix = "ghk_"
    public let id: String
    public let secret: String

    /// A new random key.
    public static func generate() -> APIKeyToken {
        APIKeyToken(id: randomText(count: 12), secret: randomText(count: 32))
    }

    /// Reads `ghk_<id>_<secret>`; nil for anything else.
    public init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 12, parts[1].count == 32,
            parts.allSatisfy({ $0.utf8.allSatisfy(Self.isAlphabet) })
        else { return nil }
        id = String(parts[0])
        secret = String(parts[1])
    }

    private init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// The whole key, as shown to its owner once.
    public var text: String { Self.prefix + id + "_" + secret }

    /// Lowercase hex SHA-256 of the secret, as the store keeps it.
    public var secretHash: String { Self.hash(secret) }

    public static func hash(_ secret: String) -> String {
        hexString(SHA256.hash(data: Array(secret.utf8)))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-".utf8)

    private static func isAlphabet(_ byte: UInt8) -> Bool { alphabet.contains(byte) }

    private static func randomText(count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }, as: UTF8.self)
    }
}
