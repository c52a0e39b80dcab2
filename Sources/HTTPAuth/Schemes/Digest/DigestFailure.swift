/// Why a Digest response was refused: a stable reason id for the operator's audit trail, and a message.
///
/// These are results, not errors: a wrong password is an expected outcome. The reason ids are the ones the gateway
/// records and `gatehouse explain` prints. None of them may be shown to the client except as the challenge's
/// `stale=true`.
public struct DigestFailure: Hashable, Sendable, CustomStringConvertible {
    /// A stable id such as `stale-nonce` or `password-mismatch`.
    public let reason: String
    /// What happened, for the operator.
    public let message: String

    private init(_ reason: String, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// The nonce is genuine and the digest right, but the nonce expired: answer again with `stale=true`.
    public static let staleNonce = Self("stale-nonce", "the nonce expired; the response was otherwise correct")
    /// The nonce was not minted by this server, is malformed, or was issued in the future.
    public static let invalidNonce = Self("invalid-nonce", "the nonce was not issued by this server")
    /// This `nc` was already used with this nonce.
    public static let nonceCountReplay = Self("nonce-count-replay", "the nonce count was already used: a replayed request")
    /// The nonce count could not be recorded (the shared store did not answer), so a replay cannot be ruled out.
    public static let nonceCountUnavailable = Self("store-unavailable", "the nonce count could not be recorded: the store did not answer")
    public static let realmMismatch = Self("realm-mismatch", "the response names another realm")
    public static let opaqueMismatch = Self("opaque-mismatch", "the opaque value is not the one the server sent")
    public static let algorithmNotOffered = Self("algorithm-not-offered", "the response uses an algorithm the server did not offer")
    public static let qopNotOffered = Self("qop-not-offered", "the response has no qop, or one the server did not offer")
    /// The `uri` parameter differs from the request target (often a proxy rewrote the path).
    public static let uriMismatch = Self("uri-mismatch", "the uri parameter is not the request target")
    public static let unknownUser = Self("unknown-user", "no such user in this realm")
    public static let passwordMismatch = Self("password-mismatch", "the response does not match the stored secret")

    /// Whether the client should be challenged again with `stale=true`.
    public var isStale: Bool { self == .staleNonce }
    public var description: String { "\(reason): \(message)" }
}

/// The result of verifying a Digest response.
public enum DigestOutcome: Hashable, Sendable {
    /// The user proved the password; send `Authentication-Info` with the response.
    case authenticated(username: String, authenticationInfo: AuthenticationInfo)
    case rejected(DigestFailure)
}
