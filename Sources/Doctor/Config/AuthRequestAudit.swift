import Foundation
import HTTPAuth

/// nginx's `auth_request`, checked as the peers' documentation sets it up (nginx's module page, Authelia,
/// oauth2-proxy, Gatehouse's docs/forward-auth.md): the internal location that asks the auth service, and what the
/// protected location does with the answer.
/// - `proxy_pass_request_body off` without `proxy_set_header Content-Length ""`: the auth service is told a body is
///   coming and none does, so a service that reads it makes every POST or PUT wait for its timeout and fail; with the
///   body passed, every upload goes to the auth service too (both `config-error` warnings);
/// - no header carrying `$request_uri` to the auth service: it cannot tell which path was asked, so per-path rules
///   cannot apply (a warning);
/// - `auth_request_set` of the service's headers that nothing passes on: the application never learns who the user
///   is (`forward-auth-headers-not-copied`);
/// - `error_page 401` that redirects every refused client: API clients and scripts get a 302 (with an empty
///   `Location` when the variable is empty), not a 401 (`login-redirect-for-api`, a warning).
enum AuthRequestAudit {
    static func findings(protected block: ConfigDirective, request: ConfigDirective, auth location: ConfigDirective, in root: ConfigDirective) -> [Finding] {
        var findings: [Finding] = []
        let headers = location.all("proxy_set_header")
        if location.last("proxy_pass") != nil {
            let bodyOff = location.last("proxy_pass_request_body")?.arguments.first == "off"
            let lengthCleared = headers.contains { $0.arguments.first?.lowercased() == "content-length" && ($0.arguments.count == 1 || $0.arguments[1].isEmpty) }
            if bodyOff, !lengthCleared, let off = location.last("proxy_pass_request_body") {
                findings.append(Finding(
                    id: .configError, severity: .warning, confidence: 75, title: "The auth request keeps Content-Length but drops the body",
                    explanation: "`proxy_pass_request_body off` at \(off.location) sends the auth service no body, but the request's Content-Length still goes with it: for a POST or PUT a service that reads the body waits for bytes that never come, and nginx answers 500 when it times out. GET requests work, which hides it.",
                    fix: "Add `proxy_set_header Content-Length \"\";` next to it in \(location.arguments.joined(separator: " ")).",
                    evidence: ["auth_request \(request.arguments.joined(separator: " ")) at \(request.location)", "proxy_pass_request_body off at \(off.location), no proxy_set_header Content-Length \"\""],
                    location: off.location.description))
            } else if !bodyOff {
                findings.append(Finding(
                    id: .configError, severity: .warning, confidence: 60, title: "Every request body is sent to the auth service too",
                    explanation: "The auth location at \(location.location) passes the request body on, so each upload is read and sent twice.",
                    fix: "Add `proxy_pass_request_body off;` and `proxy_set_header Content-Length \"\";` to the auth location.",
                    evidence: ["location \(location.arguments.joined(separator: " ")) at \(location.location)"], location: location.location.description))
            }
            if !headers.contains(where: { $0.arguments.dropFirst().contains { $0.contains("$request_uri") || $0.contains("$uri") } }) {
                findings.append(Finding(
                    id: .configError, severity: .warning, confidence: 60, title: "The auth service is not told which URI was asked",
                    explanation: "No proxy_set_header of the auth location at \(location.location) carries $request_uri: the service sees only its own path, so it cannot apply per-path rules (Gatehouse answers such a question with 400, which nginx turns into 500).",
                    fix: "Add `proxy_set_header X-Original-URI $request_uri;` and `proxy_set_header X-Original-Method $request_method;` to the auth location.",
                    evidence: ["location \(location.arguments.joined(separator: " ")) at \(location.location)"], location: location.location.description))
            }
        }
        // A variable may be used anywhere the request goes next: this location, or a named location error_page sends it to.
        func arguments(_ directive: ConfigDirective) -> [String] {
            directive.is("auth_request_set") ? [] : (directive.isBlock ? [] : directive.arguments) + directive.children.flatMap(arguments)
        }
        let used = arguments(root).joined(separator: " ")
        for set in block.all("auth_request_set") where set.arguments.count >= 2 {
            let variable = set.arguments[0]
            let source = set.arguments[1]
            guard source.hasPrefix("$upstream_http_"), !Self.uses(used, variable) else { continue }
            let header = source.dropFirst("$upstream_http_".count).split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: "-")
            findings.append(Finding(
                id: .forwardAuthHeadersNotCopied, severity: .cause, confidence: 75, title: "The auth service's \(header) is read and never passed on",
                explanation: "`auth_request_set \(variable) \(source)` at \(set.location) keeps what the auth service said, but nothing in this location uses \(variable): the application never gets \(header), so it sees an anonymous request and may answer 401 itself.",
                fix: "Pass it on: `proxy_set_header \(header) \(variable);` (fastcgi_param or uwsgi_param for those) in the same location.",
                evidence: ["auth_request_set at \(set.location)"], location: set.location.description))
        }
        for page in block.all("error_page") where page.arguments.first == "401" || page.arguments.dropLast().contains("401") {
            let target = page.arguments.last ?? ""
            guard !target.hasPrefix("@"), page.arguments.contains(where: { $0.hasPrefix("=30") }) || target.hasPrefix("http") else { continue }
            findings.append(Finding(
                id: .loginRedirectForAPI, severity: .warning, confidence: 70, title: "error_page 401 redirects every refused client",
                explanation: "`error_page \(page.arguments.joined(separator: " "))` at \(page.location) turns each 401 of the auth service into a redirect: browsers reach the login page, but API clients and scripts get a 302 instead of 401 with its challenge\(target.hasPrefix("$") ? ", with an empty Location whenever \(target) is empty" : "").",
                fix: "Send it to a named location that redirects only when the auth service gave a login page (`error_page 401 = @login;` with `if ($login) { return 302 $login; } return 401;`), as docs/forward-auth.md's nginx.conf does.",
                evidence: ["error_page at \(page.location)"], location: page.location.description))
        }
        return findings
    }

    /// Whether `text` holds `variable` as a whole variable name (`$user` is not `$user_groups`).
    static func uses(_ text: String, _ variable: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: variable, range: searchRange) {
            let next = text[found.upperBound...].first
            if next == nil || !(next!.isLetter || next!.isNumber || next == "_") { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return text.contains("${" + variable.dropFirst() + "}")
    }
}
