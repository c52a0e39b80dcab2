import Foundation

/// `gatehouse doctor CONFIG`: an nginx, Apache or IIS configuration (a main file, a `.htaccess`, a `web.config`, or a
/// directory holding them) read as the server reads it, with every authentication finding naming its file and line.
public struct ConfigDiagnosis: Sendable {
    public enum Server: String, Sendable { case nginx, apache, iis }

    public var server: Server
    /// The files audited (main files; included ones are named by the findings' locations).
    public var files: [String]
    public var findings: [Finding]
    /// The exchanges the configuration would send to the user's request (``ServerModel``), when one was described.
    public var modeled: [Exchange] = []

    /// Whether `path` looks like a server configuration rather than a log (by name, then by its first bytes).
    public static func looksLikeConfig(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
        if isDirectory.boolValue { return !mainFiles(in: path).isEmpty || IISConfiguration.holdsSite(path) }
        return kind(of: path) != nil
    }

    /// The configuration at `path` read and audited, answering `query` (the user's login, scheme and headers) as the
    /// server would; with a `target`, only what the server applies to that request (``RequestScope``). Unless
    /// `modeled` is false (the server's real answer is known), the live rules also judge the exchange the
    /// configuration would send (``ServerModel``).
    public static func run(path: String, query: ConfigQuery = ConfigQuery(), target: RequestTarget? = nil, modeled: Bool = true) throws -> ConfigDiagnosis {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        let targets = isDirectory.boolValue ? mainFiles(in: path) : [path]
        if targets.isEmpty && isDirectory.boolValue || targets.first.flatMap(kind(of:)) == .iis {
            let (files, findings) = try IISAudit.findings(path: path)
            return ConfigDiagnosis(server: .iis, files: files, findings: ordered(findings))
        }
        guard let first = targets.first, let server = kind(of: first) else {
            throw ConfigReadError(location: SourceLocation(file: path, line: 0), message: "no nginx.conf, apache2.conf, httpd.conf or .htaccess here")
        }
        var findings: [Finding] = []
        var exchanges: [Exchange] = []
        for file in targets {
            var found: [Finding]
            let scope: Set<String>?
            let root: ConfigDirective
            guard let kind = kind(of: file) else { continue }
            switch kind {
            case .nginx:
                root = try NginxConfig.read(path: file)
                found = NginxAudit(root: root, query: query).findings()
                scope = target.map { RequestScope.nginx(root, $0) }
            case .apache:
                root = try ApacheConfig.read(path: file)
                found = ApacheAudit(root: root, query: query).findings()
                scope = target.map { RequestScope.apache(root, $0) }
            case .iis:
                continue
            }
            if modeled, query.describesARequest || target != nil {
                // The same rules as on a live server, on the exchange this configuration would send.
                let model = ServerModel.findings(root, server: kind, query: query, target: target)
                found = found.joined(with: model.findings, refused: model.exchanges.contains { ($0.status ?? 0) >= 400 })
                exchanges += model.exchanges
            }
            findings += found.filter { finding in scope.map { scope in finding.location.map(scope.contains) ?? true } ?? true }
        }
        findings = ordered(findings)
        return ConfigDiagnosis(server: server, files: targets, findings: findings, modeled: exchanges)
    }

    /// Causes first, most likely first, then by file and line; observations a warning when a cause explains the refusal.
    static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.demotingObservations().sorted { ($0.severity, -$0.confidence, $0.location ?? "") < ($1.severity, -$1.confidence, $1.location ?? "") }
    }

    /// The server whose configuration the file is: by its name, then by what it contains.
    static func kind(of path: String) -> Server? {
        let name = (path as NSString).lastPathComponent.lowercased()
        if IISAudit.isIISFile(path) { return .iis }
        if name.hasPrefix("nginx") { return .nginx }
        if ["apache2.conf", "httpd.conf", ".htaccess"].contains(name) { return .apache }
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.read(upToCount: 65536) else { return nil }
        try? handle.close()
        let text = String(decoding: data, as: UTF8.self)
        if text.range(of: #"(?m)^\s*<(Directory|Location|Files|VirtualHost|IfModule)\b"#, options: .regularExpression) != nil
            || text.range(of: #"(?m)^\s*(AuthType|AuthUserFile|LoadModule|ServerRoot)\s"#, options: .regularExpression) != nil
        {
            return .apache
        }
        if text.range(of: #"(?m)^\s*(http|server|location|events)\b[^;\n]*\{"#, options: .regularExpression) != nil
            || text.range(of: #"(?m)^\s*auth_basic(_user_file)?\s"#, options: .regularExpression) != nil
        {
            return .nginx
        }
        return nil
    }

    /// The main configuration files of a directory: `nginx.conf`, `apache2.conf`, `httpd.conf` (also under `conf/`),
    /// or else the `.htaccess` files below it.
    static func mainFiles(in directory: String) -> [String] {
        let candidates = ["nginx.conf", "apache2.conf", "httpd.conf", "conf/httpd.conf", "conf/nginx.conf"].map { (directory as NSString).appendingPathComponent($0) }
        let found = candidates.filter { FileManager.default.fileExists(atPath: $0) }
        if !found.isEmpty { return found }
        let enumerator = FileManager.default.enumerator(atPath: directory)
        var htaccess: [String] = []
        while let item = enumerator?.nextObject() as? String, htaccess.count < 100 {
            if (item as NSString).lastPathComponent == ".htaccess" { htaccess.append((directory as NSString).appendingPathComponent(item)) }
        }
        return htaccess.sorted()
    }
}
