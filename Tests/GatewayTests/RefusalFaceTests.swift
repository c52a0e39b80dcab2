import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Passwords
import Testing

@testable import Gateway

/// What a refused client can learn: the same answer for an unknown user and a wrong password, challenges that the
/// route's files can honour, only canonical paths, and return URLs that stay on the site.
@Suite struct RefusalFaceTests {
    static let routes = """
          - path: /admin/
            schemes: [digest, basic]
            users: users.htpasswd
            digest_users: users.htdigest
          - path: /
            public: true
        """

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    @Test func anUnknownUserAndAWrongPasswordGetTheSameBodyAndHeaders() async throws {
        let fixture = try GatewayFixture(routes: Self.routes)
        let app = try await GatewayApplication.build(config: try fixture.config)
        try await app.test(.router) { client in
            let unknown = try await client.execute(uri: "/admin/", method: .get, headers: Self.basic("mallory", "x"))
            let wrong = try await client.execute(uri: "/admin/", method: .get, headers: Self.basic("alice", "x"))
            #expect(unknown.status == .unauthorized && wrong.status == .unauthorized)
            func face(_ response: TestResponse) throws -> [String: String] {
                var object = try #require(JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                object["request_id"] = nil
                return object.mapValues { "\($0)" }
            }
            #expect(try face(unknown) == face(wrong))
            #expect(try face(unknown)["type"] == "/auth/help#invalid-credentials")
            let names = { (response: TestResponse) in Set(response.headers.map(\.name)).subtracting([.xRequestID]) }
            #expect(names(unknown) == names(wrong))
            #expect(unknown.headers[.cacheControl] == "no-store")
        }
    }

    @Test func theHelpPageNamesPublicCodesOnly() async throws {
        let fixture = try GatewayFixture(routes: Self.routes)
        let app = try await GatewayApplication.build(config: try fixture.config)
        try await app.test(.router) { client in
            let page = String(buffer: try await client.execute(uri: "/auth/help", method: .get).body)
            #expect(page.contains("id=\"invalid-credentials\""))
            #expect(!page.contains("unknown-user") && !page.contains("password-mismatch"))
        }
    }

