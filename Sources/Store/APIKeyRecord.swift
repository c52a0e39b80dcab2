import Foundation

/// An API key as the store keeps it: an id, the SHA-256 of its secret part (never the secret), scopes, and its
/// expiry and revocation.
///
/// A key is shown to its owner once, as `ghk_<id>_<secret>`; the id finds the record and the secret is compared
/// in constant time with ``secretHash``. The secret has 192 random bits, so a fast hash is enough (a slow hash is
/// for passwords people choose).
public struct APIKeyRecord: Hashable, Sendable, Codable {
    public var id: String
    /// A label for people: "ci deploy", "alice's laptop".
    public var name: String
    /// The user the key acts as.
    public var user: String
    /// Lowercase hex SHA-256 of the secret part.
    public var secretHash: String
    public var scopes: [String]
    public var created: Date
    public var expires: Date?
    public var revoked: Date?

    public init(
        id: String, name: String, user: String, secretHash: String, scopes: [String], created: Date, expires: Date?,
        revoked: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.user = user
        self.secretHash = secretHash
        self.scopes = scopes
        self.created = created
        self.expires = expires
        self.revoked = revoked
    }
}
