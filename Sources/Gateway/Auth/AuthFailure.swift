import HTTPAuth

/// Why a presented credential was refused: the precise reason for the operator and a safe sentence for the client.
///
/// ``reason`` (`unknown-user`, `password-mismatch`, `token-expired`, `stale-nonce`, …) is what the audit trail keeps
/// and `gatehouse explain` turns into a fix; the client sees its public code only. ``clientDetail`` never says
/// whether a user exists: an unknown user and a wrong password read the same.
public struct AuthFailure: Sendable, Hashable, Error {
    public var reason: Reason
    /// The user the client claimed, for the audit trail and the per-user lockout.
    public var claimedUser: String?
    /// What was found, for the operator; never a secret.
    public var detail: String
    public var clientDetail: String
    /// The reason's status unless told otherwise: 400 for a credential that cannot be read, 401 for a refused one.
    public var status: Int
    /// For Bearer: the RFC 6750 error code to put in the challenge.
    public var bearerError: BearerErrorCode?
    /// For Digest: the nonce was stale, so the new challenge says `stale=true`.
    public var staleNonce = false
    /// Whether it counts towards the lockout (a stale nonce or a malformed header does not).
    public var countsAsFailure = true

    public init(
        reason: Reason, claimedUser: String? = nil, detail: String, clientDetail: String, status: Int? = nil,
        bearerError: BearerErrorCode? = nil
    ) {
        self.reason = reason
        self.claimedUser = claimedUser
        self.detail = detail
        self.clientDetail = clientDetail
        self.status = status ?? reason.status
        self.bearerError = bearerError
    }

    /// The client's message for a wrong user name or password, the same whichever it was.
    public static let wrongPassword = "The user name or password is not correct."

    /// The store did not answer where the check needs it (a session, a nonce count, an API key): 503 with
    /// `Retry-After`, not counted as a guess, and never read as "unknown".
    public static func storeUnavailable(_ detail: String) -> AuthFailure {
        var failure = AuthFailure(
            reason: .storeUnavailable, detail: detail, clientDetail: "The gateway cannot check this credential right now; retry shortly.")
        failure.countsAsFailure = false
        return failure
    }

    /// Seconds a client is asked to wait after a 503 for an unavailable store.
    public static let storeRetryAfter = 5

    /// A credential that cannot be read at all (bad base64, broken parameters): 400, not counted as a guess.
    public static func malformed(_ detail: String, scheme: String) -> AuthFailure {
        var failure = AuthFailure(
            reason: .malformedCredentials, detail: detail,
            clientDetail: "The \(scheme) credentials in the Authorization header cannot be read: \(detail)", status: 400)
        failure.countsAsFailure = false
        return failure
    }
}
