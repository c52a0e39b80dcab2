import Foundation
import Store
import Testing

/// Both stores, the embedded SQLite one and the shared PostgreSQL one, behave alike: failure windows, bans that
/// outlive the process, API key revocation, refresh tokens, sessions, pruning.
@Suite struct StoreTests {

    @Test(arguments: StoreBackend.allCases) func failuresCountWithinTheWindowOnly(backend: StoreBackend) async throws {
        let location = try backend.freshLocation()
        let store = try location.open()
        let start = Date(timeIntervalSince1970: 1_000_000)
        for offset in 0..<3 {
            _ = try await store.recordFailure(keys: ["user:a", "ip:x"], at: start.addingTimeInterval(Double(offset)), windowStart: start.addingTimeInterval(-60))
        }
        let counts = try await store.recordFailure(keys: ["ip:x"], at: start.addingTimeInterval(100), windowStart: start.addingTimeInterval(40))
        #expect(counts["ip:x"] == 1, "the three old failures left the window")
        // user:a was not named in the last call, yet its expired failures are gone: asked with a wide window, it has
        // only the new one.
        let other = try await store.recordFailure(keys: ["user:a"], at: start.addingTimeInterval(101), windowStart: start.addingTimeInterval(-60))
        #expect(other["user:a"] == 1, "expired failures of every key are forgotten, so guessed names do not pile up")
    }

    @Test(arguments: StoreBackend.allCases) func bansSurviveReopeningAndCanBeLifted(backend: StoreBackend) async throws {
        let location = try backend.freshLocation()
        let now = Date()
        try await location.open().ban(Ban(key: "ip:192.0.2.1", since: now, until: now.addingTimeInterval(600), reason: "test"))
        let reopened = try location.open()
        #expect(try await reopened.activeBans(at: now).map(\.key) == ["ip:192.0.2.1"])
        #expect(try await reopened.activeBans(at: now.addingTimeInterval(601)).isEmpty)
        #expect(try await reopened.unban(key: "ip:192.0.2.1"))
        #expect(try await !reopened.unban(key: "ip:192.0.2.1"))
    }

    @Test(arguments: StoreBackend.allCases) func apiKeysAreRevokedOnce(backend: StoreBackend) async throws {
        let location = try backend.freshLocation()
        let store = try location.open()
        let record = APIKeyRecord(id: "abcdefghijkl", name: "ci", user: "ci", secretHash: String(repeating: "0", count: 64), scopes: ["read", "write"], created: Date(), expires: nil)
        try await store.insertAPIKey(record)
        #expect(try await store.apiKey(id: "abcdefghijkl")?.scopes == ["read", "write"])
        #expect(try await store.revokeAPIKey(id: "abcdefghijkl", at: Date()))
        #expect(try await !store.revokeAPIKey(id: "abcdefghijkl", at: Date()))
        #expect(try await store.apiKey(id: "abcdefghijkl")?.revoked != nil)
    }

    @Test(arguments: StoreBackend.allCases) func refreshTokensRedeemOnceAndSessionsArePruned(backend: StoreBackend) async throws {
        let location = try backend.freshLocation()
        let store = try location.open()
        let now = Date(timeIntervalSince1970: 2_000_000)
        try await store.insertRefreshToken(RefreshTokenRecord(id: "h1", family: "f", user: "alice", scopes: ["read"], created: now, expires: now.addingTimeInterval(60)))
        #expect(try await store.redeemRefreshToken(id: "h1", at: now) == nil, "the first redemption wins")
        #expect(try await store.redeemRefreshToken(id: "h1", at: now.addingTimeInterval(5)) == now, "a second one learns when the first was")
        #expect(try await store.revokeFamily("f", at: now, reason: "reuse"))
        #expect(try await store.revokeFamily("f", at: now, reason: "again") == false)
        #expect(try await store.familyRevocation("f")?.reason == "reuse")
        try await store.insertSession(SessionRecord(id: "old", user: "a", created: now, lastSeen: now, csrf: "c"))
        try await store.insertSession(SessionRecord(id: "new", user: "b", created: now, lastSeen: now.addingTimeInterval(100), csrf: "c"))
        #expect(try await store.pruneSessions(lastSeenBefore: now.addingTimeInterval(50), createdBefore: now.addingTimeInterval(-1)) == 1)
        let (old, new) = (try await store.session(id: "old"), try await store.session(id: "new"))
        #expect(old == nil && new != nil)
    }

