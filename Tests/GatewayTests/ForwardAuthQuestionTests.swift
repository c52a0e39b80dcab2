import HTTPTypes
import Hummingbird
import Testing

@testable import Gateway

/// How each server in front describes the original request (nginx `auth_request`, Traefik `ForwardAuth` and Caddy
/// `forward_auth`, Envoy `ext_authz`), and the questions that cannot be answered: nothing named, a host or scheme
/// that is none, or two descriptions that disagree (a client's header passed on beside the server's).
@Suite struct ForwardAuthQuestionTests {
    func asked(_ path: String, method: HTTPRequest.Method = .get, authority: String = "gatehouse.internal:8080", _ fields: [String: String] = [:]) -> Request {
        var headers = HTTPFields()
        for (name, value) in fields { headers[HTTPField.Name(name)!] = value }
        return Request(head: HTTPRequest(method: method, scheme: "http", authority: authority, path: path, headerFields: headers), body: RequestBody(buffer: ByteBuffer()))
    }

    @Test func nginxNamesTheOriginalByURIOrByURL() throws {
        let byURI = try ForwardAuthQuestion(.verify, asked("/auth/verify", [
            "X-Original-Method": "post", "X-Original-URI": "/app/x?y=1", "X-Forwarded-Host": "app.example.com", "X-Forwarded-Proto": "https",
        ]))
        #expect(byURI.method == .post && byURI.target == "/app/x?y=1" && byURI.host == "app.example.com" && byURI.scheme == "https")
        let commas = try ForwardAuthQuestion(.verify, asked("/auth/verify", ["X-Original-URI": "/files/a,b?x=1,2", "X-Forwarded-Host": "app.example.com, proxy.internal"]))
        #expect(commas.target == "/files/a,b?x=1,2" && commas.host == "app.example.com", "a URI keeps its commas; a proxy list gives its first host")
        let byURL = try ForwardAuthQuestion(.verify, asked("/auth/verify", ["X-Original-URL": "https://app.example.com:8443/a%20b/?q"]))
        #expect(byURL.method == .get && byURL.target == "/a%20b/?q" && byURL.host == "app.example.com:8443" && byURL.scheme == "https")
    }

    @Test func traefikCaddyAndEnvoyNameItTheirWay() throws {
        let forward = try ForwardAuthQuestion(.forward, asked("/auth/forward", [
            "X-Forwarded-Method": "DELETE", "X-Forwarded-Uri": "/api/items/7", "X-Forwarded-Host": "api.example.com", "X-Forwarded-Proto": "https",
        ]))
        #expect(forward.method == .delete && forward.target == "/api/items/7" && forward.host == "api.example.com")
        let envoy = try ForwardAuthQuestion(.extAuthz, asked("/auth/ext-authz/api/items?x=1", method: .put, authority: "api.example.com"))
        #expect(envoy.method == .put && envoy.target == "/api/items?x=1" && envoy.host == "api.example.com")
        #expect(try ForwardAuthQuestion(.extAuthz, asked("/auth/ext-authz")).target == "/")
        #expect(ForwardAuthQuestion.Endpoint(path: "/auth/ext-authzfoo") == nil && ForwardAuthQuestion.Endpoint(path: "/auth/verify/x") == nil)
    }

    @Test(arguments: [
        (ForwardAuthQuestion.Endpoint.verify, [:]),
        (.forward, ["X-Forwarded-Method": "GET"]),
        (.verify, ["X-Original-URI": "/a", "X-Original-Method": "G E T"]),
        (.verify, ["X-Original-URI": "/a", "X-Forwarded-Proto": "gopher"]),
        (.verify, ["X-Original-URL": "/relative"]),
        (.verify, ["X-Original-URI": "/private/", "X-Original-URL": "http://app/"]),
    ] as [(ForwardAuthQuestion.Endpoint, [String: String])])
    func questionsThatCannotBeAnsweredAreRefused(endpoint: ForwardAuthQuestion.Endpoint, fields: [String: String]) {
        #expect(throws: ForwardAuthQuestion.Incomplete.self) { try ForwardAuthQuestion(endpoint, asked(endpoint.rawValue, fields)) }
    }

    @Test func theOriginalCarriesTheCredentialButNotTheDescription() throws {
        let request = asked("/auth/verify", ["X-Original-URI": "/basic/", "Authorization": "Basic YTpi", "X-Forwarded-For": "203.0.113.9", "Cookie": "a=b"])
        let original = try ForwardAuthQuestion(.verify, request).request(from: request, target: "/basic/")
        #expect(original.headers[.authorization] == "Basic YTpi" && original.headers[.cookie] == "a=b")
        #expect(original.headers[HTTPField.Name("X-Original-URI")!] == nil && original.headers[HTTPField.Name("X-Forwarded-For")!] == nil)
        #expect(original.uri.path == "/basic/" && original.head.authority == "gatehouse.internal:8080")
    }
}
