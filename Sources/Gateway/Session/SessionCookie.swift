import Foundation

/// The cookies of the `session` scheme. Under TLS the session cookie takes the `__Host-` prefix, which browsers
/// accept only with `Secure`, `Path=/` and no `Domain`, so no subdomain can set or shadow it; on plain HTTP
/// (loopback, tests) it cannot be `Secure` and goes without the prefix. Both are `HttpOnly` and `SameSite=Lax`
/// (sent on top-level navigations, withheld from cross-site POSTs and fetches).
///
/// With a cookie domain (`session.cookie_domain`), one login covers every host under it: the session cookie then
/// carries `Domain=` and, under TLS, the `__Secure-` prefix (`__Host-` forbids a domain). The login form's nonce stays
/// the login host's own.
enum SessionCookie {
    /// Where the session cookie goes: `Secure` or not, and to which domain (nil: this host only).
    struct Scope: Sendable, Hashable {
        var secure: Bool
        var domain: String?
    }

    static func sessionName(_ scope: Scope) -> String {
        scope.secure ? (scope.domain == nil ? "__Host-gatehouse-session" : "__Secure-gatehouse-session") : "gatehouse-session"
    }
    /// The login form's own CSRF nonce (double-submit: the form carries its HMAC).
    static func loginName(secure: Bool) -> String { secure ? "__Host-gatehouse-login" : "gatehouse-login" }

    /// A `Set-Cookie` value; `maxAge` nil makes a cookie that ends with the browser session.
    static func set(_ name: String, _ value: String, secure: Bool, domain: String? = nil, maxAge: Int? = nil, sameSite: String = "Lax") -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=\(sameSite)"]
        if let domain { parts.append("Domain=\(domain)") }
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    /// A `Set-Cookie` value that deletes the cookie.
    static func clear(_ name: String, secure: Bool, domain: String? = nil) -> String {
        set(name, "", secure: secure, domain: domain, maxAge: 0)
    }

    /// The value of cookie `name` in a `Cookie` header, if present.
    static func value(_ name: String, in header: String?) -> String? {
        guard let header else { return nil }
        for pair in header.split(separator: ";") {
            let trimmed = pair.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "="), trimmed[..<equals] == name else { continue }
            let value = String(trimmed[trimmed.index(after: equals)...])
            return value.isEmpty ? nil : value
        }
        return nil
    }
}
