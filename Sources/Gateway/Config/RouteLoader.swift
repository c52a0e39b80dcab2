import Foundation
import HTTPAuth

/// Reads the items of `routes:`, gives them the user files they inherit, and checks that every scheme a route
/// enables has what it needs.
///
/// A route without its own `users`, `digest_users` or `groups` inherits the top-level key of that name, as an nginx
/// `location` inherits `auth_basic_user_file` from its `server`. A route that still has no `users` while it needs
/// them (`basic`, `session`) takes the htpasswd file of the other routes when they all name the same one, so that a
/// `schemes: [session]` route logs in the users the rest of the gateway knows.
enum RouteLoader {
    /// What routes take from the top level of the config: user files, and the token issuer, whose keys verify a
    /// bearer route's `jwt:` that names no key source (or the gateway's own JWKS URL).
    struct Inherited {
        var users: String?
        var digestUsers: String?
        var groups: String?
        var tokens: GatewayConfig.Tokens?
        /// The port the config listens on, to recognise a `jwks_url` naming the gateway itself.
        var port: Int
    }

    static func routes(_ list: ConfigNode, base: String, inherited: Inherited) throws -> [GatewayConfig.Route] {
        let items = try list.list()
        var routes = try items.map { try route($0, base: base) }
        let named = Set(routes.compactMap(\.users))
        for index in routes.indices {
            routes[index].users = routes[index].users ?? inherited.users
            if routes[index].users == nil, named.count == 1, routes[index].schemes.contains(where: { $0 == .basic || $0 == .session }) {
                routes[index].users = named.first
            }
            routes[index].digestUsers = routes[index].digestUsers ?? inherited.digestUsers
            routes[index].groups = routes[index].groups ?? inherited.groups
            if var jwt = routes[index].jwt {
                try ownKeys(&jwt, inherited: inherited, item: items[index])
                routes[index].jwt = jwt
            }
            try check(routes[index], items[index])
        }
        return routes
    }

    private static func route(_ item: ConfigNode, base: String) throws -> GatewayConfig.Route {
        var node = item
        let pathNode = try node.required("path")
        let path = try pathNode.string()
        guard path.hasPrefix("/") else { throw pathNode.error("expected a path starting with /") }
        var route = GatewayConfig.Route(path: path)
        if let isPublic = try node.optional("public") { route.isPublic = try isPublic.bool() }
        if let schemes = try node.optional("schemes") {
            route.schemes = try schemes.list().map { item in
                let name = try item.string().lowercased()
                guard let scheme = SchemeName(rawValue: name) else {
                    let known = SchemeName.allCases.map(\.rawValue).joined(separator: ", ")
                    throw item.error("unknown scheme '\(name)' (expected \(known))")
                }
                return scheme
            }
            // Digest is the strongest, so its challenges go first (RFC 9110 §11.6.1 leaves the order to the server).
            route.schemes.sort { ($0 == .digest ? 0 : 1) < ($1 == .digest ? 0 : 1) }
        }
        if let realm = try node.optional("realm") { route.realm = try realm.string() }
        if let users = try node.optional("users") { route.users = try readableFile(users, base: base) }
        if let users = try node.optional("digest_users") { route.digestUsers = try readableFile(users, base: base) }
        if let algorithms = try node.optional("digest_algorithms") {
            route.digestAlgorithms = try algorithms.list().map { item in
                let name = try item.string()
                guard DigestAlgorithm(name: name) != nil else { throw item.error("unknown Digest algorithm '\(name)' (expected SHA-512-256, SHA-256, MD5 or their -sess forms)") }
                return name
            }
        }
        if let lifetime = try node.optional("digest_nonce_lifetime") {
            route.digestNonceLifetime = try lifetime.duration()
            guard route.digestNonceLifetime > 0 else { throw lifetime.error("a nonce lifetime must be longer than 0s") }
        }
        if let groups = try node.optional("groups") { route.groups = try readableFile(groups, base: base) }
        if let require = try node.optional("require") { route.require = try requirement(require) }
        if let jwt = try node.optional("jwt") { route.jwt = try Self.jwt(jwt, base: base) }
        if let apiKey = try node.optional("api_key") { route.apiKey = try Self.apiKey(apiKey) }
        if let cors = try node.optional("cors") { route.cors = try Self.cors(cors) }
        if let session = try node.optional("session") { route.session = try Self.session(session) }
        if let pass = try node.optional("pass_authorization") { route.passAuthorization = try pass.bool() }
        var upstreamNode = node
        route.upstream = try ConfigLoader.upstream(&upstreamNode, base: base)
        node = upstreamNode
        try node.finish()
        return route
    }

    /// A `jwt:` without a key source, or with the gateway's own JWKS URL, takes the keys of `tokens:`, and its
    /// issuer and audience unless it names others.
    private static func ownKeys(_ jwt: inout GatewayConfig.JWT, inherited: Inherited, item: ConfigNode) throws {
        jwt.adoptOwnKeys(inherited.tokens, port: inherited.port)
        if jwt.usesOwnKeys, inherited.tokens == nil {
            throw item.error("jwt needs jwks, jwks_url or secret_file, or tokens: at the top level for the gateway's own tokens")
        }
    }

