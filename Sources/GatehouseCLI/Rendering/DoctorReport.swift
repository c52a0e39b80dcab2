import Doctor
import Foundation
import HTTPAuth

/// `gatehouse doctor` output: for a terminal, as exact JSON (DESIGN.md), or as Markdown for a ticket.
/// Secrets are redacted everywhere.
enum DoctorReport {
    static func text(_ diagnosis: Diagnosis) -> String {
        var lines = [Terminal.bold("\(diagnosis.evidence.request.method) \(Redaction.url(diagnosis.target))") + " → \(diagnosis.outcome)"]
        let causes = diagnosis.findings.filter { $0.severity == .cause }
        if causes.isEmpty {
            let summary = diagnosis.summaryWithoutCause
            lines.append(diagnosis.outcome == "authorized" ? Terminal.green(summary) : Terminal.red(Terminal.printable(summary)))
            if diagnosis.outcome != "error" { lines.append("Checked: " + Diagnosis.checks.joined(separator: "; ") + ".") }
        }
        lines += diagnosis.findings.flatMap(findingLines)
        lines.append("")
        lines.append(Terminal.dim("exchanges:"))
        let evidence = diagnosis.evidence
        for (index, exchange) in (evidence.chain + evidence.probes).enumerated() {
            let outcome = exchange.status.map(String.init) ?? Terminal.printable(exchange.error ?? "?")
            let credential = evidence.credentialPolicy(atHop: index).map { "; credential \($0)" } ?? ""
            lines.append(Terminal.dim("  [\(exchange.purpose)] \(exchange.method) \(Redaction.url(exchange.url)) → \(outcome) (\(exchange.elapsedMilliseconds) ms\(credential))"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One finding for the terminal: a mark, the id and title, then the explanation, evidence, fix and location.
    static func findingLines(_ finding: Finding) -> [String] {
        let mark = finding.severity == .cause ? Terminal.red("✗ cause") : finding.severity == .warning ? "! warning" : "· info"
        var lines = ["", "\(mark) \(Terminal.bold(finding.id.rawValue)): \(Terminal.printable(finding.title))"]
        if let location = finding.location { lines.append("  at \(Terminal.printable(location))") }
        lines.append("  \(Terminal.printable(finding.explanation))")
        for item in finding.evidence { lines.append(Terminal.dim("  evidence: \(Terminal.printable(item))")) }
        lines.append("  fix: \(finding.fix)")
        switch finding.verification {
        case .refuted?: break
        default: if let corrected = finding.displayedCorrection { lines.append("  try: \(corrected)") }
        }
        switch finding.verification {
        case .verified(let how)?: lines.append(Terminal.green("  verified: ") + Terminal.printable(how))
        case .refuted(let how)?: lines.append(Terminal.red("  tried, still refused: ") + Terminal.printable(how))
        case nil: break
        }
        return lines
    }

    /// One finding in the JSON shape of DESIGN.md, with `corrected_request` and, for configurations, `location`.
    static func findingJSON(_ finding: Finding) -> OrderedJSON {
        .object([
            ("id", .string(finding.id.rawValue)), ("severity", .string(finding.severity.rawValue)), ("title", .string(finding.title)),
            ("explanation", .string(finding.explanation)), ("fix", .string(finding.fix)),
            ("evidence", .array(finding.evidence.map(OrderedJSON.string))),
            ("corrected_request", .string(finding.displayedCorrection)),
            ("verified", finding.verification.map { verification in
                if case .verified = verification { .bool(true) } else { .bool(false) }
            } ?? .null),
            ("verification", .string(finding.verification.map { verification in
                switch verification {
                case .verified(let how), .refuted(let how): how
                }
            })),
        ] + (finding.location.map { [("location", OrderedJSON.string($0))] } ?? []))
    }

    /// `gatehouse doctor FILE.har` for a terminal: the session's causes, then each refused request with its own.
    static func text(_ diagnosis: HARDiagnosis) -> String {
        var lines = [Terminal.bold("HAR") + ": \(Terminal.printable(diagnosis.path))" + (diagnosis.creator.map { " (\(Terminal.printable($0)))" } ?? "")
            + ", \(diagnosis.entryCount) requests, \(diagnosis.refusals.count) answered 401 or 407"]
        for problem in diagnosis.problems { lines.append(Terminal.red("unreadable: ") + Terminal.printable(problem)) }
        if !diagnosis.findings.contains(where: { $0.severity == .cause }) {
            lines.append(diagnosis.refusals.isEmpty ? Terminal.green("No 401 or 407 in this session.") : "No known cause matched.")
        }
        lines += diagnosis.findings.flatMap(findingLines)
        if !diagnosis.refusals.isEmpty {
            lines.append("")
            lines.append(Terminal.dim("refused requests:"))
            for refusal in diagnosis.refusals {
                let exchange = refusal.entry.exchange
                let ids = refusal.findings.map(\.id.rawValue).joined(separator: ", ")
                lines.append(Terminal.dim("  \(exchange.method) \(Terminal.printable(Redaction.url(exchange.url))) → \(exchange.status ?? 0)") + (ids.isEmpty ? "" : ": \(ids)"))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ diagnosis: HARDiagnosis) -> String {
        OrderedJSON.object([
            ("target", .string(diagnosis.path)), ("creator", .string(diagnosis.creator)), ("entries", .int(diagnosis.entryCount)),
            ("sanitized", .bool(diagnosis.sanitized)), ("problems", .array(diagnosis.problems.map(OrderedJSON.string))),
            ("findings", .array(diagnosis.findings.map(findingJSON))),
            ("refusals", .array(diagnosis.refusals.map { refusal in
                .object([
                    ("method", .string(refusal.entry.exchange.method)), ("url", .string(Redaction.url(refusal.entry.exchange.url))),
                    ("status", refusal.entry.exchange.status.map(OrderedJSON.int) ?? .null),
                    ("request_headers", .array(refusal.entry.exchange.requestHeaders.map { .string(Redaction.header($0)) })),
                    ("findings", .array(refusal.findings.map(findingJSON))),
                ])
            })),
        ]).text
    }

    /// `gatehouse doctor CONFIG` for a terminal.
    static func text(_ diagnosis: ConfigDiagnosis) -> String {
        var lines = [Terminal.bold("\(diagnosis.server.rawValue) configuration") + ": " + diagnosis.files.map(Terminal.printable).joined(separator: ", ")]
        if !diagnosis.findings.contains(where: { $0.severity == .cause }) {
            lines.append(Terminal.green("No cause found in the configuration.") + " Checked: auth directives and their inheritance, password and group files (existence, permissions for the server's user, hash formats), Require rules, headers passed to applications.")
        }
        lines += diagnosis.findings.flatMap(findingLines)
        if !diagnosis.modeled.isEmpty {
            lines.append(Terminal.dim("modeled answers (what this configuration sends, before any application):"))
            lines += diagnosis.modeled.map { "  GET \(Redaction.url($0.url)) → \($0.status.map(String.init) ?? "?")" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The causes logs show, after the logs report.
    static func text(_ diagnosis: LogDiagnosis) -> String {
        var lines = ["", Terminal.bold("Causes")]
        if !diagnosis.foundProblem { lines.append(Terminal.green("No cause found in the logs.")) }
        lines += diagnosis.findings.flatMap(findingLines)
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ diagnosis: ConfigDiagnosis) -> String {
        OrderedJSON.object([
            ("target", .string(diagnosis.files.joined(separator: ", "))), ("server", .string(diagnosis.server.rawValue)),
            ("findings", .array(diagnosis.findings.map(findingJSON))),
            ("modeled", .array(diagnosis.modeled.map { exchangeJSON($0) })),
        ]).text
    }

    static func json(_ diagnosis: Diagnosis) -> String {
        OrderedJSON.object([
            ("target", .string(Redaction.url(diagnosis.target))),
            ("outcome", .string(diagnosis.outcome)),
            ("findings", .array(diagnosis.findings.map(findingJSON))),
            ("exchanges", .array(diagnosis.evidence.chain.indices.map { exchangeJSON(diagnosis.evidence.chain[$0], credential: diagnosis.evidence.credentialPolicy(atHop: $0)) }
                + diagnosis.evidence.probes.map { exchangeJSON($0) })),
        ]).text
    }

    /// One exchange; a redirect hop also says what curl, browsers and Python requests did with the credential there.
    private static func exchangeJSON(_ exchange: Exchange, credential: String? = nil) -> OrderedJSON {
        .object([
            ("purpose", .string(exchange.purpose)), ("method", .string(exchange.method)), ("url", .string(Redaction.url(exchange.url))),
            ("request_headers", .array(exchange.requestHeaders.map { .string(Redaction.header($0)) })),
            ("status", exchange.status.map(OrderedJSON.int) ?? .null),
            ("response_headers", .array(exchange.responseHeaders.map { .string(Redaction.header($0)) })),
            ("error", .string(exchange.error)), ("elapsed_ms", .int(exchange.elapsedMilliseconds)),
        ] + (credential.map { [("credential_on_redirect", OrderedJSON.string($0))] } ?? []))
    }

    static func markdown(_ diagnosis: Diagnosis) -> String {
        var lines = ["## 401 diagnosis: `\(diagnosis.evidence.request.method) \(Redaction.url(diagnosis.target))` → \(diagnosis.outcome)", ""]
        if !diagnosis.findings.contains(where: { $0.severity == .cause }) {
            lines.append(diagnosis.summaryWithoutCause + (diagnosis.outcome == "error" ? "" : " Checked: " + Diagnosis.checks.joined(separator: "; ") + "."))
        }
        lines += diagnosis.findings.flatMap(findingMarkdown)
        lines.append("| purpose | request | status |")
        lines.append("|---|---|---|")
        for exchange in diagnosis.evidence.chain + diagnosis.evidence.probes {
            lines.append("| \(exchange.purpose) | `\(exchange.method) \(Redaction.url(exchange.url))` | \(exchange.status.map(String.init) ?? exchange.error ?? "?") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A HAR session for a ticket: its causes, then each refused request with its own.
    static func markdown(_ diagnosis: HARDiagnosis) -> String {
        var lines = ["## 401 diagnosis: HAR `\(diagnosis.path)`, \(diagnosis.entryCount) requests, \(diagnosis.refusals.count) refused", ""]
        if !diagnosis.foundProblem { lines += ["No cause found in the session.", ""] }
        lines += diagnosis.problems.map { "- unreadable: \($0)" }
        lines += diagnosis.findings.flatMap(findingMarkdown)
        if !diagnosis.refusals.isEmpty {
            lines += ["| request | status | causes |", "|---|---|---|"]
            for refusal in diagnosis.refusals {
                let exchange = refusal.entry.exchange
                lines.append("| `\(exchange.method) \(Redaction.url(exchange.url))` | \(exchange.status.map(String.init) ?? exchange.error ?? "?") | \(refusal.findings.map(\.id.rawValue).joined(separator: ", ")) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A server configuration for a ticket: each finding with its file and line.
    static func markdown(_ diagnosis: ConfigDiagnosis) -> String {
        var lines = ["## 401 diagnosis: \(diagnosis.server.rawValue) configuration `\(diagnosis.files.joined(separator: "`, `"))`", ""]
        if !diagnosis.foundProblem { lines += ["No cause found in the configuration.", ""] }
        return (lines + diagnosis.findings.flatMap(findingMarkdown)).joined(separator: "\n") + "\n"
    }

    /// Logs for a ticket: the causes they show (the full counts are `gatehouse logs`'s).
    static func markdown(_ diagnosis: LogDiagnosis, files: [String]) -> String {
        var lines = ["## 401 diagnosis: logs `\(files.joined(separator: "`, `"))`", ""]
        if !diagnosis.foundProblem { lines += ["No cause found in the logs.", ""] }
        return (lines + diagnosis.findings.flatMap(findingMarkdown)).joined(separator: "\n") + "\n"
    }

    /// One finding in Markdown: its severity, id and title, explanation, fix (with the corrected request and what
    /// trying it showed), location and evidence.
    static func findingMarkdown(_ finding: Finding) -> [String] {
        var lines = ["### \(finding.severity.rawValue): `\(finding.id.rawValue)`: \(finding.title)", "", finding.explanation, "", "**Fix:** \(finding.fix)"]
        if let location = finding.location { lines += ["", "At `\(location)`."] }
        if let corrected = finding.displayedCorrection { lines += ["", "```\n\(corrected)\n```"] }
        switch finding.verification {
        case .verified(let how)?: lines += ["", "Verified: \(how)."]
        case .refuted(let how)?: lines += ["", "Tried, still refused: \(how)."]
        case nil: break
        }
        return lines + ["", "Evidence:"] + finding.evidence.map { "- `\($0)`" } + [""]
    }
}
