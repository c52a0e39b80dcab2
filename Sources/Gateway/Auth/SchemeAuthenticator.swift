import HTTPAuth

/// What a scheme needs to know about a request besides the credential.
public struct RequestFacts: Sendable {
    public var method: String
    /// The request target as received (path and query), which Digest's `uri` must match.
    public var target: String
    /// The body, collected only when a Digest `auth-int` response needs it.
    public var body: [UInt8]

    public init(method: String, target: String, body: [UInt8] = []) {
        self.method = method
        self.target = target
        self.body = body
    }
}

/// The outcome of one scheme on one credential. A wrong password is a result, not an error.
public enum SchemeOutcome: Sendable {
    /// Proved; `responseHeaders` go on the response (Digest's `Authentication-Info`).
    case authenticated(Identity, responseHeaders: [(name: String, value: String)])
    case failed(AuthFailure)
}

/// One authentication scheme of a route: the challenges it sends and how it checks a credential.
public protocol SchemeAuthenticator: Sendable {
    var name: SchemeName { get }
    /// The challenges for a 401 (Digest sends one per algorithm); `failure` is the refusal being answered, so that
    /// Bearer can add its `error` and Digest its `stale=true`.
    func challenges(after failure: AuthFailure?) -> [Challenge]
    /// Checks a credential of this scheme.
    func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome
}
