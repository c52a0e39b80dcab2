import Foundation
import LogAnalysis

/// `gatehouse logs` for a terminal and as JSON.
enum LogsReport {
    static func text(_ report: LogReport) -> String {
        let summary = report.summary
        var lines: [String] = []
        let files = summary.files.map { "\(Terminal.printable($0.path)) (\($0.format?.rawValue ?? "unknown format")\($0.compressed ? ", gzip" : ""))" }
        lines.append(Terminal.bold("gatehouse logs") + ": " + files.joined(separator: ", "))
        var reading = "\(grouped(summary.requests)) requests in \(grouped(summary.lines)) lines"
        if let first = report.points.first, let last = report.points.last {
            reading += ", \(LogReport.time(first.minute)) to \(LogReport.time(last.minute + report.bucketMinutes - 1))"
        }
        lines.append(reading)
        if summary.unreadable > 0 {
            lines.append(Terminal.red("\(grouped(summary.unreadable)) lines or stretches could not be read") + "; the first:")
            for problem in summary.problems.prefix(5) {
                lines.append("  \(Terminal.printable(problem.path)) at byte \(problem.offset): \(Terminal.printable(problem.message))")
            }
        }
        lines.append("")
        for (status, name) in [(401, "Unauthorized"), (403, "Forbidden"), (407, "Proxy Authentication Required")] {
            lines.append("\(status) \(name): \(grouped(report.count(status))) (\(percent(report.share(status))))")
        }
        if report.count(401) > 0 {
            lines.append("  401s without a credential (the first challenge of a login): \(grouped(summary.challenges))")
            if summary.handshakeLegs > 0 {
                lines.append("  401s that are NTLM's middle leg (IIS 401.1, SEC_E_NO_CREDENTIALS): \(grouped(summary.handshakeLegs))")
            }
            lines.append("  401s refusing a credential (failed logins): \(grouped(summary.refusedCredentials))")
            if summary.otherUnauthorized > 0 {
                lines.append("  401s refusing a known user or an address (IIS ACL, filter, application, IP restrictions): \(grouped(summary.otherUnauthorized))")
            }
        }
        if !report.subStatuses.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("IIS sub-status") + " (status.sub-status, Win32 code):")
            for (status, count) in report.subStatuses.prefix(20) {
                let win32 = status.win32Status == 0 ? "" : " \(status.win32Status)"
                let role = status.role.map { " [\($0.rawValue)]" } ?? ""
                lines.append("  \(String(grouped(count)).leftPad(9))  \(status.code)\(win32)\(role): \(status.meaning)\(status.win32Meaning.map { "; \($0)" } ?? "")")
            }
        }
        if let onset = report.onset {
            lines.append("")
            lines.append(Terminal.bold("onset") + ": 401s rose at \(LogReport.time(onset.minute)) from \(rate(onset.rateBefore)) to \(rate(onset.rateAfter)) a minute. What changed then (a deploy, a key rotation, a password change)?")
        }
        if !report.points.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("401s over time") + " (one mark per \(report.bucketMinutes) min): " + sparkline(report.points.map { $0.counts.unauthorized + $0.counts.errorLogFailures }))
        }
        for (title, counter) in [("clients", summary.clients), ("users", summary.users), ("paths", summary.paths), ("user agents", summary.userAgents)] {
            let top = counter.top(LogReport.topLimit)
            guard !top.isEmpty else { continue }
            lines.append("")
            lines.append(Terminal.bold("top \(title)") + " (401, 403, 407):")
            for entry in top { lines.append("  \(String(grouped(entry.count)).leftPad(9))  \(Terminal.printable(entry.key))") }
        }
        let reasons = summary.reasons.top(20)
        if !reasons.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("reasons") + " (error logs and the gateway):")
            for entry in reasons { lines.append("  \(String(grouped(entry.count)).leftPad(9))  \(entry.key): \(LogReport.meaning(of: entry.key))") }
        }
        if !report.attacks.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("attacks") + ":")
            for attack in report.attacks.prefix(10) {
                let users = attack.users.map(Terminal.printable).joined(separator: ", ") + (attack.distinctUsers > attack.users.count ? ", …" : "")
                lines.append("  " + Terminal.red(attack.id) + ": \(Terminal.printable(attack.client)), \(grouped(attack.failures)) failed logins against \(attack.distinctUsers) user(s): \(users)")
            }
        }
        if !report.unanswered.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("challenged, never logged in") + " (no accepted or refused credential from these clients):")
            for client in report.unanswered {
                let what = client.handshakeStarted
                    ? "\(grouped(client.legs.count)) NTLM handshake(s) started and never finished"
                    : "never sent a credential"
                lines.append("  \(Terminal.printable(client.client)): \(grouped(client.challenges.count)) challenge(s); \(what)")
            }
        }
        if !report.staleCredentials.isEmpty {
            lines.append("")
            lines.append(Terminal.bold("stale-client-credentials") + " (a client that keeps sending a saved password that no longer works):")
            for stale in report.staleCredentials.prefix(10) {
                lines.append("  \(Terminal.printable(stale.client)) as \(Terminal.printable(stale.user)): \(grouped(stale.failures.count)) refused over \(stale.failures.minutes) min; \(Terminal.printable(stale.proof))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The report as JSON; `gatehouse doctor LOGFILE` adds the causes it shows as `findings`.
    static func json(_ report: LogReport, findings: [OrderedJSON]? = nil) -> String {
        let summary = report.summary
        func top(_ counter: TopCounter) -> OrderedJSON {
            .array(counter.top(LogReport.topLimit).map { .object([("key", .string($0.key)), ("count", .int($0.count))]) })
        }
        let statuses = summary.statuses.indices.filter { summary.statuses[$0] > 0 }
        let members: [(String, OrderedJSON)] = [
            ("files", .array(summary.files.map { .object([("path", .string($0.path)), ("format", .string($0.format?.rawValue)), ("bytes", .int($0.bytes)), ("compressed", .bool($0.compressed))]) })),
            ("lines", .int(summary.lines)), ("requests", .int(summary.requests)), ("unreadable", .int(summary.unreadable)),
            ("problems", .array(summary.problems.map { .object([("path", .string($0.path)), ("offset", .int($0.offset)), ("message", .string($0.message))]) })),
            ("status", .object([401, 403, 407].map { (String($0), .int(report.count($0))) })),
            ("share", .object([401, 403, 407].map { (String($0), .number(report.share($0))) })),
            ("statuses", .object(statuses.map { (String($0), .int(summary.statuses[$0])) })),
            ("unauthorized", .object([
                ("challenges", .int(summary.challenges)), ("handshake_legs", .int(summary.handshakeLegs)),
                ("refused_credentials", .int(summary.refusedCredentials)), ("other", .int(summary.otherUnauthorized)),
            ])),
            ("substatus", .array(report.subStatuses.map { status, count in
                .object([
                    ("status", .int(status.status)), ("substatus", .int(status.subStatus)), ("win32", .int(status.win32Status)), ("count", .int(count)),
                    ("role", .string(status.role?.rawValue)), ("meaning", .string(status.meaning)), ("win32_meaning", .string(status.win32Meaning)),
                ])
            })),
            ("unanswered_challenges", .array(report.unanswered.map { client in
                .object([
                    ("client", .string(client.client)), ("challenges", .int(client.challenges.count)), ("handshake_legs", .int(client.legs.count)),
                    ("first", .string((client.challenges.firstMinute ?? client.legs.firstMinute).map(LogReport.time))),
                    ("last", .string(client.challenges.lastMinute.map { max($0, client.legs.lastMinute ?? $0) }.map(LogReport.time))),
                ])
            })),
            ("timeline", .object([
                ("bucket_minutes", .int(report.bucketMinutes)),
                ("points", .array(report.points.map { point in
                    .object([
                        ("time", .string(LogReport.time(point.minute))), ("requests", .int(point.counts.requests)),
                        ("401", .int(point.counts.unauthorized)), ("403", .int(point.counts.forbidden)), ("407", .int(point.counts.proxyAuthentication)),
                        ("error_log_failures", .int(point.counts.errorLogFailures)),
                    ])
                })),
            ])),
            ("onset", report.onset.map { .object([("time", .string(LogReport.time($0.minute))), ("rate_before", .number($0.rateBefore)), ("rate_after", .number($0.rateAfter))]) } ?? .null),
            ("top", .object([("clients", top(summary.clients)), ("users", top(summary.users)), ("paths", top(summary.paths)), ("user_agents", top(summary.userAgents))])),
            ("reasons", .array(summary.reasons.top(50).map { .object([("id", .string($0.key)), ("count", .int($0.count)), ("meaning", .string(LogReport.meaning(of: $0.key)))]) })),
            ("attacks", .array(report.attacks.map { attack in
                .object([("id", .string(attack.id)), ("client", .string(attack.client)), ("failures", .int(attack.failures)), ("distinct_users", .int(attack.distinctUsers)), ("users", .array(attack.users.map(OrderedJSON.string)))])
            })),
            ("stale_client_credentials", .array(report.staleCredentials.map { stale in
                .object([
                    ("id", .string("stale-client-credentials")), ("client", .string(stale.client)), ("user", .string(stale.user)),
                    ("failures", .int(stale.failures.count)), ("first", .string(stale.failures.firstMinute.map(LogReport.time))),
                    ("last", .string(stale.failures.lastMinute.map(LogReport.time))), ("working_clients", .array(stale.workingClients.map(OrderedJSON.string))),
                    ("worked_here_until", .string(stale.workedHereUntil.map(LogReport.time))), ("proof", .string(stale.proof)),
                ])
            })),
        ]
        return OrderedJSON.object(members + (findings.map { [("findings", OrderedJSON.array($0))] } ?? [])).text
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    static func percent(_ share: Double) -> String { String(format: share < 0.001 && share > 0 ? "%.3f%%" : "%.1f%%", share * 100) }
    static func rate(_ value: Double) -> String { String(format: value < 10 ? "%.1f" : "%.0f", value) }

    static func sparkline(_ values: [Int]) -> String {
        let marks = Array("▁▂▃▄▅▆▇█")
        let top = max(values.max() ?? 0, 1)
        return String(values.map { $0 == 0 ? " " : marks[min(marks.count - 1, $0 * marks.count / (top + 1))] })
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
