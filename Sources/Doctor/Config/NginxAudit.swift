import Foundation
import HTTPAuth

/// The authentication of an nginx configuration, checked as nginx applies it: `auth_basic` and
/// `auth_basic_user_file` inherited from `http` to `server` to `location` (an inner one replaces an outer one),
/// `proxy_set_header` replaced as a whole by any inner `proxy_set_header`, the password files as the worker's
/// `user` reads them (relative paths against the configuration prefix).
struct NginxAudit {
    let root: ConfigDirective
    let query: ConfigQuery

    private struct Inherited {
        var authBasic: ConfigDirective?
        var userFile: ConfigDirective?
        var proxyHeaders: [ConfigDirective] = []
        var satisfy: ConfigDirective?
        var cache: ConfigDirective?
        var cacheValid: [ConfigDirective] = []
        /// `add_header` lines in effect (an inner block's replace the outer ones, as nginx inherits them).
        var addedHeaders: [ConfigDirective] = []
        /// The server block listens with TLS (`listen … ssl`, or the old `ssl on`).
        var tls = false
        var underscores: ConfigDirective?
        var ignoreInvalid: ConfigDirective?
        /// `auth_request` in effect: an auth service decides, and the application gets its identity headers.
        var authRequest: ConfigDirective?
    }

    func findings() -> [Finding] {
        let prefix = (root.location.file as NSString).deletingLastPathComponent
        let worker = root.last("user")?.arguments.first ?? "nobody"
        let files = PasswordFileAudit(server: .nginx, serverUser: worker, requestedUser: query.user, password: query.password)
        var findings: [Finding] = []
        var auditedFiles: Set<String> = []
        let exactLocations = Set(allBlocks(root).filter { $0.is("location") }.compactMap { $0.arguments.last })

        func walk(_ block: ConfigDirective, _ outer: Inherited) {
            var context = outer
            if let value = block.last("auth_basic") { context.authBasic = value }
            if let value = block.last("auth_basic_user_file") { context.userFile = value }
            if let value = block.last("satisfy") { context.satisfy = value }
            let headers = block.all("proxy_set_header")
            if !headers.isEmpty { context.proxyHeaders = headers }
            if let cache = block.last("proxy_cache") { context.cache = cache }
            let added = block.all("add_header")
            if !added.isEmpty { context.addedHeaders = added }
            if let value = block.last("auth_request") { context.authRequest = value.arguments.first == "off" ? nil : value }
            if let value = block.last("underscores_in_headers") { context.underscores = value }
            if let value = block.last("ignore_invalid_headers") { context.ignoreInvalid = value }
            if block.is("server") {
                context.tls = block.all("listen").contains { $0.arguments.dropFirst().contains("ssl") } || block.last("ssl")?.arguments.first == "on"
                if let dropped = droppedHeaders(in: block, context), !findings.contains(where: { $0.id == .underscoreHeaderDropped }) { findings.append(dropped) }
            }
            if let denied = Self.deniedByController(block) { findings.append(denied) }
            if let rewritten = digestPathRewritten(block) { findings.append(rewritten) }
            let valid = block.all("proxy_cache_valid")
            if !valid.isEmpty { context.cacheValid = valid }
            let authOn = context.authBasic.map { $0.arguments.first?.lowercased() != "off" } ?? false
            let passes = !block.all("proxy_pass").isEmpty
            if authOn, !context.tls, let auth = block.last("auth_basic") {
                findings.append(Finding(
                    id: .basicOverHTTP, severity: .warning, confidence: 70, title: "Basic authentication on a server without TLS",
                    explanation: "auth_basic asks for a password in a server block that does not listen with TLS: the password travels as base64 that anyone on the path can read.",
                    fix: "Serve it over https (`listen 443 ssl;` with a certificate) and answer the plain-HTTP server with `return 301 https://$host$request_uri;` before any password is asked.",
                    evidence: ["auth_basic at \(auth.location), no `listen … ssl` in its server"], location: auth.location.description))
            }
            if authOn {
                if let auth = block.last("auth_basic"), context.userFile == nil {
                    findings.append(Finding(
                        id: .configError, severity: .cause, confidence: 90, title: "auth_basic without auth_basic_user_file: nginx checks nothing",
                        explanation: "nginx skips Basic authentication when no user file applies (ngx_http_auth_basic_module declines), so this location is open to everyone although the configuration seems to protect it.",
                        fix: "Add `auth_basic_user_file /path/to/htpasswd;` next to auth_basic (or in the enclosing server/http).",
                        evidence: ["auth_basic \(auth.arguments.joined(separator: " ")) at \(auth.location)"], location: auth.location.description))
                }
                if let file = context.userFile, let path = file.arguments.first {
                    let resolved = ConfigFiles.resolve(path, against: prefix)
                    if auditedFiles.insert(resolved).inserted {
                        findings += files.basic(resolved, at: file.location, directive: "auth_basic_user_file")
                    }
                }
            }
            // Behind auth_request the password is the auth service's business: not passing it on is right.
            if passes, context.authRequest == nil, let strip = context.proxyHeaders.first(where: { Self.stripsAuthorization($0) }) {
                findings.append(Finding(
                    id: .authorizationNotPassedToApp, severity: .cause, confidence: 85, title: "nginx replaces Authorization before proxying",
                    explanation: "`proxy_set_header \(strip.arguments.map { $0.isEmpty ? "\"\"" : $0 }.joined(separator: " "))` applies to this proxy_pass: the upstream application never sees the client's Authorization header.",
                    fix: "Remove that proxy_set_header line, or set it to $http_authorization.",
                    evidence: ["proxy_set_header at \(strip.location)", "proxy_pass at \(block.last("proxy_pass")!.location)"], location: strip.location.description))
            }
            if passes, let cache = context.cache, cache.arguments.first != "off",
                let keeps401 = context.cacheValid.first(where: { $0.arguments.dropLast().contains { $0 == "any" || $0 == "401" } })
            {
                findings.append(Finding(
                    id: .cached401, severity: .cause, confidence: 85, title: "nginx caches 401 answers and serves them to everyone",
                    explanation: "`proxy_cache_valid \(keeps401.arguments.joined(separator: " "))` keeps 401 responses in the cache `\(cache.arguments.first ?? "")`, keyed by the URL and not by the credential: once one client is refused, every client asking for the same URL gets that 401 from the cache until it expires (a different query string gets through, which is the tell).",
                    fix: "Cache only successful answers: `proxy_cache_valid 200 301 302 10m;` (never `any` or 401), and do not cache authenticated content without the credential in `proxy_cache_key`; purge the cache after the change.",
                    evidence: ["proxy_cache_valid at \(keeps401.location)", "proxy_cache \(cache.arguments.first ?? "") at \(cache.location)", "proxy_pass at \(block.last("proxy_pass")!.location)"],
                    location: keeps401.location.description))
            }
            if let refusal = block.all("return").first(where: { $0.arguments.first == "401" }), !authOn,
                !context.addedHeaders.contains(where: { $0.arguments.first?.caseInsensitiveCompare("WWW-Authenticate") == .orderedSame && $0.arguments.last == "always" })
            {
                // `add_header` applies to a 401 only with `always`; without a challenge clients never know what to send.
                findings.append(Finding(
                    id: .missingWWWAuthenticate, severity: .cause, confidence: 80, title: "`return 401` without a WWW-Authenticate challenge",
                    explanation: "This location answers 401 itself, and nothing adds a challenge to that answer (`add_header` reaches a 401 only with `always`). RFC 9110 §15.5.2 requires one: without it browsers never ask for a password and clients such as curl --anyauth or HTTP libraries never send their credential.",
                    fix: "Send the challenge with the 401: `add_header WWW-Authenticate 'Basic realm=\"…\"' always;` (or the scheme the application expects, e.g. `Bearer realm=\"api\"`) in the same location; or let `auth_basic` do the refusing.",
                    evidence: ["return 401 at \(refusal.location)"], location: refusal.location.description))
            }
            if let off = block.last("proxy_pass_request_headers"), off.arguments.first == "off", passes {
                findings.append(Finding(
                    id: .authorizationNotPassedToApp, severity: .cause, confidence: 80, title: "nginx passes no request headers upstream",
                    explanation: "`proxy_pass_request_headers off` drops every header of the client's request, Authorization included.",
                    fix: "Remove it, or pass Authorization explicitly with `proxy_set_header Authorization $http_authorization;`.",
                    evidence: ["proxy_pass_request_headers off at \(off.location)"], location: off.location.description))
            }
            if let request = block.last("auth_request"), let uri = request.arguments.first, uri != "off",
                let auth = allBlocks(root).first(where: { $0.is("location") && $0.arguments.last == uri })
            {
                findings += AuthRequestAudit.findings(protected: block, request: request, auth: auth, in: root)
            }
            if let request = block.last("auth_request"), let uri = request.arguments.first, uri != "off", !exactLocations.contains(uri) {
                findings.append(Finding(
                    id: .configError, severity: .warning, confidence: 60, title: "auth_request names a location that is not defined",
                    explanation: "Authentication is delegated to a subrequest to \(uri), and no `location \(uri)` was found: every request would get the subrequest's 404 as 500.",
                    fix: "Define `location = \(uri) { internal; proxy_pass …; }` for the authentication service.",
                    evidence: ["auth_request \(uri) at \(request.location)"], location: request.location.description))
            }
            if let satisfy = block.last("satisfy"), satisfy.arguments.first == "any", authOn {
                findings.append(Finding(
                    id: .satisfyAny, severity: .info, confidence: 100, title: "satisfy any: an allowed address OR a password is enough",
                    explanation: "Clients from an `allow`ed address get in without credentials; the others are asked for a password. A 401 here means the client's address was not allowed.",
                    fix: "Nothing to fix if intended.", evidence: ["satisfy any at \(satisfy.location)"], location: satisfy.location.description))
            }
            for child in block.children where child.isBlock { walk(child, context) }
        }
        walk(root, Inherited())
        return findings
    }

    /// `underscore-header-dropped`: the query's headers named with `_`, which this server discards before anything
    /// reads them (`underscores_in_headers off`, the default, with `ignore_invalid_headers on`, the default).
    private func droppedHeaders(in server: ConfigDirective, _ context: Inherited) -> Finding? {
        let underscored = query.underscoredHeaders
        guard !underscored.isEmpty, context.underscores?.arguments.first != "on", context.ignoreInvalid?.arguments.first != "off" else { return nil }
        let names = underscored.map(\.name).joined(separator: ", ")
        let renamed = underscored.map { $0.name.replacingOccurrences(of: "_", with: "-") }.joined(separator: ", ")
        let setting = context.underscores.map { "`underscores_in_headers off` at \($0.location)" } ?? "nginx's default `underscores_in_headers off`"
        let place = context.underscores?.location ?? server.location
        let serverName = server.last("server_name")?.arguments.joined(separator: " ") ?? "_"
        return Finding(
            id: .underscoreHeaderDropped, severity: underscored.contains(where: \.carriesCredential) ? .cause : .warning, confidence: 92,
            title: "nginx drops \(names): header names with an underscore",
            explanation: "The request sends \(names). With \(setting), nginx treats a header name with an underscore as invalid and discards it (ignore_invalid_headers is on), so neither this server's rules nor the application behind it ever see it: the credential is missing where it is checked.",
            fix: "Send \(renamed) instead (the application reads it under the same name, HTTP_\(underscored[0].name.uppercased())), or let it through: `underscores_in_headers on;` in the http block or the default server (on ingress-nginx, `enable-underscores-in-headers: \"true\"` in its ConfigMap).",
            evidence: ["request header: \(names)", "\(setting), server \(serverName) at \(server.location)"], location: place.description)
    }

    /// `digest-uri-mismatch`: a prefix location whose `proxy_pass` names a path replaces that prefix, so an
    /// upstream that checks Digest sees another request-target than the `uri` the client signed (RFC 7616 §3.4.6)
    /// and refuses every login. Only asked when the client sends Digest.
    private func digestPathRewritten(_ location: ConfigDirective) -> Finding? {
        guard query.scheme == .digest, location.is("location"), let prefix = location.arguments.last, location.arguments.count == 1 || location.arguments.first == "^~",
            let pass = location.last("proxy_pass"), let target = pass.arguments.first, !target.contains("$"),
            let components = URLComponents(string: target), !components.path.isEmpty, components.path != prefix
        else { return nil }
        let example = prefix + "page"
        let seen = components.path + "page"
        return Finding(
            id: .digestURIMismatch, severity: .cause, confidence: 88, title: "proxy_pass rewrites the path the Digest response was computed over",
            explanation: "`location \(prefix)` passes requests to `\(target)`: nginx replaces the prefix \(prefix) with \(components.path), so the client signs `uri=\"\(example)\"` while the server behind sees `\(seen)`. A Digest server compares the two (RFC 7616 §3.4.6) and answers 401 with a new challenge, however right the password.",
            fix: "Keep the path as the client sent it: `proxy_pass \(components.scheme ?? "http")://\(components.host ?? "")\(components.port.map { ":\($0)" } ?? "")\(prefix);` (or no path at all), and serve the application under \(prefix) behind it; or do the Digest authentication in this nginx instead.",
            evidence: ["location \(prefix) at \(location.location)", "proxy_pass \(target) at \(pass.location)", "the client sends Digest"], location: pass.location.description)
    }

    /// A location that a controller generating the configuration refused to serve, with the reason it wrote above
    /// the `return` (ingress-nginx: `# Location denied. Reason: "…"` then `return 503;`): every request gets that
    /// status, and no 401 is ever sent. A missing or incomplete auth secret is the password file that was never
    /// written.
    static func deniedByController(_ block: ConfigDirective) -> Finding? {
        guard let refusal = block.all("return").first(where: { $0.comment?.contains("Location denied") == true }), let comment = refusal.comment,
            let marker = comment.range(of: "Reason:")
        else { return nil }
        let reason = comment[marker.upperBound...].trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"")))
        let secret = ["secret", "auth", "htpasswd"].contains { reason.lowercased().contains($0) }
        return Finding(
            id: secret ? .passwordFileError : .configError, severity: .cause, confidence: 92,
            title: secret ? "The controller wrote no password file for this location: its auth secret is unusable" : "The controller denied this location",
            explanation: "The configuration generator replaced this location with `return \(refusal.arguments.joined(separator: " "))` and wrote why: \"\(reason)\". Every request gets \(refusal.arguments.first ?? "that status") and no challenge, whatever credential it carries.",
            fix: secret
                ? "Fix the secret the annotations name: ingress-nginx reads the key `auth` (create it from a file named `auth`: `kubectl create secret generic basic-auth --from-file=auth`), holding htpasswd lines; the controller then writes the password file and asks for it."
                : "Fix what the reason names in the resource that generated this location, then let the controller write the configuration again.",
            evidence: ["# Location denied. Reason: \"\(reason)\"", "return \(refusal.arguments.joined(separator: " ")) at \(refusal.location)"], location: refusal.location.description)
    }

    private func allBlocks(_ block: ConfigDirective) -> [ConfigDirective] {
        block.children.filter(\.isBlock).flatMap { [$0] + allBlocks($0) }
    }

    /// `proxy_set_header Authorization ""` (or any value that is not the client's header).
    static func stripsAuthorization(_ directive: ConfigDirective) -> Bool {
        guard directive.arguments.count >= 1, directive.arguments[0].caseInsensitiveCompare("Authorization") == .orderedSame else { return false }
        let value = directive.arguments.count > 1 ? directive.arguments[1] : ""
        return !value.contains("$http_authorization")
    }
}
