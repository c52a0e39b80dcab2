import Foundation
import HTTPAuth

/// `gatehouse doctor FILE.har`: every 401 and 407 of a browser session diagnosed in its context: the redirects that
/// led to it, the preflight it belonged to, the cookies the browser had been given and did not send, token times at
/// the moment of the request, WebSocket handshakes, parallel refreshes of one refresh token. The live rules run on
/// each refusal as on a probe's evidence.
/// A sanitized export (Chrome's default since version 130 strips Authorization, Cookie and Set-Cookie) is said,
/// and then the absence of a credential is not taken as evidence.
public struct HARDiagnosis: Sendable {
    /// One refused request and what the rules found about it.
    public struct Refusal: Sendable {
        public var entry: HAREntry
        public var findings: [Finding]
    }

    public var path: String
    public var creator: String?
    public var entryCount: Int
    public var sanitized: Bool
    public var problems: [String]
    public var refusals: [Refusal]
    /// One finding per cause id over the session, most likely first.
    public var findings: [Finding]

    public init(har: HARFile, path: String) {
        self.path = path
        creator = har.creator
        entryCount = har.entries.count
        problems = har.problems
        let entries = har.entries
        sanitized = !Self.keepsCredentials(creator: har.creator) && !entries.contains { entry in
            ["Authorization", "Cookie"].contains { !entry.exchange.requestValues($0).isEmpty } || !entry.exchange.responseValues("Set-Cookie").isEmpty
        }
        var jar = CookieJar()
        var refusedCookies: [CookieProblem] = []
        var refusals: [Refusal] = []
        let redirects = RedirectIndex(entries)
        for (index, entry) in entries.enumerated() {
            let status = entry.exchange.status
            if status == 401 || status == 407 || entry.isRefusedHandshake || entry.isLoginRedirectForScript {
                let cookieProblems = Self.cookieProblems(entry, jar: jar, refused: refusedCookies)
                var found = Self.diagnose(entry, at: index, in: entries, redirects: redirects, sanitized: sanitized, cookieProblems: cookieProblems)
                if let websocket = Self.websocket(entry) { found.insert(websocket, at: 0) }
                refusals.append(Refusal(entry: entry, findings: found))
            }
            for value in entry.exchange.responseValues("Set-Cookie") {
                if let problem = jar.receive(value, from: entry.exchange.url, now: entry.started) { refusedCookies.append(problem) }
            }
        }
        self.refusals = refusals
        var all = refusals.flatMap(\.findings) + Self.refreshRaces(entries) + RequestNotSent.findings(entries, otherRefusals: !refusals.isEmpty)
        if sanitized {
            all.append(Finding(
                id: .harSanitized, severity: .info, confidence: 100, title: "The export holds no Authorization, Cookie or Set-Cookie header",
                explanation: "Browsers strip credentials when exporting a HAR (Chrome's default \"Export HAR (sanitized)\" since version 130), so this file cannot show whether a credential was sent. Its absence here is not evidence.",
                fix: "Export again with sensitive data (Chrome: DevTools → Network → the download menu → \"Export HAR (with sensitive data)\"; allow it under Settings → Preferences → Network), then run the doctor on that file. Do not share that file.",
                evidence: ["\(entryCount) entries, none with Authorization, Cookie or Set-Cookie"]))
        }
        findings = all.weighed()
    }

    /// Whether the tool that wrote the export never strips credentials (Playwright, and recording proxies:
    /// mitmproxy, Charles, Fiddler): then a session without any is one that sent none. Browsers' developer tools
    /// (`WebInspector`: Chrome since 130, Edge, Safari; Firefox) may strip them, and so may an unknown creator.
    static func keepsCredentials(creator: String?) -> Bool {
        guard let creator = creator?.lowercased() else { return false }
        return ["playwright", "mitmproxy", "charles", "fiddler"].contains { creator.contains($0) }
    }

    /// The live rules on a refusal: its redirect chain as the chain, a preflight as the preflight probe.
    static func diagnose(
        _ entry: HAREntry, at index: Int, in entries: [HAREntry], redirects: RedirectIndex, sanitized: Bool, cookieProblems: [CookieProblem]
    ) -> [Finding] {
        let chain = redirectChain(endingAt: index, in: entries, redirects: redirects)
        let first = chain.first ?? entry.exchange
        var request = ClientRequest(url: first.url)
        request.method = first.method
        request.headers = first.requestHeaders.filter { !["user-agent", "host"].contains($0.name.lowercased()) }
        request.followRedirects = chain.count > 1
        request.origin = first.requestValues("Origin").first
        var evidence: Evidence
        if entry.isPreflight {
            var preflight = entry.exchange
            preflight.purpose = "preflight"
            evidence = Evidence(request: request, chain: [], probes: [preflight])
        } else {
            evidence = Evidence(request: request, chain: chain, probes: [], cookieProblems: cookieProblems)
        }
        if let retry = successfulRetry(after: index, in: entries) {
            evidence.chain.append(retry)
            return FirstChallenge.evaluate(evidence).map { [$0] } ?? []
        }
        // Browsers answer Negotiate and NTLM below the page: the export shows the request without its handshake legs.
        let windows = NegotiateFailure.inBrowser(evidence)
        let hidden = sanitized || windows != nil
        let findings = Diagnosis(evidence: evidence, rules: DoctorRules.all.filter { !(hidden && $0 == NoCredentialsSent.self) }).findings
        return windows.map { ([$0] + findings).weighed() } ?? findings
    }

