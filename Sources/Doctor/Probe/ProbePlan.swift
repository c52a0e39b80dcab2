import Foundation
import HTTPAuth

/// The doctor's probing: the user's request as their client sends it, with redirects followed by hand, then only
/// the probes that tell causes apart. At most ``maximumRequests`` requests, none started after ``timeBudget``; a
/// credential never goes to a host the user did not name.
///
/// The probes, each sent only when it can change the diagnosis of a 401 (or 407):
/// - `without-credentials`: the server's own challenge, and whether the credential changed anything at all;
/// - `digest`: Digest computed from `-u` when the challenge offers it and the user sent Basic;
/// - `resend-after-redirect`: the credential sent straight to a redirect target on the same host;
/// - `parent`, `parent-without-credentials`: the credential at the nearest protected parent path in the same realm;
///   accepted there, it is valid, and the 401 here is an authorization failure;
/// - `absent-path`: once a parent accepted the credential, the same credential (GET) at a path under that parent that
///   cannot exist: a healthy server answers 404, a framework that turns its errors into 401 answers 401;
/// - `https`: the `https` form of an `http` URL on the default port;
/// - `preflight`: the browser's CORS preflight, with `--origin`;
/// - `repeat` (twice, whatever the outcome): alternating outcomes of several instances behind one name.
///
/// For a loopback URL served by a local nginx or Apache, the server's configuration is read too (``ServerFacts``).
///
/// A credential that is wrong reaches the server at most six times (request, digest, parent, https, two repeats),
/// and five on any URL with a port of its own, which stays at or under common lockout thresholds (fail2ban's
/// default `maxretry` is 5).
public struct ProbePlan: Sendable {
    let probe: HTTPProbe
    public static let maximumRequests = 16
    /// No request starts after this much time: a slow or trickling server cannot stretch the diagnosis beyond it
    /// (plus one request's own timeout).
    public static let timeBudget: Duration = .seconds(6)
    /// Repeats of the user's request, to catch instances that disagree.
    static let repeats = 2

    public init(probe: HTTPProbe) {
        self.probe = probe
    }

    public func run(_ request: ClientRequest) async -> Evidence {
        var run = ProbeRun(probe: probe, request: request, remaining: Self.maximumRequests, deadline: .now + Self.timeBudget)
        if let origin = request.origin { await run.preflight(origin: origin) }
        await run.userChain()
        if let final = run.chain.last, final.status == 401 || final.status == 407 {
            if request.hasCredentials {
                await run.send(purpose: "without-credentials", url: final.url, credentials: false)
            }
            await run.digestInsteadOfBasic(after: final)
            await run.resendAfterRedirect()
            await run.parentInSameRealm(after: final)
            await run.absentPathUnderAcceptingParent()
            await run.https()
            await run.cacheBypass(after: final)
        } else if let final = run.chain.last, [403, 500].contains(final.status ?? 0), request.hasCredentials {
            // A 403 or 500 once a credential arrives: is the resource protected at all? (`password-file-error`)
            await run.send(purpose: "without-credentials", url: final.url, credentials: false)
        }
        if let final = run.chain.last, final.status != nil {
            for _ in 0..<Self.repeats where run.mayRepeat(final) { await run.repeatFinal(final) }
        }
        var evidence = Evidence(request: request, chain: run.chain, probes: run.probes, cookieJar: run.jar, cookieProblems: run.cookieProblems)
        evidence.server = ServerFacts.gather(for: request)
        return evidence
    }
}

extension ProbePlan {
    /// A corrected request (``FixTrial``), sent as the user's client would send it, redirects included: its last hop.
    public func trial(_ request: ClientRequest) async -> Exchange? {
        var run = ProbeRun(probe: probe, request: request, remaining: 3, deadline: .now + Self.timeBudget)
        await run.userChain()
        return run.chain.last
    }
}

