import Foundation
import Store

/// The gateway's configuration, validated: what `gatehouse.yaml` says, with paths made absolute.
/// The YAML shape is documented in `docs/gateway.md`; ``ConfigLoader`` reads it.
public struct GatewayConfig: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var store: StoreLocation = .sqlite(path: "gatehouse.sqlite")
    /// Where allowed requests go when the route names no other.
    public var upstream: Upstream?
    public var trustedProxies: [CIDR] = []
    /// When not empty, only these addresses may connect (others get 403).
    public var allow: [CIDR] = []
    /// These addresses get 403.
    public var deny: [CIDR] = []
    public var realm: String = "Gatehouse"
    public var lockout = Lockout()
    public var connections = Connections()
    public var routes: [Route] = []
    /// `-` for standard output, a path, or nil for no access log.
    public var accessLog: String?
    /// Whether session cookies are `Secure` with the `__Host-` prefix: with `tls:`, or behind a proxy that terminates
    /// TLS (`secure_cookies: true`).
    public var secureCookiesOverride: Bool?
    public var secureCookies: Bool { secureCookiesOverride ?? (tls != nil) }
    /// How long audit records are kept in the store (`audit_retention`, 30 days by default; 0 keeps them forever).
    public var auditRetention: TimeInterval = 30 * 86400
    public var metrics: Metrics?
    /// OpenTelemetry traces of every decision, when configured (`tracing:`).
    public var tracing: TraceExport?
    public var tls: TLS?
    /// The token endpoint (`POST /auth/token`), when configured.
    public var tokens: Tokens?
    /// The dashboard, when configured.
    public var admin: Admin?
    /// The header that carries the authenticated user to the upstream.
    public var userHeader: String = "X-Remote-User"
    /// The identity headers of the forward-auth endpoints' answers.
    public var forwardAuth = ForwardAuth()
    /// The config file, nil for the embedded default.
    public var file: String?

    public init() {}

    /// Listens on another port than the config says (`serve --port`): a bearer route's JWKS URL naming the gateway
    /// on that port then takes its own keys in process, as the loader does for the config's port.
    public mutating func listen(on port: Int) {
        self.port = port
        for index in routes.indices { routes[index].jwt?.adoptOwnKeys(tokens, port: port) }
    }

    /// Where allowed requests are sent.
    public enum Upstream: Sendable, Hashable {
        case http(URL)
        case directory(String)
    }

    /// Failures allowed per client address and per user within `window` before a ban of `ban` seconds.
    public struct Lockout: Sendable, Hashable {
        public var failures = 5
        public var window: TimeInterval = 900
        public var ban: TimeInterval = 900
        public init() {}
    }

    /// How long a client may take and how many connections one address may hold, with nginx's defaults
    /// (`client_header_timeout 60s`, `keepalive_timeout 75s`, `client_body_timeout 60s`); nginx sets no cap per
    /// address by default (`limit_conn`), so ours is high enough for a browser, an office behind one NAT or a load test.
    public struct Connections: Sendable, Hashable {
        /// From the connection, or the end of the previous response, to a whole request head.
        public var headerTimeout: TimeInterval = 60
        /// An idle keep-alive connection is closed after this.
        public var keepaliveTimeout: TimeInterval = 75
        /// The longest pause between two reads of a request body.
        public var bodyTimeout: TimeInterval = 60
        /// Connections open at once from one peer address; trusted proxies are not capped. 0: no cap.
        public var perAddress = 256
        public init() {}
    }

    /// Prometheus metrics at `path`, for the listed addresses only.
    public struct Metrics: Sendable, Hashable {
        public var path = "/metrics"
        public var allow: [CIDR] = [CIDR("127.0.0.1/32")!, CIDR("::1/128")!]
        public init() {}
    }

    /// Where the span of each request goes: an OTLP/HTTP collector (the OpenTelemetry Collector, Jaeger, Tempo,
    /// Zipkin's OTLP receiver), as Caddy's `tracing`, Traefik's `tracing.otlp.http` and Envoy's OpenTelemetry
    /// tracer send theirs. Read at start only, like the listener.
    public struct TraceExport: Sendable, Hashable {
        /// The collector's traces URL: `http://127.0.0.1:4318` gets OTLP's `/v1/traces` appended (the rule for
        /// `OTEL_EXPORTER_OTLP_ENDPOINT`); a URL with a path is used as it is.
        public var endpoint: URL
        /// The `service.name` resource attribute the spans carry.
        public var serviceName = "gatehouse"
        /// The share of new traces kept (0...1); a request that arrives with a sampled `traceparent` is kept as its
        /// caller decided (OpenTelemetry's parent-based sampler).
        public var sampleRatio = 1.0

        /// The URL spans are posted to.
        public var tracesURL: String {
            let text = endpoint.absoluteString
            guard endpoint.path.isEmpty || endpoint.path == "/" else { return text }
            return (text.hasSuffix("/") ? text : text + "/") + "v1/traces"
        }
    }

    /// TLS termination from PEM files, reloaded when they change.
    public struct TLS: Sendable, Hashable {
        public var certificate: String
        public var key: String
        /// A plain-HTTP listener (`host:port`) that redirects to HTTPS.
        public var redirectHTTP: String?
        /// `Strict-Transport-Security` max-age in seconds; nil sends none.
        public var hsts: Int?
        /// Whether `h2` is offered by ALPN beside `http/1.1` (`http2: false` offers HTTP/1.1 only, like nginx
        /// without `http2 on` or Caddy's `protocols h1`).
        public var http2 = true
    }

    /// The gateway as a token issuer: `POST /auth/token` with the `password` and `refresh_token` grants, access
    /// JWTs signed with keys it manages (ES256, published at `/.well-known/jwks.json`), rotating refresh tokens.
    public struct Tokens: Sendable {
        /// The htpasswd file the `password` grant checks.
        public var users: String
        public var issuer: String
        public var audience: String
        public var accessLifetime: TimeInterval = 300
        public var refreshLifetime: TimeInterval = 30 * 86400
        /// How long a redeemed refresh token may be redeemed again (parallel refreshes) before reuse revokes its family.
        public var grace: TimeInterval = 10
        /// A new signing key this often; the old one stays published until its last token expires.
        public var keyRotation: TimeInterval = 86400
    }

    /// The headers an allowed forward-auth answer carries for the server in front to copy to its upstream
    /// (`auth_request_set`, Traefik's `authResponseHeaders`, Caddy's `copy_headers`): Authelia's names by default.
    public struct ForwardAuth: Sendable, Hashable {
        public var userHeader = "Remote-User"
        public var groupsHeader = "Remote-Groups"
        public var schemeHeader = "Remote-Scheme"
        /// Where a browser refused on a `session` route is sent: `/auth/login` on the host it asked for (the server in
        /// front passes the gateway's pages on), or an absolute URL of a login host under the route's cookie domain
        /// (`https://auth.example.com/auth/login`), which gets the whole original URL to return to.
        public var loginURL = SessionEndpoints.loginPath
        public init() {}
    }

    /// The dashboard: at `path`, for the `users` named, who log in with the `session` scheme's form.
    public struct Admin: Sendable {
        public var path = "/gatehouse/"
        public var users: [String] = []
    }
}
