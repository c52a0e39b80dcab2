import Foundation

/// A refresh token of the gateway's token endpoint. Only the SHA-256 of the token is stored. Tokens descend from a
/// first login in one ``family``; each is redeemed once, and a redemption after the grace window revokes the family.
public struct RefreshTokenRecord: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the token.
    public var id: String
    public var family: String
    public var user: String
    public var scopes: [String]
    public var created: Date
    public var expires: Date
    /// When it was exchanged for a new pair, if it was.
    public var redeemed: Date?

    public init(id: String, family: String, user: String, scopes: [String], created: Date, expires: Date, redeemed: Date? = nil) {
        self.id = id
        self.family = family
        self.user = user
        self.scopes = scopes
        self.created = created
        self.expires = expires
        self.redeemed = redeemed
    }
}

/// A signing key the gateway made for its access tokens: P-256 (ES256), the private scalar kept in the store so
/// that every instance signs with the same keys and a restart keeps them.
public struct SigningKeyRecord: Sendable, Hashable {
    public var kid: String
    /// The raw 32-byte private key.
    public var privateKey: [UInt8]
    public var created: Date

    public init(kid: String, privateKey: [UInt8], created: Date) {
        self.kid = kid
        self.privateKey = privateKey
        self.created = created
    }
}
