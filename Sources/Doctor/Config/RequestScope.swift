import Foundation

/// The request a configuration is asked about, as the server sees it: the port it arrived on, the host it names and
/// its path (percent-decoded, as both servers match it).
public struct RequestTarget: Sendable, Hashable {
    public var port: Int
    public var host: String
    public var path: String

    public init(port: Int, host: String, path: String) {
        self.port = port
        self.host = host.lowercased()
        self.path = path.isEmpty ? "/" : path
    }

    /// The target of `url`, with the scheme's default port (and the path's trailing slash, which `URL.path` drops).
    public init(_ url: URL) {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: true)?.path ?? url.path
        self.init(port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80), host: url.host ?? "", path: path)
    }
}

/// The part of a configuration that serves one request, as the places (`file:line`) of the directives in effect for
/// it: nginx's server chosen by port and `server_name` and its location chosen as nginx does (exact, longest prefix
/// unless `^~`, then regular expressions in order); Apache's virtual host by port and `ServerName`/`ServerAlias`,
/// and the `<Location>` and `<Directory>` sections that cover its path (the folder from `Alias` or `DocumentRoot`).
/// A finding placed elsewhere is about another request.
enum RequestScope {
    static func nginx(_ root: ConfigDirective, _ target: RequestTarget) -> Set<String> {
        var scope: Set<String> = []
        /// A block's own directives and its inner blocks, but not the servers or locations, which are chosen.
        func body(_ block: ConfigDirective) {
            scope.insert(block.location.description)
            for child in block.children where !child.is("server") && !child.is("location") {
                if child.isBlock { body(child) } else { scope.insert(child.location.description) }
            }
        }
        body(root)
        let https = root.children.filter { $0.is("http") }
        https.forEach(body)
        guard let server = chooseServer(https.flatMap { $0.all("server") }, target) else { return scope }
        body(server)
        var block = server
        while let location = chooseLocation(block.all("location"), path: target.path) {
            body(location)
            block = location
        }
        return scope
    }

    static func chooseServer(_ servers: [ConfigDirective], _ target: RequestTarget) -> ConfigDirective? {
        func ports(_ server: ConfigDirective) -> [Int] {
            let listens = server.all("listen").compactMap(\.arguments.first)
            guard !listens.isEmpty else { return [80] }
            return listens.map { listen in
                let port = listen.split(separator: ":").last.map(String.init) ?? listen
                return Int(port) ?? (listen.contains(":") || listen.contains(".") ? 80 : Int(listen) ?? 80)
            }
        }
        let listening = servers.filter { ports($0).contains(target.port) }
        let candidates = listening.isEmpty ? servers : listening
        func names(_ server: ConfigDirective) -> [String] { server.all("server_name").flatMap(\.arguments).map { $0.lowercased() } }
        if let exact = candidates.first(where: { names($0).contains(target.host) }) { return exact }
        if let wildcard = candidates.first(where: { server in
            names(server).contains { name in
                (name.hasPrefix("*.") && target.host.hasSuffix(name.dropFirst())) || (name.hasPrefix(".") && (target.host.hasSuffix(name) || target.host == name.dropFirst()))
            }
        }) {
            return wildcard
        }
        if let pattern = candidates.first(where: { names($0).contains { $0.hasPrefix("~") && matches(String($0.dropFirst()), target.host, caseless: true) } }) {
            return pattern
        }
        return candidates.first { $0.all("listen").contains { $0.arguments.contains("default_server") || $0.arguments.contains("default") } } ?? candidates.first
    }

    static func chooseLocation(_ locations: [ConfigDirective], path: String) -> ConfigDirective? {
        var longest: (location: ConfigDirective, length: Int, stops: Bool)?
        var patterns: [(location: ConfigDirective, pattern: String, caseless: Bool)] = []
        for location in locations {
            let arguments = location.arguments
            switch (arguments.count, arguments.first) {
            case (2, "="?):
                if arguments[1] == path { return location }
            case (2, "~"?), (2, "~*"?):
                patterns.append((location, arguments[1], arguments[0] == "~*"))
            case (2, "^~"?), (1, _):
                let prefix = arguments.last!
                if !prefix.hasPrefix("@"), path.hasPrefix(prefix), prefix.count > longest?.length ?? -1 {
                    longest = (location, prefix.count, arguments.count == 2)
                }
            default:
                continue
            }
        }
        if let longest, longest.stops { return longest.location }
        return patterns.first { matches($0.pattern, path, caseless: $0.caseless) }?.location ?? longest?.location
    }

