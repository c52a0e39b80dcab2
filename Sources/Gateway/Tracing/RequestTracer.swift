import HTTPTypes
import Hummingbird
import Instrumentation
import Tracing

/// Starts the span of each request: a server span whose parent is the caller's W3C `traceparent` (the nginx, Envoy
/// or Traefik in front, or a traced client), so the gateway appears inside the trace that reached it.
struct RequestTracer: Sendable {
    let tracer: any Tracer

    func start(_ request: Request, overHTTP2: Bool) -> RequestSpan {
        var parent = ServiceContext.topLevel
        tracer.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        let span = tracer.startSpan(request.method.rawValue, context: parent, ofKind: .server)
        span.updateAttributes { attributes in
            attributes[SpanAttributeName.method] = request.method.rawValue
            attributes[SpanAttributeName.protocolVersion] = overHTTP2 ? "2" : "1.1"
            if let host = request.head.authority { attributes[SpanAttributeName.serverAddress] = host }
            if let agent = request.headers[.userAgent] { attributes[SpanAttributeName.userAgent] = agent }
        }
        return RequestSpan(span: span, tracer: tracer, method: request.method.rawValue)
    }
}

/// The span of one request. The decision names it and fills its attributes (``record(_:path:client:requestID:)``);
/// the upstream gets its context (``propagationHeaders``); it ends when the answer's head goes out.
/// Nothing secret goes in: never a credential, a cookie or the query string (which may carry an API key or a token).
struct RequestSpan: Sendable {
    let span: any Span
    let tracer: any Tracer
    let method: String

    /// What the decision says, in OpenTelemetry's HTTP server names (https://opentelemetry.io/docs/specs/semconv/http/http-spans/)
    /// and the gateway's own: the span is named `METHOD /route` when a route matched.
    func record(_ decision: Decision, path: String, client: String, requestID: String) {
        if let route = decision.route?.path { span.operationName = "\(method) \(route)" }
        span.updateAttributes { attributes in
            attributes[SpanAttributeName.path] = path
            attributes[SpanAttributeName.client] = client
            attributes[SpanAttributeName.requestID] = requestID
            attributes[SpanAttributeName.outcome] = decision.outcome.rawValue
            if let route = decision.route?.path { attributes[SpanAttributeName.route] = route }
            if let scheme = decision.scheme?.rawValue { attributes[SpanAttributeName.scheme] = scheme }
            if let reason = decision.reason?.id { attributes[SpanAttributeName.reason] = reason }
            // Only an admitted user: a name that was refused may be a mistyped password, and traces leave the machine.
            if case .admitted(let admission) = decision.verdict, let user = admission.identity?.user { attributes[SpanAttributeName.user] = user }
        }
    }

    /// `traceparent` (and `tracestate`) naming this span, for the upstream: they replace the ones the client sent.
    var propagationHeaders: [(String, String)] {
        var headers: [(String, String)] = []
        tracer.inject(span.context, into: &headers, using: PairsInjector())
        return headers
    }

    /// Ends the span with the status sent: a 5xx is an error of the server (a 4xx is the client's, as the
    /// conventions for server spans say).
    func end(status: Int) {
        span.attributes[SpanAttributeName.status] = status
        if status >= 500 {
            span.attributes[SpanAttributeName.errorType] = String(status)
            span.setStatus(SpanStatus(code: .error))
        }
        span.end()
    }

    /// Ends the span of a request that failed before it had an answer.
    func end(error: any Error) {
        span.recordError(error)
        span.attributes[SpanAttributeName.errorType] = String(describing: type(of: error))
        span.setStatus(SpanStatus(code: .error))
        span.end()
    }
}

/// The attribute names of the spans: OpenTelemetry's semantic conventions where they have one, `gatehouse.*` for the
/// decision.
enum SpanAttributeName {
    static let method = "http.request.method"
    static let path = "url.path"
    static let route = "http.route"
    static let status = "http.response.status_code"
    static let protocolVersion = "network.protocol.version"
    static let serverAddress = "server.address"
    static let client = "client.address"
    static let userAgent = "user_agent.original"
    static let user = "user.name"
    static let errorType = "error.type"
    static let requestID = "gatehouse.request_id"
    static let outcome = "gatehouse.outcome"
    static let scheme = "gatehouse.scheme"
    static let reason = "gatehouse.reason"
}

/// Reads `traceparent` and `tracestate` from a request's fields.
private struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from fields: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { fields[$0] }
    }
}

/// Writes the propagation fields as name and value pairs.
private struct PairsInjector: Injector {
    func inject(_ value: String, forKey key: String, into pairs: inout [(String, String)]) {
        pairs.append((key, value))
    }
}
