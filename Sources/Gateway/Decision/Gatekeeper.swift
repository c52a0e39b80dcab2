import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import Passwords
import Store
import Tokens

/// Decides about one request, in the order of DESIGN.md: address policy, route, CORS preflight, credential
/// syntax, lockout, authentication with the scheme the client chose, authorization. It builds no response; it says
/// what happened and why.
public struct Gatekeeper: Sendable {
    let config: GatewayConfig
    /// Longest prefix first.
    let routes: [RouteRuntime]
    let lockout: LockoutGuard

    public init(config: GatewayConfig, routes: [RouteRuntime], lockout: LockoutGuard) {
        self.config = config
        self.routes = routes.sorted { $0.path.count > $1.path.count }
        self.lockout = lockout
    }

    public func route(for path: Substring) -> RouteRuntime? {
        routes.first { $0.matches(path) }
    }

    /// Decides about `request`, whose target was made canonical as `target`: routes are matched on its decoded path.
    func decide(_ request: inout Request, target: CanonicalTarget, client: String, address: IPAddress?) async -> Decision {
        if let address, config.deny.contains(address) || (!config.allow.isEmpty && !config.allow.contains(address)) {
            var decision = Decision(outcome: .deniedAddress, status: 403, route: nil)
            decision.reason = config.deny.contains(address) ? .addressDenied : .addressNotAllowed
            decision.detail = "\(client) is \(decision.reason == .addressDenied ? "in the deny list" : "not in the allow list")"
            decision.clientDetail = "Access from your address is not allowed."
            return decision
        }
        if let ban = await lockout.activeBan(on: [LockoutGuard.addressKey(client)]) {
            return banned(ban, route: nil)
        }
        guard let route = route(for: Substring(target.path)) else {
            var decision = Decision(outcome: .notFound, status: 404, route: nil)
            decision.reason = .noRoute
            decision.detail = "no route matches \(target.path)"
            decision.clientDetail = "No resource here."
            return decision
        }
        if route.config.isPublic { return Decision(outcome: .open, status: 200, route: route) }
        if let cors = route.config.cors, CORSPreflight.isPreflight(request), cors.allows(origin: request.headers[.origin]) {
            return Decision(outcome: .preflight, status: 204, route: route)
        }
        var decision = await authenticate(&request, target: target, route: route, client: client)
        if decision.status == 401, route.authenticator(.session) != nil, [.get, .head].contains(request.method),
            request.headers[.accept]?.contains("text/html") == true
        {
            decision.loginRedirect = Self.loginLocation(next: request.uri.description, reason: decision.reason)
        }
        return decision
    }

    /// The first route that uses sessions, whose login form `/auth/login` serves.
    func sessionRoute() -> (RouteRuntime, SessionAuthenticator)? {
        for route in routes.reversed() {
            if let session = route.authenticator(.session) as? SessionAuthenticator { return (route, session) }
        }
        return nil
    }

    /// `/auth/login?next=…&m=…`: the page wanted and why the user is asked to log in.
    static func loginLocation(next: String, reason: Reason?) -> String {
        let message = switch reason {
        case .sessionExpired?: "expired"
        case .sessionIdle?: "idle"
        case .sessionUnknown?: "ended"
        default: "required"
        }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return SessionEndpoints.loginPath + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/") + "&m=" + message
    }

    private func authenticate(_ request: inout Request, target: CanonicalTarget, route: RouteRuntime, client: String) async -> Decision {
        var sessionFailure: AuthFailure?
        if let session = route.authenticator(.session) as? SessionAuthenticator {
            switch await session.check(cookieHeader: request.headers[.cookie]) {
            case .valid(let record):
                if let ban = await lockout.activeBan(on: [LockoutGuard.userKey(record.user)]) {
                    return banned(ban, route: route, scheme: .session, user: record.user)
                }
                return authorizeSession(record, request: request, route: route)
            case .expired(let reason):
                sessionFailure = AuthFailure(
                    reason: reason, claimedUser: nil, detail: reason == .sessionIdle ? "the session was idle too long" : "the session passed its absolute lifetime",
                    clientDetail: "Your session expired; log in again.")
            case .unavailable(let failure):
                return refused(failure, route: route, scheme: .session)
            case .unknown:
                sessionFailure = AuthFailure(reason: .sessionUnknown, detail: "the session cookie names no session (ended, or forged)", clientDetail: "Your session has ended; log in again.")
            case .none:
                break
            }
            sessionFailure?.countsAsFailure = false
        }
        let presented: PresentedCredential
        switch PresentedCredential.extract(from: request, route: route) {
        case .success(let value): presented = value
        case .failure(let failure): return refused(failure, route: route, scheme: nil)
        }
        guard let credential = presented.credential else {
            if let sessionFailure { return refused(sessionFailure, route: route, scheme: .session) }
            var failure = AuthFailure(
                reason: .noCredentials, detail: "the request carried no credential for this route",
                clientDetail: "This resource needs authentication; the WWW-Authenticate header lists the schemes it accepts.")
            failure.countsAsFailure = false
            return refused(failure, route: route, scheme: nil)
        }
        guard let authenticator = credential.scheme.flatMap(route.authenticator) else {
            let offered = route.config.schemes.map(\.rawValue).joined(separator: ", ")
            var failure = AuthFailure(
                reason: .schemeNotOffered, detail: "the client used \(credential.displayName); this route accepts \(offered)",
                clientDetail: "This resource does not accept \(credential.displayName) credentials; it accepts \(offered).")
            failure.countsAsFailure = false
            return refused(failure, route: route, scheme: nil)
        }
        var facts = RequestFacts(method: request.method.rawValue, target: target.received)
        if credential.needsBody, let body = try? await request.collectBody(upTo: 1 << 20) {
            facts.body = Array(buffer: body)
        }
        let outcome = await authenticator.authenticate(credential.value, facts: facts)
        switch outcome {
        case .authenticated(let identity, let headers):
            if let ban = await lockout.activeBan(on: [LockoutGuard.userKey(identity.user)]) {
                return banned(ban, route: route, scheme: identity.scheme, user: identity.user)
            }
            await lockout.recordSuccess(user: identity.user)
            var decision = authorize(identity, route: route)
            decision.responseHeaders = headers
            return decision
        case .failed(let failure):
            var decision = refused(failure, route: route, scheme: authenticator.name)
            if let user = failure.claimedUser, let ban = await lockout.activeBan(on: [LockoutGuard.userKey(user)]) {
                return banned(ban, route: route, scheme: authenticator.name, user: user, underlying: failure)
            }
            if failure.countsAsFailure {
                let keys = [LockoutGuard.addressKey(client)] + (failure.claimedUser.map { [LockoutGuard.userKey($0)] } ?? [])
                if let ban = await lockout.recordFailure(keys: keys) {
                    decision.detail = (decision.detail ?? "") + "; this failure started a ban on \(ban.key) until \(TimeDescription.utc(ban.until))"
                }
            }
            return decision
        }
    }

