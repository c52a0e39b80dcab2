import Foundation
import HTTPAuth
import Testing

@testable import Doctor

/// The failures users of forward auth report, on recorded evidence: the app and the login host sending a browser to
/// each other because the session cookie is set for a domain the app is not under (oauth2-proxy and Authelia users'
/// "redirect loop" reports), and nginx refusing a request whose session cookie outgrew its header buffer ("400
/// Request Header Or Cookie Too Large", nginx's own page).
@Suite struct ForwardAuthRuleTests {
    func exchange(_ purpose: String, _ url: String, status: Int, request: [(String, String)] = [], response: [(String, String)] = [], body: String = "") -> Exchange {
        Exchange(
            purpose: purpose, method: "GET", url: URL(string: url)!, requestHeaders: request.map { Exchange.Header($0.0, $0.1) },
            status: status, responseHeaders: response.map { Exchange.Header($0.0, $0.1) }, bodyPrefix: Array(body.utf8))
    }

    @Test func aCookieForAnotherDomainMakesALoginLoop() {
        var request = ClientRequest(url: URL(string: "https://app.example.com/dashboard")!)
        request.followRedirects = true
        let chain = [
            exchange("request", "https://app.example.com/dashboard", status: 302, response: [("Location", "https://auth.example.net/auth/login?next=https://app.example.com/dashboard")]),
            exchange("redirect", "https://auth.example.net/auth/login?next=https://app.example.com/dashboard", status: 302,
                     response: [("Location", "https://app.example.com/dashboard"), ("Set-Cookie", "session=abc; Domain=example.net; Path=/; HttpOnly")]),
            exchange("redirect", "https://app.example.com/dashboard", status: 302, response: [("Location", "https://auth.example.net/auth/login?next=https://app.example.com/dashboard")]),
        ]
        let diagnosis = Diagnosis(evidence: Evidence(request: request, chain: chain, probes: []))
        let first = diagnosis.findings.first
        #expect(first?.id == .loginRedirectLoop && first?.confidence == 92)
        #expect(first?.explanation.contains("example.net") == true && first?.fix.contains("cookie_domain") == true)
    }

    @Test func aRedirectChainThatEndsIsNoLoop() {
        var request = ClientRequest(url: URL(string: "https://app.example.com/")!)
        request.followRedirects = true
        let chain = [
            exchange("request", "https://app.example.com/", status: 302, response: [("Location", "https://app.example.com/login")]),
            exchange("redirect", "https://app.example.com/login", status: 200),
        ]
        #expect(LoginRedirectLoop.evaluate(Evidence(request: request, chain: chain, probes: [])) == nil)
    }

    @Test func nginxRefusingAnOversizedCookieIsNamed() {
        let request = ClientRequest(url: URL(string: "https://app.example.com/")!)
        let page = "<html><head><title>400 Request Header Or Cookie Too Large</title></head><body><center><h1>400 Bad Request</h1></center><center>Request Header Or Cookie Too Large</center><hr><center>nginx</center></body></html>"
        let big = ("Cookie", "_oauth2_proxy=" + String(repeating: "A", count: 9000))
        let diagnosis = Diagnosis(evidence: Evidence(request: request, chain: [exchange("request", "https://app.example.com/", status: 400, request: [big], body: page)], probes: []))
        #expect(diagnosis.findings.first?.id == .cookieTooLarge)
        #expect(diagnosis.findings.first?.evidence.contains { $0.contains("Cookie: 9014 bytes") } == true)
        let other = Diagnosis(evidence: Evidence(request: request, chain: [exchange("request", "https://app.example.com/", status: 400, body: "bad json")], probes: []))
        #expect(!other.findings.contains { $0.id == .cookieTooLarge }, "another 400 is not this")
    }
}
