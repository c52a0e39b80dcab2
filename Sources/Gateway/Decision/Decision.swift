import HTTPAuth

/// What the gateway decided about one request, before the response is built: the outcome, the status, the precise
/// reason for the audit trail and the safe sentence for the client.
public struct Decision: Sendable {
    /// The kinds of decision, as the audit trail names them.
    public enum Outcome: String, Sendable {
        case allowed
        case open = "public"
        case preflight
        case unauthorized
        case forbidden
        case lockedOut = "locked-out"
        case deniedAddress = "denied-address"
        case badRequest = "bad-request"
        case notFound = "not-found"
        /// Allowed, but the upstream failed: 502.
        case upstreamError = "upstream-error"
        /// The store did not answer where the decision needed it: 503 with `Retry-After`.
        case unavailable
    }

    public var outcome: Outcome
    public var status: Int
    public var route: RouteRuntime?
    /// The precise reason (`unknown-user`, `token-expired`, …); nil for a plain success.
    public var reason: Reason?
    /// For the operator: what was found.
    public var detail: String?
    /// For the client: the problem's `detail`.
    public var clientDetail: String?
    public var scheme: SchemeName?
    /// The claimed or proved user.
    public var user: String?
    public var identity: Identity?
    /// The refusal of a credential, which shapes the challenges (Bearer `error`, Digest `stale`).
    public var failure: AuthFailure?
    /// Seconds until a ban ends, for `Retry-After`.
    public var retryAfter: Int?
    /// Headers a successful scheme adds (Digest `Authentication-Info`).
    public var responseHeaders: [(name: String, value: String)] = []
    /// For a browser refused on a `session` route: the login page to send it to (303) instead of a bare 401.
    public var loginRedirect: String?

    public init(outcome: Outcome, status: Int, route: RouteRuntime?) {
        self.outcome = outcome
        self.status = status
        self.route = route
    }

    public var isAllowed: Bool { [.allowed, .open].contains(outcome) }
}

extension Decision {
    /// 503 with `Retry-After` because the store did not answer (``AuthFailure/storeUnavailable(_:)``).
    mutating func storeUnavailable(_ failure: AuthFailure) {
        outcome = .unavailable
        status = failure.status
        reason = failure.reason
        detail = failure.detail
        clientDetail = failure.clientDetail
        self.failure = failure
        retryAfter = AuthFailure.storeRetryAfter
    }

    /// 400 for a request target that cannot be made canonical (``CanonicalTarget``), before any route is chosen.
    static func refusedTarget(_ refusal: CanonicalTarget.Refusal) -> Decision {
        var decision = Decision(outcome: .badRequest, status: Reason.pathRefused.status, route: nil)
        decision.reason = .pathRefused
        decision.detail = refusal.description
        decision.clientDetail = "The request path is not accepted: \(refusal.description)."
        return decision
    }
}
