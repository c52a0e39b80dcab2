/// Where the store lives, as the config's `store:` names it: `sqlite:PATH` (the default, `sqlite:gatehouse.sqlite`)
/// or `postgres://user@host/db`.
public enum StoreLocation: Hashable, Sendable {
    case sqlite(path: String)
    case postgres(url: String)

    /// Reads `sqlite:PATH`, a bare path (taken as SQLite), or a `postgres://` / `postgresql://` URL.
    public init(_ text: String) {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// Opens the store. A PostgreSQL store connects in the background; its first use says when it cannot.
    public func open() throws -> any GatewayStore {
        switch self {
        case .sqlite(let path):
            return try SQLiteStore(path: path)
        case .postgres(let url):
            return try PostgresStore(url: url)
        }
    }
}
