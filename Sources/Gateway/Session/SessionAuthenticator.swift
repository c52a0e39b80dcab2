import Crypto
import Foundation
import HTTPAuth
import Passwords
import Store
import Tokens

/// The `session` scheme: a login form checks the user's password against the route's htpasswd file (through
/// ``PasswordVerifier``, so an unknown user costs the same time as a wrong password), and a random token in an
/// `HttpOnly` cookie then stands for the user until it is idle for ``GatewayConfig/Session/idle`` or older than
/// ``GatewayConfig/Session/absolute``. The store keeps only the token's SHA-256. A new token is made at every login
/// (no session fixation) and the session is deleted at logout.
///
/// Its 401 challenge, `Cookie realm="…", form-action="/auth/login", cookie-name="…"`, is not a registered scheme;
/// it is there so that every 401 names how to authenticate (RFC 9110 §15.5.2).
public struct SessionAuthenticator: SchemeAuthenticator {
    public let name = SchemeName.session
    let realm: String
    let users: ReloadingFile<HtpasswdFile>
    let verifier: PasswordVerifier
    let store: any GatewayStore
    let settings: GatewayConfig.Session
    /// Keys the login form's CSRF token.
    let csrfKey: SymmetricKey
    let secure: Bool

    /// Where its cookie goes: this host, or every host under `session.cookie_domain`.
    var cookieScope: SessionCookie.Scope { SessionCookie.Scope(secure: secure, domain: settings.cookieDomain) }

    /// What a request's session cookie turned out to be.
    enum Check {
        case none
        case valid(SessionRecord)
        /// Genuine, but past its idle or absolute limit (`session-idle`, `session-expired`); it has been deleted.
        case expired(reason: Reason)
        /// Not a session of this store (forged, or ended by logout).
        case unknown
        /// The store did not answer: the session can be neither accepted nor called ended.
        case unavailable(AuthFailure)
    }

    public func challenges(after failure: AuthFailure?) -> [Challenge] {
        [Challenge(scheme: AuthScheme("Cookie")!, parameters: [
            AuthParameter("realm", realm), AuthParameter("form-action", SessionEndpoints.loginPath),
            AuthParameter("cookie-name", SessionCookie.sessionName(cookieScope)),
        ])]
    }

    /// A session is proved by its cookie, never by `Authorization`.
    public func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome {
        var failure = AuthFailure(
            reason: .schemeNotOffered, detail: "an Authorization header cannot carry a session",
            clientDetail: "Log in with the form at \(SessionEndpoints.loginPath); the session is kept in a cookie.")
        failure.countsAsFailure = false
        return .failed(failure)
    }

    /// The session of a `Cookie` header; a valid one is marked as seen now.
    func check(cookieHeader: String?, now: Date = Date()) async -> Check {
        guard let token = SessionCookie.value(SessionCookie.sessionName(cookieScope), in: cookieHeader) else { return .none }
        let id = Self.hash(token)
        let found: SessionRecord?
        do {
            found = try await store.session(id: id)
        } catch {
            return .unavailable(.storeUnavailable("the session could not be read: \(error)"))
        }
        guard let record = found else { return .unknown }
        let reason: Reason? =
            now.timeIntervalSince(record.created) > settings.absolute ? .sessionExpired
            : now.timeIntervalSince(record.lastSeen) > settings.idle ? .sessionIdle : nil
        if let reason {
            _ = try? await store.deleteSession(id: id)
            return .expired(reason: reason)
        }
        // Writing on every request would make the store the hot path; a tenth of the idle limit is precise enough.
        if now.timeIntervalSince(record.lastSeen) > settings.idle / 10 { try? await store.touchSession(id: id, at: now) }
        return .valid(record)
    }

    /// Checks the password; on success starts a new session and returns its cookie token. The session's lifetime
    /// starts when it is issued, after the password hash was checked (bcrypt can take a good part of a second).
    func login(user: String, password: String) async -> Result<(token: String, record: SessionRecord), AuthFailure> {
        switch await verifier.verify(user: user, password: password, in: users.value) {
        case .valid:
            let now = Date()
            let token = Self.randomToken()
            let record = SessionRecord(id: Self.hash(token), user: user, created: now, lastSeen: now, csrf: Self.randomToken())
            do {
                try await store.insertSession(record)
            } catch {
                return .failure(.storeUnavailable("the session could not be stored: \(error)"))
            }
            return .success((token, record))
        case .unknownUser:
            return .failure(AuthFailure(reason: .unknownUser, claimedUser: user, detail: "no user '\(user)' in \(users.path)", clientDetail: AuthFailure.wrongPassword))
        case .passwordMismatch:
            return .failure(AuthFailure(
                reason: .passwordMismatch, claimedUser: user, detail: "the password does not match the hash of '\(user)' in \(users.path)",
                clientDetail: AuthFailure.wrongPassword))
        }
    }

    /// Ends the session of a `Cookie` header; returns its record when there was one.
    func logout(cookieHeader: String?) async -> SessionRecord? {
        guard let token = SessionCookie.value(SessionCookie.sessionName(cookieScope), in: cookieHeader) else { return nil }
        let id = Self.hash(token)
        let record = try? await store.session(id: id)
        _ = try? await store.deleteSession(id: id)
        return record
    }

    /// The login form's CSRF token for a nonce cookie.
    func loginCSRF(nonce: String) -> String {
        hexString(Array(HMAC<SHA256>.authenticationCode(for: Array(("login:" + nonce).utf8), using: csrfKey)))
    }

    /// The SHA-256 the store keeps instead of a token, as it keeps API key secrets.
    static func hash(_ token: String) -> String { APIKeyToken.hash(token) }

    /// 256 random bits, base64url.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return DecodedJWT.base64URLEncode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }

    /// Whether `text` has the shape of ``randomToken()``: 43 base64url characters.
    static func isWellFormedToken(_ text: String) -> Bool {
        text.count == 43 && text.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" }
    }
}
