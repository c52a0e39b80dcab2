import Foundation

/// The formats `gatehouse logs` reads, told apart by their first lines.
public enum LogFormat: String, Sendable, Hashable, CaseIterable {
    /// Apache and nginx `common` / `combined` (user agent optional).
    case combined
    /// One JSON object per line: nginx `escape=json` formats, other servers' JSON logs, the gateway's access log.
    case json
    /// Apache's error log (`[Tue Nov 24 05:23:08.123 2026] [auth_basic:error] [pid …] [client …] AH01617: …`).
    case apacheError = "apache-error"
    /// nginx's error log (`2026/11/24 05:23:08 [error] 1#1: *5 user "alice": password mismatch, client: …`).
    case nginxError = "nginx-error"
    /// The W3C extended log format IIS writes (`#Fields: date time … sc-status sc-substatus sc-win32-status …`).
    case w3c
    /// A layout given with `--log-format` (an Apache `LogFormat` or nginx `log_format` string); never detected.
    case custom

    /// The format most of the first lines are in, or nil when none reads them.
    static func detect(_ sample: [String]) -> LogFormat? {
        // A W3C log names its own fields; IIS writes the directive block first in every file.
        if sample.prefix(10).contains(where: { $0.hasPrefix("#Fields:") || $0.hasPrefix("#Software: Microsoft Internet Information Services") }) {
            return .w3c
        }
        var votes: [LogFormat: Int] = [:]
        var clock = MinuteClock()
        for line in sample.prefix(50) where !line.isEmpty {
            if line.hasPrefix("{") {
                votes[.json, default: 0] += 1
            } else if line.hasPrefix("["), line.contains("] ["), MinuteClock.apacheError(line.dropFirst().prefix { $0 != "]" }) != nil {
                votes[.apacheError, default: 0] += 1
            } else if line.count > 20, line.dropFirst(19).hasPrefix(" ["), MinuteClock.slashed(line.prefix(16)) != nil {
                votes[.nginxError, default: 0] += 1
            } else if Array(line.utf8).withUnsafeBytes({ CombinedLine.parse($0, clock: &clock) }) != nil {
                votes[.combined, default: 0] += 1
            }
        }
        return votes.max { $0.value < $1.value }?.key
    }
}