    /// The redirects that led to entry `index`, first hop first, ending with it (at most 10 hops back).
    static func redirectChain(endingAt index: Int, in entries: [HAREntry], redirects: RedirectIndex) -> [Exchange] {
        var chain = [entries[index].exchange]
        var current = index
        for _ in 0..<10 {
            guard let previous = redirects.last(to: entries[current].exchange.url, before: current) else { break }
            var hop = entries[previous].exchange
            hop.purpose = "request"
            chain[0].purpose = "redirect"
            chain.insert(hop, at: 0)
            current = previous
        }
        return chain
    }

    /// The same URL fetched again soon after with a credential, and accepted: the 401 was the first challenge.
    static func successfulRetry(after index: Int, in entries: [HAREntry]) -> Exchange? {
        let refused = entries[index]
        guard refused.exchange.requestValues("Authorization").isEmpty else { return nil }
        return entries[(index + 1)...].prefix(20).first { later in
            later.exchange.url == refused.exchange.url && later.started.timeIntervalSince(refused.started) < 60
                && !later.exchange.requestValues("Authorization").isEmpty && (200..<400).contains(later.exchange.status ?? 0)
        }?.exchange
    }

    /// Cookies the browser had been given for this URL and did not send, with why; and those it refused before.
    static func cookieProblems(_ entry: HAREntry, jar: CookieJar, refused: [CookieProblem]) -> [CookieProblem] {
        let url = entry.exchange.url
        let host = url.host?.lowercased() ?? ""
        var problems = refused.filter { URL(string: $0.source)?.host?.lowercased() == host }
        guard entry.exchange.requestValues("Cookie").isEmpty else { return problems }
        let (held, withheld) = jar.match(url, now: entry.started, source: "set earlier in this session")
        problems += withheld
        let initiator = entry.exchange.requestValues("Origin").first ?? entry.exchange.requestValues("Referer").first
        let crossSite = initiator.flatMap { URL(string: $0)?.host?.lowercased() }.map { CookieJar.site($0) != CookieJar.site(host) } ?? false
        let crossOrigin = entry.exchange.requestValues("Origin").first.flatMap { URL(string: $0) }.map { Origin.of($0) != Origin.of(url) } ?? false
        for cookie in held {
            let reason: CookieProblem.Reason? = crossSite && cookie.sameSite?.lowercased() != "none" ? .sameSiteCrossSite
                : crossOrigin ? .credentialsMode : cookie.sameSite?.lowercased() != "none" ? .notSent : nil
            if let reason { problems.append(CookieProblem(name: cookie.name, reason: reason, source: "set earlier in this session")) }
        }
        return problems + jar.outOfScope(url, source: "set earlier in this session")
    }

    /// `refresh-token-race`: the same refresh token redeemed by requests started within two seconds of each other,
    /// one accepted and another refused: a single-use token spent by a parallel refresh (two tabs, two retries).
    static func refreshRaces(_ entries: [HAREntry]) -> [Finding] {
        let redeeming = entries.compactMap { entry in entry.redeemedRefreshToken.map { (entry, $0) } }
        var findings: [Finding] = []
        for (index, (first, token)) in redeeming.enumerated() {
            let racing = redeeming[(index + 1)...].filter { $0.1 == token && $0.0.started.timeIntervalSince(first.started) < 2 }.map(\.0)
            let group = [first] + racing
            guard racing.count > 0, group.contains(where: { (200..<300).contains($0.exchange.status ?? 0) }),
                group.contains(where: { [400, 401].contains($0.exchange.status ?? 0) })
            else { continue }
            findings.append(Finding(
                id: .refreshTokenRace, severity: .cause, confidence: 92, title: "Parallel refreshes spent one single-use refresh token",
                explanation: "\(group.count) requests redeemed the same refresh token within two seconds; the server accepted one and refused the others, and a client that then drops its session logs the user out.",
                fix: "Refresh once and share the result (a single in-flight refresh per session), or have the server allow a short grace window for a rotated refresh token.",
                evidence: group.map { "POST \($0.exchange.url.absoluteString) → \($0.exchange.status ?? 0) (refresh token \(Redaction.token(token)))" }))
            break
        }
        return findings
    }

    static func websocket(_ entry: HAREntry) -> Finding? {
        guard entry.isRefusedHandshake, entry.exchange.requestValues("Authorization").isEmpty else { return nil }
        return Finding(
            id: .websocketCannotSendAuthorization, severity: .cause, confidence: 85, title: "A browser WebSocket handshake cannot carry Authorization",
            explanation: "Browsers' WebSocket (and EventSource) API has no way to set request headers, so the handshake to \(entry.exchange.url.absoluteString) went without a credential and was refused.",
            fix: "Authenticate the handshake another way: a cookie session, a short-lived token in the query or the Sec-WebSocket-Protocol header, or a first message after connecting.",
            evidence: ["GET \(entry.exchange.url.absoluteString) with Upgrade: websocket → " + (entry.exchange.status == 401 ? "401" : entry.exchange.error ?? "refused") + ", no Authorization"])
    }
}

/// Where the redirects of a session lead: for each target URL, the entries (in order) whose 3xx points there. Built
/// once, so finding the hops before each refusal does not scan the session again.
struct RedirectIndex {
    private var byTarget: [String: [Int]] = [:]

    init(_ entries: [HAREntry]) {
        for (index, entry) in entries.enumerated() {
            guard let status = entry.exchange.status, (300..<400).contains(status),
                let location = entry.redirectURL ?? entry.exchange.responseValues("Location").first,
                let next = URL(string: location, relativeTo: entry.exchange.url)?.absoluteURL
            else { continue }
            byTarget[next.absoluteString, default: []].append(index)
        }
    }

    /// The last entry before `index` that redirects to `url`.
    func last(to url: URL, before index: Int) -> Int? {
        byTarget[url.absoluteString]?.last { $0 < index }
    }
}
