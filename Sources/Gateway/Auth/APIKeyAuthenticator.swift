import Foundation
import HTTPAuth
import Store
import Synchronization
import Tokens

/// API keys made by `gatehouse apikey create`, presented in a header or a query parameter and checked against the
/// store: the secret's SHA-256 compared in constant time, then expiry and revocation.
///
/// Records are cached for two seconds, so a revocation made by `gatehouse apikey revoke` (another process) takes
/// effect within two seconds without a database read per request.
public final class APIKeyAuthenticator: SchemeAuthenticator {
    public let name = SchemeName.apiKey
    let store: any GatewayStore
    let location: GatewayConfig.APIKey
    let realm: String
    private let cache = Mutex<[String: (record: APIKeyRecord?, fetched: ContinuousClock.Instant)]>([:])

    public init(store: any GatewayStore, location: GatewayConfig.APIKey, realm: String) {
        self.store = store
        self.location = location
        self.realm = realm
    }

    /// API keys have no registered HTTP authentication scheme, but every 401 must carry a challenge (RFC 9110
    /// §15.5.2), so the gateway sends `APIKey realm="…", header="X-API-Key"` (and `query="…"` when configured):
    /// well-formed, ignored by browsers, and it tells a person where the key goes.
    public func challenges(after failure: AuthFailure?) -> [Challenge] {
        var parameters = [AuthParameter("realm", realm)]
        if let header = location.header { parameters.append(AuthParameter("header", header)) }
        if let query = location.query { parameters.append(AuthParameter("query", query)) }
        return [Challenge(scheme: AuthScheme("APIKey")!, parameters: parameters)]
    }

    /// Where the key was looked for, in words, for messages.
    var placement: String {
        [location.header.map { "the \($0) header" }, location.query.map { "the \($0) query parameter" }]
            .compactMap { $0 }.joined(separator: " or ")
    }

    public func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome {
        await authenticate(key: credentials.token68 ?? "")
    }

    /// Checks the key text as presented.
    public func authenticate(key text: String) async -> SchemeOutcome {
        guard let key = APIKeyToken(text) else {
            return .failed(AuthFailure(
                reason: .apiKeyMalformed, detail: "the value in \(placement) is not a ghk_<id>_<secret> key",
                clientDetail: "The API key is not valid."))
        }
        let record: APIKeyRecord?
        do {
            record = try await lookUp(key.id)
        } catch {
            return .failed(.storeUnavailable("API key \(key.id) could not be read: \(error)"))
        }
        let storedHash = record?.secretHash ?? String(repeating: "0", count: 64)
        let matches = ConstantTime.equals(key.secretHash, storedHash)
        guard let record else {
            return .failed(AuthFailure(reason: .apiKeyUnknown, detail: "no API key with id \(key.id)", clientDetail: "The API key is not valid."))
        }
        guard matches else {
            return .failed(AuthFailure(
                reason: .apiKeyMismatch, claimedUser: record.user, detail: "the secret of key \(key.id) ('\(record.name)') does not match",
                clientDetail: "The API key is not valid."))
        }
        if let revoked = record.revoked {
            return .failed(AuthFailure(
                reason: .apiKeyRevoked, claimedUser: record.user,
                detail: "key \(key.id) ('\(record.name)') was revoked at \(TimeDescription.utc(revoked))", clientDetail: "The API key is not valid."))
        }
        if let expires = record.expires, expires <= Date() {
            return .failed(AuthFailure(
                reason: .apiKeyExpired, claimedUser: record.user,
                detail: "key \(key.id) ('\(record.name)') expired at \(TimeDescription.utc(expires))", clientDetail: "The API key expired."))
        }
        return .authenticated(Identity(user: record.user, scheme: .apiKey, scopes: Set(record.scopes)), responseHeaders: [])
    }

    /// The key's record, cached for 2 s; an error of the store is thrown, never cached as "no such key".
    private func lookUp(_ id: String) async throws -> APIKeyRecord? {
        if let cached = cache.withLock({ $0[id] }), ContinuousClock.now - cached.fetched < .seconds(2) {
            return cached.record
        }
        let record = try await store.apiKey(id: id)
        cache.withLock { cache in
            if cache.count >= 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[id] = (record, .now)
        }
        return record
    }
}
