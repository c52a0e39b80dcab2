import Foundation
import Gateway
import LogAnalysis

/// `gatehouse logs --html FILE`: one self-contained page (inline CSS and SVG, no script, no external asset) with the
/// timeline as stacked bars, the onset marked, and the tables of the terminal report.
enum LogsHTML {
    static func page(_ report: LogReport) -> String {
        let summary = report.summary
        var body = "<h1>401, 403 and 407 in \(HTMLText.escape(summary.files.map(\.path).joined(separator: ", ")))</h1>\n"
        body += "<p>\(LogsReport.grouped(summary.requests)) requests"
        if let first = report.points.first, let last = report.points.last {
            body += ", \(LogReport.time(first.minute)) to \(LogReport.time(last.minute + report.bucketMinutes - 1))"
        }
        body += ".</p>\n<table><tr><th>status</th><th>count</th><th>share</th></tr>\n"
        for status in [401, 403, 407] {
            body += "<tr><td>\(status)</td><td>\(LogsReport.grouped(report.count(status)))</td><td>\(LogsReport.percent(report.share(status)))</td></tr>\n"
        }
        body += "</table>\n<p>401s without a credential (first challenges): \(LogsReport.grouped(summary.challenges)); refusing a credential: \(LogsReport.grouped(summary.refusedCredentials)).</p>\n"
        body += "<h2>Over time</h2>\n" + chart(report)
        if let onset = report.onset {
            body += "<p class=onset>Onset: 401s rose at \(LogReport.time(onset.minute)) from \(LogsReport.rate(onset.rateBefore)) to \(LogsReport.rate(onset.rateAfter)) a minute.</p>\n"
        }
        for (title, counter) in [("Clients", summary.clients), ("Users", summary.users), ("Paths", summary.paths), ("User agents", summary.userAgents)] {
            let rows = counter.top(LogReport.topLimit)
            guard !rows.isEmpty else { continue }
            body += "<h2>Top \(title.lowercased())</h2>\n<table><tr><th>\(title.dropLast())</th><th>401/403/407</th></tr>\n"
            for row in rows { body += "<tr><td>\(HTMLText.escape(row.key))</td><td>\(LogsReport.grouped(row.count))</td></tr>\n" }
            body += "</table>\n"
        }
        let reasons = summary.reasons.top(20)
        if !reasons.isEmpty {
            body += "<h2>Reasons</h2>\n<table><tr><th>reason</th><th>count</th><th>meaning</th></tr>\n"
            for row in reasons { body += "<tr><td>\(HTMLText.escape(row.key))</td><td>\(LogsReport.grouped(row.count))</td><td>\(HTMLText.escape(LogReport.meaning(of: row.key)))</td></tr>\n" }
            body += "</table>\n"
        }
        if !report.subStatuses.isEmpty {
            body += "<h2>IIS sub-status</h2>\n<table><tr><th>status</th><th>count</th><th>Win32</th><th>role</th><th>meaning</th></tr>\n"
            for (status, count) in report.subStatuses.prefix(30) {
                let meaning = status.meaning + (status.win32Meaning.map { "; \($0)" } ?? "")
                body += "<tr><td>\(status.code)</td><td>\(LogsReport.grouped(count))</td><td>\(status.win32Status)</td><td>\(status.role?.rawValue ?? "")</td><td>\(HTMLText.escape(meaning))</td></tr>\n"
            }
            body += "</table>\n"
        }
        if !report.unanswered.isEmpty {
            body += "<h2>Challenged, never logged in</h2>\n<table><tr><th>client</th><th>challenges</th><th>NTLM legs</th></tr>\n"
            for client in report.unanswered {
                body += "<tr><td>\(HTMLText.escape(client.client))</td><td>\(LogsReport.grouped(client.challenges.count))</td><td>\(LogsReport.grouped(client.legs.count))</td></tr>\n"
            }
            body += "</table>\n"
        }
        if !report.attacks.isEmpty {
            body += "<h2>Attacks</h2>\n<table><tr><th>kind</th><th>client</th><th>failures</th><th>users</th></tr>\n"
            for attack in report.attacks.prefix(20) {
                body += "<tr><td>\(attack.id)</td><td>\(HTMLText.escape(attack.client))</td><td>\(LogsReport.grouped(attack.failures))</td><td>\(HTMLText.escape(attack.users.joined(separator: ", ")))</td></tr>\n"
            }
            body += "</table>\n"
        }
        if !report.staleCredentials.isEmpty {
            body += "<h2>Stale client credentials</h2>\n<p>Clients that keep sending a saved password that no longer works (stale-client-credentials).</p>\n"
            body += "<table><tr><th>client</th><th>refused</th><th>user</th><th>over</th><th>why stale</th></tr>\n"
            for stale in report.staleCredentials.prefix(20) {
                body += "<tr><td>\(HTMLText.escape(stale.client))</td><td>\(LogsReport.grouped(stale.failures.count))</td><td>\(HTMLText.escape(stale.user))</td><td>\(stale.failures.minutes) min</td><td>\(HTMLText.escape(stale.proof))</td></tr>\n"
            }
            body += "</table>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>gatehouse logs</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
            table{border-collapse:collapse;margin:.5rem 0}td,th{border-bottom:1px solid #d0d7de;padding:.2rem .8rem;text-align:left}
            td:nth-child(2){text-align:right;font-variant-numeric:tabular-nums}.onset{color:#b42318;font-weight:600}
            \(ChartStyle.css)
            </style></head><body>
            \(body)</body></html>

            """
    }

    /// Stacked bars per bucket: 401 (red), 403 (amber), 407 (blue), with the dashboard's axes and legend; the onset
    /// as a line.
    static func chart(_ report: LogReport) -> String {
        let points = report.points
        guard let first = points.first, let last = points.last else { return "<p>No timestamps.</p>\n" }
        let counts = Dictionary(points.map { ($0.minute, [$0.counts.unauthorized + $0.counts.errorLogFailures, $0.counts.forbidden, $0.counts.proxyAuthentication]) },
                                uniquingKeysWith: { first, _ in first })
        let per = report.bucketMinutes == 1 ? "per minute" : "per \(report.bucketMinutes) minutes"
        var chart = TimeChart(
            id: "timeline", title: "401, 403 and 407 \(per)",
            series: [.init("401 and error-log failures", color: "#d92d20"), .init("403", color: "#f79009"), .init("407", color: "#2e90fa")],
            minutes: first.minute...last.minute, bucketMinutes: report.bucketMinutes, counts: counts, countTitle: "responses \(per)")
        chart.marker = report.onset.map { (minute: $0.minute, label: "onset") }
        return chart.html()
    }
}
