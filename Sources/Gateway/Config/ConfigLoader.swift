import Foundation
import HTTPTypes
import Store
import Yams

/// Reads `gatehouse.yaml` into a ``GatewayConfig``, refusing unknown keys and wrong values with the file, line and
/// key. Paths are resolved against the config file's folder.
public enum ConfigLoader {
    public static func load(path: String) throws -> GatewayConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, key: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, key: "", message: "the file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Parses YAML `text`; `file` names it in errors and anchors relative paths.
    public static func parse(_ text: String, file: String) throws -> GatewayConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigError(file: file, line: nil, key: "", message: "the file is empty")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch let error as YamlError {
            let (line, problem) = Self.describe(error)
            throw ConfigError(file: file, line: line, key: "", message: "not valid YAML: \(problem)")
        }
        let base = URL(fileURLWithPath: file).deletingLastPathComponent().path
        var node = ConfigNode(node: root, file: file, path: "")
        var config = GatewayConfig()
        config.file = file
        if let listen = try node.optional("listen") { (config.host, config.port) = try address(listen) }
        if let store = try node.optional("store") {
            let location = StoreLocation(try store.string())
            if case .sqlite(let path) = location {
                config.store = .sqlite(path: path.hasPrefix("/") ? path : base + "/" + path)
            } else {
                config.store = location
            }
        }
        config.upstream = try upstream(&node, base: base)
        if let list = try node.optional("trusted_proxies") { config.trustedProxies = try cidrs(list) }
        if let list = try node.optional("allow") { config.allow = try cidrs(list) }
        if let list = try node.optional("deny") { config.deny = try cidrs(list) }
        if let realm = try node.optional("realm") { config.realm = try realm.string() }
        if let lockout = try node.optional("lockout") { config.lockout = try Self.lockout(lockout) }
        if let connections = try node.optional("connections") { config.connections = try Self.connections(connections) }
        if let log = try node.optional("access_log") {
            let value = try log.string()
            config.accessLog = value == "-" ? "-" : try log.filePath(relativeTo: base)
        }
        if let secure = try node.optional("secure_cookies") { config.secureCookiesOverride = try secure.bool() }
        if let retention = try node.optional("audit_retention") { config.auditRetention = try retention.duration() }
        if let header = try node.optional("user_header") { config.userHeader = try header.string() }
        if let forward = try node.optional("forward_auth") { config.forwardAuth = try Self.forwardAuth(forward) }
        if let metrics = try node.optional("metrics") { config.metrics = try Self.metrics(metrics) }
        if let tracing = try node.optional("tracing") { config.tracing = try Self.tracing(tracing) }
        if let tls = try node.optional("tls") { config.tls = try Self.tls(tls, base: base) }
        if let tokens = try node.optional("tokens") { config.tokens = try Self.tokens(tokens, base: base) }
        let adminNode = try node.optional("admin")
        if let adminNode { config.admin = try Self.admin(adminNode) }
        var inherited = RouteLoader.Inherited(tokens: config.tokens, port: config.port)
        if let users = try node.optional("users") { inherited.users = try RouteLoader.readableFile(users, base: base) }
        if let users = try node.optional("digest_users") { inherited.digestUsers = try RouteLoader.readableFile(users, base: base) }
        if let groups = try node.optional("groups") { inherited.groups = try RouteLoader.readableFile(groups, base: base) }
        let routes = try node.required("routes")
        config.routes = try RouteLoader.routes(routes, base: base, inherited: inherited)
        try node.finish()
        try validateRoutes(config.routes, node: routes)
        if let adminNode, !config.routes.contains(where: { $0.schemes.contains(.session) }) {
            throw adminNode.error("the dashboard's users log in with the session scheme: add a route with schemes: [session]")
        }
        return config
    }

    static func address(_ node: ConfigNode) throws -> (String, Int) {
        let text = try node.string()
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw node.error("expected HOST:PORT, such as 127.0.0.1:8080")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    static func upstream(_ node: inout ConfigNode, base: String) throws -> GatewayConfig.Upstream? {
        let http = try node.optional("upstream")
        let folder = try node.optional("static")
        if let http, folder != nil { throw http.error("give either upstream or static, not both") }
        if let http {
            let text = try http.string()
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw http.error("expected an http:// or https:// URL")
            }
            return .http(url)
        }
        if let folder {
            let path = try folder.filePath(relativeTo: base)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw folder.error("no such folder: \(path)")
            }
            return .directory(path)
        }
        return nil
    }

    static func cidrs(_ node: ConfigNode) throws -> [CIDR] {
        try node.list().map { item in
            guard let cidr = CIDR(try item.string()) else { throw item.error("expected an address or CIDR block, such as 10.0.0.0/8") }
            return cidr
        }
    }

        /// `admin: { path: /gatehouse/, users: [alice] }`.
    static func admin(_ node: ConfigNode) throws -> GatewayConfig.Admin {
        var node = node
        var admin = GatewayConfig.Admin()
        if let path = try node.optional("path") {
            admin.path = try path.string()
            guard admin.path.hasPrefix("/"), admin.path.hasSuffix("/") else { throw path.error("expected a path such as /gatehouse/") }
        }
        admin.users = try node.required("users").strings()
        try node.finish()
        return admin
    }

    /// `tokens: { users: FILE, issuer: URL, audience: NAME, access: 5m, refresh: 30d, grace: 10s, rotate_keys: 1d }`.
    static func tokens(_ node: ConfigNode, base: String) throws -> GatewayConfig.Tokens {
        var node = node
        let users = try RouteLoader.readableFile(try node.required("users"), base: base)
        var tokens = GatewayConfig.Tokens(users: users, issuer: try node.required("issuer").string(), audience: try node.required("audience").string())
        if let value = try node.optional("access") { tokens.accessLifetime = try value.duration() }
        if let value = try node.optional("refresh") { tokens.refreshLifetime = try value.duration() }
        if let value = try node.optional("grace") { tokens.grace = try value.duration() }
        if let value = try node.optional("rotate_keys") { tokens.keyRotation = try value.duration() }
        try node.finish()
        guard tokens.accessLifetime > 0, tokens.refreshLifetime > tokens.accessLifetime, tokens.keyRotation > 0 else {
            throw node.error("expected 0 < access < refresh and rotate_keys > 0")
        }
        return tokens
    }

