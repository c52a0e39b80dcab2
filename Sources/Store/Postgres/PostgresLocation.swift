import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL as libpq reads it: the port defaults to 5432, the
/// user to `postgres`, the database to the user's name; `sslmode` is `disable`, `prefer` (the default: TLS when the
/// server offers it), `require` (TLS without checking the certificate, as libpq), or `verify-full` (TLS with the
/// certificate checked against the system's roots and the host name).
enum PostgresLocation {
    static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw StoreError("store: \(url) is not a postgres://user@host/database URL")
        }
        let user = components.user?.removingPercentEncoding ?? "postgres"
        let database = components.path.split(separator: "/").first.map(String.init)?.removingPercentEncoding ?? user
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        var unchecked = TLSConfiguration.makeClientConfiguration()
        unchecked.certificateVerification = .none
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "allow", "prefer": tls = .prefer(unchecked)
        case "require": tls = .require(unchecked)
        case "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
        default: throw StoreError("store: sslmode=\(mode) is not one of disable, prefer, require, verify-full")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password?.removingPercentEncoding,
            database: database, tls: tls)
    }
}
