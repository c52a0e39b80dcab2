import Foundation
import HTTPAuth
import Passwords

/// The authentication of an Apache configuration, checked as httpd applies it: per-directory settings inherited
/// into nested sections (a section's `Require` lines replace the outer ones, as with `AuthMerging Off`), the
/// `AuthType`/`AuthName`/`AuthUserFile` every protected section needs, the password and group files as `User`
/// reads them (relative to `ServerRoot`), `Require user`/`group` against those files, and scripts (CGI, FastCGI)
/// that never see `Authorization` without `CGIPassAuth On`.
struct ApacheAudit {
    let root: ConfigDirective
    let query: ConfigQuery

    /// The directives in effect in one section, the innermost winning.
    private struct Effective {
        var values: [String: ConfigDirective] = [:]
        var requires: [ConfigDirective] = []

        subscript(_ name: String) -> ConfigDirective? { values[name.lowercased()] }

        mutating func apply(_ section: ConfigDirective) {
            for child in section.children where !child.isBlock { values[child.name.lowercased()] = child }
            let own = section.all("Require")
            if !own.isEmpty { requires = own }
        }
    }

    static let authDirectives: Set<String> = ["authtype", "authname", "authuserfile", "authgroupfile", "require", "authbasicprovider", "authdigestprovider"]

    func findings() -> [Finding] {
        let serverRoot = root.arguments.first ?? (root.location.file as NSString).deletingLastPathComponent
        let files = PasswordFileAudit(server: .apache, serverUser: runUser(), requestedUser: query.user, password: query.password)
        var findings: [Finding] = []
        var audited: Set<String> = []
        let passesAuthorization = passesAuthorizationEverywhere()

        func walk(_ section: ConfigDirective, _ outer: Effective) {
            if section.is(ApacheConfig.ignoredAccessFile) {
                if let finding = ApacheAccessAudit.ignored(section, folder: section.arguments.first ?? "") { findings.append(finding) }
                return
            }
            var effective = outer
            // httpd merges <Directory> sections by path, shortest first, wherever they are written: a folder's
            // section inherits what the sections of its parent folders set (`<Directory />` included).
            if section.is("Directory"), let path = section.arguments.first {
                for parent in directoryParents(of: path) { effective.apply(parent) }
            }
            // <Location> sections merge too, in the order they are written: an outer path's settings reach this one.
            if section.is("Location"), let path = section.arguments.first, section.arguments.count == 1 {
                for outer in locationParents(of: section, path: path) { effective.apply(outer) }
            }
            effective.apply(section)
            let protects = section.children.contains { Self.authDirectives.contains($0.name.lowercased()) }
            if protects {
                var checked = check(section, effective, serverRoot: serverRoot, files: files, audited: &audited)
                // Inside <RequireAll> (and <RequireNone>) the lines are not alternatives.
                if effective["AuthType"] != nil, !section.is("RequireAll"), !section.is("RequireNone") {
                    let alternatives = ApacheAccessAudit.alternatives(effective.requires, satisfy: effective["Satisfy"], in: section)
                    if alternatives.contains(where: { $0.id == .configError }) { checked = checked.map(ApacheAccessAudit.bypassed) }
                    checked += alternatives
                }
                findings += checked
                if effective["AuthType"]?.arguments.first?.lowercased() == "basic", effective["SSLEngine"]?.arguments.first?.lowercased() != "on",
                    effective["SSLRequireSSL"] == nil, !effective.requires.contains(where: { $0.arguments.first?.lowercased() == "ssl" })
                {
                    findings.append(ApacheAccessAudit.basicOverHTTP(at: section.location))
                }
            }
            if let opened = ApacheAccessAudit.unprotecting(section.all("Require"), outer: outer.requires) { findings.append(opened) }
            if let runner = scriptRunner(section), effective["AuthType"] == nil {
                let wsgi = runner == "WSGIScriptAlias"
                let passed = wsgi ? effective["WSGIPassAuthorization"]?.arguments.first?.lowercased() == "on"
                    : passesAuthorization || effective["CGIPassAuth"]?.arguments.first?.lowercased() == "on"
                if !passed {
                    // A cause when nothing else explains a 401: an application behind it that checks credentials
                    // itself refuses every request; one that does not is not hurt (so an observation).
                    findings.append(Finding(
                        id: .authorizationNotPassedToApp, severity: .cause, confidence: 70,
                        title: wsgi ? "The WSGI application never sees the Authorization header" : "Scripts here never see the Authorization header",
                        explanation: wsgi
                            ? "This section hands requests to a WSGI application (\(runner)) and Apache itself does not authenticate them. mod_wsgi hides Authorization from the application unless `WSGIPassAuthorization On`, so an application that checks credentials itself (Django REST Framework, Flask) answers 401 to every request."
                            : "This section runs scripts (\(runner): CGI, FastCGI, PHP-FPM) and Apache itself does not authenticate them. Apache hides Authorization from scripts unless told otherwise, so an application that checks credentials itself answers 401 to every request. Rules that pass it in an .htaccess count only where httpd reads that file (AllowOverride).",
                        fix: wsgi
                            ? "Add `WSGIPassAuthorization On` beside the WSGIScriptAlias (or in its <Directory>), then reload Apache."
                            : "Add `CGIPassAuth On` to this section (Apache 2.4.13+), or `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1`, in the configuration or in an .htaccess that httpd reads (under the DocumentRoot, with AllowOverride).",
                        evidence: ["\(section.name) \(section.arguments.joined(separator: " ")) at \(section.location): \(runner)"], location: section.location.description,
                        basis: .observation))
                }
            }
            for child in section.children where child.isBlock { walk(child, effective) }
        }
        walk(root, Effective())
        return findings
    }