    /// The housekeeping sweep: expired refresh tokens and their families' revocations, ended bans, old audit records
    /// (more than one batch of them), and nothing that is still in use.
    @Test(arguments: StoreBackend.allCases) func pruneExpiredKeepsWhatIsStillInUse(backend: StoreBackend) async throws {
        let location = try backend.freshLocation()
        let store = try location.open()
        let now = Date(timeIntervalSince1970: 3_000_000)
        try await store.insertRefreshToken(RefreshTokenRecord(id: "gone", family: "old", user: "a", scopes: [], created: now, expires: now.addingTimeInterval(-1)))
        try await store.insertRefreshToken(RefreshTokenRecord(id: "kept", family: "live", user: "a", scopes: [], created: now, expires: now.addingTimeInterval(60)))
        _ = try await store.revokeFamily("old", at: now, reason: "reuse")
        _ = try await store.revokeFamily("live", at: now, reason: "reuse")
        try await store.ban(Ban(key: "ip:ended", since: now.addingTimeInterval(-20), until: now.addingTimeInterval(-10), reason: "test"))
        try await store.ban(Ban(key: "ip:active", since: now, until: now.addingTimeInterval(600), reason: "test"))
        let records = (0..<12_000).map { index in
            AuditRecord(
                time: now.addingTimeInterval(index < 11_000 ? -7200 : 0), requestID: "r\(index)", client: "192.0.2.1", method: "GET", path: "/",
                route: "/", scheme: nil, user: nil, outcome: "unauthorized", status: 401, reason: "no-credentials", detail: nil, latencyMicroseconds: 1,
                host: index % 2 == 0 ? "app.example.com" : nil)
        }
        try await store.append(records)
        #expect(try await store.recordNonceCount(nonce: "old", count: 1, at: now.addingTimeInterval(-600)))
        #expect(try await store.recordNonceCount(nonce: "new", count: 1, at: now))
        #expect(try await store.pruneExpired(at: now, nonceCountsBefore: now.addingTimeInterval(-360), auditBefore: now.addingTimeInterval(-3600)) == 1 + 1 + 1 + 1 + 11_000)
        #expect(try await store.recordNonceCount(nonce: "old", count: 1, at: now), "the stale nonce's counts are forgotten")
        #expect(try await !store.recordNonceCount(nonce: "new", count: 1, at: now), "a live nonce's count is still a replay")
        #expect(try await store.refreshToken(id: "gone") == nil)
        #expect(try await store.refreshToken(id: "kept") != nil)
        #expect(try await store.familyRevocation("old") == nil)
        #expect(try await store.familyRevocation("live") != nil, "a revoked family with a live token stays revoked")
        #expect(try await store.activeBans(at: now).map(\.key) == ["ip:active"])
        #expect(try await store.auditRecord(requestID: "r10999") == nil)
        #expect(try await store.auditRecord(requestID: "r11000")?.host == "app.example.com", "the host is kept")
        #expect(try await store.auditRecord(requestID: "r11001")?.host == nil)
        #expect(try await store.pruneExpired(at: now, nonceCountsBefore: now.addingTimeInterval(-360), auditBefore: nil) == 0, "nothing left to prune; without a retention the audit is kept")
    }

    /// Parallel redemptions of one refresh token: exactly one finds it unredeemed, on either store.
    @Test(arguments: StoreBackend.allCases) func parallelRedemptionsHaveOneWinner(backend: StoreBackend) async throws {
        let store = try backend.freshLocation().open()
        let now = Date()
        try await store.insertRefreshToken(RefreshTokenRecord(id: "shared", family: "f", user: "alice", scopes: [], created: now, expires: now.addingTimeInterval(60)))
        let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { try await store.redeemRefreshToken(id: "shared", at: Date()) == nil } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        #expect(try await store.secret(named: "k") == store.secret(named: "k"), "a secret is made once and kept")
    }
}
