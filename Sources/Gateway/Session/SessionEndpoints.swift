import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// The pages of the `session` scheme, answered by the gateway itself:
/// - `GET /auth/login`: the form, with a fresh CSRF nonce cookie and its HMAC in the form (login CSRF is refused);
/// - `POST /auth/login`: the same origin and CSRF token, the lockout, the password; then a new session cookie and a
///   303 to the page the user wanted (`next`, a local path only: no open redirect);
/// - `GET /auth/logout`: a confirmation form carrying the session's CSRF token; `POST /auth/logout` ends it.
/// Messages say what happened ("your session expired", "wrong user name or password") and never whether a user
/// exists. Every page is `no-store` and may not be framed.
struct SessionEndpoints {
    static let loginPath = "/auth/login"
    static let logoutPath = "/auth/logout"
    let gatekeeper: Gatekeeper
    let secure: Bool

    /// The response and the decision to audit, or nil when `request` is not for these pages or no route uses
    /// sessions.
    func respond(_ request: Request, client: String) async -> (Response, Decision)? {
        let path = request.uri.path
        guard path == Self.loginPath || path == Self.logoutPath, let (route, session) = gatekeeper.sessionRoute() else { return nil }
        var decision = Decision(outcome: .open, status: 200, route: route)
        decision.scheme = .session
        switch (path, request.method) {
        case (Self.loginPath, .get), (Self.loginPath, .head):
            let query = Self.form(request.uri.query ?? "")
            let message = Self.messages[query["m"] ?? ""]
            return (loginForm(session, cookies: request.headers[.cookie], next: Self.safeNext(query["next"]), message: message, isError: false, status: .ok), decision)
        case (Self.loginPath, .post):
            return await login(request, client: client, route: route, session: session, decision: decision)
        case (Self.logoutPath, .get):
            let check = await session.check(cookieHeader: request.headers[.cookie])
            if case .unavailable(let failure) = check { return Self.unavailable(failure, decision: decision) }
            guard case .valid(let record) = check else {
                return (redirect(to: Self.loginPath + "?m=loggedout"), decision)
            }
            decision.user = record.user
            return (HTMLPage.response(LoginPage.logout(user: record.user, csrf: record.csrf), status: .ok), decision)
        case (Self.logoutPath, .post):
            let form = await Self.body(request)
            let check = await session.check(cookieHeader: request.headers[.cookie])
            if case .unavailable(let failure) = check { return Self.unavailable(failure, decision: decision) }
            guard case .valid(let record) = check else {
                return (redirect(to: Self.loginPath + "?m=loggedout", clearing: true), decision)
            }
            guard Self.sameOrigin(request), let token = form["csrf"], ConstantTime.equals(token, record.csrf) else {
                return (forbiddenForm(&decision, user: record.user), decision)
            }
            _ = await session.logout(cookieHeader: request.headers[.cookie])
            decision.outcome = .allowed
            decision.user = record.user
            decision.reason = .loggedOut
            decision.detail = "'\(record.user)' logged out; the session was deleted"
            return (redirect(to: Self.loginPath + "?m=loggedout", clearing: true), decision)
        default:
            var headers = HTTPFields()
            headers[.allow] = path == Self.loginPath ? "GET, HEAD, POST" : "GET, POST"
            return (Response(status: .methodNotAllowed, headers: headers), decision)
        }
    }

    static let messages = [
        "expired": "Your session expired. Please log in again.",
        "idle": "You were logged out after a period without activity. Please log in again.",
        "ended": "Your session has ended. Please log in again.",
        "loggedout": "You have logged out.",
        "required": "Please log in to continue.",
    ]

