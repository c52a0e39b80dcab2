import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// The dashboard at `admin.path`, for the admin users only (logged in with the `session` scheme's form): the rate of
/// 401, 403 and 429 over the last hour as an SVG chart, the reasons, the clients, users and routes refused most, the
/// active bans with an unban button (a POST with the session's CSRF token), the search by request id showing what
/// `gatehouse explain` shows, and the effective configuration of each route. It refreshes itself every 10 seconds
/// (a meta refresh: no script). Every page is `no-store` and may not be framed.
struct Dashboard {
    let admin: GatewayConfig.Admin
    let config: GatewayConfig
    let gatekeeper: Gatekeeper
    let store: any GatewayStore

    func respond(_ request: Request, client: String) async -> (Response, Decision)? {
        let path = request.uri.path
        guard path == admin.path || path == admin.path + "unban", let (route, session) = gatekeeper.sessionRoute() else { return nil }
        var decision = Decision(outcome: .allowed, status: 200, route: route)
        decision.scheme = .session
        let check = await session.check(cookieHeader: request.headers[.cookie])
        if case .unavailable(let failure) = check { return SessionEndpoints.unavailable(failure, decision: decision) }
        guard case .valid(let record) = check else {
            decision.outcome = .unauthorized
            decision.status = 303
            decision.reason = .noCredentials
            decision.detail = "the dashboard needs an admin's session"
            return (Self.redirect(Gatekeeper.loginLocation(next: request.uri.description, reason: nil)), decision)
        }
        decision.user = record.user
        guard admin.users.contains(record.user) else {
            decision.outcome = .forbidden
            decision.status = 403
            decision.reason = .userNotAllowed
            decision.detail = "'\(record.user)' is not among the admin users"
            return (HTMLPage.response(LoginPage.message(title: "Not allowed", text: "The dashboard is for administrators.", link: "/"), status: .forbidden), decision)
        }
        if path == admin.path + "unban" {
            guard request.method == .post else { return (Response(status: .methodNotAllowed, headers: [.allow: "POST"]), decision) }
            let form = await SessionEndpoints.body(request)
            guard SessionEndpoints.sameOrigin(request), let token = form["csrf"], ConstantTime.equals(token, record.csrf), let key = form["key"] else {
                decision.outcome = .forbidden
                decision.status = 403
                decision.reason = .csrfToken
                decision.detail = "an unban without the session's CSRF token, or from another origin"
                return (HTMLPage.response(LoginPage.message(title: "Not done", text: "This form did not come from this site, so nothing was changed.", link: admin.path), status: .forbidden), decision)
            }
            let lifted = await gatekeeper.lockout.unban(key: key)
            decision.reason = .unbanned
            decision.detail = lifted ? "'\(record.user)' lifted the ban on \(key)" : "no ban on \(key) to lift"
            return (Self.redirect(admin.path), decision)
        }
        let search = SessionEndpoints.form(request.uri.query ?? "")["id"].flatMap { $0.isEmpty ? nil : $0 }
        var found: AuditRecord?
        if let search { found = try? await store.auditRecord(requestID: search) }
        let statistics = (try? await store.auditStatistics(since: Date().addingTimeInterval(-3600), limit: 10)) ?? AuditStatistics()
        let page = DashboardPage(
            admin: admin, config: config, user: record.user, csrf: record.csrf, statistics: statistics,
            bans: gatekeeper.lockout.activeBans(), search: search, found: found)
        return (HTMLPage.response(page.render(), status: .ok), decision)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
