import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Store
import Synchronization

/// The gateway's one responder: request id, client address, metrics path, the ``Gatekeeper``'s decision, then the
/// upstream, the static folder or the demo page for an allowed request and ``RefusalResponse`` for a refused one;
/// or, asked by a server in front (`/auth/verify`, `/auth/forward`, `/auth/ext-authz/…`), the same decision for
/// the original request it describes (``forwardAuth(_:_:context:requestID:start:)``).
/// Every decision is counted and audited. A custom responder rather than a router keeps the hot path short.
public struct GatewayResponder: HTTPResponder {
    public typealias Context = GatewayContext
    let state: GatewayState

    public func respond(to request: Request, context: GatewayContext) async throws -> Response {
        let start = RequestStart(time: .now, span: state.tracer?.start(request, overHTTP2: context.overHTTP2))
        guard let span = start.span else { return try await decide(request, context: context, start: start) }
        do {
            let response = try await decide(request, context: context, start: start)
            span.end(status: response.status.code)
            return response
        } catch {
            span.end(error: error)
            throw error
        }
    }

    /// The answer to one request, counted, audited and traced.
    private func decide(_ request: Request, context: GatewayContext, start: RequestStart) async throws -> Response {
        let requestID = RequestIDs.make(incoming: request.headers[.xRequestID])
        let snapshot = state.current
        let config = snapshot.config
        let (client, address) = ClientAddress.resolve(peer: context.remoteAddress, headers: request.headers, trusted: config.trustedProxies)
        let target: CanonicalTarget
        do throws(CanonicalTarget.Refusal) {
            if let problem = HostField.problem(authority: request.head.authority, others: request.headers[values: .host].count) {
                throw CanonicalTarget.Refusal.host(problem)
            }
            target = try CanonicalTarget(requestTarget: request.head.path ?? "")
        } catch {
            let decision = Decision.refused(.refusedTarget(error), route: nil)
            var response = RefusalResponse.make(.refusedTarget(error), route: nil, requestID: requestID)
            finish(&response, request: request, decision: decision, config: config, requestID: requestID)
            record(decision, status: response.status.code, request: request, client: client, requestID: requestID, start: start)
            return response
        }
        // From here on the request carries the canonical target only: every decision and the upstream see one path.
        var request = request
        if target.target != target.received {
            var head = request.head
            head.path = target.target
            request = Request(head: head, body: request.body)
        }
        if let metrics = config.metrics, request.uri.path == metrics.path {
            return metricsResponse(allowed: address.map { metrics.allow.contains($0) } ?? false, requestID: requestID)
        }
        if let endpoint = ForwardAuthQuestion.Endpoint(path: request.uri.path) {
            return await forwardAuth(endpoint, request, context: context, requestID: requestID, start: start)
        }
        let sessions = SessionEndpoints(gatekeeper: snapshot.gatekeeper, secure: config.secureCookies)
        let dashboard = config.admin.map { Dashboard(admin: $0, config: config, gatekeeper: snapshot.gatekeeper, store: state.store) }
        if let (page, decision) = await ownPage(request, client: client, sessions: sessions, tokens: snapshot.tokens, dashboard: dashboard) {
            var response = page
            finish(&response, request: request, decision: decision, config: config, requestID: requestID)
            record(decision, status: response.status.code, request: request, client: client, requestID: requestID, start: start)
            return response
        }
        let decision = await snapshot.gatekeeper.decide(&request, target: target, client: client, address: address)
        var response: Response
        var outcome = decision
        switch decision.verdict {
        case .admitted(let admission) where admission.outcome == .preflight:
            response = Response(status: .noContent)
        case .admitted(let admission):
            do {
                response = try await deliver(
                    request, context: context, admission: admission, route: decision.route, config: config, client: client, requestID: requestID,
                    trace: start.span)
            } catch {
                let failure = Refusal.upstreamFailed(error, after: admission)
                outcome.verdict = .refused(failure)
                response = RefusalResponse.make(failure, route: nil, requestID: requestID)
            }
        case .refused(let refusal):
            response = RefusalResponse.make(refusal, route: decision.route, requestID: requestID)
        }
        finish(&response, request: request, decision: decision, config: config, requestID: requestID)
        record(outcome, status: response.status.code, request: request, client: client, requestID: requestID, start: start)
        return response
    }

