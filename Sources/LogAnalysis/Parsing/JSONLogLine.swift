import Foundation

/// One JSON access-log line, with the field names servers use: nginx `log_format … escape=json` with its variable
/// names, common logging conventions, and the gateway's own access log (whose `reason` is kept).
struct JSONLogLine {
    var status: Int
    var minute: Int?
    var client: String?
    var user: String?
    var path: String?
    var userAgent: String?
    var reason: String?

    static let statusKeys = ["status", "status_code", "statusCode", "response_status", "sc_status"]
    static let clientKeys = ["client", "remote_addr", "client_ip", "clientIP", "ip", "remote_ip", "c_ip"]
    static let userKeys = ["user", "remote_user", "username", "cs_username"]
    static let pathKeys = ["path", "uri", "request_uri", "url", "request"]
    static let timeKeys = ["time", "time_iso8601", "timestamp", "@timestamp", "ts", "time_local", "date"]
    static let agentKeys = ["user_agent", "http_user_agent", "userAgent", "agent", "ua"]

    static func parse(_ line: UnsafeRawBufferPointer) -> JSONLogLine? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let status = first(statusKeys, in: object).flatMap(number)
        else { return nil }
        var parsed = JSONLogLine(status: status)
        parsed.client = first(clientKeys, in: object).flatMap(text)
        parsed.user = first(userKeys, in: object).flatMap(text).flatMap { $0.isEmpty || $0 == "-" ? nil : $0 }
        if let path = first(pathKeys, in: object).flatMap(text) {
            // `request` is a whole request line (`GET /a HTTP/1.1`).
            let target = path.contains(" ") ? path.split(separator: " ").dropFirst().first.map(String.init) ?? path : path
            parsed.path = String(target.prefix { $0 != "?" })
        }
        parsed.userAgent = first(agentKeys, in: object).flatMap(text)
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

    private static func text(_ value: Any) -> String? {
        if let string = value as? String { return string }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}
