import Foundation
import HTTPAuth
import Store
import Tokens

/// The HTML of the dashboard, read at a glance: the hour's counters in one row, refusals per minute as a chart with
/// its axes and legend, refusals by reason and by route as small charts (each reason linked to what it means), then
/// the bans, the clients and users refused most, the search by request id and the routes as configured. Inline CSS
/// and SVG, no script, nothing from elsewhere; one column on a phone. Every value escaped.
struct DashboardPage {
    let admin: GatewayConfig.Admin
    let config: GatewayConfig
    let user: String
    let csrf: String
    let statistics: AuditStatistics
    let bans: [Ban]
    let search: String?
    let found: AuditRecord?

    func render() -> String {
        let e = HTMLText.escape
        var body = """
            <header><h1>Gatehouse</h1><p>Signed in as <strong>\(e(user))</strong> · the last hour, times in UTC · refreshes every 10 s</p></header>
            \(counters())
            \(timeChart())
            <div class="pair">\(reasonChart())\(routeChart())</div>
            \(reasonMeanings())
            """
        body += "<section aria-labelledby=\"bans-title\"><h2 id=\"bans-title\">Active bans</h2>\n"
        if bans.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += "<div class=\"scroll\"><table id=\"bans\"><tr><th>key</th><th>until</th><th>reason</th><th></th></tr>\n"
            for ban in bans {
                body += """
                    <tr><td>\(e(ban.key))</td><td>\(e(TimeDescription.utc(ban.until)))</td><td>\(e(ban.reason))</td><td>
                    <form method=post action="\(e(admin.path))unban"><input type=hidden name=csrf value="\(e(csrf))">
                    <input type=hidden name=key value="\(e(ban.key))"><button type=submit aria-label="Unban \(e(ban.key))">Unban</button></form></td></tr>\n
                    """
            }
            body += "</table></div>\n"
        }
        body += "</section>\n<div class=\"pair\">"
        body += table("Clients refused most", ["client", "refusals"], statistics.clients.map { [$0.key, String($0.count)] }, id: "clients")
        body += table("Users refused most", ["user", "refusals"], statistics.users.map { [$0.key, String($0.count)] }, id: "users")
        body += """
            </div>
            <section aria-labelledby=search-title><h2 id=search-title>Explain a request</h2>
            <form method=get action="\(e(admin.path))"><label for=id>Request id (X-Request-Id)</label>
            <input id=id name=id value="\(e(search ?? ""))"><button type=submit>Explain</button></form>
            \(explained())
            </section>
            """
        body += routes()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            \(search == nil ? "<meta http-equiv=\"refresh\" content=\"10\">" : "")
            <title>Gatehouse dashboard</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:0 auto;padding:1rem;color:#1b1f24}
            h1{margin:.2rem 0}h2{margin-top:2rem;font-size:1.15rem}table{border-collapse:collapse}td,th{padding:.25rem .8rem;border-bottom:1px solid #d0d7de;text-align:left}
            .counters{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.6rem;margin:1rem 0}
            .counters div{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .8rem;border-top:4px solid var(--swatch,#d0d7de)}
            .counters dt{font-size:.85rem;color:#57606a}.counters dd{margin:0;font-size:1.7rem;font-weight:700;font-variant-numeric:tabular-nums}
            .pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:0 2.5rem}
            .scroll{overflow-x:auto}figcaption{font-weight:600;font-size:1.05rem}
            dl.reasons dt{margin-top:.7rem;font-weight:600}dl.reasons dt:target{background:#fff8c5}dl.reasons dd{margin-left:1rem}
            label{display:block;font-weight:600}input{padding:.35rem;font:inherit;max-width:100%}
            button{font:inherit;padding:.3rem .8rem;cursor:pointer}button:focus,input:focus,a:focus{outline:3px solid #0969da}
            pre{background:#f6f8fa;padding:.8rem;white-space:pre-wrap;overflow-wrap:anywhere}
            \(ChartStyle.css)
            </style></head><body><main>
            \(body)</main></body></html>

            """
    }

    /// The colour of a status in every chart and counter: 401 red, 403 amber, 429 blue, others grey.
    static func color(status: Int) -> String {
        switch status {
        case 401: "#d92d20"
        case 403: "#f79009"
        case 429: "#2e90fa"
        default: "#6e7781"
        }
    }

    /// The hour's figures in one row (wrapping on a phone): requests, each refusal status, the share refused, bans.
    private func counters() -> String {
        let totals = statistics.minutes.reduce(into: (requests: 0, unauthorized: 0, forbidden: 0, limited: 0)) {
            $0.requests += $1.requests
            $0.unauthorized += $1.unauthorized
            $0.forbidden += $1.forbidden
            $0.limited += $1.limited
        }
        let refused = totals.unauthorized + totals.forbidden + totals.limited
        let share = totals.requests == 0 ? "0" : String(format: "%.1f", Double(refused) * 100 / Double(totals.requests))
        let figures: [(id: String, label: String, value: String, color: String?)] = [
            ("requests", "requests", String(totals.requests), nil),
            ("count-401", "401 Unauthorized", String(totals.unauthorized), Self.color(status: 401)),
            ("count-403", "403 Forbidden", String(totals.forbidden), Self.color(status: 403)),
            ("count-429", "429 Banned", String(totals.limited), Self.color(status: 429)),
            ("refused-share", "refused, % of requests", share, nil),
            ("ban-count", "active bans", String(bans.count), nil),
        ]
        let items = figures.map { figure in
            "<div\(figure.color.map { " style=\"--swatch:\($0)\"" } ?? "")><dt>\(figure.label)</dt><dd id=\"\(figure.id)\">\(figure.value)</dd></div>"
        }
        return "<dl class=\"counters\" aria-label=\"The last hour\">\(items.joined())</dl>"
    }

    /// 401, 403 and 429 per minute over the last hour, stacked.
    private func timeChart() -> String {
        let now = Int(Date().timeIntervalSince1970) / 60
        let counts = Dictionary(statistics.minutes.map { ($0.minute, [$0.unauthorized, $0.forbidden, $0.limited]) }, uniquingKeysWith: { first, _ in first })
        return TimeChart(
            id: "chart", title: "401, 403 and 429 over the last hour",
            series: [.init("401 Unauthorized", color: Self.color(status: 401)), .init("403 Forbidden", color: Self.color(status: 403)),
                     .init("429 Banned", color: Self.color(status: 429))],
            minutes: (now - 59)...now, counts: counts, countTitle: "refusals per minute"
        ).html()
    }

    /// Refusals by reason, each bar in its status's colour and its label linked to what the reason means.
    private func reasonChart() -> String {
        guard !statistics.reasons.isEmpty else { return "<section><h2>Refusals by reason</h2><p>None in the last hour.</p></section>" }
        let bars = statistics.reasons.map { row in
            BarChart.Bar(row.key, count: row.count, color: Self.color(status: Reason(id: row.key).status), link: "#" + Self.anchor(reason: row.key))
        }
        return BarChart(id: "reasons", title: "Refusals by reason", categoryTitle: "reason", countTitle: "refusals (401, 403, 429)", bars: bars).html()
    }

    private func routeChart() -> String {
        guard !statistics.routes.isEmpty else { return "<section><h2>Refusals by route</h2><p>None in the last hour.</p></section>" }
        let bars = statistics.routes.map { BarChart.Bar($0.key, count: $0.count, color: "#57606a") }
        return BarChart(id: "routes", title: "Refusals by route", categoryTitle: "route", countTitle: "refusals (401, 403, 429)", bars: bars).html()
    }

    /// What `gatehouse explain` says of each reason charted: its status, cause id, meaning and fix, each at the anchor
    /// its bar links to.
    private func reasonMeanings() -> String {
        guard !statistics.reasons.isEmpty else { return "" }
        let e = HTMLText.escape
        var html = "<section aria-labelledby=\"meanings-title\"><h2 id=\"meanings-title\">What the reasons mean</h2><dl class=\"reasons\" id=\"reason-meanings\">\n"
        for row in statistics.reasons {
            let reason = Reason(id: row.key)
            let cause = reason.causeID.map { " · cause \(e($0.description))" } ?? ""
            html += "<dt id=\"\(e(Self.anchor(reason: row.key)))\"><code>\(e(row.key))</code> · \(reason.status)\(cause)</dt>"
            html += "<dd>\(e(reason.meaning))</dd><dd>Fix: \(e(reason.fix))</dd>\n"
        }
        return html + "</dl></section>\n"
    }

    /// The anchor of a reason's explanation: its id, characters outside `a-z0-9-` replaced.
    static func anchor(reason: String) -> String {
        "reason-" + String(reason.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") ? $0 : "_" })
    }

    private func explained() -> String {
        let e = HTMLText.escape
        guard let search else { return "" }
        guard let found else { return "<p id=explained role=status>No request with id \(e(search)) in the audit trail.</p>\n" }
        let explanation = found.reason.map(Reason.init(id:))
        var lines = [
            "Request \(found.requestID): \(found.method) \(found.path) → \(found.status) (\(found.outcome))",
            "time:    \(TimeDescription.utc(found.time))", "client:  \(found.client)",
        ]
        if let route = found.route { lines.append("route:   \(route)") }
        if let user = found.user { lines.append("user:    \(user)") }
        if let reason = found.reason { lines.append("reason:  \(reason)" + (explanation?.causeID.map { " (cause \($0))" } ?? "")) }
        if let detail = found.detail { lines.append("detail:  \(detail)") }
        if let explanation {
            lines.append("meaning: \(explanation.meaning)")
            lines.append("fix:     \(explanation.fix)")
        }
        return "<pre id=explained>\(e(lines.joined(separator: "\n")))</pre>\n"
    }

    private func routes() -> String {
        let rows = config.routes.map { route -> [String] in
            var settings: [String] = []
            if let users = route.users { settings.append("users \(users)") }
            if route.schemes.contains(.session) { settings.append("idle \(Int(route.session.idle)) s, absolute \(Int(route.session.absolute)) s") }
            if let jwt = route.jwt { settings.append("jwt audience \(jwt.audience ?? "any")") }
            let require = route.require
            if !require.users.isEmpty { settings.append("users " + require.users.joined(separator: " ")) }
            if !require.groups.isEmpty { settings.append("groups " + require.groups.joined(separator: " ")) }
            if !require.scopes.isEmpty { settings.append("scope " + require.scopes.joined(separator: " ")) }
            return [route.path, route.isPublic ? "public" : route.schemes.map(\.rawValue).joined(separator: ", "), route.realm ?? config.realm, settings.joined(separator: "; ")]
        }
        return table("Routes as configured", ["path", "schemes", "realm", "settings"], rows, id: "config")
    }

    private func table(_ title: String, _ headers: [String], _ rows: [[String]], id: String) -> String {
        let e = HTMLText.escape
        var html = "<section aria-labelledby=\(id)-title><h2 id=\(id)-title>\(e(title))</h2>\n"
        guard !rows.isEmpty else { return html + "<p>None.</p></section>\n" }
        html += "<div class=\"scroll\"><table id=\(id)><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table></div></section>\n"
    }
}
