import Foundation
import HTTPAuth
import Passwords

/// What a server does with one request, modeled from its configuration: the authentication layer that answers
/// before any application does (does it ask, with which challenge, does the login pass), as the exchange the
/// server would send. The live rules read that exchange as they read a probe's, so a configuration and a live
/// server are judged by the same rules (`scheme-mismatch`, `credentials-rejected`, `missing-www-authenticate`, …).
/// An application behind the server is not modeled: a request the server lets through is answered 200.
/// Not modeled: `satisfy any` and `Require ip`/`host` (the client's address is unknown), `<Limit>` sections, `if`.
enum ServerModel {
    /// The modeled exchange and the directive that decided it.
    struct Answer {
        var request: ClientRequest
        var exchange: Exchange
        var decidedAt: SourceLocation
    }

    // MARK: nginx

    static func nginx(_ root: ConfigDirective, query: ConfigQuery, target: RequestTarget) -> Answer? {
        let http = root.children.filter { $0.is("http") }
        guard let server = RequestScope.chooseServer(http.flatMap { $0.all("server") }, target) else { return nil }
        var chain = [root] + http + [server]
        while let location = RequestScope.chooseLocation(chain.last!.all("location"), path: target.path) { chain.append(location) }
        func effective(_ name: String) -> ConfigDirective? { chain.reversed().lazy.compactMap { $0.last(name) }.first }
        let innermost = chain.last!
        // The rewrite phases (the server's `return`, then the location's) run before the access phase (auth_basic).
        if let refusal = (server.all("return") + innermost.all("return")).first, let status = Int(refusal.arguments.first ?? "") {
            let always = chain.reversed().lazy.map { $0.all("add_header") }.first { !$0.isEmpty } ?? []
            let headers = always.filter { $0.arguments.count >= 2 && (status < 400 || $0.arguments.last == "always") }.map { Exchange.Header($0.arguments[0], $0.arguments[1]) }
            return answer(query, target, scheme: nil, realm: nil, status: status, headers: headers, server: "nginx", at: refusal.location)
        }
        guard let auth = effective("auth_basic"), let realm = auth.arguments.first, realm != "off",
            let file = effective("auth_basic_user_file"), let path = file.arguments.first
        else {
            return answer(query, target, scheme: nil, realm: nil, status: 200, headers: [], server: "nginx", at: innermost.location)
        }
        let challenge = [Exchange.Header("WWW-Authenticate", "Basic realm=\"\(realm)\"")]
        let resolved = ConfigFiles.resolve(path, against: (root.location.file as NSString).deletingLastPathComponent)
        guard let user = query.user, (query.scheme ?? .basic) == .basic else {
            return answer(query, target, scheme: .basic, realm: realm, status: 401, headers: challenge, server: "nginx", at: auth.location)
        }
        // nginx opens the file only once a credential came: missing is 403, unreadable 500.
        guard FileManager.default.fileExists(atPath: resolved) else { return answer(query, target, scheme: .basic, realm: realm, status: 403, headers: [], server: "nginx", at: file.location) }
        guard let users = UserFile(path: resolved, digestRealm: nil) else { return answer(query, target, scheme: .basic, realm: realm, status: 500, headers: [], server: "nginx", at: file.location) }
        let accepted = users.accepts(user, password: query.password)
        return answer(query, target, scheme: .basic, realm: realm, status: accepted ? 200 : 401, headers: accepted ? [] : challenge, server: "nginx", at: file.location)
    }

    // MARK: Apache