    private func check(_ section: ConfigDirective, _ effective: Effective, serverRoot: String, files: PasswordFileAudit, audited: inout Set<String>) -> [Finding] {
        var findings: [Finding] = []
        let here = section.location.description
        let requires = effective.requires.filter { ["valid-user", "user", "group"].contains($0.arguments.first?.lowercased() ?? "") }
        let type = effective["AuthType"]?.arguments.first?.lowercased()
        if !requires.isEmpty, type == nil || type == "none" {
            findings.append(configError("Require \(requires[0].arguments.joined(separator: " ")) without AuthType", "Apache cannot ask for a user without an AuthType and answers 500 (\"AuthType not set\").", "Add `AuthType Basic` and `AuthName \"…\"` to this section.", requires[0].location))
        }
        guard let type, type == "basic" || type == "digest" else { return findings }
        let typeLine = effective["AuthType"]!.location
        guard let realm = effective["AuthName"]?.arguments.first else {
            findings.append(configError("AuthType \(type.capitalized) without AuthName", "Without AuthName there is no realm for the challenge; Apache answers 500 (AH01615 need AuthName). `apachectl configtest` does not see it.", "Add `AuthName \"Restricted\"` next to AuthType.", typeLine))
            return findings
        }
        let provider = effective[type == "basic" ? "AuthBasicProvider" : "AuthDigestProvider"]?.arguments.first?.lowercased() ?? "file"
        guard provider == "file" else { return findings }
        guard let userFile = effective["AuthUserFile"], let path = userFile.arguments.first else {
            findings.append(configError("AuthType \(type.capitalized) without AuthUserFile", "The file provider has no file to open: every login fails with 500.", "Add `AuthUserFile /path/to/\(type == "basic" ? "htpasswd" : "htdigest")`.", typeLine))
            return findings
        }
        let resolved = ConfigFiles.resolve(path, against: serverRoot)
        if audited.insert("\(type) \(resolved) \(realm)").inserted {
            findings += type == "basic"
                ? files.basic(resolved, at: userFile.location, directive: "AuthUserFile")
                : files.digest(resolved, realm: realm, at: userFile.location, directive: "AuthUserFile")
        }
        let users = UserFile(path: resolved, digestRealm: type == "digest" ? realm : nil)
        let known = users?.users
        let listed = requires.filter { $0.arguments.first?.lowercased() == "user" }.flatMap { $0.arguments.dropFirst() }
        if !listed.isEmpty, let known {
            let missing = listed.filter { !known.contains($0) }
            if missing.count == listed.count {
                findings.append(Finding(
                    id: .forbiddenSentAs401, severity: .cause, confidence: 90, title: "Require user names nobody the password file has",
                    explanation: "`Require user \(listed.joined(separator: " "))`, and none of them is in \(resolved): every user who logs in is refused, with 401, so the browser asks again and again.",
                    fix: "Name users that exist, or add them to the file.", evidence: ["Require at \(requires[0].location)"], location: requires[0].location.description))
            }
            if let user = query.user, known.contains(user), !listed.contains(user),
                query.password == nil || users?.accepts(user, password: query.password) == true,
                !requires.contains(where: { $0.arguments.first?.lowercased() == "valid-user" })
            {
                findings.append(Finding(
                    id: .forbiddenSentAs401, severity: .cause, confidence: 90, title: "'\(user)' can log in but is not allowed here",
                    explanation: "The password file has '\(user)', but this section only lets \(listed.joined(separator: ", ")) in. Apache answers 401 (not 403), so it looks like a wrong password.",
                    fix: "Add '\(user)' to the Require user line, or use an allowed account.", evidence: ["Require user \(listed.joined(separator: " ")) at \(requires[0].location)"],
                    location: requires[0].location.description))
            }
        }
        let groups = requires.filter { $0.arguments.first?.lowercased() == "group" }.flatMap { $0.arguments.dropFirst() }
        if !groups.isEmpty {
            if let groupFile = effective["AuthGroupFile"], let groupPath = groupFile.arguments.first {
                let resolvedGroups = ConfigFiles.resolve(groupPath, against: serverRoot)
                if let file = try? GroupFile(path: resolvedGroups) {
                    let absent = groups.filter { file.members[$0] == nil }
                    if !absent.isEmpty {
                        findings.append(Finding(
                            id: .forbiddenSentAs401, severity: .cause, confidence: 85, title: "Require group names groups the group file lacks",
                            explanation: "\(absent.joined(separator: ", ")) \(absent.count == 1 ? "is" : "are") not in \(resolvedGroups): nobody is a member, so every user is refused with 401.",
                            fix: "Add the group to the file (`\(absent[0]): user1 user2`).", evidence: ["Require group at \(requires[0].location)"], location: requires[0].location.description))
                    }
                } else {
                    findings.append(configError("AuthGroupFile cannot be read", "\(resolvedGroups) is missing or unreadable: Apache answers 500 for every user.", "Fix the path (relative to ServerRoot) or the permissions.", groupFile.location))
                }
            } else {
                findings.append(configError("Require group without AuthGroupFile", "No group file applies, so no user is in any group: every login gets 401.", "Add `AuthGroupFile /path/to/groups`.", requires[0].location))
            }
        }
        let restrictive = !listed.isEmpty || !groups.isEmpty
        if restrictive, effective["AuthzSendForbiddenOnFailure"]?.arguments.first?.lowercased() != "on" {
            findings.append(Finding(
                id: .forbiddenSentAs401, severity: .info, confidence: 100, title: "Users outside the Require list get 401, not 403",
                explanation: "With Require user/group, a user with the right password but not on the list is answered 401 (AuthzSendForbiddenOnFailure is off by default), which looks like a wrong password and makes browsers ask again.",
                fix: "Add `AuthzSendForbiddenOnFailure On` to make such refusals 403.", evidence: ["\(section.name) at \(here)"], location: here))
        }
        return findings
    }

