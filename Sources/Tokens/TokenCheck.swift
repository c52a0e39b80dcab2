/// One check of a token and its verdict, as `gatehouse token` lists them.
public struct TokenCheck: Hashable, Sendable {
    /// How a check came out.
    public enum Verdict: String, Hashable, Sendable {
        case passed
        case failed
        /// Not checked: no key, no expected audience, no such claim.
        case notChecked = "not-checked"
    }

    /// What was checked: `format`, `algorithm`, `key`, `signature`, `exp`, `nbf`, `iat`, `aud`, `iss`.
    public let name: String
    public let verdict: Verdict
    /// What was found, in words.
    public let detail: String
    /// The cause id (from CAUSES.md) when the check failed, such as `token-expired`.
    public let reason: String?

    public init(_ name: String, _ verdict: Verdict, _ detail: String, reason: String? = nil) {
        self.name = name
        self.verdict = verdict
        self.detail = detail
        self.reason = verdict == .failed ? reason : nil
    }
}

/// What verifying a token found: the decoded token (when it decodes), every check, and the first failure.
public struct TokenVerification: Hashable, Sendable {
    public let token: DecodedJWT?
    public let checks: [TokenCheck]

    /// The first failed check, in the order a server refuses: format, algorithm, key, signature, then claims.
    public var failure: TokenCheck? { checks.first { $0.verdict == .failed } }
    /// Whether every check that ran passed.
    public var isValid: Bool { failure == nil }
}
