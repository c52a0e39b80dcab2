import Foundation

/// What a verifier expects of a token besides its signature.
public struct TokenPolicy: Hashable, Sendable {
    /// Algorithms accepted; `nil` for those the keys accept. `none` is never accepted.
    public var algorithms: Set<String>?
    /// The expected `aud`; `nil` to not check.
    public var audience: String?
    /// The expected `iss`; `nil` to not check.
    public var issuer: String?
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    public var leeway: TimeInterval
    /// Whether a token without `exp` fails.
    public var requireExpiry: Bool

    public init(algorithms: Set<String>? = nil, audience: String? = nil, issuer: String? = nil, leeway: TimeInterval = 0, requireExpiry: Bool = false) {
        self.algorithms = algorithms
        self.audience = audience
        self.issuer = issuer
        self.leeway = leeway
        self.requireExpiry = requireExpiry
    }
}