static func lockout(_ node: ConfigNode) throws -> GatewayConfig.Lockout {
        var node = node
        var lockout = GatewayConfig.Lockout()
        if let failures = try node.optional("failures") { lockout.failures = try failures.int(in: 0...1_000_000) }
        if let window = try node.optional("window") { lockout.window = try window.duration() }
        if let ban = try node.optional("ban") { lockout.ban = try ban.duration() }
        try node.finish()
        return lockout
    }

    static func connections(_ node: ConfigNode) throws -> GatewayConfig.Connections {
        var node = node
        var connections = GatewayConfig.Connections()
        for (key, path) in [("header_timeout", \GatewayConfig.Connections.headerTimeout), ("keepalive_timeout", \.keepaliveTimeout), ("body_timeout", \.bodyTimeout)] {
            guard let value = try node.optional(key) else { continue }
            connections[keyPath: path] = try value.duration()
            guard connections[keyPath: path] > 0 else { throw value.error("expected a duration above 0s") }
        }
        if let cap = try node.optional("per_address") { connections.perAddress = try cap.int(in: 0...1_000_000) }
        try node.finish()
        return connections
    }

    /// `forward_auth:`: the names of the identity headers, each a valid field name.
    static func forwardAuth(_ node: ConfigNode) throws -> GatewayConfig.ForwardAuth {
        var node = node
        var names = GatewayConfig.ForwardAuth()
        for (key, path) in [("user_header", \GatewayConfig.ForwardAuth.userHeader), ("groups_header", \.groupsHeader), ("scheme_header", \.schemeHeader)] {
            guard let value = try node.optional(key) else { continue }
            let name = try value.string()
            guard HTTPField.Name(name) != nil else { throw value.error("expected a header name") }
            names[keyPath: path] = name
        }
        if let login = try node.optional("login_url") {
            names.loginURL = try login.string()
            let absolute = names.loginURL.hasPrefix("https://") || names.loginURL.hasPrefix("http://")
            guard names.loginURL.hasPrefix("/") && !names.loginURL.hasPrefix("//") || absolute && URL(string: names.loginURL)?.host != nil else {
                throw login.error("expected a path (/auth/login) or an absolute http(s) URL of the login page")
            }
        }
        try node.finish()
        return names
    }

    static func metrics(_ node: ConfigNode) throws -> GatewayConfig.Metrics {
        var node = node
        var metrics = GatewayConfig.Metrics()
        if let path = try node.optional("path") {
            metrics.path = try path.string()
            guard metrics.path.hasPrefix("/") else { throw path.error("expected a path starting with /") }
        }
        if let allow = try node.optional("allow") { metrics.allow = try cidrs(allow) }
        try node.finish()
        return metrics
    }

    /// `tracing: { endpoint: http://127.0.0.1:4318, service_name: gatehouse, sample_ratio: 1 }`.
    static func tracing(_ node: ConfigNode) throws -> GatewayConfig.TraceExport {
        var node = node
        let endpoint = try node.required("endpoint")
        guard let url = URL(string: try endpoint.string()), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false,
            url.query == nil, url.user == nil
        else { throw endpoint.error("expected the collector's OTLP/HTTP URL, such as http://127.0.0.1:4318") }
        var tracing = GatewayConfig.TraceExport(endpoint: url)
        if let name = try node.optional("service_name") {
            tracing.serviceName = try name.string()
            guard !tracing.serviceName.isEmpty else { throw name.error("expected a name, such as gatehouse") }
        }
        if let ratio = try node.optional("sample_ratio") {
            guard let value = Double(try ratio.string()), (0...1).contains(value) else { throw ratio.error("expected a number from 0 to 1") }
            tracing.sampleRatio = value
        }
        try node.finish()
        return tracing
    }

    static func tls(_ node: ConfigNode, base: String) throws -> GatewayConfig.TLS {
        var node = node
        let certificate = try node.required("certificate").filePath(relativeTo: base)
        let key = try node.required("key").filePath(relativeTo: base)
        var tls = GatewayConfig.TLS(certificate: certificate, key: key)
        if let redirect = try node.optional("redirect_http") {
            let (host, port) = try address(redirect)
            tls.redirectHTTP = "\(host):\(port)"
        }
        if let hsts = try node.optional("hsts") { tls.hsts = Int(try hsts.duration()) }
        if let http2 = try node.optional("http2") { tls.http2 = try http2.bool() }
        try node.finish()
        return tls
    }

    static func validateRoutes(_ routes: [GatewayConfig.Route], node: ConfigNode) throws {
        let items = try node.list()
        var seen: Set<String> = []
        // Routes match whatever the case of the path, so two paths that differ only in case are the same route.
        for (index, route) in routes.enumerated() where !seen.insert(route.path.lowercased()).inserted {
            throw items[index].error("the path \(route.path) is given twice (routes match any case)")
        }
    }

    /// The line and the problem of a YAML error, without the whole document Yams appends to its description.
    private static func describe(_ error: YamlError) -> (Int?, String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return (mark.line, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return (context.mark.line, "the key \(duplicates.joined(separator: ", ")) is given twice")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, "\(error)")
        }
    }
}