/// The state of one diagnosis while it probes: the requests left, the chain and probes so far, and the cookie jar
/// as curl's cookie engine would fill it.
struct ProbeRun {
    let probe: HTTPProbe
    let request: ClientRequest
    var remaining: Int
    let deadline: ContinuousClock.Instant
    var chain: [Exchange] = []
    var probes: [Exchange] = []
    var jar: CookieJar?
    var cookieProblems: [CookieProblem] = []

    init(probe: HTTPProbe, request: ClientRequest, remaining: Int, deadline: ContinuousClock.Instant) {
        self.probe = probe
        self.request = request
        self.remaining = remaining
        self.deadline = deadline
        self.jar = request.cookieJar
        if let jar {
            let source = request.cookieFiles.first ?? "the cookie file"
            cookieProblems = jar.match(request.url, now: Date(), source: source).withheld + jar.outOfScope(request.url, source: source)
        }
    }

    /// The request and its redirects, as curl does it: credentials from `-u`, `--oauth2-bearer` and `-H
    /// Authorization` only while the origin stays the same (curl ≥ 7.58 and browsers drop them on another origin);
    /// cookies from the jar by their own domain and path. At most 10 hops.
    mutating func userChain() async {
        var url = request.url
        var method = request.method
        var body = request.body
        let firstOrigin = Origin.of(request.url)
        for _ in 0..<10 {
            let sameOrigin = Origin.of(url) == firstOrigin
            guard var exchange = await exchange(purpose: chain.isEmpty ? "request" : "redirect", url: url, method: method, body: body, credentials: sameOrigin)
            else { return }
            if sameOrigin, let answered = await answered(exchange, url: url, method: method, body: body, purpose: "request") {
                chain.append(exchange)
                exchange = answered
            }
            chain.append(exchange)
            guard request.followRedirects, let status = exchange.status, [301, 302, 303, 307, 308].contains(status),
                let location = exchange.responseValues("Location").first, let next = URL(string: location, relativeTo: url)?.absoluteURL
            else { return }
            if status == 303 || ((status == 301 || status == 302) && method == "POST") {
                method = "GET"
                body = nil
            }
            url = next
        }
    }

    mutating func preflight(origin: String) async {
        let custom = request.headers.map { $0.name.lowercased() }.filter { !["accept", "accept-language", "content-language"].contains($0) }
        let names = Set(custom + (request.user != nil || request.bearer != nil ? ["authorization"] : []))
        guard !names.isEmpty || !["GET", "HEAD", "POST"].contains(request.method) else { return }
        let headers = [
            Exchange.Header("Origin", origin), Exchange.Header("Access-Control-Request-Method", request.method),
            Exchange.Header("Access-Control-Request-Headers", names.sorted().joined(separator: ",")),
        ]
        await record(purpose: "preflight", method: "OPTIONS", url: request.url, headers: headers, body: nil)
    }

    /// `-u` sent as Basic where the challenge offers Digest: the same user and password with Digest.
    mutating func digestInsteadOfBasic(after final: Exchange) async {
        guard request.user != nil, !request.digest, request.windows == nil, let challenge = digestChallenge(of: final),
            let exchange = await digest(url: final.url, challenge: challenge, purpose: "digest")
        else { return }
        probes.append(exchange)
    }

    /// After a redirect to another port or scheme of the same host dropped the credential, the same credential sent
    /// straight to the target: if that works, the redirect is the cause. Never done for another host.
    mutating func resendAfterRedirect() async {
        guard let final = chain.last, chain.count > 1, request.hasCredentials,
            final.url.host?.lowercased() == request.url.host?.lowercased(), Origin.of(final.url) != Origin.of(request.url)
        else { return }
        await send(purpose: "resend-after-redirect", url: final.url, credentials: true)
    }

