import Foundation
import Tokens

/// What `gatehouse token` prints: header, claims with readable times, and one line per check.
struct TokenReport {
    let verification: TokenVerification
    let now: Date

    private static let timeClaims = ["exp", "nbf", "iat", "auth_time"]

    var json: OrderedJSON {
        var members: [(String, OrderedJSON)] = []
        if let token = verification.token {
            members.append(("header", OrderedJSON(token.header)))
            members.append(("claims", OrderedJSON(token.claims)))
            let times: [(String, OrderedJSON)] = Self.timeClaims.compactMap { claim in
                token.date(claim).map { date in
                    (claim, .object([("utc", .string(TimeDescription.utc(date))), ("relative", .string(TimeDescription.relative(date, to: now)))]))
                }
            }
            members.append(("times", .object(times)))
        }
        members.append(("checks", .array(verification.checks.map { check in
            .object([("name", .string(check.name)), ("verdict", .string(check.verdict.rawValue)), ("detail", .string(check.detail)), ("reason", .string(check.reason))])
        })))
        members.append(("valid", .bool(verification.isValid)))
        members.append(("failure", .string(verification.failure?.reason)))
        return .object(members)
    }

    var text: String {
        var lines: [String] = []
        if let token = verification.token {
            lines.append(Terminal.bold("Header"))
            lines += token.header.keys.sorted().map { "  \($0.padding(toLength: 10, withPad: " ", startingAt: 0)) \(token.header[$0]!)" }
            lines.append(Terminal.bold("Claims"))
            for name in token.claims.keys.sorted() {
                var line = "  \(name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(token.claims[name]!)"
                if Self.timeClaims.contains(name), let date = token.date(name) { line += "  = " + TimeDescription.describe(date, relativeTo: now) }
                lines.append(line)
            }
        }
        lines.append(Terminal.bold("Checks"))
        for check in verification.checks {
            let mark = switch check.verdict {
            case .passed: Terminal.green("✓")
            case .failed: Terminal.red("✗")
            case .notChecked: Terminal.dim("–")
            }
            lines.append("  \(mark) \(check.name.padding(toLength: 10, withPad: " ", startingAt: 0)) \(check.detail)\(check.reason.map { "  [\($0)]" } ?? "")")
        }
        if let failure = verification.failure {
            lines.append(Terminal.red("Refused: \(failure.reason ?? failure.name): \(failure.detail)"))
        } else {
            lines.append(Terminal.green("Every check that ran passed."))
        }
        return lines.joined(separator: "\n")
    }
}
