import Foundation

/// What a configuration serves, in the words of `gatehouse serve --check`: the listeners and, per route, who may pass
/// and where the request goes.
enum ServingSummary {
    static func listeners(_ config: GatewayConfig) -> [String] {
        var lines = ["\(config.tls == nil ? "http" : "https")://\(config.host):\(config.port)/"
            + (config.tls.map { " (certificate \($0.certificate), \($0.http2 ? "HTTP/2 and HTTP/1.1" : "HTTP/1.1"))" } ?? "")]
        if let plain = config.tls?.redirectHTTP { lines.append("http://\(plain)/ (redirects to HTTPS)") }
        if let tracing = config.tracing {
            lines.append("spans to \(tracing.tracesURL) (OTLP/HTTP, service \(tracing.serviceName), \(Int(tracing.sampleRatio * 100))% of new traces)")
        }
        return lines
    }

    static func routes(_ config: GatewayConfig) -> [String] {
        var lines = config.routes.sorted { $0.path.count > $1.path.count }.map { route(_: $0, config: config) }
        lines.append("\(ForwardAuthQuestion.Endpoint.verify.rawValue), \(ForwardAuthQuestion.Endpoint.forward.rawValue), "
            + "\(ForwardAuthQuestion.Endpoint.extAuthz.rawValue)/…: the same decisions for nginx auth_request, Traefik/Caddy forward auth, Envoy ext_authz")
        if let metrics = config.metrics {
            lines.append("\(metrics.path): Prometheus metrics for \(metrics.allow.map(\.description).joined(separator: ", "))")
        }
        if let admin = config.admin { lines.append("\(admin.path): the dashboard, for \(admin.users.joined(separator: ", "))") }
        if let tokens = config.tokens {
            lines.append("\(TokenEndpoint.tokenPath), \(TokenEndpoint.jwksPath): tokens for the users of \(tokens.users) (issuer \(tokens.issuer))")
        }
        return lines
    }

    private static func route(_ route: GatewayConfig.Route, config: GatewayConfig) -> String {
        var parts: [String] = []
        if route.isPublic {
            parts.append("public")
        } else {
            parts.append(route.schemes.map { scheme in
                switch scheme {
                case .basic: "basic (\(route.users ?? "no user file"))"
                case .digest: "digest \(route.digestAlgorithms.joined(separator: "/")) (\(route.digestUsers ?? "no user file"))"
                case .bearer: "bearer (\(route.jwt.map(keySource) ?? "no keys"))"
                case .session: "session (\(route.users ?? "no user file"))"
                case .apiKey: "api_key (\(route.apiKey.header.map { "header \($0)" } ?? route.apiKey.query.map { "query \($0)" } ?? ""))"
                }
            }.joined(separator: ", "))
            parts.append("realm \"\(route.realm ?? config.realm)\"")
            let require = route.require
            if !require.users.isEmpty { parts.append("users \(require.users.joined(separator: ", "))") }
            if !require.groups.isEmpty { parts.append("groups \(require.groups.joined(separator: ", ")) (\(route.groups ?? "no group file"))") }
            if !require.scopes.isEmpty { parts.append("scopes \(require.scopes.joined(separator: " "))") }
        }
        if route.path == config.admin?.path {
            parts.append("→ the dashboard")
        } else {
            switch route.upstream ?? config.upstream {
            case .http(let url)?: parts.append("→ \(url.absoluteString)")
            case .directory(let path)?: parts.append("→ folder \(path)")
            case nil: parts.append("→ the demo page")
            }
        }
        return "\(route.path): " + parts.joined(separator: "; ")
    }

    private static func keySource(_ jwt: GatewayConfig.JWT) -> String {
        if let url = jwt.jwksURL { return "JWKS \(url.absoluteString)" }
        if let file = jwt.jwksFile { return "JWKS \(file)" }
        if let file = jwt.secretFile { return "HMAC secret \(file)" }
        return "the gateway's own keys"
    }
}
