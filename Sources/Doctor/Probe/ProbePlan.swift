import Foundation
import HTTPAuth

/// The doctor's probing: the user's request as their client sends it, with redirects followed by hand, then only
/// the probes that tell causes apart. At most 12 requests; a credential never goes to a host the user did not name.
public struct ProbePlan: Sendable {
    let probe: HTTPProbe
    public static let maximumRequests = 12

    public init(probe: HTTPProbe) {
        self.probe = probe
    }

    public func run(_ request: ClientRequest) async -> Evidence {
        var chain = await userChain(request)
        var probes: [Exchange] = []
        if let origin = request.origin, let preflight = await preflight(request, origin: origin) {
            probes.append(preflight)
        }
        guard let final = chain.last, final.status == 401 || final.status == 407 else {
            return Evidence(request: request, chain: chain, probes: probes)
        }
        if request.hasCredentials {
            probes.append(await send(request, purpose: "without-credentials", url: final.url, credentials: false))
        }
        let challenges = (try? Challenge.parseList(final.responseValues("WWW-Authenticate"))) ?? []
        if let user = request.user, let password = request.password, !request.digest,
            let challenge = DigestChallenge.preferred(among: challenges)
        {
            probes.append(await digestProbe(request, url: final.url, challenge: challenge, user: user, password: password))
        }
        if let resend = await resendAfterRedirect(request, chain: chain) { probes.append(resend) }
        probes.append(await send(request, purpose: "repeat", url: request.url, credentials: true))
        chain = Array(chain.prefix(Self.maximumRequests))
        return Evidence(request: request, chain: chain, probes: probes)
    }

    /// The request and its redirects, as curl does it: credentials from `-u`, `--oauth2-bearer` and `-H
    /// Authorization` only while the origin stays the same (curl ≥ 7.58 and browsers drop them on another origin).
    private func userChain(_ request: ClientRequest) async -> [Exchange] {
        var chain: [Exchange] = []
        var url = request.url
        var method = request.method
        var body = request.body
        let firstOrigin = Origin.of(request.url)
        for _ in 0..<10 {
            let sameOrigin = Origin.of(url) == firstOrigin
            var exchange = await send(request, purpose: chain.isEmpty ? "request" : "redirect", url: url, method: method, body: body, credentials: sameOrigin)
            if request.digest, sameOrigin, exchange.status == 401, let user = request.user, let password = request.password,
                let challenge = DigestChallenge.preferred(among: (try? Challenge.parseList(exchange.responseValues("WWW-Authenticate"))) ?? [])
            {
                chain.append(exchange)
                exchange = await digestProbe(request, url: url, challenge: challenge, user: user, password: password, purpose: "request")
            }
            chain.append(exchange)
            guard request.followRedirects, let status = exchange.status, [301, 302, 303, 307, 308].contains(status),
                let location = exchange.responseValues("Location").first, let next = URL(string: location, relativeTo: url)?.absoluteURL
            else { break }
            if status == 303 || ((status == 301 || status == 302) && method == "POST") {
                method = "GET"
                body = nil
            }
            url = next
        }
        return chain
    }

    private func preflight(_ request: ClientRequest, origin: String) async -> Exchange? {
        let custom = request.headers.map { $0.name.lowercased() }.filter { !["accept", "accept-language", "content-language"].contains($0) }
        let names = Set(custom + (request.user != nil || request.bearer != nil ? ["authorization"] : []))
        guard !names.isEmpty || !["GET", "HEAD", "POST"].contains(request.method) else { return nil }
        let headers = [
            Exchange.Header("Origin", origin), Exchange.Header("Access-Control-Request-Method", request.method),
            Exchange.Header("Access-Control-Request-Headers", names.sorted().joined(separator: ",")),
        ]
        return await probe.send(purpose: "preflight", method: "OPTIONS", url: request.url, headers: headers, body: nil)
    }

    /// After a redirect to another port or scheme of the same host dropped the credential, the same credential sent
    /// straight to the target: if that works, the redirect is the cause. Never done for another host.
    private func resendAfterRedirect(_ request: ClientRequest, chain: [Exchange]) async -> Exchange? {
        guard let final = chain.last, chain.count > 1, request.hasCredentials,
            final.url.host?.lowercased() == request.url.host?.lowercased(), Origin.of(final.url) != Origin.of(request.url)
        else { return nil }
        return await send(request, purpose: "resend-after-redirect", url: final.url, credentials: true)
    }

    private func digestProbe(
        _ request: ClientRequest, url: URL, challenge: DigestChallenge, user: String, password: String, purpose: String = "digest"
    ) async -> Exchange {
        let target = Origin.target(of: url)
        var headers = baseHeaders(request, credentials: false)
        if let response = try? DigestClient.respond(
            to: challenge, username: user, password: password, method: request.method, uri: target, body: request.body ?? [],
            cnonce: String(UInt64.random(in: .min ... .max), radix: 16)),
            let value = try? response.credentials.serialized()
        {
            headers.append(Exchange.Header("Authorization", value))
        }
        return await probe.send(purpose: purpose, method: request.method, url: url, headers: headers, body: request.body)
    }

    private func send(
        _ request: ClientRequest, purpose: String, url: URL, method: String? = nil, body: [UInt8]?? = nil, credentials: Bool
    ) async -> Exchange {
        await probe.send(
            purpose: purpose, method: method ?? request.method, url: url, headers: baseHeaders(request, credentials: credentials),
            body: body ?? request.body)
    }

    /// The user's headers, with or without their credentials. `-u` is sent as Basic unless `--digest` was given.
    private func baseHeaders(_ request: ClientRequest, credentials: Bool) -> [Exchange.Header] {
        var headers = request.headers.filter { credentials || !["authorization", "cookie"].contains($0.name.lowercased()) }
        guard credentials else { return headers }
        if let user = request.user, !request.digest, request.authorizationValues.isEmpty {
            let token = Data("\(user):\(request.password ?? "")".utf8).base64EncodedString()
            headers.append(Exchange.Header("Authorization", "Basic " + token))
        }
        if let bearer = request.bearer, request.authorizationValues.isEmpty {
            headers.append(Exchange.Header("Authorization", "Bearer " + bearer))
        }
        if let cookie = request.cookie { headers.append(Exchange.Header("Cookie", cookie)) }
        return headers
    }
}