    /// The gateway's own pages: the dashboard, the login form and logout (`session` routes), the token endpoint and
    /// its JWKS.
    private func ownPage(
        _ request: Request, client: String, sessions: SessionEndpoints, tokens: TokenEndpoint?, dashboard: Dashboard?
    ) async -> (Response, Decision)? {
        if let dashboard, let page = await dashboard.respond(request, client: client) { return page }
        guard request.uri.path.hasPrefix("/auth/") || request.uri.path.hasPrefix("/.well-known/") else { return nil }
        if request.uri.path == HelpPage.path, [.get, .head].contains(request.method) {
            return (HelpPage.response(config: state.current.config, host: request.head.authority ?? "localhost"), .admitted(.open, route: nil))
        }
        if let page = await tokens?.respond(request, client: client) { return page }
        return await sessions.respond(request, client: client)
    }

    /// Counts, audits and traces one decision with the status actually sent.
    func record(_ decision: Decision, status: Int, request: Request, client: String, requestID: String, start: RequestStart) {
        let elapsed = ContinuousClock.now - start.time
        state.metrics.record(decision, elapsed: elapsed)
        start.span?.record(decision, path: request.uri.path, client: client, requestID: requestID)
        state.audit.record(AuditRecord(
            time: Date(), requestID: requestID, client: client, method: request.method.rawValue, path: request.uri.path,
            route: decision.route?.path, scheme: decision.scheme?.rawValue, user: decision.user, outcome: decision.outcome.rawValue,
            status: status, reason: decision.reason?.id, detail: decision.detail,
            latencyMicroseconds: Int(elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000),
            host: request.head.authority))
    }

    private func deliver(
        _ request: Request, context: GatewayContext, admission: Admission, route: RouteRuntime?, config: GatewayConfig, client: String, requestID: String,
        trace: RequestSpan?
    ) async throws -> Response {
        let route = route?.config
        switch route?.upstream ?? config.upstream {
        case .http?:
            guard let proxy = state.proxy(for: route?.upstream ?? config.upstream) else { throw HTTPError(.badGateway) }
            let forwarding = ForwardingContext(
                client: client, overHTTP2: context.overHTTP2, scheme: config.tls == nil ? "http" : "https", requestID: requestID, user: admission.identity?.user,
                userHeader: config.userHeader, passAuthorization: route?.passAuthorization ?? false,
                apiKeyHeader: route?.apiKey.header, traceHeaders: trace?.propagationHeaders ?? [])
            return try await proxy.forward(request, context: forwarding)
        case .directory(let path)?:
            return try await state.staticFolder(path).serve(request, context: context)
        case nil:
            return DemoPage.response(user: admission.identity?.user, scheme: admission.scheme, requestID: requestID)
        }
    }

    private func finish(_ response: inout Response, request: Request, decision: Decision, config: GatewayConfig, requestID: String) {
        response.headers[.xRequestID] = requestID
        for header in decision.admission?.responseHeaders ?? [] {
            if let name = HTTPField.Name(header.name) { response.headers.append(HTTPField(name: name, value: header.value)) }
        }
        if let cors = decision.route?.config.cors, let origin = request.headers[.origin], cors.allows(origin: origin) {
            for (name, value) in cors.headers(origin: origin, preflight: decision.outcome == .preflight) {
                response.headers[name] = value
            }
        }
        if let hsts = config.tls?.hsts {
            response.headers[.strictTransportSecurity] = "max-age=\(hsts)"
        }
    }

    private func metricsResponse(allowed: Bool, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.xRequestID] = requestID
        guard allowed else {
            headers[.contentType] = "text/plain"
            return Response(status: .forbidden, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: "metrics are not served to this address\n")))
        }
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: state.metrics.render())))
    }
}

/// When a request arrived, and its span when tracing is on: what every decision's record closes.
struct RequestStart: Sendable {
    let time: ContinuousClock.Instant
    let span: RequestSpan?
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
    /// A `Host` line left among the fields: HTTP/1.1's codec moves the first one to the request's authority.
    static let host = HTTPField.Name("Host")!
}
