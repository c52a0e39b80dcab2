import Foundation

/// A browser session of the `session` scheme. The cookie holds a random token; the store keeps only its SHA-256
/// (``id``), so a copy of the store does not open anyone's session.
public struct SessionRecord: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the cookie's token.
    public var id: String
    public var user: String
    public var created: Date
    /// The last request seen with it, for the idle limit.
    public var lastSeen: Date
    /// The session's CSRF token, put in every state-changing form (logout) and checked on submit.
    public var csrf: String

    public init(id: String, user: String, created: Date, lastSeen: Date, csrf: String) {
        self.id = id
        self.user = user
        self.created = created
        self.lastSeen = lastSeen
        self.csrf = csrf
    }
}
