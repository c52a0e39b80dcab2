import Foundation
import Testing

@testable import Doctor

/// Rules on recorded evidence: each builds the exchanges a server produced and checks the cause the doctor names.
@Suite struct RuleTests {
    static let date = "Tue, 24 Nov 2026 10:00:00 GMT"

    func exchange(
        _ purpose: String = "request", _ url: String, status: Int, request: [(String, String)] = [], response: [(String, String)] = []
    ) -> Exchange {
        Exchange(
            purpose: purpose, method: "GET", url: URL(string: url)!, requestHeaders: request.map { Exchange.Header($0.0, $0.1) },
            status: status, responseHeaders: ([("Date", Self.date)] + response).map { Exchange.Header($0.0, $0.1) })
    }

    func diagnose(_ request: ClientRequest, chain: [Exchange], probes: [Exchange] = []) -> Diagnosis {
        Diagnosis(evidence: Evidence(request: request, chain: chain, probes: probes))
    }

    @Test func trailingSlashRedirectToHTTPSLosesTheCredential() {
        var request = ClientRequest(url: URL(string: "http://example.test/api")!)
        request.user = "alice"
        request.password = "pw"
        request.followRedirects = true
        let basic = ("Authorization", "Basic YWxpY2U6cHc=")
        let diagnosis = diagnose(request, chain: [
            exchange("request", "http://example.test/api", status: 301, request: [basic], response: [("Location", "https://example.test/api/")]),
            exchange("redirect", "https://example.test/api/", status: 401, response: [("WWW-Authenticate", #"Basic realm="x""#)]),
        ])
        #expect(diagnosis.findings.first?.id == "trailing-slash-redirect")
        #expect(diagnosis.foundProblem)
    }

    @Test func unescapedQuoteInRealmIsInvalidSyntax() {
        let request = ClientRequest(url: URL(string: "http://example.test/")!)
        let diagnosis = diagnose(request, chain: [
            exchange("request", "http://example.test/", status: 401, response: [("WWW-Authenticate", #"Basic realm="Bob's "lab""#)])
        ])
        #expect(diagnosis.findings.map(\.id).contains("invalid-challenge-syntax"))
    }

    @Test func tokenTimesAreJudgedByTheServersClock() {
        // exp is 5 minutes after the server's Date, so the token is valid by the server even if the local clock is late.
        let server = HTTPDate.parse(Self.date)!
        let payload = #"{"exp":\#(Int(server.timeIntervalSince1970) + 300)}"#
        let token = "eyJhbGciOiJIUzI1NiJ9." + Data(payload.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "") + ".c2ln"
        var request = ClientRequest(url: URL(string: "http://example.test/")!)
        request.bearer = token
        let unauthorized = exchange("request", "http://example.test/", status: 401, request: [("Authorization", "Bearer " + token)],
                                    response: [("WWW-Authenticate", #"Bearer error="invalid_token""#)])
        #expect(!diagnose(request, chain: [unauthorized]).findings.map(\.id).contains("token-expired"))
        var late = unauthorized
        late.responseHeaders = [Exchange.Header("Date", "Tue, 24 Nov 2026 11:00:00 GMT")] + late.responseHeaders.dropFirst()
        #expect(diagnose(request, chain: [late]).findings.first?.id == "token-expired")
    }

    @Test func proxyAndRateLimit() {
        let request = ClientRequest(url: URL(string: "http://example.test/")!)
        #expect(diagnose(request, chain: [exchange("request", "http://example.test/", status: 407, response: [("Proxy-Authenticate", "Basic realm=\"proxy\"")])])
            .findings.first?.id == "proxy-authentication-required")
        #expect(diagnose(request, chain: [exchange("request", "http://example.test/", status: 429, response: [("Retry-After", "60")])])
            .findings.first?.id == "rate-limited")
    }

    @Test func redactionKeepsTheUserAndHidesTheSecret() {
        #expect(Redaction.authorization("Basic YWxpY2U6czNjcmV0") == "Basic [redacted: user 'alice']")
        let bearer = Redaction.authorization("Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature")
        #expect(bearer.hasPrefix("Bearer eyJhbGci") && !bearer.contains("signature"))
        #expect(!CurlCommand.arguments(for: { var r = ClientRequest(url: URL(string: "http://x.test/")!); r.user = "alice"; r.password = "s3cret"; return r }(), url: URL(string: "http://x.test/")!).contains("s3cret"))
    }
}