    /// Containers httpd reads through (conditions, authorization groups, method limits) and sections that do not
    /// depend on the path (`<Files>`, `<Proxy>`): taken as applying.
    static let apacheTransparent: Set<String> = [
        "ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection", "if", "elseif", "else",
        "requireall", "requireany", "requirenone", "limit", "limitexcept", "files", "filesmatch", "proxy", "proxymatch",
    ]

    /// Where an Apache request lands: its virtual host and the folder its path maps to.
    struct ApachePlace {
        var target: RequestTarget
        var vhost: ConfigDirective?
        var folder: String

        init(_ root: ConfigDirective, _ target: RequestTarget) {
            self.target = target
            vhost = RequestScope.chooseVirtualHost(root, target)
            folder = RequestScope.filesystemPath(root, vhost: vhost, path: target.path)
        }

        /// Whether a section applies to the request (one that is not about paths or hosts does).
        func covers(_ section: ConfigDirective) -> Bool {
            let argument = section.arguments.last ?? ""
            switch section.name.lowercased() {
            case "virtualhost": return section == vhost
            case "location": return section.arguments.first == "~" ? matches(argument, target.path, caseless: false) : target.path.hasPrefix(argument)
            case "locationmatch": return matches(argument, target.path, caseless: false)
            case "directory", ApacheConfig.ignoredAccessFile.lowercased():
                if section.arguments.first == "~" { return matches(argument, folder, caseless: false) }
                let prefix = argument.hasSuffix("/") ? argument : argument + "/"
                return folder == argument || folder.hasPrefix(prefix) || argument == "/"
            case "directorymatch": return matches(argument, folder, caseless: false)
            default: return true
            }
        }
    }

    static func apache(_ root: ConfigDirective, _ target: RequestTarget) -> Set<String> {
        let place = ApachePlace(root, target)
        var scope: Set<String> = []
        func walk(_ block: ConfigDirective) {
            scope.insert(block.location.description)
            for child in block.children {
                if !child.isBlock {
                    scope.insert(child.location.description)
                } else if apacheTransparent.contains(child.name.lowercased()) || place.covers(child) {
                    walk(child)
                }
            }
        }
        walk(root)
        return scope
    }

    /// The `<VirtualHost>` that takes the request: on its port, by `ServerName` or `ServerAlias`, else the first
    /// on that port (httpd's default for a name it does not know).
    static func chooseVirtualHost(_ root: ConfigDirective, _ target: RequestTarget) -> ConfigDirective? {
        func collect(_ block: ConfigDirective) -> [ConfigDirective] {
            block.children.filter(\.isBlock).flatMap { $0.is("VirtualHost") ? [$0] : $0.is("Directory") || $0.is("Location") ? [] : collect($0) }
        }
        let hosts = collect(root).filter { host in
            host.arguments.contains { address in Int(address.split(separator: ":").last ?? "") == target.port || !address.contains(":") }
        }
        return hosts.first { host in
            (host.all("ServerName") + host.all("ServerAlias")).flatMap(\.arguments).contains { name in
                let name = name.lowercased().split(separator: ":").first.map(String.init) ?? ""
                return name == target.host || (name.hasPrefix("*.") && target.host.hasSuffix(name.dropFirst()))
            }
        } ?? hosts.first
    }

    /// The file-system path a URL path maps to: through the longest matching `Alias` or `ScriptAlias` (the virtual
    /// host's first), else under `DocumentRoot` (Debian's `/var/www/html` when none is set).
    static func filesystemPath(_ root: ConfigDirective, vhost: ConfigDirective?, path: String) -> String {
        func directives(_ block: ConfigDirective, _ names: Set<String>) -> [ConfigDirective] {
            block.children.flatMap { child -> [ConfigDirective] in
                if names.contains(child.name.lowercased()) { return [child] }
                return child.isBlock && !child.is("VirtualHost") && !child.is("Directory") && !child.is("Location") ? directives(child, names) : []
            }
        }
        let scopes = [vhost, root].compactMap { $0 }
        let aliases = scopes.flatMap { directives($0, ["alias", "scriptalias"]) }.filter { $0.arguments.count >= 2 }
        if let alias = aliases.filter({ path.hasPrefix($0.arguments[0]) }).max(by: { $0.arguments[0].count < $1.arguments[0].count }) {
            return alias.arguments[1] + path.dropFirst(alias.arguments[0].count)
        }
        let documentRoot = scopes.lazy.compactMap { directives($0, ["documentroot"]).last?.arguments.first }.first ?? "/var/www/html"
        return (documentRoot.hasSuffix("/") ? String(documentRoot.dropLast()) : documentRoot) + path
    }

    static func matches(_ pattern: String, _ text: String, caseless: Bool) -> Bool {
        guard let expression = try? NSRegularExpression(pattern: pattern, options: caseless ? [.caseInsensitive] : []) else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
