import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdHTTP2
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle
import Store
import Synchronization
import UnixSignals

/// Builds the gateway application from a configuration: used by `gatehouse serve` and by the tests.
///
/// Besides the HTTP server it runs the audit writer (flushed on shutdown), the ``Housekeeping`` of the store, the span
/// exporter when `tracing:` is set (flushed on shutdown too), and the reloader: SIGHUP, or a change of the config file
/// (looked at every two seconds), rebuilds the routes without dropping a request. User, group and key files are re-read
/// on change by the routes themselves.
public enum GatewayApplication {
    public static func build(
        config: GatewayConfig, logger: Logger = Logger(label: "gatehouse"),
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let store = try config.store.open()
        let tracing = try config.tracing.map { try TraceBackend.make($0, logger: logger) }
        let httpClient = makeHTTPClient()
        let state: GatewayState
        do {
            state = try await GatewayState(config: config, store: store, httpClient: httpClient, logger: logger, tracer: tracing?.0)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
        var services: [any Service] = [state.audit, Reloader(state: state), Housekeeping(state: state), HTTPClientService(client: httpClient)]
        if let (_, exporter) = tracing { services.append(exporter) }
        let redirect = HTTPSRedirect(httpsPort: config.port)
        var certificates: CertificateReloader?
        if let tls = config.tls {
            certificates = try CertificateReloader(certificate: tls.certificate, key: tls.key) { error in
                logger.error("tls: kept the previous certificate: \(error)")
            }
            if let plain = tls.redirectHTTP, let colon = plain.lastIndex(of: ":"), let port = Int(plain[plain.index(after: colon)...]) {
                services.append(Application(
                    responder: redirect,
                    configuration: ApplicationConfiguration(address: .hostname(String(plain[..<colon]), port: port), serverName: "Gatehouse"),
                    logger: logger))
            }
        }
        let server = try listener(config: config, tls: certificates?.configuration())
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
    /// The main listener: HTTP/1.1, or with `tls:` HTTPS offering `h2` and `http/1.1` by ALPN (HTTP/1.1 only with
    /// `http2: false`), each connection admitted by ``ConnectionAdmission`` and each HTTP/1.1 connection or HTTP/2
    /// stream watched by a ``ConnectionGuard``. HTTP/2 has nginx's limits (128 streams per connection,
    /// ``HTTP2StreamLimit``; a 16 KiB header list, as `http2_max_header_size`) and closes a connection idle for
    /// `keepalive_timeout`.
    static func listener(config: GatewayConfig, tls: TLSConfiguration?) throws -> HTTPServerBuilder {
        let connections = config.connections
        let registry = ConnectionRegistry(cap: connections.perAddress, exempt: config.trustedProxies)
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGuard(settings: connections)])
        let http2 = HTTP2ChannelConfiguration(idleTimeout: .milliseconds(Int64(connections.keepaliveTimeout * 1000)), streamConfiguration: http1)
        let offersHTTP2 = config.tls?.http2 ?? false
        return HTTPServerBuilder { responder in
            switch tls {
            case let tls? where offersHTTP2:
                AdmittedChannel(
                    base: HTTP2StreamLimit(base: try HTTP2UpgradeChannel(tlsConfiguration: tls, configuration: http2, responder: responder)),
                    registry: registry, settings: connections)
            case let tls?:
                AdmittedChannel(
                    base: try TLSChannel(HTTP1Channel(responder: responder, configuration: http1), tlsConfiguration: tls),
                    registry: registry, settings: connections)
            case nil:
                AdmittedChannel(base: HTTP1Channel(responder: responder, configuration: http1), registry: registry, settings: connections)
            }
        }
    }

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
