import Foundation
import Gateway
import HTTPAuth
import Store
import Tokens

/// `gatehouse explain` output: the decision, the precise reason, what it means and the fix.
enum ExplainReport {
    static func text(_ record: AuditRecord, _ explanation: Reason?) -> String {
        var lines = [
            Terminal.bold("Request \(Terminal.printable(record.requestID))") + ": \(record.method) \(Terminal.printable(record.path)) → \(record.status) (\(record.outcome))",
            "  time:    \(TimeDescription.utc(record.time))",
            "  client:  \(record.client)",
            "  route:   \(record.route ?? "none")",
        ]
        if let host = record.host { lines.insert("  host:    \(Terminal.printable(host))", at: 3) }
        if let scheme = record.scheme { lines.append("  scheme:  \(scheme)") }
        if let user = record.user { lines.append("  user:    \(Terminal.printable(user))") }
        if let explanation {
            lines.append("  reason:  " + Terminal.red(explanation.id) + (explanation.causeID.map { "  (cause: \($0))" } ?? ""))
            if let detail = record.detail { lines.append("  found:   \(Terminal.printable(detail))") }
            lines.append("")
            lines.append("What it means: \(explanation.meaning)")
            lines.append("Fix: \(explanation.fix)")
        } else {
            lines.append("  reason:  " + Terminal.green("none: the request was \(record.outcome)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ record: AuditRecord, _ explanation: Reason?) -> String {
        OrderedJSON.object([
            ("request_id", .string(record.requestID)), ("time", .string(TimeDescription.utc(record.time))),
            ("client", .string(record.client)), ("method", .string(record.method)), ("host", .string(record.host)), ("path", .string(record.path)),
            ("route", .string(record.route)), ("scheme", .string(record.scheme)), ("user", .string(record.user)),
            ("outcome", .string(record.outcome)), ("status", .int(record.status)), ("reason", .string(record.reason)),
            ("cause", .string(explanation?.causeID?.rawValue)), ("detail", .string(record.detail)),
            ("meaning", .string(explanation?.meaning)), ("fix", .string(explanation?.fix)),
            ("latency_us", .int(record.latencyMicroseconds)),
        ]).text
    }
}
