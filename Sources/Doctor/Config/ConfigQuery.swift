import Foundation

/// The request a user asks a server configuration about: the login (`--user`/`--password`, or curl's `-u`), the
/// scheme their client sends it with, and the headers it carries (`-H`). The configuration doctor answers it as the
/// server would: the password checked in the file the server reads, the scheme against the section's `AuthType`,
/// each header against what the server drops before the application sees it.
public struct ConfigQuery: Sendable, Hashable {
    /// The scheme the client sends a user and password with.
    public enum Scheme: String, Sendable, Hashable {
        case basic = "Basic", digest = "Digest"
    }

    public var user: String?
    public var password: String?
    /// curl's `-u` sends Basic, `--digest -u` Digest; nil with `--user`/`--password`, which ask only about the login
    /// (the client is taken to speak the section's scheme).
    public var scheme: Scheme?
    public var headers: [Exchange.Header]

    public init(user: String? = nil, password: String? = nil, scheme: Scheme? = nil, headers: [Exchange.Header] = []) {
        self.user = user
        self.password = password
        self.scheme = scheme
        self.headers = headers
    }

    /// The query of curl's flags: `-u USER[:PASSWORD]` (Basic, or Digest with `--digest`) and `-H` lines.
    public static func curl(user: String?, digest: Bool, headers: [String]) throws -> ConfigQuery {
        var query = ConfigQuery()
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            query.user = String(parts[0])
            query.password = parts.count > 1 ? String(parts[1]) : nil
            query.scheme = digest ? .digest : .basic
        }
        query.headers = try headers.map { line in
            guard let colon = line.firstIndex(of: ":"), colon > line.startIndex else { throw CurlError("-H takes 'Name: value', got '\(line)'") }
            return Exchange.Header(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return query
    }

    /// Whether it says anything about a request (a login or headers), so that the server's answer is worth modeling.
    var describesARequest: Bool { user != nil || !headers.isEmpty }

    /// The request headers whose names hold an underscore.
    var underscoredHeaders: [Exchange.Header] { headers.filter { $0.name.contains("_") } }
}
