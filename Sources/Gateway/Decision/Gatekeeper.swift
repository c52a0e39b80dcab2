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
            let denied = config.deny.contains(address)
            return .refused(Refusal(
                .deniedAddress, reason: denied ? .addressDenied : .addressNotAllowed,
                detail: "\(client) is \(denied ? "in the deny list" : "not in the allow list")", clientDetail: "Access from your address is not allowed."), route: nil)
        }
        if let ban = await lockout.activeBan(on: [LockoutGuard.addressKey(client)]) {
            return .refused(.banned(ban, detail: Self.banDetail(ban)), route: nil)
        }
        guard let route = route(for: Substring(target.path)) else {
            return .refused(Refusal(.notFound, reason: .noRoute, detail: "no route matches \(target.path)", clientDetail: "No resource here."), route: nil)
        }
        if route.config.isPublic { return .admitted(.open, route: route) }
        if let cors = route.config.cors, CORSPreflight.isPreflight(request), cors.allows(origin: request.headers[.origin]) {
            return .admitted(Admission(.preflight), route: route)
        }
        switch await authenticate(&request, target: target, route: route, client: client) {
        case .admitted(let admission):
            return .admitted(admission, route: route)
        case .refused(var refusal):
            if refusal.status == 401, route.authenticator(.session) != nil, Self.isPageLoad(request) {
                refusal.loginRedirect = Self.loginLocation(next: request.uri.description, reason: refusal.reason)
            }
            return .refused(refusal, route: route)
        }
    }

    /// A browser loading a page, which is sent to the login form: a GET or HEAD that accepts HTML and is not a
    /// script's (`X-Requested-With: XMLHttpRequest`). API clients and scripts get the 401 with its challenges.
    static func isPageLoad(_ request: Request) -> Bool {
        [.get, .head].contains(request.method) && request.headers[.accept]?.contains("text/html") == true
            && request.headers[HTTPField.Name("X-Requested-With")!]?.caseInsensitiveCompare("XMLHttpRequest") != .orderedSame
    }

    /// The first route that uses sessions, whose login form `/auth/login` serves.
    func sessionRoute() -> (RouteRuntime, SessionAuthenticator)? {
        for route in routes.reversed() {
            if let session = route.authenticator(.session) as? SessionAuthenticator { return (route, session) }
        }
        return nil
    }

    /// `/auth/login?next=…&m=…` (or another login page, `base`): the page wanted and why the user is asked to log in.
    static func loginLocation(next: String, reason: Reason?, base: String = SessionEndpoints.loginPath) -> String {
        let message = switch reason {
        case .sessionExpired?: "expired"
        case .sessionIdle?: "idle"
        case .sessionUnknown?: "ended"
        default: "required"
        }
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?#")
        return base + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/") + "&m=" + message
    }

    private func authenticate(_ request: inout Request, target: CanonicalTarget, route: RouteRuntime, client: String) async -> Decision.Verdict {
        var sessionFailure: AuthFailure?
        if let session = route.authenticator(.session) as? SessionAuthenticator {
            switch await session.check(cookieHeader: request.headers[.cookie]) {
            case .valid(let record):
                let identity = Identity(user: record.user, scheme: .session)
                if let ban = await lockout.activeBan(on: [LockoutGuard.userKey(record.user)]) {
                    return .refused(.banned(ban, detail: Self.banDetail(ban), scheme: .session, user: record.user))
                }
                return authorizeSession(identity, request: request, route: route)
            case .expired(let reason):
                sessionFailure = AuthFailure(
                    reason: reason, claimedUser: nil, detail: reason == .sessionIdle ? "the session was idle too long" : "the session passed its absolute lifetime",
                    clientDetail: "Your session expired; log in again.")
            case .unavailable(let failure):
                return .refused(Refusal(failure, scheme: .session))
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
        case .failure(let failure): return .refused(Refusal(failure, scheme: nil))
        }
        guard let credential = presented.credential else {
            if let sessionFailure { return .refused(Refusal(sessionFailure, scheme: .session)) }
            var failure = AuthFailure(
                reason: .noCredentials, detail: "the request carried no credential for this route",
                clientDetail: "This resource needs authentication; the WWW-Authenticate header lists the schemes it accepts.")
            failure.countsAsFailure = false
            return .refused(Refusal(failure, scheme: nil))
        }
        guard let authenticator = credential.scheme.flatMap(route.authenticator) else {
            let offered = route.config.schemes.map(\.rawValue).joined(separator: ", ")
            var failure = AuthFailure(
                reason: .schemeNotOffered, detail: "the client used \(credential.displayName); this route accepts \(offered)",
                clientDetail: "This resource does not accept \(credential.displayName) credentials; it accepts \(offered).")
            failure.countsAsFailure = false
            return .refused(Refusal(failure, scheme: nil))
        }
        var facts = RequestFacts(method: request.method.rawValue, target: target.received)
        if credential.needsBody, let body = try? await request.collectBody(upTo: 1 << 20) {
            facts.body = Array(buffer: body)
        }
        switch await authenticator.authenticate(credential.value, facts: facts) {
        case .authenticated(let identity, let headers):
            if let ban = await lockout.activeBan(on: [LockoutGuard.userKey(identity.user)]) {
                return .refused(.banned(ban, detail: Self.banDetail(ban), scheme: identity.scheme, user: identity.user))
            }
            await lockout.recordSuccess(user: identity.user)
            let verdict = authorize(identity, route: route)
            guard case .admitted(var admission) = verdict else { return verdict }
            admission.responseHeaders = headers
            return .admitted(admission)
        case .failed(let failure):
            if let user = failure.claimedUser, let ban = await lockout.activeBan(on: [LockoutGuard.userKey(user)]) {
                return .refused(.banned(ban, detail: Self.banDetail(ban) + "; the credential itself failed with \(failure.reason)", scheme: authenticator.name, user: user))
            }
            var refusal = Refusal(failure, scheme: authenticator.name)
            if failure.countsAsFailure {
                let keys = [LockoutGuard.addressKey(client)] + (failure.claimedUser.map { [LockoutGuard.userKey($0)] } ?? [])
                if let ban = await lockout.recordFailure(keys: keys) {
                    refusal.detail += "; this failure started a ban on \(ban.key) until \(TimeDescription.utc(ban.until))"
                }
            }
            return .refused(refusal)
        }
    }

    /// A valid session; a state-changing request must also come from this site (CSRF defence in depth beside
    /// `SameSite=Lax`): its `Origin`, or `Sec-Fetch-Site`, must say so.
    private func authorizeSession(_ identity: Identity, request: Request, route: RouteRuntime) -> Decision.Verdict {
        guard ![.get, .head, .options].contains(request.method), !SessionEndpoints.sameOrigin(request) else { return authorize(identity, route: route) }
        var refusal = Refusal.forbidden(
            .csrfOrigin, detail: "a \(request.method.rawValue) with a session cookie from another origin (Origin: \(request.headers[.origin] ?? "none"))", identity: identity)
        refusal.clientDetail = "This request did not come from this site, so it was refused."
        return .refused(refusal)
    }

    /// The route's requirements (users, groups, scopes) against a proved identity.
    private func authorize(_ identity: Identity, route: RouteRuntime) -> Decision.Verdict {
        let require = route.config.require
        if !require.users.isEmpty, !require.users.contains(identity.user) {
            return .refused(.forbidden(
                .userNotAllowed, detail: "'\(identity.user)' is not among the required users (\(require.users.joined(separator: ", ")))", identity: identity))
        }
        if !require.groups.isEmpty {
            let groups = route.groups?.value.groups(of: identity.user) ?? []
            if groups.isDisjoint(with: require.groups) {
                return .refused(.forbidden(
                    .groupNotAllowed, detail: "'\(identity.user)' is in none of the required groups (\(require.groups.joined(separator: ", ")))", identity: identity))
            }
        }
        let missing = require.scopes.filter { !identity.scopes.contains($0) }
        // A scope requirement refuses credentials that carry no scopes (passwords) too: a route that asks for a
        // scope must not be opened by another scheme beside it.
        if !missing.isEmpty {
            var refusal = Refusal.forbidden(
                .insufficientScope, detail: "missing scope \(missing.joined(separator: " ")); granted: \(identity.scopes.sorted().joined(separator: " "))", identity: identity)
            refusal.clientDetail = "The credential lacks the scope this resource needs: \(require.scopes.joined(separator: " "))."
            if identity.scheme == .bearer {
                var failure = AuthFailure(reason: .insufficientScope, detail: refusal.detail, clientDetail: refusal.clientDetail, status: 403, bearerError: .insufficientScope)
                failure.countsAsFailure = false
                refusal.failure = failure
            }
            return .refused(refusal)
        }
        return .admitted(Admission(.identity(identity)))
    }

    /// What the audit says of a ban in force.
    static func banDetail(_ ban: Ban) -> String {
        "\(ban.key) is banned until \(TimeDescription.utc(ban.until)) (\(ban.reason))"
    }
}