    private func login(_ request: Request, client: String, route: RouteRuntime, session: SessionAuthenticator, decision base: Decision) async -> (Response, Decision) {
        var decision = base
        let form = await Self.body(request)
        let next = Self.safeNext(form["next"])
        let nonce = SessionCookie.value(SessionCookie.loginName(secure: secure), in: request.headers[.cookie])
        guard Self.sameOrigin(request), let nonce, let token = form["csrf"], ConstantTime.equals(token, session.loginCSRF(nonce: nonce)) else {
            decision.outcome = .forbidden
            decision.status = 403
            decision.reason = .csrfToken
            decision.detail = "the login form came without a valid CSRF token or from another origin (Origin: \(request.headers[.origin] ?? "none"))"
            return (loginForm(session, cookies: request.headers[.cookie], next: next, message: "The form expired or did not come from this site. Please try again.", isError: true, status: .forbidden), decision)
        }
        let user = form["username"] ?? form["user"] ?? ""   // `user` too, for forms written by hand
        decision.user = user
        if let ban = await gatekeeper.lockout.activeBan(on: [LockoutGuard.addressKey(client), LockoutGuard.userKey(user)]) {
            decision.outcome = .lockedOut
            decision.status = 429
            decision.reason = ban.key.hasPrefix("ip:") ? .addressBanned : .userLockedOut
            decision.detail = "login refused during the ban on \(ban.key)"
            var response = loginForm(session, cookies: request.headers[.cookie], next: next, message: "Too many failed attempts. Try again later.", isError: true, status: .tooManyRequests)
            response.headers[.retryAfter] = String(max(1, Int(ban.until.timeIntervalSinceNow.rounded(.up))))
            return (response, decision)
        }
        switch await session.login(user: user, password: form["password"] ?? "") {
        case .success(let (token, record)):
            await gatekeeper.lockout.recordSuccess(user: user)
            decision.outcome = .allowed
            decision.identity = Identity(user: record.user, scheme: .session)
            decision.detail = "'\(user)' logged in; a new session was started"
            var response = redirect(to: next)
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.set(
                SessionCookie.sessionName(secure: secure), token, secure: secure, maxAge: Int(route.config.session.absolute))))
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.clear(SessionCookie.loginName(secure: secure), secure: secure)))
            return (response, decision)
        case .failure(let failure) where failure.reason == .storeUnavailable:
            return Self.unavailable(failure, decision: decision)
        case .failure(let failure):
            decision.outcome = .unauthorized
            decision.status = 401
            decision.reason = failure.reason
            decision.detail = failure.detail
            decision.failure = failure
            if failure.countsAsFailure {
                _ = await gatekeeper.lockout.recordFailure(keys: [LockoutGuard.addressKey(client), LockoutGuard.userKey(user)])
            }
            var response = loginForm(session, cookies: request.headers[.cookie], next: next, message: failure.status == 401 ? "Wrong user name or password." : failure.clientDetail, isError: true, status: .unauthorized)
            for challenge in session.challenges(after: failure) {
                if let value = try? challenge.serialized() { response.headers.append(HTTPField(name: .wwwAuthenticate, value: value)) }
            }
            return (response, decision)
        }
    }

    /// The form; a browser that already holds a login nonce keeps it, so that forms opened in several tabs all stay
    /// valid (the nonce is as secret as a fresh one: a `SameSite=Strict`, `HttpOnly` cookie another site never sees).
    private func loginForm(
        _ session: SessionAuthenticator, cookies: String?, next: String, message: String?, isError: Bool, status: HTTPResponse.Status
    ) -> Response {
        let held = SessionCookie.value(SessionCookie.loginName(secure: secure), in: cookies)
        let nonce = held.flatMap { SessionAuthenticator.isWellFormedToken($0) ? $0 : nil } ?? SessionAuthenticator.randomToken()
        var response = HTMLPage.response(LoginPage.login(realm: session.realm, csrf: session.loginCSRF(nonce: nonce), next: next, message: message, isError: isError), status: status)
        response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.set(SessionCookie.loginName(secure: secure), nonce, secure: secure, sameSite: "Strict")))
        return response
    }

    private func forbiddenForm(_ decision: inout Decision, user: String) -> Response {
        decision.outcome = .forbidden
        decision.status = 403
        decision.user = user
        decision.reason = .csrfToken
        decision.detail = "a logout without the session's CSRF token, or from another origin"
        return HTMLPage.response(LoginPage.message(title: "Not done", text: "This form did not come from this site, so nothing was changed.", link: Self.logoutPath), status: .forbidden)
    }

    private func redirect(to location: String, clearing: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        if clearing { headers.append(HTTPField(name: .setCookie, value: SessionCookie.clear(SessionCookie.sessionName(secure: secure), secure: secure))) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A page saying the store did not answer: 503 with `Retry-After`; the session is neither accepted nor ended.
    static func unavailable(_ failure: AuthFailure, decision base: Decision) -> (Response, Decision) {
        var decision = base
        decision.storeUnavailable(failure)
        var response = HTMLPage.response(
            LoginPage.message(title: "Try again shortly", text: failure.clientDetail, link: "/"), status: .serviceUnavailable)
        response.headers[.retryAfter] = String(AuthFailure.storeRetryAfter)
        response.headers[.cacheControl] = "no-store"
        return (response, decision)
    }

    /// A local path to return to after login, in its canonical form; anything else becomes `/`.
    ///
    /// A browser parsing a `Location` (WHATWG URL) drops tabs and line breaks anywhere, trims control bytes and
    /// spaces, and reads `\` as `/`, so `/\t/evil.example` or `/\\evil.example` would leave the site. The canonical
    /// form has none of these: only `pchar` bytes in the path (one leading `/`, no `//`) and a query without control
    /// bytes or spaces, so what is sent is a path on this site whatever parser reads it. A fragment is kept when it
    /// is printable ASCII without `\`.
    static func safeNext(_ next: String?) -> String {
        guard let next else { return "/" }
        let (target, fragment) = next.firstIndex(of: "#").map { (String(next[..<$0]), next[$0...]) } ?? (next, "")
        guard target.hasPrefix("/"), !target.hasPrefix("//"), let canonical = try? CanonicalTarget(requestTarget: target),
            !canonical.target.contains("\\"), fragment.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" })
        else { return "/" }
        return canonical.target + fragment
    }

    /// A state-changing request comes from this site: its `Origin` (or, without one, `Sec-Fetch-Site`) says so.
    ///
    /// Behind a proxy that does not pass `Host` on, its `X-Forwarded-Host` stands for it. Believing that header from
    /// anyone is safe here: a cross-site form or script cannot add it without a CORS preflight, which is refused.
    static func sameOrigin(_ request: Request) -> Bool {
        if let origin = request.headers[.origin] {
            guard let host = URL(string: origin).flatMap({ url in url.host.map { $0 + (url.port.map { ":\($0)" } ?? "") } }) else { return false }
            let forwarded = request.headers[HTTPField.Name("X-Forwarded-Host")!]?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }
            return [request.head.authority, forwarded].contains { $0?.lowercased() == host.lowercased() }
        }
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!] { return site == "same-origin" || site == "none" }
        return true
    }

    /// The fields of a form body (at most 16 KiB); with `acceptingJSON`, of a JSON object body too (its string
    /// members), as many token endpoints take.
    static func body(_ request: Request, acceptingJSON: Bool = false) async -> [String: String] {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: 16 << 10) else { return [:] }
        guard acceptingJSON, request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else { return form(String(buffer: buffer)) }
        let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        return object?.compactMapValues { $0 as? String } ?? [:]
    }

    static func form(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let name = parts.first, fields[name] == nil { fields[name] = parts.count > 1 ? parts[1] : "" }
        }
        return fields
    }
}