    /// The `<Location>` sections written before `section` whose path is a prefix of `path` (not `path` itself).
    private func locationParents(of section: ConfigDirective, path: String) -> [ConfigDirective] {
        var before: [ConfigDirective] = []
        var reached = false
        func collect(_ block: ConfigDirective) {
            for child in block.children where child.isBlock && !reached {
                if child == section { reached = true; return }
                if child.is("Location"), child.arguments.count == 1, let other = child.arguments.first, other != path, path.hasPrefix(other) { before.append(child) }
                collect(child)
            }
        }
        collect(root)
        return before
    }

    /// The `<Directory>` sections of parent folders of `path`, shortest path first (not `path`'s own).
    private func directoryParents(of path: String) -> [ConfigDirective] {
        func collect(_ block: ConfigDirective) -> [ConfigDirective] {
            block.children.flatMap { child -> [ConfigDirective] in
                guard child.isBlock, !child.is(ApacheConfig.ignoredAccessFile) else { return [] }
                return (child.is("Directory") ? [child] : []) + collect(child)
            }
        }
        let own = path.hasSuffix("/") ? path : path + "/"
        return collect(root).filter { section in
            guard let other = section.arguments.first else { return false }
            let prefix = other.hasSuffix("/") ? other : other + "/"
            return prefix != own && own.hasPrefix(prefix)
        }.sorted { ($0.arguments.first ?? "").count < ($1.arguments.first ?? "").count }
    }

