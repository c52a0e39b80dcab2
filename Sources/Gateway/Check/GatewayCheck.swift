import AsyncHTTPClient
import Foundation
import Logging
import NIOSSL
import Store

/// `gatehouse serve --check`, the gateway's `nginx -t`: reads and validates everything `serve` reads at start (the
/// configuration, the TLS certificate and key, the store, every route's user, group and key files and JWKS URLs, built
/// exactly as `serve` builds them), says what it would serve, and warns about what would refuse or expose at run time.
/// It opens no listener; the store is opened as `serve` opens it (a SQLite file is created when missing).
public enum GatewayCheck {
    /// How long before a certificate expires the check warns about it (certbot renews 30 days before).
    static let expiryWarning: TimeInterval = 14 * 86400

    public static func run(file: String, logger: Logger = Logger(label: "gatehouse.check")) async -> CheckReport {
        var report = CheckReport(file: file)
        let config: GatewayConfig
        do {
            config = try ConfigLoader.load(path: file)
        } catch {
            report.findings.append(.error("configuration", "\(error)"))
            return report
        }
        report.listeners = ServingSummary.listeners(config)
        report.routes = ServingSummary.routes(config)
        report.findings += StartupWarnings.check(config).map { .warning("listener \(config.host):\(config.port)", $0) }
        if let tls = config.tls { report.findings += certificate(tls) }
        report.findings += UserFileCheck(config: config).findings()
        let store: any GatewayStore
        do {
            store = try config.store.open()
            _ = try await store.activeBans(at: Date())
        } catch {
            report.findings.append(.error("store", "\(error)"))
            return report
        }
        // The routes as serve builds them: user, group and key files parsed, JWKS URLs fetched.
        let client = GatewayApplication.makeHTTPClient()
        do {
            _ = try await GatewayState(config: config, store: store, httpClient: client, logger: logger)
        } catch {
            report.findings.append(.error("routes", "\(error)"))
        }
        try? await client.shutdown()
        return report
    }

    /// The certificate and key load as a pair, as the TLS listener loads them, and the certificate is within its
    /// validity.
    static func certificate(_ tls: GatewayConfig.TLS, now: Date = Date()) -> [CheckFinding] {
        let certificates: [NIOSSLCertificate]
        do {
            let listener = try CertificateReloader(certificate: tls.certificate, key: tls.key) { _ in }
            // Building the context is where BoringSSL checks that the key belongs to the certificate.
            _ = try NIOSSLContext(configuration: listener.configuration())
            certificates = try NIOSSLCertificate.fromPEMFile(tls.certificate)
        } catch {
            return [.error(tls.certificate, "the certificate and key (\(tls.key)) cannot be used: \(error)")]
        }
        guard let leaf = certificates.first else { return [.error(tls.certificate, "the file holds no certificate")] }
        let notAfter = Date(timeIntervalSince1970: TimeInterval(leaf.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(leaf.notValidBefore))
        let day = ISO8601DateFormatter()
        if notAfter < now { return [.error(tls.certificate, "the certificate expired on \(day.string(from: notAfter)): clients refuse the connection")] }
        if notBefore > now { return [.error(tls.certificate, "the certificate is not valid before \(day.string(from: notBefore))")] }
        if notAfter.timeIntervalSince(now) < expiryWarning {
            return [.warning(tls.certificate, "the certificate expires on \(day.string(from: notAfter)); renew it (the gateway reloads it without a restart)")]
        }
        return []
    }
}
