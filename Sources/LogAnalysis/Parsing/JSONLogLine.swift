import Foundation

/// One JSON access-log line, with the field names servers use: nginx `log_format … escape=json` with its variable
/// names, Caddy's access log (the request nested under `request`, its headers as arrays, `user_id`), Traefik's
/// (`DownstreamStatus`, `ClientHost`, `ClientUsername`, `RequestPath`), common logging conventions, and the
/// gateway's own access log (whose `reason` is kept).
struct JSONLogLine {
    var status: Int
    var minute: Int?
    var client: String?
    var user: String?
    var path: String?
    var userAgent: String?
    var reason: String?
    /// The line shows a credential was sent even without a user name: Caddy logs `Authorization` with its value
    /// redacted.
    var sentCredential = false

    static let statusKeys = ["status", "status_code", "statusCode", "response_status", "sc_status", "DownstreamStatus"]
    static let clientKeys = ["client", "remote_addr", "client_ip", "clientIP", "ip", "remote_ip", "c_ip", "ClientHost"]
    static let userKeys = ["user", "remote_user", "username", "cs_username", "user_id", "ClientUsername"]
    static let pathKeys = ["path", "uri", "request_uri", "url", "request", "RequestPath"]
    static let timeKeys = ["time", "time_iso8601", "timestamp", "@timestamp", "ts", "time_local", "date", "StartUTC"]
    static let agentKeys = ["user_agent", "http_user_agent", "userAgent", "agent", "ua", "request_User-Agent"]

    static func parse(_ line: UnsafeRawBufferPointer) -> JSONLogLine? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let status = first(statusKeys, in: object).flatMap(number)
        else { return nil }
        var parsed = JSONLogLine(status: status)
        // Caddy nests the request: `{"request": {"remote_ip", "client_ip", "uri", "headers": {"User-Agent": [...]}}}`.
        let request = object["request"] as? [String: Any] ?? [:]
        let headers = (request["headers"] as? [String: Any] ?? [:]).reduce(into: [String: Any]()) { $0[$1.key.lowercased()] = $1.value }
        parsed.client = (first(clientKeys, in: object) ?? first(clientKeys, in: request)).flatMap(text)
        parsed.user = first(userKeys, in: object).flatMap(text).flatMap { $0.isEmpty || $0 == "-" ? nil : $0 }
        parsed.sentCredential = parsed.user != nil || headers["authorization"] != nil
        if let path = (first(pathKeys, in: object).flatMap(text) ?? first(pathKeys, in: request).flatMap(text)) {
            // `request` is a whole request line (`GET /a HTTP/1.1`).
            let target = path.contains(" ") ? path.split(separator: " ").dropFirst().first.map(String.init) ?? path : path
            parsed.path = String(target.prefix { $0 != "?" })
        }
        parsed.userAgent = (first(agentKeys, in: object) ?? headers["user-agent"]).flatMap(text)
        parsed.reason = object["reason"].flatMap(text)
        if let time = first(timeKeys, in: object) {
            if let seconds = time as? Double ?? (time as? Int).map(Double.init) {
                parsed.minute = Int((seconds > 1e11 ? seconds / 1000 : seconds) / 60)
            } else if let text = time as? String {
                var clock = MinuteClock()
                parsed.minute = MinuteClock.iso8601(text) ?? Array(text.utf8).withUnsafeBytes { clock.commonLogTime($0) }
            }
        }
        return parsed
    }

    private static func first(_ keys: [String], in object: [String: Any]) -> Any? {
        for key in keys { if let value = object[key], !(value is NSNull) { return value } }
        return nil
    }

    private static func number(_ value: Any) -> Int? {
        if let int = value as? Int { return int }
        if let text = value as? String { return Int(text) }
        return nil
    }

    /// A string, a number, or the first string of an array (Caddy logs header values as arrays).
    private static func text(_ value: Any) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        if let list = value as? [Any] { return list.first as? String }
        return nil
    }
}