    /// Apache's `htdigest` writes MD5 lines only: offering SHA-256 first would make curl answer with SHA-256 and be
    /// refused for every user (RFC 7616 §3.7: the client uses the first algorithm it supports).
    @Test func aDigestFileWithMD5LinesOnlyIsOfferedMD5Only() async throws {
        let fixture = try GatewayFixture(routes: Self.routes)
        var md5Only = HtdigestFile()
        try md5Only.set("alice", realm: "Example", password: "alice-pw", hashFunctions: [.md5])
        try md5Only.write(to: fixture.folder + "/users.htdigest")
        let app = try await GatewayApplication.build(config: try fixture.config)
        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/admin/", method: .get)
            let digest = try Challenge.parseList(first.headers[values: .wwwAuthenticate]).filter { $0.scheme == .digest }
            #expect(digest.map { $0[parameter: "algorithm"] } == ["MD5"])
            let challenge = try #require(DigestChallenge.preferred(among: digest))
            let response = try DigestClient.respond(to: challenge, username: "alice", password: "alice-pw", method: "GET", uri: "/admin/", cnonce: "c1")
            let second = try await client.execute(uri: "/admin/", method: .get, headers: [.authorization: try response.credentials.serialized()])
            #expect(second.status == .ok)
        }
    }

    @Test func aFileWithBothHashesForEveryUserOffersSHA256First() {
        var both = HtdigestFile()
        try? both.set("alice", realm: "R", password: "pw")
        try? both.set("bob", realm: "R", password: "pw")
        #expect(both.offerable([.sha256, .md5], realm: "R") == [.sha256, .md5])
        try? both.set("carol", realm: "R", password: "pw", hashFunctions: [.md5])
        #expect(both.offerable([.sha256, .md5], realm: "R") == [.md5], "one MD5-only user: MD5 alone")
        #expect(both.offerable([.sha256, .md5], realm: "Other") == [.sha256, .md5], "no user in the realm: as configured")
    }

    @Test(arguments: ["/%61dmin/", "//admin/", "/./admin/", "/x/../admin/", "/admin/%2e/", "http://127.0.0.1/admin/"])
    func encodedSpellingsOfAProtectedPathAreChallenged(path: String) async throws {
        let fixture = try GatewayFixture(routes: Self.routes)
        let app = try await GatewayApplication.build(config: try fixture.config)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .unauthorized, "\(path)")
        }
    }

    @Test(arguments: ["/admin%2f", "/admin\\x", "/admin;x/", "/..", "/%c0%af"])
    func ambiguousPathsAreRefusedWith400(path: String) async throws {
        let fixture = try GatewayFixture(routes: Self.routes)
        let app = try await GatewayApplication.build(config: try fixture.config)
        try await app.test(.router) { client in
            let response = try await client.execute(uri: path, method: .get)
            #expect(response.status == .badRequest, "\(path)")
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    /// What a WHATWG URL parser turns into another origin (it drops tabs and newlines, trims controls and spaces,
    /// and reads `\` as `/`), and what must stay a local path.
    @Test(arguments: [
        "//evil.example", "/\\evil.example", "\\\\evil.example", "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
        " //evil.example", "https://evil.example", "http:evil.example", "javascript:alert(1)", "\u{1}//evil.example",
        "/\\/evil.example", "/..//evil.example", "",
    ])
    func returnURLsThatLeaveTheSiteBecomeTheRoot(next: String) {
        let safe = SessionEndpoints.safeNext(next)
        #expect(!safe.hasPrefix("//") && !safe.contains("\\") && !safe.contains { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } == true }, "\(next)")
        #expect(URL(string: safe, relativeTo: URL(string: "http://127.0.0.1:8080/auth/login"))?.host == "127.0.0.1", "\(next) → \(safe)")
    }

    @Test(arguments: [("/app/", "/app/"), ("/app/page?x=1&y=2", "/app/page?x=1&y=2"), ("/app/%E2%9C%93", "/app/%E2%9C%93"), ("/a/b/../c", "/a/c")])
    func localReturnURLsAreKept(next: String, expected: String) {
        #expect(SessionEndpoints.safeNext(next) == expected)
    }

    /// With a cookie domain (one login for many hosts), a return URL may be absolute on a host under it, rebuilt
    /// from its parts; any other host, look-alike or user-info trick is the root of the login host.
    @Test(arguments: [
        ("https://app.example.com/x?y=1#top", "https://app.example.com/x?y=1#top"),
        ("https://EXAMPLE.com", "https://EXAMPLE.com/"),
        ("http://a.b.example.com:8443/a/../b", "http://a.b.example.com:8443/b"),
        ("https://app.example.com.evil.test/", "/"),
        ("https://evilexample.com/", "/"),
        ("https://app.example.com@evil.test/", "/"),
        ("https://app.example.com\\@evil.test/", "/"),
        ("https://app.example.com:80x/", "/"),
        ("javascript://app.example.com/%0aalert(1)", "/"),
        ("https://app.example.com/\t/evil.test", "https://app.example.com/"),
    ])
    func returnURLsUnderTheCookieDomainAreKept(next: String, expected: String) {
        #expect(SessionEndpoints.safeNext(next, domain: "example.com") == expected)
        #expect(SessionEndpoints.safeNext(next).hasPrefix("/"), "without a cookie domain every return URL is local")
    }

    @Test func aCookieDomainSharesTheSessionCookieWithItsHosts() {
        let shared = SessionCookie.Scope(secure: true, domain: "example.com")
        #expect(SessionCookie.sessionName(shared) == "__Secure-gatehouse-session", "__Host- forbids Domain")
        #expect(SessionCookie.set(SessionCookie.sessionName(shared), "t", secure: true, domain: "example.com").contains("; Domain=example.com"))
        #expect(SessionCookie.sessionName(SessionCookie.Scope(secure: true, domain: nil)) == "__Host-gatehouse-session")
    }
}