    static func apache(_ root: ConfigDirective, query: ConfigQuery, target: RequestTarget) -> Answer? {
        let place = RequestScope.ApachePlace(root, target)
        var values: [String: ConfigDirective] = [:]
        var requires: [ConfigDirective] = []
        func apply(_ section: ConfigDirective) {
            for child in section.children where !child.isBlock { values[child.name.lowercased()] = child }
            let own = section.all("Require") + section.children.filter { ["requireall", "requireany"].contains($0.name.lowercased()) }.flatMap { $0.all("Require") }
            if !own.isEmpty { requires = own }
        }
        // httpd's merge order: the server, its virtual host, <Directory> by path (shortest first), then <Location>
        // in the order written.
        var directories: [ConfigDirective] = []
        var locations: [ConfigDirective] = []
        func collect(_ block: ConfigDirective) {
            for child in block.children where child.isBlock {
                switch child.name.lowercased() {
                case "virtualhost": if child == place.vhost { collect(child) }
                case "directory", "directorymatch": if place.covers(child) { directories.append(child); collect(child) }
                case "location", "locationmatch": if place.covers(child) { locations.append(child); collect(child) }
                case "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection": collect(child)
                default: continue
                }
            }
        }
        collect(root)
        apply(root)
        if let vhost = place.vhost { apply(vhost) }
        directories.sorted { ($0.arguments.last ?? "").count < ($1.arguments.last ?? "").count }.forEach(apply)
        locations.forEach(apply)
        let kinds = requires.map { $0.arguments.first?.lowercased() ?? "" }
        let decidedAt = requires.first?.location ?? root.location
        guard kinds.contains(where: ApacheAccessAudit.userRequirements.contains), !requires.contains(where: { $0.arguments.map { $0.lowercased() } == ["all", "granted"] }) else {
            if kinds == ["all"], requires.first?.arguments.last?.lowercased() == "denied" {
                return answer(query, target, scheme: nil, realm: nil, status: 403, headers: [], server: "Apache", at: decidedAt)
            }
            return kinds.allSatisfy({ $0 == "all" || $0.isEmpty }) ? answer(query, target, scheme: nil, realm: nil, status: 200, headers: [], server: "Apache", at: decidedAt) : nil
        }
        guard let typeLine = values["authtype"], let scheme = ConfigQuery.Scheme(rawValue: (typeLine.arguments.first ?? "").capitalized),
            let realm = values["authname"]?.arguments.first, let file = values["authuserfile"], let path = file.arguments.first
        else {
            return answer(query, target, scheme: nil, realm: nil, status: 500, headers: [], server: "Apache", at: values["authtype"]?.location ?? decidedAt)
        }
        let challenge = [Exchange.Header("WWW-Authenticate", scheme == .basic ? "Basic realm=\"\(realm)\"" : "Digest realm=\"\(realm)\", nonce=\"modeled\", algorithm=MD5, qop=\"auth\"")]
        guard let user = query.user, (query.scheme ?? scheme) == scheme else {
            return answer(query, target, scheme: scheme, realm: realm, status: 401, headers: challenge, server: "Apache", at: typeLine.location)
        }
        let resolved = ConfigFiles.resolve(path, against: root.arguments.first ?? "/")
        guard let users = UserFile(path: resolved, digestRealm: scheme == .digest ? realm : nil) else {
            return answer(query, target, scheme: scheme, realm: realm, status: 500, headers: [], server: "Apache", at: file.location)
        }
        guard users.accepts(user, password: query.password) else { return answer(query, target, scheme: scheme, realm: realm, status: 401, headers: challenge, server: "Apache", at: file.location) }
        let groups = (values["authgroupfile"]?.arguments.first).flatMap { try? GroupFile(path: ConfigFiles.resolve($0, against: root.arguments.first ?? "/")) }
        let allowed = requires.contains { require in
            let words = require.arguments.map { $0.lowercased() }
            switch words.first {
            case "valid-user": return true
            case "user": return require.arguments.dropFirst().contains(user)
            case "group": return require.arguments.dropFirst().contains { groups?.members[$0]?.contains(user) ?? false }
            default: return false
            }
        }
        if allowed { return answer(query, target, scheme: scheme, realm: realm, status: 200, headers: [], server: "Apache", at: decidedAt) }
        let forbidden = values["authzsendforbiddenonfailure"]?.arguments.first?.lowercased() == "on"
        return answer(query, target, scheme: scheme, realm: realm, status: forbidden ? 403 : 401, headers: forbidden ? [] : challenge, server: "Apache", at: decidedAt)
    }

    // MARK: The exchange

    /// The query as the client sends it (its credential in the scheme it chose, else the one the server asks for),
    /// and the server's modeled answer.
    private static func answer(
        _ query: ConfigQuery, _ target: RequestTarget, scheme asked: ConfigQuery.Scheme?, realm: String?, status: Int, headers: [Exchange.Header], server: String, at location: SourceLocation
    ) -> Answer {
        let host = target.host.isEmpty ? "localhost" : target.host
        let origin = target.port == 443 ? "https://\(host)" : target.port == 80 ? "http://\(host)" : "http://\(host):\(target.port)"
        let url = URL(string: origin + target.path) ?? URL(string: "http://localhost/")!
        var request = ClientRequest(url: url)
        request.headers = query.headers
        request.user = query.user
        request.password = query.password
        let scheme = query.scheme ?? asked ?? .basic
        request.digest = scheme == .digest
        var sent = query.headers
        if let user = query.user {
            let credential = scheme == .basic
                ? "Basic " + Data("\(user):\(query.password ?? "")".utf8).base64EncodedString()
                : "Digest username=\"\(user)\", realm=\"\(realm ?? "")\", nonce=\"modeled\", uri=\"\(target.path)\", response=\"modeled\""
            sent.append(Exchange.Header("Authorization", credential))
        }
        let exchange = Exchange(
            purpose: "request", method: "GET", url: url, requestHeaders: sent, status: status, responseHeaders: [Exchange.Header("Server", server)] + headers)
        return Answer(request: request, exchange: exchange, decidedAt: location)
    }
}

