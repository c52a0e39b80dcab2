import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import NIOCore
import Passwords

/// The gateway as the authentication service of the nginx, Caddy, Traefik or Envoy in front: it answers a
/// ``ForwardAuthQuestion`` with the same decision the reverse proxy would make for the original request (the same
/// canonical path, routes, schemes, lockouts and bans), and audits it as that request.
///
/// Only `trusted_proxies` may ask: from any other peer the endpoints answer 403 (`forward-auth-untrusted`), since
/// whoever asks chooses the original. An allowed request gets 200 with the identity for the upstream, every header
/// present (empty on a public route: Caddy copies a missing one as its placeholder's text). A refusal is answered
/// as each server needs it (``answer(_:_:route:requestID:)``).
extension GatewayResponder {
    func forwardAuth(
        _ endpoint: ForwardAuthQuestion.Endpoint, _ asked: Request, context: GatewayContext, requestID: String, start: RequestStart
    ) async -> Response {
        let snapshot = state.current
        let config = snapshot.config
        let peer = context.remoteAddress?.ipAddress.flatMap(IPAddress.init)
        let (client, address) = ClientAddress.resolve(peer: context.remoteAddress, headers: asked.headers, trusted: config.trustedProxies)
        guard let peer, config.trustedProxies.contains(peer) else {
            let refusal = Refusal(
                .forbidden, reason: .forwardAuthUntrusted, detail: "\(context.remoteAddress?.ipAddress ?? "an unknown peer") asked \(endpoint.rawValue) and is not in trusted_proxies",
                clientDetail: "Only the server in front of this gateway may ask this.")
            return refuse(refusal, asked: asked, endpoint: endpoint, client: client, requestID: requestID, start: start)
        }
        let question: ForwardAuthQuestion
        let target: CanonicalTarget
        do throws(ForwardAuthQuestion.Incomplete) {
            question = try ForwardAuthQuestion(endpoint, asked)
        } catch {
            let refusal = Refusal(.badRequest, reason: .forwardAuthIncomplete, detail: error.description, clientDetail: "The authentication request is incomplete.")
            return refuse(refusal, asked: asked, endpoint: endpoint, client: client, requestID: requestID, start: start)
        }
        // The original path is made canonical as the reverse proxy makes it, before a route is chosen.
        do throws(CanonicalTarget.Refusal) {
            target = try CanonicalTarget(requestTarget: question.target)
        } catch {
            return refuse(.refusedTarget(error), asked: asked, endpoint: endpoint, client: client, requestID: requestID, start: start)
        }
        var original = question.request(from: asked, target: target.target)
        var decision = await snapshot.gatekeeper.decide(&original, target: target, client: client, address: address)
        if case .refused(var refusal) = decision.verdict, refusal.loginRedirect != nil {
            // A login page on another host needs the whole URL to come back to; on this host, the path is enough.
            let elsewhere = !config.forwardAuth.loginURL.hasPrefix("/")
            let next = elsewhere ? "\(question.scheme)://\(question.host)\(target.target)" : target.target
            refusal.loginRedirect = Gatekeeper.loginLocation(next: next, reason: refusal.reason, base: config.forwardAuth.loginURL)
            decision.verdict = .refused(refusal)
        }
        var response = Self.answer(endpoint, decision, names: config.forwardAuth, requestID: requestID)
        response.headers[.xRequestID] = requestID
        record(decision, status: response.status.code, request: original, client: client, requestID: requestID, start: start)
        return response
    }

    /// A question refused before any original request could be decided, audited as the question itself.
    private func refuse(
        _ refusal: Refusal, asked: Request, endpoint: ForwardAuthQuestion.Endpoint, client: String, requestID: String, start: RequestStart
    ) -> Response {
        let decision = Decision.refused(refusal, route: nil)
        var response = Self.answer(endpoint, decision, names: state.current.config.forwardAuth, requestID: requestID)
        response.headers[.xRequestID] = requestID
        record(decision, status: response.status.code, request: asked, client: client, requestID: requestID, start: start)
        return response
    }

    /// The answer to the server in front:
    /// - allowed: 200 with the identity headers (and the scheme's own response headers);
    /// - refused, to nginx (`/auth/verify`): the status, every challenge in *one* `WWW-Authenticate` field (nginx
    ///   passes on only the first), and for a browser on a `session` route a `Location` with the login page (the
    ///   ready-made configuration redirects only then), `Retry-After` for a ban;
    /// - refused, to Traefik, Caddy or Envoy: the refusal as the client should get it (401 with its challenges and
    ///   problem+json, or 303 to the login page), which they pass on as it is.
    static func answer(_ endpoint: ForwardAuthQuestion.Endpoint, _ decision: Decision, names: GatewayConfig.ForwardAuth, requestID: String) -> Response {
        switch decision.verdict {
        case .admitted(let admission):
            var headers = HTTPFields()
            let groups = admission.identity.flatMap { identity in decision.route?.groups?.value.groups(of: identity.user).sorted() } ?? []
            for (name, value) in [(names.userHeader, admission.identity?.user ?? ""), (names.groupsHeader, groups.joined(separator: ",")), (names.schemeHeader, admission.scheme?.rawValue ?? "")] {
                if let field = HTTPField.Name(name) { headers[field] = value }
            }
            for header in admission.responseHeaders {
                if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
            }
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers)
        case .refused(var refusal):
            guard endpoint == .verify else { return RefusalResponse.make(refusal, route: decision.route, requestID: requestID) }
            let login = refusal.loginRedirect
            refusal.loginRedirect = nil
            var response = RefusalResponse.make(refusal, route: decision.route, requestID: requestID)
            let challenges = response.headers[values: .wwwAuthenticate]
            if challenges.count > 1 {
                response.headers[.wwwAuthenticate] = nil
                response.headers[.wwwAuthenticate] = challenges.joined(separator: ", ")
            }
            if let login { response.headers[.location] = login }
            return response
        }
    }
}
