import Foundation
import HTTPAuth

/// `login-redirect-loop`: following the redirects goes round between the application and its login page. The login
/// step says the user is logged in (or has just logged in) and sends them back, and the application, not seeing the
/// session, sends them to the login page again. The cookie the login sets does not reach the application: set for
/// another domain or path, `Secure` on plain HTTP, or a forward-auth service whose session the server in front never
/// asks about.
enum LoginRedirectLoop: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        let chain = evidence.chain
        guard chain.count >= 3, let repeated = chain.indices.first(where: { index in chain[(index + 1)...].contains { $0.url == chain[index].url } }),
            let login = chain[repeated...].compactMap(LoginRedirectForAPI.loginLocation(of:)).first
        else { return nil }
        let cookies = chain.flatMap { $0.responseValues("Set-Cookie") }.compactMap { $0.split(separator: ";").first.map { String($0.split(separator: "=").first ?? "") } }
        let domains = chain.flatMap { $0.responseValues("Set-Cookie") }.compactMap(Self.domain)
        let host = evidence.request.url.host?.lowercased() ?? ""
        let foreign = domains.first { domain in host != domain && !host.hasSuffix("." + domain) }
        return Finding(
            id: .loginRedirectLoop, severity: .cause, confidence: foreign == nil ? 80 : 92, title: "The application and its login page send the browser to each other",
            explanation: "\(Redaction.url(chain[repeated].url)) comes round again after the login page \(Redaction.url(login)): the application does not see the session the login step holds. "
                + (foreign.map { "The cookie is set for the domain \($0), which \(host) is not under, so the browser never sends it there." }
                    ?? "Usually its cookie does not reach the application (set for another domain or path, or Secure over http), or the server in front does not ask the auth service about the session."),
            fix: foreign != nil
                ? "Set the session cookie's domain to one that covers \(host) (Gatehouse: `session: { cookie_domain: … }` on the route), or serve the login page on \(host)."
                : "Make the session cookie reach the application: its Domain must cover the application's host, its Path the application's paths, and Secure cookies need https. Behind a server in front, pass the Cookie header to the auth service.",
            evidence: Array(chain.map { "\($0.method) \(Redaction.url($0.url)) → \($0.status.map(String.init) ?? $0.error ?? "?")" }.prefix(8))
                + (cookies.isEmpty ? [] : ["cookies set along the way: \(Set(cookies).sorted().joined(separator: ", "))"]))
    }

    /// The `Domain` attribute of a `Set-Cookie` value, lowercased and without its leading dot.
    static func domain(_ setCookie: String) -> String? {
        setCookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.lowercased().hasPrefix("domain=") }
            .map { $0.dropFirst(7).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".")) }
    }
}
