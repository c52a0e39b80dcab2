import Foundation

/// The nginx or Apache that serves a loopback URL on this machine, found as `ss -ltnp` finds it: the listening
/// socket of the port (`/proc/net/tcp`, `tcp6`), the processes holding it, and the configuration file their command
/// line names (nginx `-c`, relative to `-p`, else `/etc/nginx/nginx.conf`; Apache `-f`, relative to `-d`, else
/// `/etc/apache2/apache2.conf`). Nothing is found when the doctor may not read those (another user's processes).
public struct LocalServer: Sendable, Hashable {
    public var kind: ConfigDiagnosis.Server
    public var pid: Int32
    public var port: Int
    public var configuration: String

    /// The server listening on `url`'s port, when `url` names this machine by a loopback address or `localhost`.
    public static func serving(_ url: URL) -> LocalServer? {
        guard let host = url.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")),
            host == "localhost" || host.hasPrefix("127.") || host == "::1"
        else { return nil }
        let port = RequestTarget(url).port
        let sockets = listeningSockets(port: port)
        guard !sockets.isEmpty else { return nil }
        for pid in holders(of: sockets) {
            // nginx's workers hold the socket too; their master names the configuration.
            for candidate in [pid, parent(of: pid)].compactMap({ $0 }) {
                if let server = server(pid: candidate, port: port) { return server }
            }
        }
        return nil
    }

    /// The inodes of the sockets listening on `port` over TCP (IPv4 and IPv6).
    static func listeningSockets(port: Int) -> Set<String> {
        var inodes: Set<String> = []
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] == "0A", let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else { continue }
                inodes.insert(String(fields[9]))
            }
        }
        return inodes
    }

    /// The processes with one of `sockets` open, lowest pid first.
    static func holders(of sockets: Set<String>) -> [Int32] {
        let links = Set(sockets.map { "socket:[\($0)]" })
        let processes = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).sorted()
        return processes.filter { pid in
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return descriptors.contains { links.contains((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")) ?? "") }
        }
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") })
        else { return nil }
        return Int32(line.dropFirst(5).trimmingCharacters(in: .whitespaces)).flatMap { $0 > 1 ? $0 : nil }
    }

    /// The server a process is, from its command line (nginx rewrites its own: `nginx: master process … -c FILE`).
    static func server(pid: Int32, port: Int) -> LocalServer? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let words = data.split(separator: 0).flatMap { String(decoding: $0, as: UTF8.self).split(separator: " ").map(String.init) }
        let executable = ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")) ?? words.first ?? "") as NSString
        func value(_ flag: String) -> String? { words.firstIndex(of: flag).flatMap { $0 + 1 < words.count ? words[$0 + 1] : nil } }
        let name = executable.lastPathComponent
        let configuration: String
        let kind: ConfigDiagnosis.Server
        if name.hasPrefix("nginx") || words.first == "nginx:" {
            guard !words.contains("worker") else { return nil }
            kind = .nginx
            configuration = value("-c").map { ConfigFiles.resolve($0, against: value("-p") ?? "/usr/share/nginx") } ?? "/etc/nginx/nginx.conf"
        } else if name.hasPrefix("apache2") || name.hasPrefix("httpd") {
            kind = .apache
            configuration = ConfigFiles.resolve(value("-f") ?? "apache2.conf", against: value("-d") ?? "/etc/apache2")
        } else {
            return nil
        }
        guard FileManager.default.isReadableFile(atPath: configuration) else { return nil }
        return LocalServer(kind: kind, pid: pid, port: port, configuration: (configuration as NSString).standardizingPath)
    }
}

/// What the configuration of the local server says about the user's request (``LocalServer``): its findings for
/// that request alone (``RequestScope``), ranked with what the wire showed.
public struct ServerFacts: Sendable {
    public var server: LocalServer
    public var findings: [Finding]

    /// The facts for `request` when a local nginx or Apache serves it and its configuration reads.
    public static func gather(for request: ClientRequest) -> ServerFacts? {
        guard request.proxy == nil, let server = LocalServer.serving(request.url) else { return nil }
        var query = ConfigQuery(user: request.user, password: request.password, scheme: request.user == nil ? nil : request.digest ? .digest : .basic)
        query.headers = request.headers
        guard let diagnosis = try? ConfigDiagnosis.run(path: server.configuration, query: query, target: RequestTarget(request.url), modeled: false) else { return nil }
        let source = "the \(server.kind.rawValue) configuration \(server.configuration) (the server listening on port \(server.port), pid \(server.pid))"
        return ServerFacts(server: server, findings: diagnosis.findings.map { finding in
            var finding = finding
            finding.evidence.append("read from \(source)")
            return finding
        })
    }
}
