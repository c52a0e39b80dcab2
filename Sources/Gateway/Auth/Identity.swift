/// Who a scheme proved the client to be, and what it may do.
public struct Identity: Sendable, Hashable {
    public var user: String
    public var scheme: SchemeName
    /// Scopes granted by a token or an API key; empty for passwords.
    public var scopes: Set<String>

    public init(user: String, scheme: SchemeName, scopes: Set<String> = []) {
        self.user = user
        self.scheme = scheme
        self.scopes = scopes
    }
}
