import Foundation

/// One scheme a route may accept.
public enum SchemeName: String, Sendable, Hashable, CaseIterable {
    case digest, basic, bearer
    case apiKey = "api_key"
    /// A login form and a session cookie (browsers are sent to the login page; API clients get 401).
    case session
}

extension GatewayConfig {
    /// A route: a path prefix and how requests under it are authenticated and authorized.
    public struct Route: Sendable {
        /// The path prefix; the longest matching prefix wins.
        public var path: String
        public var isPublic = false
        /// In the order the challenges are sent (Digest is always put first, as the strongest).
        public var schemes: [SchemeName] = []
        public var realm: String?
        /// htpasswd file for Basic.
        public var users: String?
        /// htdigest file for Digest.
        public var digestUsers: String?
        /// Digest algorithms offered, strongest first.
        public var digestAlgorithms: [String] = ["SHA-256", "MD5"]
        /// How long a Digest nonce stays valid, in seconds; after that the client gets `stale=true` (Apache's
        /// `AuthDigestNonceLifetime`, 300 s by default there too).
        public var digestNonceLifetime: TimeInterval = 300
        /// Apache group file (`group: user user`).
        public var groups: String?
        public var require = Requirement()
        public var jwt: JWT?
        public var apiKey = APIKey()
        public var cors: CORS?
        /// The `session` scheme's limits.
        public var session = Session()
        /// Whether the client's `Authorization` reaches the upstream (default: withheld).
        public var passAuthorization = false
        public var upstream: Upstream?

        public init(path: String) {
            self.path = path
        }
    }

    /// How long a session of the `session` scheme lives: ``idle`` without a request, ``absolute`` in all.
    public struct Session: Sendable, Hashable {
        public var idle: TimeInterval = 15 * 60
        public var absolute: TimeInterval = 8 * 3600
        /// One login for every host under this domain (`auth.example.com` logs in for `app.example.com`): the session
        /// cookie carries `Domain=`, and the page to return to after login may be any of those hosts.
        public var cookieDomain: String?
    }

    /// Who may pass once authenticated; an empty requirement lets every authenticated user through.
    public struct Requirement: Sendable, Hashable {
        public var users: [String] = []
        public var groups: [String] = []
        /// Every one of these scopes must be granted (Bearer `scope`/`scp`, API key scopes).
        public var scopes: [String] = []
        public init() {}
        public var isEmpty: Bool { users.isEmpty && groups.isEmpty && scopes.isEmpty }
    }

    /// Where Bearer JWTs are checked against.
    public struct JWT: Sendable, Hashable {
        public var jwksFile: String?
        public var jwksURL: URL?
        /// How often a JWKS URL is fetched again (also fetched at once on an unknown `kid`, at most every 10 s).
        public var refresh: TimeInterval = 300
        /// A shared HMAC secret (at least 32 bytes) instead of a JWKS.
        public var secretFile: String?
        public var issuer: String?
        public var audience: String?
        public var leeway: TimeInterval = 0
        public var algorithms: Set<String>?

        /// Whether the gateway's own signing keys (`tokens:`) verify: no source is named, or the URL is the
        /// gateway's own JWKS (`/.well-known/jwks.json` on its own port, resolved by ``GatewayConfig/Route``'s loader).
        public var usesOwnKeys: Bool { jwksFile == nil && jwksURL == nil && secretFile == nil }

        /// With `tokens:` configured, a JWKS URL naming the gateway's own `/.well-known/jwks.json` on the port it
        /// listens on is replaced by its keys in process (no request to itself), and a `jwt:` that takes the own
        /// keys takes the issuer and audience of `tokens:` unless it names others.
        mutating func adoptOwnKeys(_ tokens: GatewayConfig.Tokens?, port: Int) {
            guard let tokens else { return }
            if let url = jwksURL, url.path == TokenEndpoint.jwksPath, url.port == port { jwksURL = nil }
            guard usesOwnKeys else { return }
            issuer = issuer ?? tokens.issuer
            audience = audience ?? tokens.audience
        }
    }

    /// Where an API key is looked for.
    public struct APIKey: Sendable, Hashable {
        public var header: String? = "X-API-Key"
        public var query: String?
        public init() {}
    }

    /// Answers CORS preflights for the route without a challenge.
    public struct CORS: Sendable, Hashable {
        public var origins: [String]
        public var methods: [String] = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        public var headers: [String] = ["Authorization", "Content-Type"]
        public var credentials = true
        public var maxAge = 600
    }
}
