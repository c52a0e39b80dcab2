import GRDB

/// The SQLite schema, as GRDB migrations: add a migration, never edit a shipped one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    time REAL NOT NULL,
                    request_id TEXT NOT NULL,
                    client TEXT NOT NULL,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    route TEXT,
                    scheme TEXT,
                    user TEXT,
                    outcome TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    reason TEXT,
                    detail TEXT,
                    latency_us INTEGER NOT NULL
                );
                CREATE INDEX audit_request_id ON audit(request_id);
                CREATE INDEX audit_time ON audit(time);
                CREATE TABLE failures (key TEXT NOT NULL, time REAL NOT NULL);
                CREATE INDEX failures_key_time ON failures(key, time);
                CREATE TABLE bans (key TEXT PRIMARY KEY, since REAL NOT NULL, until REAL NOT NULL, reason TEXT NOT NULL);
                CREATE TABLE api_keys (
                    id TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    user TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    created REAL NOT NULL,
                    expires REAL,
                    revoked REAL
                );
                CREATE TABLE secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
                """)
        }
        migrator.registerMigration("v2: failures by time") { db in
            try db.execute(sql: "CREATE INDEX failures_time ON failures(time)")
        }
        migrator.registerMigration("v3: sessions") { db in
            try db.execute(sql: """
                CREATE TABLE sessions (
                    id TEXT PRIMARY KEY,
                    user TEXT NOT NULL,
                    created REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    csrf TEXT NOT NULL
                )
                """)
        }
        migrator.registerMigration("v4: tokens") { db in
            try db.execute(sql: """
                CREATE TABLE refresh_tokens (
                    id TEXT PRIMARY KEY,
                    family TEXT NOT NULL,
                    user TEXT NOT NULL,
                    scopes TEXT NOT NULL,
                    created REAL NOT NULL,
                    expires REAL NOT NULL,
                    redeemed REAL
                );
                CREATE INDEX refresh_tokens_family ON refresh_tokens(family);
                CREATE TABLE token_families (family TEXT PRIMARY KEY, revoked REAL NOT NULL, reason TEXT NOT NULL);
                CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, private_key BLOB NOT NULL, created REAL NOT NULL);
                """)
        }
        migrator.registerMigration("v5: digest nonce counts") { db in
            try db.execute(sql: """
                CREATE TABLE digest_nonce_counts (nonce TEXT NOT NULL, count INTEGER NOT NULL, time REAL NOT NULL, PRIMARY KEY (nonce, count));
                CREATE INDEX digest_nonce_counts_time ON digest_nonce_counts(time);
                """)
        }
        migrator.registerMigration("v6: audit host") { db in
            try db.execute(sql: "ALTER TABLE audit ADD COLUMN host TEXT")
        }
        return migrator
    }
}