extension ServerModel {
    /// The requests worth asking a configuration about when the user named no URL: one per section that asks for
    /// a password or refuses (nginx locations with `auth_basic` or `return 4xx`; Apache `<Location>` and
    /// `<Directory>` sections with authentication, a folder turned back into its URL through `Alias` or
    /// `DocumentRoot`), at most 20.
    static func protectedTargets(_ root: ConfigDirective, server: ConfigDiagnosis.Server) -> [RequestTarget] {
        var targets: [RequestTarget] = []
        switch server {
        case .nginx:
            for server in root.children.filter({ $0.is("http") }).flatMap({ $0.all("server") }) {
                let port = server.all("listen").compactMap(\.arguments.first).first.flatMap { Int($0.split(separator: ":").last ?? "") } ?? 80
                let host = server.last("server_name")?.arguments.first { $0 != "_" && !$0.hasPrefix("~") && !$0.contains("*") } ?? ""
                func walk(_ block: ConfigDirective, _ authOn: Bool) {
                    for location in block.all("location") {
                        let auth = location.last("auth_basic").map { $0.arguments.first != "off" } ?? authOn
                        let refuses = location.all("return").contains { (Int($0.arguments.first ?? "") ?? 0) >= 400 }
                        if auth || refuses, let path = location.arguments.last, location.arguments.count == 1 || ["=", "^~"].contains(location.arguments[0]), !path.hasPrefix("@") {
                            targets.append(RequestTarget(port: port, host: host, path: path))
                        }
                        walk(location, auth)
                    }
                }
                walk(server, server.last("auth_basic").map { $0.arguments.first != "off" } ?? false)
            }
        case .iis:
            break
        case .apache:
            let listen = root.children.first { $0.is("Listen") }?.arguments.first.flatMap { Int($0.split(separator: ":").last ?? "") } ?? 80
            func walk(_ block: ConfigDirective, vhost: ConfigDirective?) {
                for section in block.children where section.isBlock {
                    if section.is("VirtualHost") { walk(section, vhost: section); continue }
                    let port = vhost.flatMap { $0.arguments.first.flatMap { Int($0.split(separator: ":").last ?? "") } } ?? listen
                    let host = vhost?.last("ServerName")?.arguments.first ?? ""
                    let protects = section.children.contains {
                        $0.is("AuthType") || ($0.is("Require") && ApacheAccessAudit.userRequirements.contains($0.arguments.first?.lowercased() ?? ""))
                    }
                    if protects, section.is("Location"), section.arguments.count == 1, let path = section.arguments.first {
                        targets.append(RequestTarget(port: port, host: host, path: path))
                    } else if protects, section.is("Directory"), section.arguments.count == 1, let folder = section.arguments.first,
                        let path = urlPath(of: folder, root: root, vhost: vhost)
                    {
                        targets.append(RequestTarget(port: port, host: host, path: path))
                    }
                    walk(section, vhost: vhost)
                }
            }
            walk(root, vhost: nil)
        }
        return Array(targets.prefix(20))
    }

    /// The URL path that maps to `folder`: through an `Alias` whose target holds it, else under `DocumentRoot`.
    private static func urlPath(of folder: String, root: ConfigDirective, vhost: ConfigDirective?) -> String? {
        let folder = folder.hasSuffix("/") ? folder : folder + "/"
        func all(_ name: String, in block: ConfigDirective) -> [ConfigDirective] {
            block.children.flatMap { child in child.is(name) ? [child] : child.isBlock && !child.is("VirtualHost") ? all(name, in: child) : [] }
        }
        for scope in [vhost, root].compactMap({ $0 }) {
            for alias in all("Alias", in: scope) + all("ScriptAlias", in: scope) where alias.arguments.count >= 2 {
                let target = alias.arguments[1].hasSuffix("/") ? alias.arguments[1] : alias.arguments[1] + "/"
                if folder.hasPrefix(target) {
                    let base = alias.arguments[0].hasSuffix("/") ? alias.arguments[0] : alias.arguments[0] + "/"
                    return base + folder.dropFirst(target.count)
                }
            }
            if let documentRoot = all("DocumentRoot", in: scope).last?.arguments.first {
                let base = documentRoot.hasSuffix("/") ? documentRoot : documentRoot + "/"
                if folder.hasPrefix(base) { return "/" + folder.dropFirst(base.count) }
            }
        }
        return nil
    }

    /// The live rules' findings on the modeled answer to `query` at each target (the named one, else each protected
    /// section's), each placed at the directive that decided it.
    static func findings(_ root: ConfigDirective, server: ConfigDiagnosis.Server, query: ConfigQuery, target: RequestTarget?) -> (findings: [Finding], exchanges: [Exchange]) {
        var found: [Finding] = []
        var exchanges: [Exchange] = []
        for target in target.map({ [$0] }) ?? protectedTargets(root, server: server) {
            guard let answer = server == .nginx ? nginx(root, query: query, target: target) : apache(root, query: query, target: target) else { continue }
            let status = answer.exchange.status ?? 0
            exchanges.append(answer.exchange)
            let diagnosis = Diagnosis(evidence: Evidence(request: answer.request, chain: [answer.exchange], probes: []))
            found += diagnosis.findings.map { finding in
                var finding = finding
                finding.location = finding.location ?? answer.decidedAt.description
                finding.evidence.append("modeled: GET \(target.path) → \(status), as \(server.rawValue) would answer (decided at \(answer.decidedAt))")
                return finding
            }
        }
        return (found, exchanges)
    }
}
