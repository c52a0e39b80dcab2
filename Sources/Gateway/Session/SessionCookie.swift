import Foundation

/// The cookies of the `session` scheme. Under TLS the session cookie takes the `__Host-` prefix, which browsers
/// accept only with `Secure`, `Path=/` and no `Domain`, so no subdomain can set or shadow it; on plain HTTP
/// (loopback, tests) it cannot be `Secure` and goes without the prefix. Both are `HttpOnly` and `SameSite=Lax`
/// (sent on top-level navigations, withheld from cross-site POSTs and fetches).
enum SessionCookie {
    static func sessionName(secure: Bool) -> String { secure ? "__Host-gatehouse-session" : "gatehouse-session" }
    /// The login form's own CSRF nonce (double-submit: the form carries its HMAC).
    static func loginName(secure: Bool) -> String { secure ? "__Host-gatehouse-login" : "gatehouse-login" }

    /// A `Set-Cookie` value; `maxAge` nil makes a cookie that ends with the browser session.
    static func set(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil, sameSite: String = "Lax") -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=\(sameSite)"]
        if secure { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    /// A `Set-Cookie` value that deletes the cookie.
    static func clear(_ name: String, secure: Bool) -> String {
        set(name, "", secure: secure, maxAge: 0)
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
