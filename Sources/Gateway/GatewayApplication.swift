import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle
import Store
import Synchronization
import UnixSignals

/// Builds the gateway application from a configuration: used by `gatehouse serve` and by the tests.
///
/// Besides the HTTP server it runs the audit writer (flushed on shutdown), the ``Housekeeping`` of the store, and the
/// reloader: SIGHUP, or a change of the config file (looked at every two seconds), rebuilds the routes without
/// dropping a request. User, group and key files are re-read on change by the routes themselves.
public enum GatewayApplication {
    public static func build(
        config: GatewayConfig, logger: Logger = Logger(label: "gatehouse"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let store = try config.store.open()
        let httpClient = makeHTTPClient()
        let state: GatewayState
        do {
            state = try await GatewayState(config: config, store: store, httpClient: httpClient, logger: logger)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        var services: [any Service] = [state.audit, Reloader(state: state), Housekeeping(state: state), HTTPClientService(client: httpClient)]
        let connections = config.connections
        let registry = ConnectionRegistry(cap: connections.perAddress, exempt: config.trustedProxies)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(settings: connections, registry: registry)])
        var server = HTTPServerBuilder.http1(configuration: http1)
        let redirect = HTTPSRedirect(httpsPort: config.port)
        if let tls = config.tls {
            let certificates = try CertificateReloader(certificate: tls.certificate, key: tls.key) { error in
                logger.error("tls: kept the previous certificate: \(error)")
            }
            server = try .tls(.http1(configuration: http1), tlsConfiguration: certificates.configuration())
            if let plain = tls.redirectHTTP, let colon = plain.lastIndex(of: ":"), let port = Int(plain[plain.index(after: colon)...]) {
                services.append(Application(
                    responder: redirect,
                    configuration: ApplicationConfiguration(address: .hostname(String(plain[..<colon]), port: port), serverName: "Gatehouse"),
                    logger: logger))
            }
        }
        return Application(
            responder: GatewayResponder(state: state),
            server: server,
            configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: "Gatehouse"),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? config.port
                redirect.httpsPort.withLock { $0 = port }
                await onServerRunning(port)
            },
            logger: logger)
    }
}

extension GatewayApplication {
    /// The client that fetches JWKS URLs and forwards to upstreams: never follows a redirect (credentials stay with
    /// the host they were meant for), passes bodies on as they are.
    static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// Reloads the configuration on SIGHUP and when the config file changes.
struct Reloader: Service {
    let state: GatewayState

    func run() async throws {
        let file = state.current.config.file
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) { await state.reload() }
            }
            group.addTask {
                var lastModified = file.flatMap(FileStamp.modified)
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(2))
                    guard let file, let modified = FileStamp.modified(file), modified != lastModified else { continue }
                    lastModified = modified
                    await state.reload()
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }
}

/// Shuts the upstream HTTP client down when the gateway stops.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
