import Foundation
import NIOCore
import NIOSSL
import Synchronization

/// The gateway's TLS server configuration, with the certificate and key read again when their files change: each
/// handshake asks for the current pair (NIOSSL's `sslContextCallback` with a configuration override), and the files'
/// modification times are looked at most once a second. A pair that fails to load keeps the previous one (and is
/// reported once).
final class CertificateReloader: Sendable {
    private struct Pair: Sendable {
        var chain: [NIOSSLCertificateSource]
        var key: NIOSSLPrivateKeySource
    }

    private struct State {
        var pair: Pair
        var stamp: [Date?]
        var checked: ContinuousClock.Instant
    }

    let certificatePath: String
    let keyPath: String
    private let state: Mutex<State>
    private let onError: @Sendable (any Error) -> Void

    init(certificate: String, key: String, onError: @escaping @Sendable (any Error) -> Void) throws {
        certificatePath = certificate
        keyPath = key
        self.onError = onError
        let stamp = Self.stamp(certificate, key)
        state = Mutex(State(pair: try Self.load(certificate: certificate, key: key), stamp: stamp, checked: .now))
    }

    /// The server configuration to start with; its callback hands each handshake the current pair.
    func configuration() throws -> TLSConfiguration {
        let pair = state.withLock { $0.pair }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: pair.chain, privateKey: pair.key)
        configuration.applicationProtocols = ["http/1.1"]
        configuration.sslContextCallback = { [self] _, promise in
            let pair = currentPair()
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = pair.chain
            override.privateKey = pair.key
            promise.succeed(override)
        }
        return configuration
    }

    private func currentPair() -> Pair {
        let due = state.withLock { state -> Bool in
            guard ContinuousClock.now - state.checked >= .seconds(1) else { return false }
            state.checked = .now
            return true
        }
        if due {
            let stamp = Self.stamp(certificatePath, keyPath)
            if state.withLock({ $0.stamp != stamp }) {
                do {
                    let pair = try Self.load(certificate: certificatePath, key: keyPath)
                    state.withLock {
                        $0.pair = pair
                        $0.stamp = stamp
                    }
                } catch {
                    state.withLock { $0.stamp = stamp }
                    onError(error)
                }
            }
        }
        return state.withLock { $0.pair }
    }

    private static func stamp(_ paths: String...) -> [Date?] {
        paths.map(FileStamp.modified)
    }

    private static func load(certificate: String, key: String) throws -> Pair {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        return Pair(chain: chain, key: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
    }
}
