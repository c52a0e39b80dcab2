import Foundation
import Logging
import PostgresNIO

/// The shared store: PostgreSQL through postgres-nio's pooled client, for several gateways behind one load balancer.
/// Bans, failure counters, sessions, refresh tokens, signing keys and secrets live here, so a ban made by one
/// instance is honoured by all, a session started on one is valid on every other, and a refresh token is redeemed
/// once across all of them (the row lock of `UPDATE … WHERE redeemed IS NULL` decides).
///
/// Opening does not wait for the server: the pool connects in the background and the schema is brought up to date
/// by the first call, which fails with a clear error when the server cannot be reached within ten seconds.
public final class PostgresStore: GatewayStore {
    private let client: PostgresClient
    private let running: Task<Void, Never>
    private let ready: Task<Void, any Error>
    private let logger = Logger(label: "gatehouse.store")
    /// The server, without credentials, for error messages.
    public let endpoint: String
    public var isShared: Bool { true }

    public init(url: String) throws {
        let configuration = try PostgresLocation.configuration(url)
        endpoint = "\(configuration.host ?? "?"):\(configuration.port ?? 5432)/\(configuration.database ?? "")"
        let client = PostgresClient(configuration: configuration)
        self.client = client
        running = Task { await client.run() }
        let (logger, endpoint) = (logger, endpoint)
        ready = Task {
            do {
                guard try await Self.finishes(within: 10, { try await PostgresSchema.migrate(client, logger: logger) }) else {
                    throw StoreError("store: PostgreSQL at \(endpoint) did not answer within 10 s (is it running, and does pg_hba.conf let this user in?)")
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError("store: cannot use PostgreSQL at \(endpoint): \(String(reflecting: error))")
            }
        }
    }

    deinit {
        running.cancel()
    }

    // MARK: Audit

    /// One multi-row INSERT per 1,000 records (14 parameters each, under PostgreSQL's 65,535).
    public func append(_ records: [AuditRecord]) async throws {
        for start in stride(from: 0, to: records.count, by: 1000) {
            let chunk = records[start..<min(start + 1000, records.count)]
            var bindings = PostgresBindings(capacity: chunk.count * 14)
            var rows: [String] = []
            for r in chunk {
                let first = bindings.count + 1
                rows.append("(" + (first..<first + 14).map { "$\($0)" }.joined(separator: ", ") + ")")
                bindings.append(r.time.timeIntervalSince1970)
                for text in [r.requestID, r.client, r.method, r.path] { bindings.append(text) }
                for text in [r.route, r.scheme, r.user] { bindings.append(text) }
                bindings.append(r.outcome)
                bindings.append(r.status)
                bindings.append(r.reason)
                bindings.append(r.detail)
                bindings.append(r.latencyMicroseconds)
                bindings.append(r.host)
            }
            try await execute(PostgresQuery(unsafeSQL: """
                INSERT INTO audit (time, request_id, client, method, path, route, scheme, username, outcome, status, reason, detail, latency_us, host)
                VALUES \(rows.joined(separator: ", "))
                """, binds: bindings))
        }
    }

    public func auditRecord(requestID: String) async throws -> AuditRecord? {
        try await rows("SELECT * FROM audit WHERE request_id = \(requestID) ORDER BY id DESC LIMIT 1").first.map { row in
            AuditRecord(
                time: Date(timeIntervalSince1970: try row["time"].decode(Double.self)), requestID: try row["request_id"].decode(String.self),
                client: try row["client"].decode(String.self), method: try row["method"].decode(String.self), path: try row["path"].decode(String.self),
                route: try row["route"].decode(String?.self), scheme: try row["scheme"].decode(String?.self), user: try row["username"].decode(String?.self),
                outcome: try row["outcome"].decode(String.self), status: try row["status"].decode(Int.self), reason: try row["reason"].decode(String?.self),
                detail: try row["detail"].decode(String?.self), latencyMicroseconds: try row["latency_us"].decode(Int.self),
                host: try row["host"].decode(String?.self))
        }
    }

    public func auditStatistics(since time: Date, limit: Int) async throws -> AuditStatistics {
        let since = time.timeIntervalSince1970
        var statistics = AuditStatistics()
        statistics.minutes = try await rows("""
            SELECT floor(time / 60)::bigint AS minute, COUNT(*) AS requests, COUNT(*) FILTER (WHERE status = 401) AS unauthorized,
                   COUNT(*) FILTER (WHERE status = 403) AS forbidden, COUNT(*) FILTER (WHERE status = 429) AS limited
            FROM audit WHERE time >= \(since) GROUP BY minute ORDER BY minute
            """).map { row in
            AuditStatistics.Minute(
                minute: try row["minute"].decode(Int.self), requests: try row["requests"].decode(Int.self),
                unauthorized: try row["unauthorized"].decode(Int.self), forbidden: try row["forbidden"].decode(Int.self),
                limited: try row["limited"].decode(Int.self))
        }
        for (column, keyPath) in [("reason", \AuditStatistics.reasons), ("client", \.clients), ("username", \.users), ("route", \.routes)] {
            statistics[keyPath: keyPath] = try await rows(PostgresQuery(unsafeSQL: """
                SELECT \(column) AS key, COUNT(*) AS count FROM audit
                WHERE time >= $1 AND status IN (401, 403, 429) AND \(column) IS NOT NULL
                GROUP BY \(column) ORDER BY count DESC, key LIMIT $2
                """, binds: Self.binds(since, limit))).map { (key: try $0["key"].decode(String.self), count: try $0["count"].decode(Int.self)) }
        }
        return statistics
    }

    // MARK: Failures and bans

    public func recordFailure(keys: [String], at time: Date, windowStart: Date) async throws -> [String: Int] {
        try await transaction { connection, logger in
            var counts: [String: Int] = [:]
            // Every expired failure goes, not only this key's: names guessed once must not pile up.
            try await connection.query("DELETE FROM failures WHERE time < \(windowStart.timeIntervalSince1970)", logger: logger)
            for key in keys {
                try await connection.query("INSERT INTO failures (key, time) VALUES (\(key), \(time.timeIntervalSince1970))", logger: logger)
                for try await count in try await connection.query("SELECT COUNT(*) FROM failures WHERE key = \(key)", logger: logger).decode(Int.self) {
                    counts[key] = count
                }
            }
            return counts
        }
    }

    public func clearFailures(keys: [String]) async throws {
        try await execute("DELETE FROM failures WHERE key = ANY(\(keys))")
    }

    public func ban(_ ban: Ban) async throws {
        try await execute("""
            INSERT INTO bans (key, since, until, reason) VALUES (\(ban.key), \(ban.since.timeIntervalSince1970), \(ban.until.timeIntervalSince1970), \(ban.reason))
            ON CONFLICT (key) DO UPDATE SET since = EXCLUDED.since, until = EXCLUDED.until, reason = EXCLUDED.reason
            """)
    }

    public func activeBans(at now: Date) async throws -> [Ban] {
        try await rows("SELECT * FROM bans WHERE until > \(now.timeIntervalSince1970) ORDER BY until").map { row in
            Ban(
                key: try row["key"].decode(String.self), since: Date(timeIntervalSince1970: try row["since"].decode(Double.self)),
                until: Date(timeIntervalSince1970: try row["until"].decode(Double.self)), reason: try row["reason"].decode(String.self))
        }
    }

    public func unban(key: String) async throws -> Bool {
        try await transaction { connection, logger in
            let lifted = try await Self.count(connection.query("DELETE FROM bans WHERE key = \(key) RETURNING key", logger: logger))
            try await connection.query("DELETE FROM failures WHERE key = \(key)", logger: logger)
            return lifted > 0
        }
    }

    // MARK: API keys

    public func insertAPIKey(_ key: APIKeyRecord) async throws {
        try await execute("""
            INSERT INTO api_keys (id, name, username, secret_hash, scopes, created, expires, revoked)
            VALUES (\(key.id), \(key.name), \(key.user), \(key.secretHash), \(key.scopes.joined(separator: " ")), \(key.created.timeIntervalSince1970),
                    \(key.expires?.timeIntervalSince1970), \(key.revoked?.timeIntervalSince1970))
            """)
    }

    public func apiKey(id: String) async throws -> APIKeyRecord? {
        try await rows("SELECT * FROM api_keys WHERE id = \(id)").first.map(Self.apiKeyRecord)
    }

    public func apiKeys() async throws -> [APIKeyRecord] {
        try await rows("SELECT * FROM api_keys ORDER BY created DESC").map(Self.apiKeyRecord)
    }

    public func revokeAPIKey(id: String, at time: Date) async throws -> Bool {
        try await count("UPDATE api_keys SET revoked = \(time.timeIntervalSince1970) WHERE id = \(id) AND revoked IS NULL RETURNING id") > 0
    }

    private static func apiKeyRecord(_ row: PostgresRandomAccessRow) throws -> APIKeyRecord {
        APIKeyRecord(
            id: try row["id"].decode(String.self), name: try row["name"].decode(String.self), user: try row["username"].decode(String.self),
            secretHash: try row["secret_hash"].decode(String.self), scopes: try row["scopes"].decode(String.self).split(separator: " ").map(String.init),
            created: Date(timeIntervalSince1970: try row["created"].decode(Double.self)),
            expires: try row["expires"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)),
            revoked: try row["revoked"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: Sessions

    public func insertSession(_ session: SessionRecord) async throws {
        try await execute("""
            INSERT INTO sessions (id, username, created, last_seen, csrf)
            VALUES (\(session.id), \(session.user), \(session.created.timeIntervalSince1970), \(session.lastSeen.timeIntervalSince1970), \(session.csrf))
            """)
    }

    public func session(id: String) async throws -> SessionRecord? {
        try await rows("SELECT * FROM sessions WHERE id = \(id)").first.map { row in
            SessionRecord(
                id: try row["id"].decode(String.self), user: try row["username"].decode(String.self),
                created: Date(timeIntervalSince1970: try row["created"].decode(Double.self)),
                lastSeen: Date(timeIntervalSince1970: try row["last_seen"].decode(Double.self)), csrf: try row["csrf"].decode(String.self))
        }
    }

    public func touchSession(id: String, at time: Date) async throws {
        try await execute("UPDATE sessions SET last_seen = GREATEST(last_seen, \(time.timeIntervalSince1970)) WHERE id = \(id)")
    }

    public func deleteSession(id: String) async throws -> Bool {
        try await count("DELETE FROM sessions WHERE id = \(id) RETURNING id") > 0
    }

    public func pruneSessions(lastSeenBefore lastSeen: Date, createdBefore created: Date) async throws -> Int {
        try await count("DELETE FROM sessions WHERE last_seen < \(lastSeen.timeIntervalSince1970) OR created < \(created.timeIntervalSince1970) RETURNING id")
    }

    public func recordNonceCount(nonce: String, count: Int, at time: Date) async throws -> Bool {
        try await self.count("""
            INSERT INTO digest_nonce_counts (nonce, count, time) VALUES (\(nonce), \(count), \(time.timeIntervalSince1970))
            ON CONFLICT (nonce, count) DO NOTHING RETURNING count
            """) > 0
    }

    public func pruneExpired(at now: Date, nonceCountsBefore: Date, auditBefore: Date?) async throws -> Int {
        let moment = now.timeIntervalSince1970
        var deleted = try await transaction { connection, logger in
            try await Self.count(connection.query("DELETE FROM refresh_tokens WHERE expires < \(moment) RETURNING id", logger: logger))
                + Self.count(connection.query(
                    "DELETE FROM token_families f WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family = f.family) RETURNING family", logger: logger))
                + Self.count(connection.query("DELETE FROM bans WHERE until < \(moment) RETURNING key", logger: logger))
                + Self.count(connection.query(
                    "DELETE FROM digest_nonce_counts WHERE time < \(nonceCountsBefore.timeIntervalSince1970) RETURNING count", logger: logger))
        }
        guard let auditBefore else { return deleted }
        while true {
            let batch = try await count(
                "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE time < \(auditBefore.timeIntervalSince1970) LIMIT 5000) RETURNING id")
            deleted += batch
            if batch < 5000 { return deleted }
        }
    }

    // MARK: Refresh tokens and signing keys

    public func insertRefreshToken(_ token: RefreshTokenRecord) async throws {
        try await execute("""
            INSERT INTO refresh_tokens (id, family, username, scopes, created, expires, redeemed)
            VALUES (\(token.id), \(token.family), \(token.user), \(token.scopes.joined(separator: " ")), \(token.created.timeIntervalSince1970),
                    \(token.expires.timeIntervalSince1970), \(token.redeemed?.timeIntervalSince1970))
            """)
    }

    public func refreshToken(id: String) async throws -> RefreshTokenRecord? {
        try await rows("SELECT * FROM refresh_tokens WHERE id = \(id)").first.map { row in
            RefreshTokenRecord(
                id: try row["id"].decode(String.self), family: try row["family"].decode(String.self), user: try row["username"].decode(String.self),
                scopes: try row["scopes"].decode(String.self).split(separator: " ").map(String.init),
                created: Date(timeIntervalSince1970: try row["created"].decode(Double.self)),
                expires: Date(timeIntervalSince1970: try row["expires"].decode(Double.self)),
                redeemed: try row["redeemed"].decode(Double?.self).map(Date.init(timeIntervalSince1970:)))
        }
    }

    public func redeemRefreshToken(id: String, at time: Date) async throws -> Date? {
        // A parallel UPDATE of the same row waits for this one to commit, then finds `redeemed` set and changes nothing.
        if try await count("UPDATE refresh_tokens SET redeemed = \(time.timeIntervalSince1970) WHERE id = \(id) AND redeemed IS NULL RETURNING id") > 0 {
            return nil
        }
        let earlier = try await rows("SELECT redeemed FROM refresh_tokens WHERE id = \(id)").first.flatMap { try $0["redeemed"].decode(Double?.self) }
        return earlier.map(Date.init(timeIntervalSince1970:)) ?? time
    }

    public func revokeFamily(_ family: String, at time: Date, reason: String) async throws -> Bool {
        try await count("""
            INSERT INTO token_families (family, revoked, reason) VALUES (\(family), \(time.timeIntervalSince1970), \(reason))
            ON CONFLICT (family) DO NOTHING RETURNING family
            """) > 0
    }

    public func familyRevocation(_ family: String) async throws -> (time: Date, reason: String)? {
        try await rows("SELECT revoked, reason FROM token_families WHERE family = \(family)").first.map { row in
            (Date(timeIntervalSince1970: try row["revoked"].decode(Double.self)), try row["reason"].decode(String.self))
        }
    }

    public func signingKeys() async throws -> [SigningKeyRecord] {
        try await rows("SELECT * FROM signing_keys ORDER BY created").map { row in
            SigningKeyRecord(
                kid: try row["kid"].decode(String.self), privateKey: [UInt8](try row["private_key"].decode(Data.self)),
                created: Date(timeIntervalSince1970: try row["created"].decode(Double.self)))
        }
    }

    public func insertSigningKey(_ key: SigningKeyRecord) async throws {
        try await execute("""
            INSERT INTO signing_keys (kid, private_key, created) VALUES (\(key.kid), \(Data(key.privateKey)), \(key.created.timeIntervalSince1970))
            ON CONFLICT (kid) DO NOTHING
            """)
    }

    public func deleteSigningKey(kid: String) async throws {
        try await execute("DELETE FROM signing_keys WHERE kid = \(kid)")
    }

    // MARK: Secrets

    public func secret(named name: String) async throws -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let candidate = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        // The first instance's value wins; every other instance reads it.
        try await execute("INSERT INTO secrets (name, value) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING")
        guard let stored = try await rows("SELECT value FROM secrets WHERE name = \(name)").first else {
            throw StoreError("store: the secret \(name) vanished from \(endpoint)")
        }
        return [UInt8](try stored["value"].decode(Data.self))
    }

    // MARK: Running queries

    private func prepared() async throws {
        try await ready.value
    }

    /// How long one statement may take, waiting for a connection included. postgres-nio's pool waits for a
    /// connection as long as the server is away; a gateway must answer (503, `store-unavailable`) instead.
    static let deadline: Double = 3

    private func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        try await prepared()
        let (client, logger, endpoint) = (client, logger, endpoint)
        return try await withThrowingTaskGroup(of: [PostgresRandomAccessRow]?.self) { group in
            group.addTask {
                var result: [PostgresRandomAccessRow] = []
                for try await row in try await client.query(query, logger: logger) { result.append(row.makeRandomAccess()) }
                return result
            }
            group.addTask {
                try await Task.sleep(for: .seconds(Self.deadline))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw StoreError("store: PostgreSQL at \(endpoint) did not answer within \(Int(Self.deadline)) s")
            }
            return result
        }
    }

    private func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// How many rows a statement with `RETURNING` touched.
    private func count(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).count
    }

    private static func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows { count += 1 }
        return count
    }

    private func transaction<Result: Sendable>(_ body: (PostgresConnection, Logger) async throws -> Result) async throws -> Result {
        try await prepared()
        let logger = logger
        return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
    }

    private static func binds(_ since: Double, _ limit: Int) -> PostgresBindings {
        var bindings = PostgresBindings()
        bindings.append(since)
        bindings.append(limit)
        return bindings
    }

    /// Whether `body` finished within `seconds` (it is cancelled if not).
    private static func finishes(within seconds: Double, _ body: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return false
            }
            let finished = try await group.next() ?? false
            group.cancelAll()
            return finished
        }
    }
}
