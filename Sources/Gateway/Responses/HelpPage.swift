import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /auth/help`: how to authenticate, generated from the configuration. Per route: the schemes it takes, the
/// header or parameter names, a curl command for each; then every public refusal code with what it means, each at
/// its own anchor, which the `type` of every problem+json refusal links to (`/auth/help#invalid-credentials`). The
/// page lists public codes, not the audit trail's reasons: it must not teach an attacker what the body hides.
enum HelpPage {
    static let path = "/auth/help"

    static func response(config: GatewayConfig, host: String) -> Response {
        let e = HTMLText.escape
        let base = (config.tls == nil ? "http://" : "https://") + host
        var body = "<h1>How to authenticate</h1>\n<p>Every refusal of this gateway is <code>application/problem+json</code>; its <code>type</code> links to the reason below, and its <code>request_id</code> lets an operator run <code>gatehouse explain</code>.</p>\n"
        for route in config.routes where !route.isPublic {
            body += "<section><h2><code>\(e(route.path))</code></h2>\n<ul>\n"
            for scheme in route.schemes {
                body += "<li>" + describe(scheme, route: route, config: config, url: base + route.path) + "</li>\n"
            }
            let require = route.require
            if !require.users.isEmpty || !require.groups.isEmpty || !require.scopes.isEmpty {
                let parts = [require.users.isEmpty ? nil : "users " + require.users.joined(separator: ", "),
                             require.groups.isEmpty ? nil : "groups " + require.groups.joined(separator: ", "),
                             require.scopes.isEmpty ? nil : "scope " + require.scopes.joined(separator: " ")].compactMap { $0 }
                body += "<li>Then only: \(e(parts.joined(separator: "; "))); others get 403.</li>\n"
            }
            body += "</ul></section>\n"
        }
        body += "<section><h2>Errors</h2>\n<dl>\n"
        for code in publicCodes {
            body += "<dt id=\"\(e(code.id))\"><code>\(e(code.id))</code></dt><dd>\(e(code.summary))</dd>\n"
        }
        body += "</dl></section>\n"
        let page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>How to authenticate</title>
            <style>body{font:16px/1.55 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
            pre,code{background:#f6f8fa;border-radius:4px}pre{padding:.6rem;overflow-x:auto}dt{margin-top:.8rem;font-weight:600}dt:target{background:#fff8c5}</style>
            </head><body><main>
            \(body)</main></body></html>

            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "public, max-age=60"], body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// Each public code once, in the order of the catalogue: the precise reasons behind a shared code stay unsaid.
    static let publicCodes: [PublicCode] = {
        var seen = Set<PublicCode>()
        return Reason.all.map(\.publicCode).filter { seen.insert($0).inserted }
    }()

    private static func describe(_ scheme: SchemeName, route: GatewayConfig.Route, config: GatewayConfig, url: String) -> String {
        let e = HTMLText.escape
        func example(_ command: String) -> String { "<pre>\(e(command))</pre>" }
        switch scheme {
        case .basic:
            return "Basic: a user name and password." + example("curl -u USER:PASSWORD \(url)")
        case .digest:
            return "Digest (\(e(route.digestAlgorithms.joined(separator: ", ")))): a user name and password, never sent in clear." + example("curl --digest -u USER:PASSWORD \(url)")
        case .bearer:
            var text = "Bearer: a JWT access token"
            if let audience = route.jwt?.audience { text += " for audience <code>\(e(audience))</code>" }
            if let issuer = route.jwt?.issuer { text += " from <code>\(e(issuer))</code>" }
            text += "." + example("curl -H 'Authorization: Bearer TOKEN' \(url)")
            if config.tokens != nil {
                text += "Get one (it expires: refresh before <code>expires_in</code> seconds):" + example("curl -d grant_type=password -d username=USER -d password=PASSWORD \(url.components(separatedBy: route.path).first ?? "")\(TokenEndpoint.tokenPath)")
            }
            return text
        case .apiKey:
            if let header = route.apiKey.header {
                return "API key in the <code>\(e(header))</code> header (or <code>Authorization: Bearer ghk_…</code>)." + example("curl -H '\(header): ghk_…' \(url)")
            }
            return "API key in the <code>\(e(route.apiKey.query ?? "api_key"))</code> query parameter." + example("curl '\(url)?\(route.apiKey.query ?? "api_key")=ghk_…'")
        case .session:
            return "A session: browsers log in at <a href=\"\(SessionEndpoints.loginPath)\">\(SessionEndpoints.loginPath)</a> and are sent there when needed; API clients get 401. The session ends after \(Int(route.session.idle / 60)) minutes without activity, or \(Int(route.session.absolute / 3600)) hours in all."
        }
    }
}