    /// The credential at the nearest parent paths (two at most, always with GET and no body, so a POST is never
    /// sent where the user did not send it): accepted at a parent that refuses a request without
    /// it, the credential is valid there, and the rule `forbidden-sent-as-401` compares the realms. A parent that
    /// refuses the credential too, or answers without asking for one, ends or continues the walk.
    mutating func parentInSameRealm(after final: Exchange) async {
        guard final.status == 401, request.hasCredentials else { return }
        if let digest = probes.first(where: { $0.purpose == "digest" }), (digest.status ?? 0) < 400 { return }
        for parent in Self.parents(of: final.url).prefix(2) {
            let accepted: Exchange?
            if request.digest, let challenge = digestChallenge(of: final) {
                accepted = await digest(url: parent, challenge: challenge, purpose: "parent", method: "GET")
                if let accepted { probes.append(accepted) }
            } else {
                accepted = await send(purpose: "parent", url: parent, credentials: true, method: "GET")
            }
            guard let status = accepted?.status, status != 401, status != 407, status < 500 else { return }
            guard let bare = await send(purpose: "parent-without-credentials", url: parent, credentials: false, method: "GET"), bare.status != 401 else { return }
        }
    }

    /// After a parent accepted the credential, the credential at a path under that parent which no server has
    /// (`gatehouse-doctor-absent-` and random digits): 404 is the healthy answer; 401 shows a server that answers
    /// its errors with 401 (`error-masked-as-401`). The credential is known to be valid there, so this never adds a
    /// failed login.
    mutating func absentPathUnderAcceptingParent() async {
        guard let accepted = probes.last(where: { $0.purpose == "parent" }), let status = accepted.status, status < 400,
            probes.contains(where: { $0.purpose == "parent-without-credentials" && $0.url == accepted.url && $0.status == 401 }),
            let absent = URL(string: "gatehouse-doctor-absent-\(UInt32.random(in: .min ... .max))", relativeTo: accepted.url)?.absoluteURL
        else { return }
        guard request.digest else {
            await send(purpose: "absent-path", url: absent, credentials: true, method: "GET")
            return
        }
        // Digest answers a challenge of that path (a nonce answered once already would be refused as a replay).
        guard let asked = await exchange(purpose: "absent-path", url: absent, method: "GET", body: nil, credentials: false) else { return }
        if asked.status == 401, let challenge = digestChallenge(of: asked),
            let answered = await digest(url: absent, challenge: challenge, purpose: "absent-path", method: "GET")
        {
            probes.append(answered)
        } else {
            probes.append(asked)
        }
    }

    /// The `https` form of an `http` URL on the default port (another port would be another service), with the
    /// credential: the same host, over a safer channel.
    mutating func https() async {
        guard request.url.scheme?.lowercased() == "http", request.url.port == nil || request.url.port == 80,
            var components = URLComponents(url: request.url, resolvingAgainstBaseURL: true)
        else { return }
        components.scheme = "https"
        components.port = nil
        guard let url = components.url else { return }
        await send(purpose: "https", url: url, credentials: true)
    }

