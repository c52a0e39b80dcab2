import Foundation

/// One decision of the gateway, as the audit trail keeps it and `gatehouse explain` shows it.
///
/// ``reason`` is the precise, operator-only reason (`unknown-user`, `password-mismatch`, `token-expired`,
/// `stale-nonce`, …); clients never see it. ``detail`` says the same in words, with what was checked, never a secret.
public struct AuditRecord: Hashable, Sendable, Codable {
    public var time: Date
    public var requestID: String
    public var client: String
    public var method: String
    public var path: String
    /// The path prefix of the route that matched, or nil when none did.
    public var route: String?
    /// The scheme the client used (`basic`, `digest`, `bearer`, `api_key`), if any.
    public var scheme: String?
    /// The user the client claimed (or proved), if any.
    public var user: String?
    /// `allowed`, `public`, `unauthorized`, `forbidden`, `locked-out`, `denied-address`, `bad-request`, `not-found`.
    public var outcome: String
    public var status: Int
    /// The precise reason id, nil for a plain success.
    public var reason: String?
    public var detail: String?
    public var latencyMicroseconds: Int
    /// The host the request named (`Host`, or the original's host that a server in front asked about); nil in
    /// records written before it was kept.
    public var host: String?

    public init(
        time: Date, requestID: String, client: String, method: String, path: String, route: String?, scheme: String?,
        user: String?, outcome: String, status: Int, reason: String?, detail: String?, latencyMicroseconds: Int, host: String? = nil
    ) {
        self.host = host
        self.time = time
        self.requestID = requestID
        self.client = client
        self.method = method
        self.path = path
        self.route = route
        self.scheme = scheme
        self.user = user
        self.outcome = outcome
        self.status = status
        self.reason = reason
        self.detail = detail
        self.latencyMicroseconds = latencyMicroseconds
    }
}