    /// A valid session; a state-changing request must also come from this site (CSRF defence in depth beside
    /// `SameSite=Lax`): its `Origin`, or `Sec-Fetch-Site`, must say so.
    private func authorizeSession(_ record: SessionRecord, request: Request, route: RouteRuntime) -> Decision {
        let decision = authorize(Identity(user: record.user, scheme: .session), route: route)
        guard ![.get, .head, .options].contains(request.method), !SessionEndpoints.sameOrigin(request) else { return decision }
        var refused = forbidden(decision, reason: .csrfOrigin, detail: "a \(request.method.rawValue) with a session cookie from another origin (Origin: \(request.headers[.origin] ?? "none"))")
        refused.clientDetail = "This request did not come from this site, so it was refused."
        return refused
    }

    private func authorize(_ identity: Identity, route: RouteRuntime) -> Decision {
        let require = route.config.require
        var decision = Decision(outcome: .allowed, status: 200, route: route)
        decision.scheme = identity.scheme
        decision.user = identity.user
        decision.identity = identity
        if !require.users.isEmpty, !require.users.contains(identity.user) {
            return forbidden(decision, reason: .userNotAllowed, detail: "'\(identity.user)' is not among the required users (\(require.users.joined(separator: ", ")))")
        }
        if !require.groups.isEmpty {
            let groups = route.groups?.value.groups(of: identity.user) ?? []
            if groups.isDisjoint(with: require.groups) {
                return forbidden(decision, reason: .groupNotAllowed, detail: "'\(identity.user)' is in none of the required groups (\(require.groups.joined(separator: ", ")))")
            }
        }
        let missing = require.scopes.filter { !identity.scopes.contains($0) }
        // A scope requirement refuses credentials that carry no scopes (passwords) too: a route that asks for a
        // scope must not be opened by another scheme beside it.
        if !missing.isEmpty {
            var refused = forbidden(decision, reason: .insufficientScope, detail: "missing scope \(missing.joined(separator: " ")); granted: \(identity.scopes.sorted().joined(separator: " "))")
            refused.clientDetail = "The credential lacks the scope this resource needs: \(require.scopes.joined(separator: " "))."
            if identity.scheme == .bearer {
                var failure = AuthFailure(reason: .insufficientScope, detail: refused.detail ?? "", clientDetail: refused.clientDetail ?? "", status: 403, bearerError: .insufficientScope)
                failure.countsAsFailure = false
                refused.failure = failure
            }
            return refused
        }
        return decision
    }

    private func forbidden(_ base: Decision, reason: Reason, detail: String) -> Decision {
        var decision = base
        decision.outcome = .forbidden
        decision.status = 403
        decision.reason = reason
        decision.detail = detail
        decision.clientDetail = "You are authenticated but not allowed to access this resource."
        return decision
    }

    private func refused(_ failure: AuthFailure, route: RouteRuntime, scheme: SchemeName?) -> Decision {
        var decision = Decision(outcome: failure.status == 400 ? .badRequest : .unauthorized, status: failure.status, route: route)
        decision.reason = failure.reason
        decision.detail = failure.detail
        decision.clientDetail = failure.clientDetail
        decision.scheme = scheme
        decision.user = failure.claimedUser
        decision.failure = failure
        if failure.reason == .storeUnavailable { decision.storeUnavailable(failure) }
        return decision
    }

    private func banned(_ ban: Ban, route: RouteRuntime?, scheme: SchemeName? = nil, user: String? = nil, underlying: AuthFailure? = nil) -> Decision {
        var decision = Decision(outcome: .lockedOut, status: 429, route: route)
        let seconds = max(1, Int(ban.until.timeIntervalSinceNow.rounded(.up)))
        decision.reason = ban.key.hasPrefix("user:") ? .userLockedOut : .addressBanned
        decision.detail = "\(ban.key) is banned until \(TimeDescription.utc(ban.until)) (\(ban.reason))"
            + (underlying.map { "; the credential itself failed with \($0.reason)" } ?? "")
        decision.clientDetail = "Too many failed attempts; try again in \(seconds) seconds."
        decision.retryAfter = seconds
        decision.scheme = scheme
        decision.user = user
        return decision
    }
}
