import Foundation

/// An authentication message of an Apache or nginx error log: its reason as a cause id of `CAUSES.md` (with the
/// finer reason where the log gives one), the client and the user. Messages are matched as fail2ban's
/// `apache-auth` and `nginx-http-auth` filters match them; other lines of the error log are not about
/// authentication and are skipped.
struct ErrorLogLine {
    var minute: Int?
    var reason: String
    var client: String?
    var user: String?

    /// Apache codes and the reasons they give (httpd mod_auth_basic, mod_auth_digest, mod_authn_file, mod_authz_core).
    static let apacheCodes: [String: String] = [
        "AH01617": "password-mismatch", "AH01618": "unknown-user", "AH01790": "unknown-user", "AH01791": "unknown-user",
        "AH01792": "password-mismatch", "AH01794": "password-mismatch", "AH01614": "scheme-mismatch", "AH01781": "scheme-mismatch",
        "AH01631": "forbidden-sent-as-401", "AH01629": "forbidden-sent-as-401", "AH01630": "denied-by-server-configuration",
        "AH01620": "password-file-error", "AH01615": "config-error", "AH01788": "digest-realm-mismatch",
        "AH01786": "digest-uri-mismatch", "AH01778": "digest-stale-nonce", "AH01779": "digest-stale-nonce",
        "AH01776": "digest-invalid-nonce", "AH01777": "digest-invalid-nonce",
    ]

    /// Whether a reason is a refused credential (counted as a failed login of its client).
    static let failedLogin: Set<String> = ["password-mismatch", "unknown-user"]

    static func apache(_ line: String) -> ErrorLogLine? {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
        let minute = MinuteClock.apacheError(line[line.index(after: line.startIndex)..<close])
        guard let codeRange = line.range(of: #"AH0\d{4}"#, options: .regularExpression),
            let reason = apacheCodes[String(line[codeRange])]
        else { return nil }
        var parsed = ErrorLogLine(minute: minute, reason: reason)
        if let client = line.range(of: "[client ") ?? line.range(of: "[remote ") {
            let address = line[client.upperBound...].prefix { $0 != "]" }
            // Apache 2.4 always appends the port, also to IPv6 addresses (`[client ::1:46712]`).
            if let colon = address.lastIndex(of: ":"), address[address.index(after: colon)...].allSatisfy(\.isNumber) {
                parsed.client = String(address[..<colon])
            } else {
                parsed.client = String(address)
            }
        }
        let message = line[codeRange.upperBound...]
        if let user = message.range(of: "user ") {
            var name = message[user.upperBound...]
            if name.hasPrefix("`") || name.hasPrefix("'") {
                name = name.dropFirst().prefix { $0 != "'" && $0 != "`" }
            } else {
                name = name.prefix { $0 != ":" && $0 != " " }
            }
            if !name.isEmpty { parsed.user = String(name) }
        }
        return parsed
    }

    static func nginx(_ line: String) -> ErrorLogLine? {
        let reason: String
        if line.contains("\": password mismatch") || line.contains("\" password mismatch") {
            reason = "password-mismatch"
        } else if line.contains("\" was not found in \"") {
            reason = "unknown-user"
        } else if line.contains("no user/password was provided for basic authentication") {
            reason = "no-credentials-sent"
        } else if line.contains("crypt_r() failed") || (line.contains("open() \"") && line.lowercased().contains("passwd")) {
            reason = "password-file-error"
        } else {
            return nil
        }
        var parsed = ErrorLogLine(minute: MinuteClock.slashed(line.prefix(16)), reason: reason)
        if let client = line.range(of: ", client: ") {
            parsed.client = String(line[client.upperBound...].prefix { $0 != "," })
        }
        if let user = line.range(of: "user \"") {
            parsed.user = String(line[user.upperBound...].prefix { $0 != "\"" })
        }
        return parsed
    }

}
