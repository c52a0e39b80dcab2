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
        let page = Decision.admitted(Admission(.open, scheme: .session), route: route)
        switch (path, request.method) {
        case (Self.loginPath, .get), (Self.loginPath, .head):
            let query = Self.form(request.uri.query ?? "")
            let message = Self.messages[query["m"] ?? ""]
            return (loginForm(session, cookies: request.headers[.cookie], next: Self.safeNext(query["next"], domain: session.settings.cookieDomain), message: message, isError: false, status: .ok), page)
        case (Self.loginPath, .post):
            return await login(request, client: client, route: route, session: session)
        case (Self.logoutPath, .get):
            switch await Self.lookUp(request, in: session, route: route) {
            case .unavailable(let answer): return answer
            case .absent: return (redirect(to: Self.loginPath + "?m=loggedout"), page)
            case .valid(let record):
                let identity = Identity(user: record.user, scheme: .session)
                return (HTMLPage.response(LoginPage.logout(user: record.user, csrf: record.csrf), status: .ok), .admitted(Admission(.identity(identity)), route: route))
            }
        case (Self.logoutPath, .post):
            let form = await Self.body(request)
            switch await Self.lookUp(request, in: session, route: route) {
            case .unavailable(let answer): return answer
            case .absent: return (redirect(to: Self.loginPath + "?m=loggedout", clearing: session.cookieScope), page)
            case .valid(let record):
                let identity = Identity(user: record.user, scheme: .session)
                guard Self.sameOrigin(request), let token = form["csrf"], ConstantTime.equals(token, record.csrf) else {
                    return Self.notDone(
                        detail: "a logout without the session's CSRF token, or from another origin", identity: identity, route: route, link: Self.logoutPath)
                }
                _ = await session.logout(cookieHeader: request.headers[.cookie])
                let admission = Admission(.identity(identity), event: .loggedOut, detail: "'\(record.user)' logged out; the session was deleted")
                return (redirect(to: Self.loginPath + "?m=loggedout", clearing: session.cookieScope), .admitted(admission, route: route))
            }
        default:
            return Self.methodNotAllowed(request, allow: path == Self.loginPath ? "GET, HEAD, POST" : "GET, POST", route: route)
        }
    }

    /// What a session cookie names, for the pages that need a logged-in user (logout, the dashboard).
    enum Lookup {
        case valid(SessionRecord)
        /// No cookie, or one for a session that expired or ended.
        case absent
        /// The store did not answer: the 503 page to send, with its decision.
        case unavailable((Response, Decision))
    }

    /// Checks the request's session cookie once; an unavailable store becomes the 503 page here, for every caller.
    static func lookUp(_ request: Request, in session: SessionAuthenticator, route: RouteRuntime) async -> Lookup {
        switch await session.check(cookieHeader: request.headers[.cookie]) {
        case .valid(let record): .valid(record)
        case .unavailable(let failure): .unavailable(unavailable(failure, route: route))
        case .expired, .unknown, .none: .absent
        }
    }

    static let messages = [
        "expired": "Your session expired. Please log in again.",
        "idle": "You were logged out after a period without activity. Please log in again.",
        "ended": "Your session has ended. Please log in again.",
        "loggedout": "You have logged out.",
        "required": "Please log in to continue.",
    ]

    private func login(_ request: Request, client: String, route: RouteRuntime, session: SessionAuthenticator) async -> (Response, Decision) {
        let form = await Self.body(request)
        let next = Self.safeNext(form["next"], domain: session.settings.cookieDomain)
        let nonce = SessionCookie.value(SessionCookie.loginName(secure: secure), in: request.headers[.cookie])
        let user = form["username"] ?? form["user"] ?? ""   // `user` too, for forms written by hand
        guard Self.sameOrigin(request), let nonce, let token = form["csrf"], ConstantTime.equals(token, session.loginCSRF(nonce: nonce)) else {
            let refusal = Refusal(
                .forbidden, reason: .csrfToken,
                detail: "the login form came without a valid CSRF token or from another origin (Origin: \(request.headers[.origin] ?? "none"))",
                clientDetail: "The form expired or did not come from this site. Please try again.", scheme: .session)
            return (loginForm(session, cookies: request.headers[.cookie], next: next, message: refusal.clientDetail, isError: true, status: .forbidden), .refused(refusal, route: route))
        }
        if let ban = await gatekeeper.lockout.activeBan(on: [LockoutGuard.addressKey(client), LockoutGuard.userKey(user)]) {
            let refusal = Refusal.banned(ban, detail: "login refused during the ban on \(ban.key)", scheme: .session, user: user)
            var response = loginForm(session, cookies: request.headers[.cookie], next: next, message: "Too many failed attempts. Try again later.", isError: true, status: .tooManyRequests)
            response.headers[.retryAfter] = refusal.retryAfter.map(String.init)
            return (response, .refused(refusal, route: route))
        }
        switch await session.login(user: user, password: form["password"] ?? "") {
        case .success(let (token, record)):
            await gatekeeper.lockout.recordSuccess(user: user)
            let admission = Admission(.identity(Identity(user: record.user, scheme: .session)), detail: "'\(user)' logged in; a new session was started")
            var response = redirect(to: next)
            let scope = session.cookieScope
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.set(
                SessionCookie.sessionName(scope), token, secure: scope.secure, domain: scope.domain, maxAge: Int(route.config.session.absolute))))
            response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.clear(SessionCookie.loginName(secure: secure), secure: secure)))
            return (response, .admitted(admission, route: route))
        case .failure(let failure) where failure.reason == .storeUnavailable:
            return Self.unavailable(failure, route: route)
        case .failure(let failure):
            // The form answers 401 whatever the failure was; the audit says so.
            var refusal = Refusal(failure, scheme: .session)
            refusal.kind = .unauthorized
            refusal.status = 401
            refusal.user = user
            if failure.countsAsFailure {
                _ = await gatekeeper.lockout.recordFailure(keys: [LockoutGuard.addressKey(client), LockoutGuard.userKey(user)])
            }
            var response = loginForm(session, cookies: request.headers[.cookie], next: next, message: failure.status == 401 ? "Wrong user name or password." : failure.clientDetail, isError: true, status: .unauthorized)
            for challenge in session.challenges(after: failure) {
                if let value = try? challenge.serialized() { response.headers.append(HTTPField(name: .wwwAuthenticate, value: value)) }
            }
            return (response, .refused(refusal, route: route))
        }
    }

    /// The form; a browser that already holds a login nonce keeps it, so that forms opened in several tabs all stay
    /// valid (the nonce is as secret as a fresh one: a `SameSite=Strict`, `HttpOnly` cookie another site never sees).
    private func loginForm(
        _ session: SessionAuthenticator, cookies: String?, next: String, message: String?, isError: Bool, status: HTTPResponse.Status
    ) -> Response {
        let held = SessionCookie.value(SessionCookie.loginName(secure: secure), in: cookies)
        let nonce = held.flatMap { SessionAuthenticator.isWellFormedToken($0) ? $0 : nil } ?? SessionAuthenticator.randomToken()
        var response = HTMLPage.response(
            LoginPage.login(realm: session.realm, csrf: session.loginCSRF(nonce: nonce), next: next, message: message, isError: isError), status: status,
            returnHosts: session.settings.cookieDomain)
        response.headers.append(HTTPField(name: .setCookie, value: SessionCookie.set(SessionCookie.loginName(secure: secure), nonce, secure: secure, sameSite: "Strict")))
        return response
    }

    /// 403 for a form of a logged-in user that came without the session's CSRF token, or from another origin: nothing
    /// was changed.
    static func notDone(detail: String, identity: Identity, route: RouteRuntime, link: String) -> (Response, Decision) {
        (HTMLPage.response(LoginPage.message(title: "Not done", text: "This form did not come from this site, so nothing was changed.", link: link), status: .forbidden),
         .refused(.forbidden(.csrfToken, detail: detail, identity: identity), route: route))
    }

    /// 405 for a method the page does not answer.
    static func methodNotAllowed(_ request: Request, allow: String, route: RouteRuntime) -> (Response, Decision) {
        let refusal = Refusal(
            .badRequest, reason: .methodNotAllowed, detail: "\(request.method.rawValue) \(request.uri.path); the page answers \(allow)",
            clientDetail: "Use \(allow).")
        return (Response(status: .methodNotAllowed, headers: [.allow: allow]), .refused(refusal, route: route))
    }

    private func redirect(to location: String, clearing scope: SessionCookie.Scope? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        if let scope { headers.append(HTTPField(name: .setCookie, value: SessionCookie.clear(SessionCookie.sessionName(scope), secure: scope.secure, domain: scope.domain))) }
        return Response(status: .seeOther, headers: headers)
    }

    /// A page saying the store did not answer: 503 with `Retry-After`; the session is neither accepted nor ended.
    static func unavailable(_ failure: AuthFailure, route: RouteRuntime) -> (Response, Decision) {
        var response = HTMLPage.response(
            LoginPage.message(title: "Try again shortly", text: failure.clientDetail, link: "/"), status: .serviceUnavailable)
        response.headers[.retryAfter] = String(AuthFailure.storeRetryAfter)
        response.headers[.cacheControl] = "no-store"
        return (response, .refused(Refusal(failure, scheme: .session), route: route))
    }

    /// A local path to return to after login, in its canonical form; anything else becomes `/`.
    ///
    /// A browser parsing a `Location` (WHATWG URL) drops tabs and line breaks anywhere, trims control bytes and
    /// spaces, and reads `\` as `/`, so `/\t/evil.example` or `/\\evil.example` would leave the site. The canonical
    /// form has none of these: only `pchar` bytes in the path (one leading `/`, no `//`) and a query without control
    /// bytes or spaces, so what is sent is a path on this site whatever parser reads it. A fragment is kept when it
    /// is printable ASCII without `\`.
    ///
    /// With a cookie domain, an absolute `http(s)` URL of a host under it is accepted too (one login for many hosts),
    /// rebuilt from its parsed parts: no user info, its path made canonical the same way. Any other host is `/`.
    static func safeNext(_ next: String?, domain: String? = nil) -> String {
        guard let next else { return "/" }
        let (target, fragment) = next.firstIndex(of: "#").map { (String(next[..<$0]), next[$0...]) } ?? (next, "")
        guard fragment.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "\\" }) else { return "/" }
        if let domain, let origin = Self.origin(of: target, under: domain) {
            let local = target.dropFirst(origin.count)
            return origin + safeNext((local.isEmpty ? "/" : String(local)) + fragment)
        }
        guard target.hasPrefix("/"), !target.hasPrefix("//"), let canonical = try? CanonicalTarget(requestTarget: target),
            !canonical.target.contains("\\")
        else { return "/" }
        return canonical.target + fragment
    }

    /// `scheme://host[:port]` of an absolute http(s) URL whose host is `domain` or under it, as written in `url`
    /// (which must start with it); nil for anything else (user info, another host, a malformed authority).
    static func origin(of url: String, under domain: String) -> String? {
        let lowered = url.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else { return nil }
        let rest = url.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts[0].lowercased()
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }),
            host == domain || host.hasSuffix("." + domain),
            parts.count == 1 || (parts[1].count <= 5 && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber))
        else { return nil }
        return String(url.prefix(scheme.count + authority.count))
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
