import Foundation
import HTTPAuth
import Store

/// What the gateway decided about one request, before the response is built: let through (``Admission``) or refused
/// (``Refusal``), on the route it matched. The audit trail and the metrics read its ``outcome``.
public struct Decision: Sendable {
    /// Let through, or refused with a reason.
    public enum Verdict: Sendable {
        case admitted(Admission)
        case refused(Refusal)
    }

    /// The kinds of decision, as the audit trail and the metrics name them.
    public enum Outcome: String, Sendable, CaseIterable {
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

        /// Whether a request recorded with this outcome was let through (`gatehouse explain` exits 0).
        public var admits: Bool { [.allowed, .open, .preflight].contains(self) }
    }

    /// The route matched; nil before one is chosen (an address refusal, a bad target) and on the gateway's own pages
    /// that belong to no route.
    public let route: RouteRuntime?
    public var verdict: Verdict

    public init(route: RouteRuntime?, _ verdict: Verdict) {
        self.route = route
        self.verdict = verdict
    }

    static func admitted(_ admission: Admission, route: RouteRuntime?) -> Decision { Decision(route: route, .admitted(admission)) }
    static func refused(_ refusal: Refusal, route: RouteRuntime?) -> Decision { Decision(route: route, .refused(refusal)) }

    public var admission: Admission? {
        if case .admitted(let admission) = verdict { admission } else { nil }
    }

    public var refusal: Refusal? {
        if case .refused(let refusal) = verdict { refusal } else { nil }
    }

    public var outcome: Outcome {
        switch verdict {
        case .admitted(let admission): admission.outcome
        case .refused(let refusal): refusal.kind.outcome
        }
    }

    /// The reason the audit records: a refusal's, or the event beside an admission (`logged-out`, `unbanned`).
    public var reason: Reason? {
        switch verdict {
        case .admitted(let admission): admission.event
        case .refused(let refusal): refusal.reason
        }
    }

    /// For the operator: what was found.
    public var detail: String? {
        switch verdict {
        case .admitted(let admission): admission.detail
        case .refused(let refusal): refusal.detail
        }
    }

    public var scheme: SchemeName? {
        switch verdict {
        case .admitted(let admission): admission.scheme
        case .refused(let refusal): refusal.scheme
        }
    }

    /// The proved user of an admission, or the user a refused request claimed.
    public var user: String? {
        switch verdict {
        case .admitted(let admission): admission.identity?.user
        case .refused(let refusal): refusal.user
        }
    }
}

/// A request let through: who proved what (``identity``), or nothing for a public route, a preflight and the
/// gateway's own open pages.
public struct Admission: Sendable {
    /// Why the request may pass.
    public enum Ground: Sendable {
        /// A credential proved the identity and the route's requirements hold.
        case identity(Identity)
        /// A public route, or one of the gateway's own pages open to all.
        case open
        /// A CORS preflight the route's policy allows, answered by the gateway.
        case preflight
    }

    public var ground: Ground
    /// The scheme of an open page that belongs to one (the `session` login form).
    private var pageScheme: SchemeName?
    /// Something the audit names beside the admission: a logout, an unban.
    public var event: Reason?
    /// For the operator: what happened.
    public var detail: String?
    /// Headers the scheme adds to the response (Digest's `Authentication-Info`).
    public var responseHeaders: [(name: String, value: String)] = []

    public init(_ ground: Ground, scheme: SchemeName? = nil, event: Reason? = nil, detail: String? = nil) {
        self.ground = ground
        self.pageScheme = scheme
        self.event = event
        self.detail = detail
    }

    public static let open = Admission(.open)

    public var identity: Identity? {
        if case .identity(let identity) = ground { identity } else { nil }
    }

    public var scheme: SchemeName? { identity?.scheme ?? pageScheme }

    var outcome: Decision.Outcome {
        switch ground {
        case .identity: .allowed
        case .open: .open
        case .preflight: .preflight
        }
    }
}

extension Reason {
    /// Why `ban` refuses: a user's ban is `user-locked-out`, an address's `address-banned`.
    static func refusing(_ ban: Ban) -> Reason {
        ban.key.hasPrefix(LockoutGuard.userKey("")) ? .userLockedOut : .addressBanned
    }
}

/// A request refused: the precise ``reason`` for the audit trail, the status and the sentence safe for the client,
/// and what shapes the response (the credential's failure for the challenges, `Retry-After`, the login page).
public struct Refusal: Sendable {
    /// The kinds of refusal, each an ``Decision/Outcome`` of the audit trail.
    public enum Kind: Sendable {
        case unauthorized, forbidden, lockedOut, deniedAddress, badRequest, notFound, upstreamError, unavailable

