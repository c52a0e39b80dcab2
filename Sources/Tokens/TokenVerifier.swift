import Crypto
import Foundation
import HTTPAuth
import JWTKit

/// Verifies a JWT and says precisely what failed, check by check.
///
/// The order is the order of trust: the token must decode (`token-malformed`), use an algorithm the keys accept and
/// never `none` (`token-algorithm-mismatch`), name a `kid` the keys have (`token-key-unknown`), carry a valid
/// signature (`token-signature-invalid`), and only then are its claims believed: `exp` (`token-expired`), `nbf` and
/// `iat` (`token-not-yet-valid`), `aud` (`token-audience-mismatch`), `iss` (`token-issuer-mismatch`), each with
/// ``TokenPolicy/leeway``. Every check is reported, so a person sees all that is wrong at once; without keys the
/// claims are still checked and the signature is reported as not checked.
public struct TokenVerifier: Sendable {
    public let keys: TokenKeys?
    public let policy: TokenPolicy

    public init(keys: TokenKeys?, policy: TokenPolicy = TokenPolicy()) {
        self.keys = keys
        self.policy = policy
    }

    /// Verifies `token` at `now` (pass the server's clock, such as a response's `Date`, when judging a server).
    public func verify(_ token: String, now: Date = Date()) async -> TokenVerification {
        let decoded: DecodedJWT
        do {
            decoded = try DecodedJWT(token)
        } catch {
            return TokenVerification(token: nil, checks: [TokenCheck("format", .failed, "\(error)", reason: "token-malformed")])
        }
        var checks = [TokenCheck("format", .passed, "three base64url segments holding JSON")]
        checks += await trustChecks(decoded)
        checks += ClaimChecks(token: decoded, policy: policy, now: now).all
        return TokenVerification(token: decoded, checks: checks)
    }

    private func trustChecks(_ token: DecodedJWT) async -> [TokenCheck] {
        let algorithm = token.algorithm
        guard algorithm.lowercased() != "none" else {
            return [TokenCheck("algorithm", .failed, "alg 'none' means unsigned; it is never accepted", reason: "token-algorithm-mismatch")]
        }
        if let critical = token.header["crit"] {
            return [Self.criticalCheck(critical)]
        }
        guard let keys else {
            return [
                TokenCheck("algorithm", .notChecked, "alg \(algorithm); no keys given to check it against"),
                TokenCheck("signature", .notChecked, "no key given (--jwks or --secret)"),
            ]
        }
        let allowed = policy.algorithms ?? keys.algorithms
        guard allowed.contains(algorithm) else {
            let list = allowed.sorted().joined(separator: ", ")
            return [TokenCheck("algorithm", .failed, "alg \(algorithm) is not accepted; the keys accept \(list.isEmpty ? "nothing" : list)", reason: "token-algorithm-mismatch")]
        }
        var checks = [TokenCheck("algorithm", .passed, "alg \(algorithm) is accepted")]
        if let keyID = token.keyID, !keys.keyIDs.isEmpty, !keys.keyIDs.contains(keyID) {
            checks.append(TokenCheck("key", .failed, "kid '\(keyID)' is not among the keys (\(keys.keyIDs.joined(separator: ", ")))", reason: "token-key-unknown"))
            return checks
        }
        checks.append(TokenCheck("key", .passed, token.keyID.map { "kid '\($0)' found" } ?? "no kid; every key with this algorithm is tried"))
        let verified = await verifySignature(token, keys: keys)
        checks.append(
            verified
                ? TokenCheck("signature", .passed, "the signature verifies")
                : TokenCheck("signature", .failed, "the signature does not verify with the given key (wrong key, or a secret encoded differently)", reason: "token-signature-invalid"))
        return checks
    }

    /// RFC 7515 §4.1.11: a recipient that does not understand every extension `crit` names must refuse the token,
    /// and `crit` may not name a registered parameter (`exp`, `alg`, …) nor be empty. This verifier implements no
    /// extension, so any `crit` refuses the token, whatever its signature.
    static func criticalCheck(_ critical: JSONValue) -> TokenCheck {
        let names = critical.arrayValue?.compactMap(\.stringValue) ?? []
        let listed = names.isEmpty ? "no extension (crit must be a non-empty array of names)" : names.joined(separator: ", ")
        return TokenCheck("crit", .failed, "the header's crit names \(listed); no extension is understood, so the token is refused (RFC 7515 §4.1.11)", reason: "token-critical-header")
    }

    private func verifySignature(_ token: DecodedJWT, keys: TokenKeys) async -> Bool {
        let algorithm = token.algorithm
        if algorithm.hasPrefix("HS") {
            let segments = token.compact.split(separator: ".", omittingEmptySubsequences: false)
            let signingInput = Array((segments[0] + "." + segments[1]).utf8)
            return keys.hmacKeys.contains { key in
                guard key.algorithms.contains(algorithm), token.keyID == nil || key.keyID == nil || key.keyID == token.keyID else { return false }
                return ConstantTime.equals(Self.hmac(algorithm, key: key.secret, data: signingInput), token.signature)
            }
        }
        guard let collection = keys.asymmetric else { return false }
        do {
            _ = try await collection.verify(token.compact, as: UncheckedPayload.self, iteratingKeys: token.keyID == nil)
            return true
        } catch {
            return false
        }
    }

    private static func hmac(_ algorithm: String, key: [UInt8], data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: key)
        switch algorithm {
        case "HS384": return Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
        case "HS512": return Array(HMAC<SHA512>.authenticationCode(for: data, using: key))
        default: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        }
    }
}

/// A payload that jwt-kit decodes without checking any claim: the claims are checked by ``ClaimChecks``, which
/// says which one failed.
private struct UncheckedPayload: JWTPayload {
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