    /// The refused GET or HEAD once more under a URL no cache has seen (a unique query parameter), as the user's
    /// client sends it: a cache keyed by the URL that stored a 401 answers the URL it knows, not this one
    /// (`cached-401` when this one gets through).
    mutating func cacheBypass(after final: Exchange) async {
        guard ["GET", "HEAD"].contains(final.method), var components = URLComponents(url: final.url, resolvingAgainstBaseURL: false) else { return }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "gatehouse-cache-check", value: String(UInt64.random(in: 1...UInt64.max), radix: 36))]
        guard let url = components.url else { return }
        await send(purpose: "cache-bypass", url: url, credentials: Origin.of(final.url) == Origin.of(request.url))
    }

    /// Safe methods are repeated whatever their outcome; a method with effects (POST, PUT, …) only while it is
    /// refused, since once it succeeds it has done its work.
    func mayRepeat(_ final: Exchange) -> Bool {
        if ["GET", "HEAD", "OPTIONS"].contains(final.method) { return true }
        let last = probes.last { $0.purpose == "repeat" } ?? final
        return [401, 407].contains(last.status ?? 0)
    }

    /// The last hop again, as the user's client sends it (credentials only if it is on the first origin; a Digest
    /// handshake answered afresh, since a nonce count must not repeat).
    mutating func repeatFinal(_ final: Exchange) async {
        let credentials = Origin.of(final.url) == Origin.of(request.url)
        guard let first = await exchange(purpose: "repeat", url: final.url, method: final.method, body: request.body, credentials: credentials) else { return }
        if credentials, let answered = await answered(first, url: final.url, method: final.method, body: request.body, purpose: "repeat") {
            probes.append(answered)
        } else {
            probes.append(first)
        }
    }

    /// The next leg of the handshake the user's flags ask for, when `exchange` is a 401 that calls for it: Digest's
    /// response (`--digest`) or NTLM's AUTHENTICATE (`--ntlm`); nil when there is none or the budget is spent.
    private mutating func answered(_ exchange: Exchange, url: URL, method: String, body: [UInt8]?, purpose: String) async -> Exchange? {
        guard exchange.status == 401 else { return nil }
        if request.digest, let challenge = digestChallenge(of: exchange) {
            return await digest(url: url, challenge: challenge, purpose: purpose, method: method)
        }
        if request.windows == .ntlm, let challenge = Self.ntlmChallenge(of: exchange) {
            return await ntlm(url: url, method: method, body: body, challenge: challenge, purpose: purpose)
        }
        return nil
    }

    /// Sends a probe (not a hop of the user's chain) and keeps it.
    @discardableResult
    mutating func send(purpose: String, url: URL, credentials: Bool, method: String? = nil) async -> Exchange? {
        let method = method ?? request.method
        let body = method == request.method ? request.body : nil
        guard let exchange = await exchange(purpose: purpose, url: url, method: method, body: body, credentials: credentials) else { return nil }
        probes.append(exchange)
        return exchange
    }

    /// One request with the user's headers, with or without their credentials; `nil` once the budget is spent.
    private mutating func exchange(purpose: String, url: URL, method: String, body: [UInt8]?, credentials: Bool) async -> Exchange? {
        let target = credentials ? url : ClientRequest.withoutCredentialQuery(url)
        return await sendCounted(purpose: purpose, method: method, url: target, headers: headers(for: target, credentials: credentials), body: body)
    }

    private mutating func record(purpose: String, method: String, url: URL, headers: [Exchange.Header], body: [UInt8]?) async {
        if let exchange = await sendCounted(purpose: purpose, method: method, url: url, headers: headers, body: body) { probes.append(exchange) }
    }

    /// The only way out to the network: counts against the budget, and feeds `Set-Cookie` to the jar as curl does.
    private mutating func sendCounted(purpose: String, method: String, url: URL, headers: [Exchange.Header], body: [UInt8]?) async -> Exchange? {
        guard remaining > 0, ContinuousClock.now < deadline else { return nil }
        remaining -= 1
        let exchange = await probe.send(purpose: purpose, method: method, url: url, headers: headers, body: body)
        if jar != nil, ["request", "redirect"].contains(purpose) {
            for value in exchange.responseValues("Set-Cookie") {
                if let problem = jar?.receive(value, from: url, now: Date()) { cookieProblems.append(problem) }
            }
        }
        return exchange
    }

    private mutating func digest(url: URL, challenge: DigestChallenge, purpose: String, method: String? = nil) async -> Exchange? {
        let method = method ?? request.method
        let body = method == request.method ? request.body : nil
        var headers = headers(for: url, credentials: false)
        if let user = request.user, let password = request.password,
            let response = try? DigestClient.respond(
                to: challenge, username: user, password: password, method: method, uri: Origin.target(of: url), body: body ?? [],
                cnonce: String(UInt64.random(in: .min ... .max), radix: 16)),
            let value = try? response.credentials.serialized()
        {
            headers.append(Exchange.Header("Authorization", value))
        }
        return await sendCounted(purpose: purpose, method: method, url: url, headers: headers, body: body)
    }

    /// NTLM's third message, answering the server's CHALLENGE on what should be the same kept-alive connection (the
    /// client reuses its idle connection to the host; a server that closed it sees a new one, as behind a proxy that
    /// does not keep connections).
    private mutating func ntlm(url: URL, method: String, body: [UInt8]?, challenge: (message: NTLMMessage, bytes: [UInt8]), purpose: String) async -> Exchange? {
        var headers = headers(for: url, credentials: false)
        let client = NTLMClient(login: request.user ?? "", password: request.password ?? "")
        headers.append(Exchange.Header("Authorization", "NTLM " + client.authenticate(challenge: challenge.message, challengeBytes: challenge.bytes)))
        return await sendCounted(purpose: purpose, method: method, url: url, headers: headers, body: body)
    }

    /// The NTLM CHALLENGE a 401 carries (`WWW-Authenticate: NTLM <type 2>`), decoded.
    static func ntlmChallenge(of exchange: Exchange) -> (message: NTLMMessage, bytes: [UInt8])? {
        for challenge in (try? Challenge.parseList(exchange.responseValues("WWW-Authenticate"))) ?? [] where challenge.scheme == .ntlm {
            guard let token = challenge.token68, let data = Data(base64Encoded: token), let message = try? NTLMMessage(bytes: Array(data)),
                message.kind == .challenge
            else { continue }
            return (message, Array(data))
        }
        return nil
    }

    private func digestChallenge(of exchange: Exchange) -> DigestChallenge? {
        DigestChallenge.preferred(among: (try? Challenge.parseList(exchange.responseValues("WWW-Authenticate"))) ?? [])
    }

    /// The user's headers, with or without their credentials. `-u` is sent as Basic unless `--digest` was given;
    /// cookies from the jar go by their own domain, path and `Secure`.
    private func headers(for url: URL, credentials: Bool) -> [Exchange.Header] {
        var headers = request.headers.filter { credentials || !$0.carriesCredential }
        guard credentials else { return headers }
        // curl's --ntlm opens with its NEGOTIATE message; --negotiate needs a Kerberos ticket the doctor has not.
        if request.windows == .ntlm, request.user != nil, request.authorizationValues.isEmpty {
            headers.append(Exchange.Header("Authorization", "NTLM " + NTLMClient.negotiate))
        }
        if let user = request.user, !request.digest, request.windows == nil, request.authorizationValues.isEmpty {
            let token = Data("\(user):\(request.password ?? "")".utf8).base64EncodedString()
            headers.append(Exchange.Header("Authorization", "Basic " + token))
        }
        if let bearer = request.bearer, request.authorizationValues.isEmpty {
            headers.append(Exchange.Header("Authorization", "Bearer " + bearer))
        }
        let jarCookies = jar?.match(url, now: Date(), source: "").sent.map { "\($0.name)=\($0.value)" } ?? []
        let cookies = [request.cookie].compactMap { $0 } + jarCookies
        if !cookies.isEmpty { headers.append(Exchange.Header("Cookie", cookies.joined(separator: "; "))) }
        return headers
    }

    /// The parent paths of a URL, nearest first: `/a/b/c` gives `/a/b/`, `/a/`, `/`; the query is dropped.
    static func parents(of url: URL) -> [URL] {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: true) else { return [] }
        components.percentEncodedQuery = nil
        var path = components.percentEncodedPath
        if path.hasSuffix("/") { path.removeLast() }
        var result: [URL] = []
        while let slash = path.lastIndex(of: "/") {
            path = String(path[..<slash])
            components.percentEncodedPath = path + "/"
            if let parent = components.url { result.append(parent) }
        }
        return result
    }
}