    private static func check(_ route: GatewayConfig.Route, _ item: ConfigNode) throws {
        if route.isPublic {
            guard route.schemes.isEmpty else { throw item.error("a public route takes no schemes") }
            return
        }
        guard !route.schemes.isEmpty else { throw item.error("give schemes: [basic, digest, bearer, api_key] or public: true") }
        if route.schemes.contains(.basic), route.users == nil { throw item.error("basic needs users: an htpasswd file (on the route or at the top level)") }
        if route.schemes.contains(.session), route.users == nil { throw item.error("session needs users: an htpasswd file for the login form (on the route or at the top level)") }
        if route.schemes.contains(.digest), route.digestUsers == nil { throw item.error("digest needs digest_users: an htdigest file (on the route or at the top level)") }
        if route.schemes.contains(.bearer), route.jwt == nil { throw item.error("bearer needs jwt: { jwks: FILE } (or jwks_url, or secret_file; or jwt: {} for the gateway's own tokens)") }
        if !route.require.groups.isEmpty, route.groups == nil { throw item.error("require.groups needs groups: an Apache group file") }
    }

    static func readableFile(_ node: ConfigNode, base: String) throws -> String {
        let path = try node.filePath(relativeTo: base)
        guard FileManager.default.isReadableFile(atPath: path) else { throw node.error("cannot read \(path)") }
        return path
    }

    private static func session(_ node: ConfigNode) throws -> GatewayConfig.Session {
        var node = node
        var session = GatewayConfig.Session()
        if let idle = try node.optional("idle") { session.idle = try idle.duration() }
        if let absolute = try node.optional("absolute") { session.absolute = try absolute.duration() }
        if let domain = try node.optional("cookie_domain") {
            let name = try domain.string().lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            let labels = name.split(separator: ".", omittingEmptySubsequences: false)
            guard !labels.isEmpty, labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }) else {
                throw domain.error("expected a domain name such as example.com")
            }
            session.cookieDomain = name
        }
        try node.finish()
        guard session.idle > 0, session.absolute >= session.idle else { throw node.error("expected 0 < idle ≤ absolute") }
        return session
    }

    private static func requirement(_ node: ConfigNode) throws -> GatewayConfig.Requirement {
        var node = node
        var requirement = GatewayConfig.Requirement()
        if let users = try node.optional("users") { requirement.users = try users.strings() }
        if let groups = try node.optional("groups") { requirement.groups = try groups.strings() }
        if let scope = try node.optional("scope") { requirement.scopes = try scope.strings().flatMap { $0.split(separator: " ").map(String.init) } }
        try node.finish()
        return requirement
    }

    private static func jwt(_ node: ConfigNode, base: String) throws -> GatewayConfig.JWT {
        var node = node
        var jwt = GatewayConfig.JWT()
        if let file = try node.optional("jwks") { jwt.jwksFile = try readableFile(file, base: base) }
        if let url = try node.optional("jwks_url") {
            guard let value = URL(string: try url.string()), ["http", "https"].contains(value.scheme ?? "") else {
                throw url.error("expected an http:// or https:// URL")
            }
            jwt.jwksURL = value
        }
        if let secret = try node.optional("secret_file") { jwt.secretFile = try readableFile(secret, base: base) }
        if let refresh = try node.optional("refresh") { jwt.refresh = max(10, try refresh.duration()) }
        if let issuer = try node.optional("issuer") { jwt.issuer = try issuer.string() }
        if let audience = try node.optional("audience") { jwt.audience = try audience.string() }
        if let leeway = try node.optional("leeway") { jwt.leeway = try leeway.duration() }
        if let algorithms = try node.optional("algorithms") { jwt.algorithms = Set(try algorithms.strings()) }
        let sources = [jwt.jwksFile != nil, jwt.jwksURL != nil, jwt.secretFile != nil].filter { $0 }.count
        guard sources <= 1 else { throw node.error("give one of jwks, jwks_url or secret_file (or none, for the gateway's own tokens)") }
        try node.finish()
        return jwt
    }

    private static func apiKey(_ node: ConfigNode) throws -> GatewayConfig.APIKey {
        var node = node
        var apiKey = GatewayConfig.APIKey()
        let header = try node.optional("header")
        let query = try node.optional("query")
        apiKey.header = try header?.string()
        apiKey.query = try query?.string()
        if header == nil, query == nil { apiKey.header = "X-API-Key" }
        try node.finish()
        return apiKey
    }

    private static func cors(_ node: ConfigNode) throws -> GatewayConfig.CORS {
        var node = node
        var cors = GatewayConfig.CORS(origins: try node.required("origins").strings())
        if let methods = try node.optional("methods") { cors.methods = try methods.strings().map { $0.uppercased() } }
        if let headers = try node.optional("headers") { cors.headers = try headers.strings() }
        if let credentials = try node.optional("credentials") { cors.credentials = try credentials.bool() }
        if let maxAge = try node.optional("max_age") { cors.maxAge = Int(try maxAge.duration()) }
        try node.finish()
        return cors
    }
}
