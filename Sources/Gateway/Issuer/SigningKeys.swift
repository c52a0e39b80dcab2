import Crypto
import Foundation
import JWTKit
import HTTPAuth
import Store
import Tokens

/// The gateway's own signing keys for access tokens: P-256 (ES256) keys kept in the store, so that every instance
/// signs with the same keys. A new key is made every `rotation`; the newest signs, and an older key stays published
/// until the last token it signed has expired (its successor's age passes the access lifetime), then it is deleted.
actor SigningKeys {
    let store: any GatewayStore
    let rotation: TimeInterval
    let accessLifetime: TimeInterval
    private var loaded: [SigningKeyRecord] = []
    private var collection = JWTKeyCollection()
    private var verification = TokenKeys.collection(JWTKeyCollection(), keyIDs: [], algorithm: "ES256")
    /// When the store was last read: at most once a minute, so issuing a token costs no store read.
    private var checked: Date?
    private var lastReread: Date?

    init(store: any GatewayStore, rotation: TimeInterval, accessLifetime: TimeInterval) {
        self.store = store
        self.rotation = rotation
        self.accessLifetime = accessLifetime
    }

    /// The key to sign with now (rotating first if the newest is too old), and the collection that holds it.
    func signer(now: Date = Date()) async throws -> (kid: String, keys: JWTKeyCollection) {
        try await refresh(now: now)
        guard let newest = loaded.last else { throw StoreError("no signing key") }
        return (newest.kid, collection)
    }

    /// The keys that verify the tokens this gateway signed, for its own bearer routes (the published set, in
    /// process). `rereadStore` reads the store now (at most once a second) instead of within the minute: a token
    /// named a key another instance made.
    func verificationKeys(now: Date = Date(), rereadStore: Bool = false) async throws -> TokenKeys {
        if rereadStore, lastReread.map({ now.timeIntervalSince($0) >= 1 }) ?? true {
            lastReread = now
            checked = nil
        }
        try await refresh(now: now)
        return verification
    }

    /// The published keys as a JWK Set document (RFC 7517 §5): every key a valid token may have been signed with.
    func jwks(now: Date = Date()) async throws -> Data {
        try await refresh(now: now)
        let keys: [[String: Any]] = try loaded.map { record in
            let raw = try P256.Signing.PrivateKey(rawRepresentation: record.privateKey).publicKey.rawRepresentation
            return [
                "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": record.kid,
                "x": DecodedJWT.base64URLEncode(raw.prefix(32)), "y": DecodedJWT.base64URLEncode(raw.suffix(32)),
            ]
        }
        return try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys])
    }

    private func refresh(now: Date) async throws {
        if let checked, now.timeIntervalSince(checked) < 60, let newest = loaded.last, now.timeIntervalSince(newest.created) < rotation { return }
        checked = now
        var records = try await store.signingKeys()
        if records.last.map({ now.timeIntervalSince($0.created) >= rotation }) ?? true {
            let key = P256.Signing.PrivateKey()
            let record = SigningKeyRecord(kid: "gh-" + hexString(Array(SHA256.hash(data: key.publicKey.rawRepresentation)).prefix(8)), privateKey: Array(key.rawRepresentation), created: now)
            try await store.insertSigningKey(record)
            records = try await store.signingKeys()
        }
        // An older key is needed until the tokens it signed have expired: its successor's age passes the access lifetime.
        let retired = Set(records.indices.dropLast().filter { now.timeIntervalSince(records[$0 + 1].created) > accessLifetime + 60 }.map { records[$0].kid })
        for kid in retired { try await store.deleteSigningKey(kid: kid) }
        records.removeAll { retired.contains($0.kid) }
        guard records != loaded else { return }
        let collection = JWTKeyCollection()
        for record in records {
            await collection.add(ecdsa: try ES256PrivateKey(backing: P256.Signing.PrivateKey(rawRepresentation: record.privateKey)), kid: JWKIdentifier(string: record.kid))
        }
        self.collection = collection
        verification = TokenKeys.collection(collection, keyIDs: records.map(\.kid), algorithm: "ES256")
        loaded = records
    }
}
