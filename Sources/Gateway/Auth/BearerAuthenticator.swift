import Foundation
import HTTPAuth
import Synchronization
import Tokens

/// Bearer (RFC 6750) with JWTs checked by ``TokenVerifier``: each refusal names the failed check
/// (`token-expired`, `token-audience-mismatch`, `token-key-unknown`, …) for the operator and carries
/// `error="invalid_token"` with a description for the client.
///
/// A verified token is remembered until its `exp` (bounded to 10,000 tokens), so the signature is checked once per
/// token rather than per request; the time claims are still compared with the clock on every use.
public final class BearerAuthenticator: SchemeAuthenticator {
    public let name = SchemeName.bearer
    let realm: String
    let keys: JWTKeySource
    let policy: TokenPolicy
    let scopes: [String]
    private let verified = Mutex<[String: CachedToken]>([:])

    struct CachedToken {
        let identity: Identity
        let notBefore: Date?
        let expires: Date?
    }

    public init(realm: String, keys: JWTKeySource, policy: TokenPolicy, requiredScopes: [String]) {
        self.realm = realm
        self.keys = keys
        self.policy = policy
        scopes = requiredScopes
    }

    public func challenges(after failure: AuthFailure?) -> [Challenge] {
        var challenge = BearerChallenge(realm: realm, scope: scopes)
        if let failure, failure.bearerError != nil {
            challenge.error = failure.bearerError
            challenge.errorDescription = failure.clientDetail
        }
        return (try? challenge.challenge()).map { [$0] } ?? []
    }

    public func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome {
        let token: String
        do {
            token = try BearerToken.token(from: credentials)
        } catch {
            var failure = AuthFailure.malformed("\(error)", scheme: "Bearer")
            failure.bearerError = .invalidRequest
            return .failed(failure)
        }
        let now = Date()
        if let cached = verified.withLock({ $0[token] }), isCurrent(cached, now: now) {
            return .authenticated(cached.identity, responseHeaders: [])
        }
        var verification = await TokenVerifier(keys: await keys.keys(), policy: policy).verify(token, now: now)
        if verification.failure?.reason == Reason.tokenKeyUnknown.id, let fresh = await keys.keysAfterUnknownKeyID() {
            verification = await TokenVerifier(keys: fresh, policy: policy).verify(token, now: now)
        }
        guard let decoded = verification.token, verification.isValid else {
            return .failed(Self.failure(verification))
        }
        let identity = Identity(user: decoded.claims["sub"]?.stringValue ?? "", scheme: .bearer, scopes: Self.scopes(of: decoded))
        remember(token, CachedToken(identity: identity, notBefore: decoded.date("nbf"), expires: decoded.date("exp")))
        return .authenticated(identity, responseHeaders: [])
    }

    private func isCurrent(_ cached: CachedToken, now: Date) -> Bool {
        if let expires = cached.expires, now >= expires.addingTimeInterval(policy.leeway) { return false }
        if let notBefore = cached.notBefore, now < notBefore.addingTimeInterval(-policy.leeway) { return false }
        return true
    }

    private func remember(_ token: String, _ entry: CachedToken) {
        verified.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[token] = entry
        }
    }

    static func scopes(of token: DecodedJWT) -> Set<String> {
        switch token.claims["scope"] ?? token.claims["scp"] {
        case .string(let text)?: Set(text.split(separator: " ").map(String.init))
        case .array(let items)?: Set(items.compactMap(\.stringValue))
        default: []
        }
    }

    private static func failure(_ verification: TokenVerification) -> AuthFailure {
        let check = verification.failure
        let reason = check?.reason.map(Reason.init(id:)) ?? .tokenSignatureInvalid
        let user = verification.token?.claims["sub"]?.stringValue
        var failure = AuthFailure(
            reason: reason, claimedUser: user, detail: check.map { "\($0.name): \($0.detail)" } ?? "the token was refused",
            clientDetail: clientDetail(reason), bearerError: .invalidToken)
        failure.countsAsFailure = [.tokenSignatureInvalid, .tokenMalformed].contains(reason)
        return failure
    }

    private static func clientDetail(_ reason: Reason) -> String {
        switch reason {
        case .tokenExpired: "The access token expired."
        case .tokenNotYetValid: "The access token is not valid yet (nbf or iat is in the future)."
        case .tokenAudienceMismatch: "The access token was issued for another audience."
        case .tokenIssuerMismatch: "The access token was issued by an issuer this API does not trust."
        case .tokenMalformed: "The access token is not a well-formed JWT."
        case .tokenAlgorithmMismatch: "The access token is signed with an algorithm this API does not accept."
        case .tokenCriticalHeader: "The access token names critical header extensions (crit) this API does not understand."
        default: "The access token signature cannot be verified."
        }
    }
}
