import Foundation
import Testing

@testable import Gateway

/// The config loader names file, line and key for every mistake a person makes in `gatehouse.yaml`.
@Suite struct ConfigLoaderTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "gatehouse-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "alice:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\n".write(toFile: folder + "/users.htpasswd", atomically: true, encoding: .utf8)
    }

    func load(_ yaml: String) throws -> GatewayConfig {
        try ConfigLoader.parse(yaml, file: folder + "/gatehouse.yaml")
    }

    @Test func readsRoutesWithRelativePaths() throws {
        let config = try load("""
            listen: 127.0.0.1:9090
            realm: Example
            lockout: { failures: 3, window: 10m, ban: 1h }
            routes:
              - path: /admin/
                schemes: [basic, digest]
                users: users.htpasswd
                digest_users: users.htpasswd
              - path: /
                public: true
            """)
        #expect(config.port == 9090)
        #expect(config.lockout.failures == 3 && config.lockout.window == 600 && config.lockout.ban == 3600)
        #expect(config.routes[0].users == folder + "/users.htpasswd")
        #expect(config.routes[0].schemes == [.digest, .basic], "Digest is offered first, as the strongest")
    }

    /// DESIGN.md's example: `/app/` names no user file, and logs in the users of the other routes.
    @Test func routesInheritTheUserFiles() throws {
        let shared = try load("""
            routes:
              - path: /admin/
                schemes: [basic]
                users: users.htpasswd
              - path: /app/
                schemes: [session]
              - path: /api/
                schemes: [api_key]
            """)
        #expect(shared.routes[1].users == folder + "/users.htpasswd")
        #expect(shared.routes[2].users == nil, "a route that needs no user file gets none")
        let topLevel = try load("""
            users: users.htpasswd
            routes:
              - path: /app/
                schemes: [session, basic]
            """)
        #expect(topLevel.routes[0].users == folder + "/users.htpasswd")
    }

    /// A JWKS URL naming the gateway itself is read in process, on the config's port or on `serve --port`'s.
    @Test func theGatewaysOwnJWKSURLTakesItsKeysOnTheListeningPort() throws {
        var config = try load("""
            listen: 127.0.0.1:9090
            tokens: { users: users.htpasswd, issuer: https://gw.example, audience: api }
            routes:
              - path: /here/
                schemes: [bearer]
                jwt: { jwks_url: http://127.0.0.1:9090/.well-known/jwks.json }
              - path: /there/
                schemes: [bearer]
                jwt: { jwks_url: http://127.0.0.1:9191/.well-known/jwks.json }
            """)
        #expect(config.routes[0].jwt?.usesOwnKeys == true && config.routes[0].jwt?.issuer == "https://gw.example")
        #expect(config.routes[1].jwt?.usesOwnKeys == false, "another port is another service")
        config.listen(on: 9191)
        #expect(config.routes[1].jwt?.usesOwnKeys == true && config.routes[1].jwt?.audience == "api")
    }

    /// `tracing:` takes a collector's base URL as `OTEL_EXPORTER_OTLP_ENDPOINT` does (OTLP's `/v1/traces` appended)
    /// or a full traces URL as Traefik's `tracing.otlp.http.endpoint` does (used as it is).
    @Test func tracingTakesABaseOrAFullCollectorURL() throws {
        let base = try load("tracing: { endpoint: http://127.0.0.1:4318 }\nroutes: []\n")
        #expect(base.tracing?.tracesURL == "http://127.0.0.1:4318/v1/traces")
        #expect(base.tracing?.serviceName == "gatehouse" && base.tracing?.sampleRatio == 1)
        let full = try load("tracing:\n  endpoint: https://otel.example.com/otlp/v1/traces\n  service_name: edge\n  sample_ratio: 0.25\nroutes: []\n")
        #expect(full.tracing?.tracesURL == "https://otel.example.com/otlp/v1/traces")
        #expect(full.tracing?.serviceName == "edge" && full.tracing?.sampleRatio == 0.25)
        #expect(try load("routes: []\n").tracing == nil, "no tracing unless asked")
    }

    @Test(arguments: [
        ("routes:\n  - path: /a/\n    schemse: [basic]\n", 3, "routes[0].schemse", "unknown key"),
        ("routes:\n  - path: /a/\n    schemes: [basci]\n    users: users.htpasswd\n", 3, "routes[0].schemes[0]", "unknown scheme 'basci'"),
        ("routes:\n  - path: /a/\n    schemes: [basic]\n", 2, "routes[0]", "basic needs users"),
        ("routes:\n  - path: /a/\n    schemes: [bearer]\n    jwt: {}\n", 2, "routes[0]", "or tokens: at the top level"),
        ("listen: nowhere\nroutes: []\n", 1, "listen", "HOST:PORT"),
        ("lockout: { window: soon }\nroutes: []\n", 1, "lockout.window", "duration"),
        ("routes:\n  - path: /a/\n    schemes: [basic]\n    users: missing.htpasswd\n", 4, "routes[0].users", "cannot read"),
        ("routes: [\n", 2, "", "not valid YAML"),
        ("tracing: { endpoint: 127.0.0.1:4318 }\nroutes: []\n", 1, "tracing.endpoint", "OTLP/HTTP URL"),
        ("tracing: { endpoint: grpc://collector:4317 }\nroutes: []\n", 1, "tracing.endpoint", "OTLP/HTTP URL"),
        ("tracing:\n  endpoint: http://127.0.0.1:4318\n  sample_ratio: 2\nroutes: []\n", 3, "tracing.sample_ratio", "from 0 to 1"),
        ("tracing: { endpoint: http://127.0.0.1:4318, sampling: 1 }\nroutes: []\n", 1, "tracing.sampling", "unknown key"),
    ])
    func namesLineAndKey(yaml: String, line: Int, key: String, message: String) throws {
        let error = try #require(throws: ConfigError.self) { try load(yaml) }
        #expect(error.line == line, "\(error)")
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect(error.description.hasPrefix(folder + "/gatehouse.yaml:"))
    }
}
