import Foundation
import Testing

@testable import Doctor

/// Which part of a configuration serves a request, as nginx and Apache choose it: a finding placed elsewhere is
/// about another request. nginx's order is its documentation's (https://nginx.org/en/docs/http/ngx_http_core_module.html#location):
/// `=` exact, then the longest prefix (final with `^~`), then regular expressions in order, else that prefix.
@Suite struct RequestScopeTests {
    func write(_ text: String, as name: String) throws -> String {
        let root = NSTemporaryDirectory() + "gatehouse-scope-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try text.write(toFile: root + "/" + name, atomically: true, encoding: .utf8)
        return root + "/" + name
    }

    static let nginx = """
        events {}
        http {
          server { listen 8080; server_name other.example; location / { return 200; } }
          server { listen 8080; server_name app.example;
            location / { return 201; }
            location = /exact { return 202; }
            location ^~ /static/ { return 203; }
            location ~ \\.php$ { return 204; }
            location /api/ { return 205;
              location /api/admin/ { return 206; }
            }
          }
        }
        """

    /// The lines of `return` directives in effect for the request (a nested location keeps its parent's lines).
    @Test(arguments: [
        ("app.example", "/", [5]), ("app.example", "/exact", [6]), ("app.example", "/static/x.php", [7]), ("app.example", "/x/y.php", [8]),
        ("app.example", "/api/v1", [9]), ("app.example", "/api/admin/x", [9, 10]), ("other.example", "/", [3]), ("unknown.example", "/", [3]),
    ])
    func nginxChoosesTheServerAndLocation(host: String, path: String, lines: [Int]) throws {
        let file = try write(Self.nginx, as: "nginx.conf")
        let scope = RequestScope.nginx(try NginxConfig.read(path: file), RequestTarget(port: 8080, host: host, path: path))
        let text = Self.nginx.split(separator: "\n", omittingEmptySubsequences: false)
        let returns = text.indices.map { $0 + 1 }.filter { scope.contains("\(file):\($0)") && text[$0 - 1].contains("return") }
        #expect(returns == lines, "\(host)\(path)")
    }

    @Test func apacheCoversTheLocationAndTheAliasedFolder() throws {
        let conf = try write("""
            DocumentRoot /srv/www
            Alias /tusk /srv/dav/tusk
            <Directory /srv/dav/tusk>
                AuthType Digest
            </Directory>
            <Location /private/>
                AuthType Basic
            </Location>
            <Directory /srv/www>
                Require all granted
            </Directory>
            """, as: "apache2.conf")
        let root = try ApacheConfig.read(path: conf)
        let dav = RequestScope.apache(root, RequestTarget(port: 80, host: "dav.example", path: "/tusk/db.kdbx"))
        #expect(dav.contains("\(conf):4") && !dav.contains("\(conf):7") && !dav.contains("\(conf):10"))
        let site = RequestScope.apache(root, RequestTarget(port: 80, host: "dav.example", path: "/private/x"))
        #expect(site.contains("\(conf):7") && site.contains("\(conf):10") && !site.contains("\(conf):4"))
    }

    @Test func aURLKeepsItsTrailingSlash() {
        #expect(RequestTarget(URL(string: "http://127.0.0.1:8080/private/")!).path == "/private/")
        #expect(RequestTarget(URL(string: "https://example.com")!) == RequestTarget(port: 443, host: "example.com", path: "/"))
    }
}
