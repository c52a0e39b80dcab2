import Foundation

/// The gateway's durable state behind one protocol: the audit trail, failure counters and bans, API keys, browser
/// sessions and the server secrets that must survive a restart (the Digest nonce key).
///
/// ``SQLiteStore`` is the embedded default. A PostgreSQL store implements the same protocol when several gateways
/// share state: a ban made by one instance is then honoured by all, because every instance reads bans from here.
public protocol GatewayStore: Sendable {
    /// Whether other gateways may use this store at the same time (PostgreSQL), so that state a single process
    /// could keep in memory, such as Digest nonce counts, must be kept here instead.
    var isShared: Bool { get }

    /// Appends audit records (the batched writer calls this with many at once).
    func append(_ records: [AuditRecord]) async throws
    /// The decision recorded for a request id, if any.
    func auditRecord(requestID: String) async throws -> AuditRecord?
    /// Refusals since `time`, for the dashboard (at most `limit` entries per top list).
    func auditStatistics(since time: Date, limit: Int) async throws -> AuditStatistics

    /// Records one failure for each key (`ip:…`, `user:…`) at `time` and returns, per key, how many failures it has
    /// had since `windowStart`. Failures older than the window are forgotten.
    func recordFailure(keys: [String], at time: Date, windowStart: Date) async throws -> [String: Int]
    /// Forgets the failures of `keys` (after a success).
    func clearFailures(keys: [String]) async throws
    /// Bans `key` until `until`.
    func ban(_ ban: Ban) async throws
    /// The bans still in force at `now`.
    func activeBans(at now: Date) async throws -> [Ban]
    /// Lifts the ban on `key`; says whether there was one.
    func unban(key: String) async throws -> Bool

    /// Stores a new API key (its secret already hashed).
    func insertAPIKey(_ key: APIKeyRecord) async throws
    /// The API key with this id, revoked or not.
    func apiKey(id: String) async throws -> APIKeyRecord?
    /// Every API key, newest first.
    func apiKeys() async throws -> [APIKeyRecord]
    /// Marks a key revoked at `time`; says whether it existed and was not already revoked.
    func revokeAPIKey(id: String, at time: Date) async throws -> Bool

    /// Stores a new session.
    func insertSession(_ session: SessionRecord) async throws
    /// The session with this id (the hash of its token), if it was not ended.
    func session(id: String) async throws -> SessionRecord?
    /// Records a request seen with the session at `time`.
    func touchSession(id: String, at time: Date) async throws
    /// Ends a session (logout, expiry); says whether it existed.
    func deleteSession(id: String) async throws -> Bool
    /// Deletes the sessions idle since before `lastSeen` or started before `created`; returns how many.
    func pruneSessions(lastSeenBefore lastSeen: Date, createdBefore created: Date) async throws -> Int

    /// Deletes what has outlived its use: refresh tokens expired before `now` (and the revocations of families with
    /// no token left), bans that ended before `now`, Digest nonce counts recorded before `nonceCountsBefore`, and
    /// audit records older than `auditBefore` when given. Audit records go in small batches, so that requests are
    /// never kept waiting behind one long delete.
    func pruneExpired(at now: Date, nonceCountsBefore: Date, auditBefore: Date?) async throws -> Int

    /// Records that the Digest nonce count `count` was used with `nonce`; `false` when it already was (a replay),
    /// whichever gateway saw it first.
    func recordNonceCount(nonce: String, count: Int, at time: Date) async throws -> Bool

    /// Stores a new refresh token.
    func insertRefreshToken(_ token: RefreshTokenRecord) async throws
    /// The refresh token with this id (the hash of the token), if any.
    func refreshToken(id: String) async throws -> RefreshTokenRecord?
    /// Marks a token redeemed at `time` unless it already was; returns the earlier redemption time, or nil when
    /// this call redeemed it (one atomic step, so parallel redemptions are told apart).
    func redeemRefreshToken(id: String, at time: Date) async throws -> Date?
    /// Revokes a whole family (`reason` is kept for `explain`); says whether it was not revoked before.
    func revokeFamily(_ family: String, at time: Date, reason: String) async throws -> Bool
    /// When and why a family was revoked, if it was.
    func familyRevocation(_ family: String) async throws -> (time: Date, reason: String)?

    /// The signing keys, oldest first.
    func signingKeys() async throws -> [SigningKeyRecord]
    /// Adds a signing key.
    func insertSigningKey(_ key: SigningKeyRecord) async throws
    /// Removes a signing key that no token still valid can need.
    func deleteSigningKey(kid: String) async throws

    /// A random secret of 32 bytes stored under `name`, made on first use, the same for every instance.
    func secret(named name: String) async throws -> [UInt8]
}
