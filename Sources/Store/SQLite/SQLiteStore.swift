import Foundation
import GRDB

/// The embedded store: one SQLite file in WAL mode through GRDB, so that `gatehouse explain` and
/// `gatehouse apikey` can read and write it while the gateway runs.
public final class SQLiteStore: GatewayStore {
    private let pool: DatabasePool
    public let path: String
    /// One gateway owns an SQLite file (other processes only read it or manage keys).
    public var isShared: Bool { false }

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator.migrate(pool)
        } catch {
            throw StoreError("store: cannot open SQLite database \(path): \(error)")
        }
    }

    // MARK: Audit

    public func append(_ records: [AuditRecord]) async throws {
        try await pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO audit (time, request_id, client, method, path, route, scheme, user, outcome, status, reason, detail, latency_us, host)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for record in records {
                try statement.execute(arguments: [
                    record.time.timeIntervalSince1970, record.requestID, record.client, record.method, record.path, record.route,
                    record.scheme, record.user, record.outcome, record.status, record.reason, record.detail,
                    record.latencyMicroseconds, record.host,
                ])
            }
        }
    }

    public func auditRecord(requestID: String) async throws -> AuditRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM audit WHERE request_id = ? ORDER BY id DESC LIMIT 1", arguments: [requestID])
                .map(Self.auditRecord)
        }
    }

    private static func auditRecord(_ row: Row) -> AuditRecord {
        AuditRecord(
            time: Date(timeIntervalSince1970: row["time"]), requestID: row["request_id"], client: row["client"],
            method: row["method"], path: row["path"], route: row["route"], scheme: row["scheme"], user: row["user"],
            outcome: row["outcome"], status: row["status"], reason: row["reason"], detail: row["detail"],
            latencyMicroseconds: row["latency_us"], host: row["host"])
    }

    // MARK: Failures and bans

    public func recordFailure(keys: [String], at time: Date, windowStart: Date) async throws -> [String: Int] {
        try await pool.write { db in
            var counts: [String: Int] = [:]
            // Every expired failure goes, not only this key's: names guessed once must not pile up.
            try db.execute(sql: "DELETE FROM failures WHERE time < ?", arguments: [windowStart.timeIntervalSince1970])
            for key in keys {
                try db.execute(sql: "INSERT INTO failures (key, time) VALUES (?, ?)", arguments: [key, time.timeIntervalSince1970])
                counts[key] = try Int.fetchOne(db, sql: "SELECT count(*) FROM failures WHERE key = ?", arguments: [key]) ?? 0
            }
            return counts
        }
    }

    public func clearFailures(keys: [String]) async throws {
        try await pool.write { db in
            for key in keys { try db.execute(sql: "DELETE FROM failures WHERE key = ?", arguments: [key]) }
        }
    }

    public func ban(_ ban: Ban) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO bans (key, since, until, reason) VALUES (?, ?, ?, ?)",
                arguments: [ban.key, ban.since.timeIntervalSince1970, ban.until.timeIntervalSince1970, ban.reason])
        }
    }

    public func auditStatistics(since time: Date, limit: Int) async throws -> AuditStatistics {
        try await pool.read { db in
            var statistics = AuditStatistics()
            let since = time.timeIntervalSince1970
            statistics.minutes = try Row.fetchAll(db, sql: """
                SELECT CAST(time / 60 AS INTEGER) AS minute, COUNT(*) AS requests, SUM(status = 401) AS unauthorized,
                       SUM(status = 403) AS forbidden, SUM(status = 429) AS limited
                FROM audit WHERE time >= ? GROUP BY minute ORDER BY minute
                """, arguments: [since]).map { row in
                AuditStatistics.Minute(minute: row["minute"], requests: row["requests"], unauthorized: row["unauthorized"], forbidden: row["forbidden"], limited: row["limited"])
            }
            func top(_ column: String) throws -> [(key: String, count: Int)] {
                try Row.fetchAll(db, sql: """
                    SELECT \(column) AS key, COUNT(*) AS count FROM audit
                    WHERE time >= ? AND status IN (401, 403, 429) AND \(column) IS NOT NULL
                    GROUP BY \(column) ORDER BY count DESC, key LIMIT ?
                    """, arguments: [since, limit]).map { (key: $0["key"], count: $0["count"]) }
            }
            statistics.reasons = try top("reason")
            statistics.clients = try top("client")
            statistics.users = try top("user")
            statistics.routes = try top("route")
            return statistics
        }
    }

    public func activeBans(at now: Date) async throws -> [Ban] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bans WHERE until > ? ORDER BY until", arguments: [now.timeIntervalSince1970]).map { row in
                Ban(key: row["key"], since: Date(timeIntervalSince1970: row["since"]), until: Date(timeIntervalSince1970: row["until"]), reason: row["reason"])
            }
        }
    }

    public func unban(key: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM bans WHERE key = ?", arguments: [key])
            let existed = db.changesCount > 0
            try db.execute(sql: "DELETE FROM failures WHERE key = ?", arguments: [key])
            return existed
        }
    }

    // MARK: API keys

    public func insertSession(_ session: SessionRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO sessions (id, user, created, last_seen, csrf) VALUES (?, ?, ?, ?, ?)",
                arguments: [session.id, session.user, session.created.timeIntervalSince1970, session.lastSeen.timeIntervalSince1970, session.csrf])
        }
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]).map { row in
                SessionRecord(
                    id: row["id"], user: row["user"], created: Date(timeIntervalSince1970: row["created"]),
                    lastSeen: Date(timeIntervalSince1970: row["last_seen"]), csrf: row["csrf"])
            }
        }
    }

    public func touchSession(id: String, at time: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE id = ?", arguments: [time.timeIntervalSince1970, id])
        }
    }

    public func deleteSession(id: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func pruneSessions(lastSeenBefore lastSeen: Date, createdBefore created: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM sessions WHERE last_seen < ? OR created < ?", arguments: [lastSeen.timeIntervalSince1970, created.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func recordNonceCount(nonce: String, count: Int, at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO digest_nonce_counts (nonce, count, time) VALUES (?, ?, ?)", arguments: [nonce, count, time.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    public func pruneExpired(at now: Date, nonceCountsBefore: Date, auditBefore: Date?) async throws -> Int {
        var deleted = try await pool.write { db in
            try db.execute(sql: "DELETE FROM refresh_tokens WHERE expires < ?", arguments: [now.timeIntervalSince1970])
            var count = db.changesCount
            try db.execute(sql: "DELETE FROM token_families WHERE family NOT IN (SELECT family FROM refresh_tokens)")
            count += db.changesCount
            try db.execute(sql: "DELETE FROM bans WHERE until < ?", arguments: [now.timeIntervalSince1970])
            count += db.changesCount
            try db.execute(sql: "DELETE FROM digest_nonce_counts WHERE time < ?", arguments: [nonceCountsBefore.timeIntervalSince1970])
            return count + db.changesCount
        }
        guard let auditBefore else { return deleted }
        while true {
            let batch = try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM audit WHERE rowid IN (SELECT rowid FROM audit WHERE time < ? LIMIT 5000)", arguments: [auditBefore.timeIntervalSince1970])
                return db.changesCount
            }
            deleted += batch
            if batch < 5000 { return deleted }
        }
    }

    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO refresh_tokens (id, family, user, scopes, created, expires, redeemed) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    token.id, token.family, token.user, token.scopes.joined(separator: " "), token.created.timeIntervalSince1970,
                    token.expires.timeIntervalSince1970, token.redeemed?.timeIntervalSince1970,
                ])
        }
    }

    public func refreshToken(id: String) async throws -> RefreshTokenRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM refresh_tokens WHERE id = ?", arguments: [id]).map { row in
                RefreshTokenRecord(
                    id: row["id"], family: row["family"], user: row["user"],
                    scopes: (row["scopes"] as String).split(separator: " ").map(String.init),
                    created: Date(timeIntervalSince1970: row["created"]), expires: Date(timeIntervalSince1970: row["expires"]),
                    redeemed: (row["redeemed"] as Double?).map(Date.init(timeIntervalSince1970:)))
            }
        }
    }

    public func redeemRefreshToken(id: String, at time: Date) async throws -> Date? {
        try await pool.write { db in
            try db.execute(sql: "UPDATE refresh_tokens SET redeemed = ? WHERE id = ? AND redeemed IS NULL", arguments: [time.timeIntervalSince1970, id])
            if db.changesCount > 0 { return nil }
            let earlier = try Double.fetchOne(db, sql: "SELECT redeemed FROM refresh_tokens WHERE id = ?", arguments: [id])
            return earlier.map(Date.init(timeIntervalSince1970:)) ?? time
        }
    }

    public func revokeFamily(_ family: String, at time: Date, reason: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO token_families (family, revoked, reason) VALUES (?, ?, ?)", arguments: [family, time.timeIntervalSince1970, reason])
            return db.changesCount > 0
        }
    }

    public func familyRevocation(_ family: String) async throws -> (time: Date, reason: String)? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT revoked, reason FROM token_families WHERE family = ?", arguments: [family]).map { row in
                (Date(timeIntervalSince1970: row["revoked"]), row["reason"])
            }
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM signing_keys ORDER BY created").map { row in
                SigningKeyRecord(kid: row["kid"], privateKey: [UInt8](row["private_key"] as Data), created: Date(timeIntervalSince1970: row["created"]))
            }
        }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO signing_keys (kid, private_key, created) VALUES (?, ?, ?)",
                arguments: [key.kid, Data(key.privateKey), key.created.timeIntervalSince1970])
        }
    }

    public func deleteSigningKey(kid: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM signing_keys WHERE kid = ?", arguments: [kid]) }
    }

    public func insertAPIKey(_ key: APIKeyRecord) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "INSERT INTO api_keys (id, name, user, secret_hash, scopes, created, expires, revoked) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    key.id, key.name, key.user, key.secretHash, key.scopes.joined(separator: " "), key.created.timeIntervalSince1970,
                    key.expires?.timeIntervalSince1970, key.revoked?.timeIntervalSince1970,
                ])
        }
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_keys WHERE id = ?", arguments: [id]).map(Self.apiKeyRecord)
        }
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created DESC").map(Self.apiKeyRecord)
        }
    }

    public func revokeAPIKey(id: String, at time: Date) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_keys SET revoked = ? WHERE id = ? AND revoked IS NULL", arguments: [time.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    private static func apiKeyRecord(_ row: Row) -> APIKeyRecord {
        let scopes: String = row["scopes"]
        return APIKeyRecord(
            id: row["id"], name: row["name"], user: row["user"], secretHash: row["secret_hash"],
            scopes: scopes.split(separator: " ").map(String.init), created: Date(timeIntervalSince1970: row["created"]),
            expires: (row["expires"] as Double?).map(Date.init(timeIntervalSince1970:)),
            revoked: (row["revoked"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: Secrets

    public func secret(named name: String) async throws -> [UInt8] {
        try await pool.write { db in
            if let existing = try Data.fetchOne(db, sql: "SELECT value FROM secrets WHERE name = ?", arguments: [name]) {
                return Array(existing)
            }
            var generator = SystemRandomNumberGenerator()
            let value = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            try db.execute(sql: "INSERT INTO secrets (name, value) VALUES (?, ?)", arguments: [name, Data(value)])
            return value
        }
    }
}
