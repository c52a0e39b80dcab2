import Foundation
import Store
import Tokens

/// The HTML of the dashboard: inline CSS and SVG, no script; every value escaped.
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
        let totals = statistics.minutes.reduce(into: (requests: 0, unauthorized: 0, forbidden: 0, limited: 0)) {
            $0.requests += $1.requests
            $0.unauthorized += $1.unauthorized
            $0.forbidden += $1.forbidden
            $0.limited += $1.limited
        }
        var body = """
            <header><h1>Gatehouse</h1><p>Signed in as <strong>\(e(user))</strong> · the last hour · refreshes every 10 s</p></header>
            <section aria-labelledby=rates><h2 id=rates>Refusals</h2>
            <p class=figures><span><b id=requests>\(totals.requests)</b> requests</span><span class=s401><b id=count-401>\(totals.unauthorized)</b> 401</span>
            <span class=s403><b id=count-403>\(totals.forbidden)</b> 403</span><span class=s429><b id=count-429>\(totals.limited)</b> 429</span></p>
            \(chart())
            </section>
            <section aria-labelledby=search-title><h2 id=search-title>Explain a request</h2>
            <form method=get action="\(e(admin.path))"><label for=id>Request id (X-Request-Id)</label>
            <input id=id name=id value="\(e(search ?? ""))"><button type=submit>Explain</button></form>
            \(explained())
            </section>
            """
        body += table("Reasons", ["reason", "count"], statistics.reasons.map { [$0.key, String($0.count)] }, id: "reasons")
        body += table("Clients refused most", ["client", "count"], statistics.clients.map { [$0.key, String($0.count)] }, id: "clients")
        body += table("Users refused most", ["user", "count"], statistics.users.map { [$0.key, String($0.count)] }, id: "users")
        body += table("Routes", ["route", "refusals"], statistics.routes.map { [$0.key, String($0.count)] }, id: "routes")
        body += "<section aria-labelledby=bans-title><h2 id=bans-title>Active bans</h2>\n"
        if bans.isEmpty {
            body += "<p>None.</p>\n"
        } else {
            body += "<table id=bans><tr><th>key</th><th>until</th><th>reason</th><th></th></tr>\n"
            for ban in bans {
                body += """
                    <tr><td>\(e(ban.key))</td><td>\(e(TimeDescription.utc(ban.until)))</td><td>\(e(ban.reason))</td><td>
                    <form method=post action="\(e(admin.path))unban"><input type=hidden name=csrf value="\(e(csrf))">
                    <input type=hidden name=key value="\(e(ban.key))"><button type=submit aria-label="Unban \(e(ban.key))">Unban</button></form></td></tr>\n
                    """
            }
            body += "</table>\n"
        }
        body += "</section>\n" + routes()
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            \(search == nil ? "<meta http-equiv=\"refresh\" content=\"10\">" : "")
            <title>Gatehouse dashboard</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:0 auto;padding:1rem;color:#1b1f24}
            h1{margin:.2rem 0}h2{margin-top:2rem;font-size:1.15rem}table{border-collapse:collapse}td,th{padding:.25rem .8rem;border-bottom:1px solid #d0d7de;text-align:left}
            .figures span{margin-right:1.5rem}.figures b{font-size:1.6rem;display:block}.s401 b{color:#d92d20}.s403 b{color:#b54708}.s429 b{color:#175cd3}
            svg{width:100%;height:auto;background:#f6f8fa}label{display:block;font-weight:600}input{padding:.35rem;font:inherit}
            button{font:inherit;padding:.3rem .8rem;cursor:pointer}button:focus,input:focus{outline:3px solid #0969da}
            pre{background:#f6f8fa;padding:.8rem;white-space:pre-wrap}
            </style></head><body><main>
            \(body)</main></body></html>

            """
    }

    /// Stacked bars per minute for the last hour: 401 red, 403 amber, 429 blue.
    private func chart() -> String {
        let now = Int(Date().timeIntervalSince1970) / 60
        let byMinute = Dictionary(uniqueKeysWithValues: statistics.minutes.map { ($0.minute, $0) })
        let minutes = (now - 59)...now
        let top = max(minutes.map { m in byMinute[m].map { $0.unauthorized + $0.forbidden + $0.limited } ?? 0 }.max() ?? 0, 1)
        var svg = "<svg id=chart viewBox=\"0 0 600 160\" role=img aria-label=\"401, 403 and 429 per minute over the last hour\">\n"
        for (index, minute) in minutes.enumerated() {
            guard let counts = byMinute[minute] else { continue }
            var y = 150.0
            for (value, color) in [(counts.unauthorized, "#d92d20"), (counts.forbidden, "#f79009"), (counts.limited, "#2e90fa")] where value > 0 {
                let height = Double(value) / Double(top) * 140
                y -= height
                svg += "<rect x=\"\(index * 10)\" y=\"\(String(format: "%.1f", y))\" width=\"9\" height=\"\(String(format: "%.1f", height))\" fill=\"\(color)\"><title>\(value)</title></rect>\n"
            }
        }
        return svg + "<line x1=0 x2=600 y1=150 y2=150 stroke=\"#8c959f\"/></svg>\n"
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
        html += "<table id=\(id)><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
        for row in rows { html += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
        return html + "</table></section>\n"
    }
}
