import AsyncHTTPClient
import Foundation
import HTTPAuth
import Logging
import Passwords
import Store
import Synchronization

/// What the responder reads: the configuration and the gatekeeper built from it (swapped whole on reload, so a
/// request sees one consistent version), plus the parts that live as long as the process: store, audit writer,
/// metrics, HTTP client, password cache, proxies and static folders.
public final class GatewayState: Sendable {
    /// One consistent version of the configuration.
    struct Snapshot: Sendable {
        let config: GatewayConfig
        let gatekeeper: Gatekeeper
        /// The token endpoint and JWKS, when `tokens:` is configured.
        let tokens: TokenEndpoint?
    }

    private let snapshot: Mutex<Snapshot>
    let store: any GatewayStore
    let audit: AuditWriter
    let metrics = GatewayMetrics()
    let httpClient: HTTPClient
    let passwords = PasswordVerifier()
    /// Digest nonce counts: in memory for a store of one gateway, in the store when several share it.
    let nonceCounter: any DigestNonceCounter
    let logger: Logger
    /// Starts each request's span when `tracing:` is configured.
    let tracer: RequestTracer?
    private let proxies = Mutex<[URL: ReverseProxy]>([:])
    private let folders = Mutex<[String: StaticFolder]>([:])

    init(config: GatewayConfig, store: any GatewayStore, httpClient: HTTPClient, logger: Logger, tracer: RequestTracer? = nil) async throws {
        self.store = store
        self.tracer = tracer
        nonceCounter = store.isShared ? StoreNonceCounter(store: store) : InMemoryDigestNonceCounter()
        self.httpClient = httpClient
        self.logger = logger
        audit = try AuditWriter(store: store, accessLog: config.accessLog, logger: logger, metrics: metrics)
        snapshot = Mutex(try await Self.build(config, store: store, httpClient: httpClient, passwords: passwords, nonceCounter: nonceCounter, metrics: metrics))
    }

    var current: Snapshot { snapshot.withLock { $0 } }

    /// Reads the config file again and swaps it in; a config that fails validation is logged and the old one kept.
    /// The listen address, TLS, store and tracing are read at start only.
    public func reload() async {
        guard let file = current.config.file else { return }
        do {
            let config = try ConfigLoader.load(path: file)
            let fresh = try await Self.build(config, store: store, httpClient: httpClient, passwords: passwords, nonceCounter: nonceCounter, metrics: metrics)
            snapshot.withLock { $0 = fresh }
            passwords.invalidateCache()
            logger.info("reloaded \(file)")
        } catch {
            logger.error("kept the previous configuration: \(error)")
        }
    }

    private static func build(
        _ config: GatewayConfig, store: any GatewayStore, httpClient: HTTPClient, passwords: PasswordVerifier,
        nonceCounter: any DigestNonceCounter, metrics: GatewayMetrics
    ) async throws -> Snapshot {
        // One set of signing keys signs at the token endpoint and verifies on the bearer routes that take them.
        let signingKeys = config.tokens.map { SigningKeys(store: store, rotation: $0.keyRotation, accessLifetime: $0.accessLifetime) }
        let routes = try await RouteBuilder(
            config: config, store: store, httpClient: httpClient, passwords: passwords, nonceCounter: nonceCounter, signingKeys: signingKeys
        ).build()
        let lockout = try await LockoutGuard(settings: config.lockout, store: store, metrics: metrics)
        var tokens: TokenEndpoint?
        if let settings = config.tokens, let signingKeys {
            tokens = TokenEndpoint(
                settings: settings, keys: signingKeys,
                users: try ReloadingFile(path: settings.users, parse: { try HtpasswdFile(path: $0) }), verifier: passwords, store: store, lockout: lockout)
        }
        return Snapshot(config: config, gatekeeper: Gatekeeper(config: config, routes: routes, lockout: lockout), tokens: tokens)
    }

    func proxy(for upstream: GatewayConfig.Upstream?) -> ReverseProxy? {
        guard case .http(let url)? = upstream else { return nil }
        return proxies.withLock { proxies in
            if let proxy = proxies[url] { return proxy }
            let proxy = ReverseProxy(client: httpClient, base: url)
            proxies[url] = proxy
            return proxy
        }
    }

    func staticFolder(_ path: String) -> StaticFolder {
        folders.withLock { folders in
            if let folder = folders[path] { return folder }
            let folder = StaticFolder(path: path)
            folders[path] = folder
            return folder
        }
    }
}