        var outcome: Decision.Outcome {
            switch self {
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .lockedOut: .lockedOut
            case .deniedAddress: .deniedAddress
            case .badRequest: .badRequest
            case .notFound: .notFound
            case .upstreamError: .upstreamError
            case .unavailable: .unavailable
            }
        }
    }

    public var kind: Kind
    public var reason: Reason
    /// The status sent: the reason's unless the place answers otherwise (a login form's 401, a redirect's 303).
    public var status: Int
    /// For the operator: what was found.
    public var detail: String
    /// For the client: the problem's `detail`.
    public var clientDetail: String
    public var scheme: SchemeName?
    /// The user the client claimed or proved (a proved user may still be forbidden).
    public var user: String?
    /// The refusal of a credential, which shapes the challenges (Bearer `error`, Digest `stale`).
    public var failure: AuthFailure?
    /// Seconds until the client may retry, for `Retry-After` (a ban, an unavailable store).
    public var retryAfter: Int?
    /// For a browser refused on a `session` route: the login page to send it to (303) instead of a bare 401.
    public var loginRedirect: String?

    public init(
        _ kind: Kind, reason: Reason, status: Int? = nil, detail: String, clientDetail: String, scheme: SchemeName? = nil, user: String? = nil
    ) {
        self.kind = kind
        self.reason = reason
        self.status = status ?? reason.status
        self.detail = detail
        self.clientDetail = clientDetail
        self.scheme = scheme
        self.user = user
    }

    /// A refused credential: 401 (400 for one that cannot be read), or 503 with `Retry-After` when the store did
    /// not answer (``AuthFailure/storeUnavailable(_:)``).
    init(_ failure: AuthFailure, scheme: SchemeName?) {
        let kind: Kind = failure.reason == .storeUnavailable ? .unavailable : failure.status == 400 ? .badRequest : .unauthorized
        self.init(kind, reason: failure.reason, status: failure.status, detail: failure.detail, clientDetail: failure.clientDetail, scheme: scheme, user: failure.claimedUser)
        self.failure = failure
        if kind == .unavailable { retryAfter = AuthFailure.storeRetryAfter }
    }

    /// 429 while `ban` lasts, with `Retry-After` its remaining seconds.
    static func banned(_ ban: Ban, detail: String, scheme: SchemeName? = nil, user: String? = nil) -> Refusal {
        let seconds = max(1, Int(ban.until.timeIntervalSinceNow.rounded(.up)))
        var refusal = Refusal(
            .lockedOut, reason: .refusing(ban), detail: detail,
            clientDetail: "Too many failed attempts; try again in \(seconds) seconds.", scheme: scheme, user: user)
        refusal.retryAfter = seconds
        return refusal
    }

    /// 403 for an authenticated user the route does not let in.
    static func forbidden(_ reason: Reason, detail: String, identity: Identity) -> Refusal {
        Refusal(
            .forbidden, reason: reason, status: 403, detail: detail, clientDetail: "You are authenticated but not allowed to access this resource.",
            scheme: identity.scheme, user: identity.user)
    }

    /// 502 for an admitted request whose upstream cannot be reached or fails mid-way; the audit keeps who it was. 413
    /// when what failed is an HTTP/2 body without a length too large to read whole (``ReverseProxy/unframedBodyLimit``).
    static func upstreamFailed(_ error: any Error, after admission: Admission) -> Refusal {
        if error is ReverseProxy.BodyTooLarge {
            return Refusal(
                .badRequest, reason: .bodyTooLarge, detail: "an HTTP/2 body without Content-Length went over \(ReverseProxy.unframedBodyLimit) bytes",
                clientDetail: PublicCode.bodyTooLarge.summary, scheme: admission.scheme, user: admission.identity?.user)
        }
        return Refusal(
            .upstreamError, reason: .upstreamError, detail: "the upstream failed: \(error)", clientDetail: "The service behind the gateway did not answer.",
            scheme: admission.scheme, user: admission.identity?.user)
    }

    /// 400 for a request target that cannot be made canonical (``CanonicalTarget``), before any route is chosen.
    static func refusedTarget(_ refusal: CanonicalTarget.Refusal) -> Refusal {
        Refusal(.badRequest, reason: .pathRefused, detail: refusal.description, clientDetail: "The request path is not accepted: \(refusal.description).")
    }
}
