import Crypto
import Foundation

/// Mints and checks the server's Digest nonces: time-stamped and signed, so that the server needs no table of the
/// nonces it handed out.
///
/// A nonce is base64 of `issue time (8 bytes, seconds, big-endian) ‖ 8 random bytes ‖ HMAC-SHA-256(key, both)[0..<16]`.
/// A nonce whose signature checks but whose age exceeds ``lifetime`` is *stale*: the client knew a genuine nonce,
/// so the server answers `stale=true` and the client retries without asking the user again (RFC 7616 §3.3).
/// A nonce from the future beyond a small skew, or with a bad signature, is *invalid*.
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-5.4
public struct DigestNonces: Sendable {
    /// What a nonce turned out to be.
    public enum Validity: Hashable, Sendable {
        case valid
        /// Genuine, but older than the lifetime.
        case stale
        /// Not minted with this key, malformed, or from the future.
        case invalid
    }

    private let key: SymmetricKey
    /// How long a nonce is accepted, in seconds.
    public let lifetime: TimeInterval

    /// - Parameters:
    ///   - key: the HMAC key; 32 random bytes by default. Gateways that share nonces share the key.
    ///   - lifetime: seconds a nonce stays valid; 300 by default (Apache's `AuthDigestNonceLifetime`).
    public init(key: [UInt8]? = nil, lifetime: TimeInterval = 300) {
        self.key = key.map { SymmetricKey(data: $0) } ?? SymmetricKey(size: .bits256)
        self.lifetime = lifetime
    }

    /// A fresh nonce issued at `now`.
    public func mint(now: Date = Date()) -> String {
        var body = withUnsafeBytes(of: Int64(now.timeIntervalSince1970).bigEndian) { Array($0) }
        body += (0..<8).map { _ in UInt8.random(in: .min ... .max) }
        return Data(body + signature(of: body)).base64EncodedString()
    }

    /// Whether `nonce` is one of ours and still fresh at `now`.
    public func check(_ nonce: String, now: Date = Date()) -> Validity {
        guard let data = Data(base64Encoded: nonce), data.count == 32 else { return .invalid }
        let bytes = Array(data)
        let body = Array(bytes[0..<16])
        guard ConstantTime.equals(signature(of: body), bytes[16..<32]) else { return .invalid }
        let issued = TimeInterval(body[0..<8].reduce(Int64(0)) { $0 << 8 | Int64($1) })
        let age = now.timeIntervalSince1970 - issued
        if age < -60 { return .invalid }
        return age > lifetime ? .stale : .valid
    }

    private func signature(of body: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: body, using: key).prefix(16))
    }
}