    private func configError(_ title: String, _ explanation: String, _ fix: String, _ location: SourceLocation) -> Finding {
        Finding(id: .configError, severity: .cause, confidence: 90, title: title, explanation: explanation, fix: fix, evidence: ["at \(location)"], location: location.description)
    }

    /// What makes a section hand requests to an application that does its own authentication, or nil: a
    /// cgi-script or FastCGI handler, a FastCGI proxy, a ScriptAlias target, a WSGI application.
    private func scriptRunner(_ section: ConfigDirective) -> String? {
        // `AddHandler cgi-script .cgi` runs scripts only where `Options ExecCGI` is on; `SetHandler` runs everything.
        let execCGI = section.all("Options").flatMap(\.arguments).contains { $0.lowercased().hasSuffix("execcgi") && !$0.hasPrefix("-") }
        let handlers = (section.all("SetHandler") + (execCGI ? section.all("AddHandler") : [])).flatMap(\.arguments).map { $0.lowercased() }
        if let handler = handlers.first(where: { $0 == "cgi-script" || $0.hasPrefix("proxy:fcgi") }) { return "SetHandler \(handler)" }
        if section.all("ProxyPassMatch").contains(where: { $0.arguments.contains { $0.hasPrefix("fcgi://") } }) { return "ProxyPassMatch fcgi://" }
        if !section.all("WSGIScriptAlias").isEmpty { return "WSGIScriptAlias" }
        if section.is("Directory"), let path = section.arguments.first,
            scriptDirectories.contains(where: { innermostDirectory(covering: $0) == path })
        {
            return "ScriptAlias"
        }
        return nil
    }

    /// The path of the deepest `<Directory>` section that covers `target` (a folder, or a script file, with a
    /// trailing `/`): the one whose settings are the script's.
    private func innermostDirectory(covering target: String) -> String? {
        func collect(_ block: ConfigDirective) -> [String] {
            block.children.flatMap { child -> [String] in
                guard child.isBlock, !child.is(ApacheConfig.ignoredAccessFile) else { return [] }
                return (child.is("Directory") ? child.arguments.prefix(1) : []) + collect(child)
            }
        }
        return collect(root).filter { path in
            let folder = path.hasSuffix("/") ? path : path + "/"
            return target.hasPrefix(folder) || target == path
        }.max { $0.count < $1.count }
    }

    private var scriptDirectories: [String] {
        func collect(_ block: ConfigDirective) -> [String] {
            block.children.flatMap { child -> [String] in
                if child.is("ScriptAlias"), child.arguments.count >= 2 { return [child.arguments[1].hasSuffix("/") ? child.arguments[1] : child.arguments[1] + "/"] }
                return child.isBlock ? collect(child) : []
            }
        }
        return collect(root)
    }

    /// `SetEnvIf Authorization …` or a RewriteRule setting HTTP_AUTHORIZATION anywhere: the header is handed on.
    private func passesAuthorizationEverywhere() -> Bool {
        func search(_ block: ConfigDirective) -> Bool {
            block.children.contains { child in
                if (child.is("SetEnvIf") || child.is("SetEnvIfNoCase")), child.arguments.first?.lowercased() == "authorization" { return true }
                if child.is("RewriteRule"), child.arguments.joined(separator: " ").contains("HTTP_AUTHORIZATION") { return true }
                return child.isBlock && search(child)
            }
        }
        return search(root)
    }

    /// `User`, with Debian's `${APACHE_RUN_USER}` read from the `envvars` file beside the configuration.
    private func runUser() -> String {
        let user = root.last("User")?.arguments.first ?? "www-data"
        guard user.hasPrefix("${") else { return user }
        let name = user.dropFirst(2).dropLast()
        let envvars = ((root.location.file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("envvars")
        let text = (try? String(contentsOfFile: envvars, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") where line.contains("\(name)=") {
            return String(line.split(separator: "=", maxSplits: 1)[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        }
        return ProcessInfo.processInfo.environment[String(name)] ?? "www-data"
    }
}
