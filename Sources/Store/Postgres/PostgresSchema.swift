import Logging
import PostgresNIO

/// The PostgreSQL schema, the same tables as ``SQLiteSchema`` (times in seconds since 1970 as `DOUBLE PRECISION`,
/// so that both stores compare times alike; `user` is `username`, a reserved word in PostgreSQL). Instances that
/// start together take an advisory lock, so one of them creates the tables and the others find them.
enum PostgresSchema {
    static let migrations: [(version: Int, sql: [String])] = [
        (1, [
            """
            CREATE TABLE audit (
                id BIGSERIAL PRIMARY KEY, time DOUBLE PRECISION NOT NULL, request_id TEXT NOT NULL, client TEXT NOT NULL,
                method TEXT NOT NULL, path TEXT NOT NULL, route TEXT, scheme TEXT, username TEXT, outcome TEXT NOT NULL,
                status INTEGER NOT NULL, reason TEXT, detail TEXT, latency_us BIGINT NOT NULL)
            """,
            "CREATE INDEX audit_request_id ON audit(request_id)",
            "CREATE INDEX audit_time ON audit(time)",
            "CREATE TABLE failures (key TEXT NOT NULL, time DOUBLE PRECISION NOT NULL)",
            "CREATE INDEX failures_key_time ON failures(key, time)",
            "CREATE INDEX failures_time ON failures(time)",
            "CREATE TABLE bans (key TEXT PRIMARY KEY, since DOUBLE PRECISION NOT NULL, until DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL)",
            """
            CREATE TABLE api_keys (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, username TEXT NOT NULL, secret_hash TEXT NOT NULL, scopes TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION, revoked DOUBLE PRECISION)
            """,
            "CREATE TABLE secrets (name TEXT PRIMARY KEY, value BYTEA NOT NULL)",
            """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY, username TEXT NOT NULL, created DOUBLE PRECISION NOT NULL,
                last_seen DOUBLE PRECISION NOT NULL, csrf TEXT NOT NULL)
            """,
            """
            CREATE TABLE refresh_tokens (
                id TEXT PRIMARY KEY, family TEXT NOT NULL, username TEXT NOT NULL, scopes TEXT NOT NULL,
                created DOUBLE PRECISION NOT NULL, expires DOUBLE PRECISION NOT NULL, redeemed DOUBLE PRECISION)
            """,
            "CREATE INDEX refresh_tokens_family ON refresh_tokens(family)",
            "CREATE TABLE token_families (family TEXT PRIMARY KEY, revoked DOUBLE PRECISION NOT NULL, reason TEXT NOT NULL)",
            "CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, private_key BYTEA NOT NULL, created DOUBLE PRECISION NOT NULL)",
        ]),
        (2, [
            "CREATE TABLE digest_nonce_counts (nonce TEXT NOT NULL, count BIGINT NOT NULL, time DOUBLE PRECISION NOT NULL, PRIMARY KEY (nonce, count))",
            "CREATE INDEX digest_nonce_counts_time ON digest_nonce_counts(time)",
        ]),
        (3, ["ALTER TABLE audit ADD COLUMN host TEXT"]),
    ]

    /// Brings the schema up to date, in one transaction under an advisory lock.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7140401)", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS gatehouse_schema (version INTEGER NOT NULL)", logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT COALESCE(MAX(version), 0) FROM gatehouse_schema", logger: logger).decode(Int.self) {
                current = version
            }
            for migration in migrations where migration.version > current {
                for statement in migration.sql { try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger) }
                try await connection.query("INSERT INTO gatehouse_schema (version) VALUES (\(migration.version))", logger: logger)
            }
        }
    }
}
