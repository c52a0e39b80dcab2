import AsyncHTTPClient
import Foundation
import HTTPAuth
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Streams an allowed request to an HTTP upstream through AsyncHTTPClient and streams the answer back.
///
/// Hop-by-hop fields (RFC 9110 §7.6.1, and those named in `Connection`) are dropped both ways; `Forwarded`
/// (RFC 7239) and `X-Forwarded-For/-Proto/-Host` are set; the client's `Authorization` (and API key header) is
/// withheld unless the route passes it; the user header a client sent is always removed and replaced by the
/// authenticated user, so the upstream can trust it.
struct ReverseProxy: Sendable {
    let client: HTTPClient
    let base: URL

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te", "trailer",
        "transfer-encoding", "upgrade",
    ]

    /// The largest HTTP/2 body without a `Content-Length` read before forwarding: nginx's `client_max_body_size`.
    static let unframedBodyLimit = 1 << 20

    /// An HTTP/2 body without a length went over ``unframedBodyLimit``.
    struct BodyTooLarge: Error {}

    func forward(_ request: Request, context: ForwardingContext) async throws -> Response {
        var outgoing = HTTPClientRequest(url: url(for: request.uri.description))
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        outgoing.headers = upstreamHeaders(request, context: context)
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            if length > 0 { outgoing.body = .stream(request.body, length: .known(Int64(length))) }
        } else if request.headers[.transferEncoding] != nil {
            outgoing.body = .stream(request.body, length: .unknown)
        } else if context.overHTTP2 {
            // HTTP/2 ends a body with its stream (RFC 9113 §8.1), so no length says whether one comes: read it whole,
            // as nginx does, and send it with its length (no body at all when empty, as for most GETs).
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: Self.unframedBodyLimit) } catch is NIOTooManyBytesError { throw BodyTooLarge() }
            if body.readableBytes > 0 { outgoing.body = .bytes(body) }
        }
        let response = try await client.execute(outgoing, timeout: .seconds(60))
        var headers = HTTPFields()
        let dropped = Self.dropped(by: response.headers[canonicalForm: "connection"].map(String.init))
        for (name, value) in response.headers where !dropped.contains(name.lowercased()) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        let length = response.headers.first(name: "content-length").flatMap(Int.init)
        let body = response.body
        return Response(
            status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers,
            body: ResponseBody(contentLength: length) { writer in
                for try await chunk in body { try await writer.write(chunk) }
                try await writer.finish(nil)
            })
    }

    /// A user name (a JWT `sub` can hold anything) with control bytes and `%` percent-encoded, so it cannot split
    /// or forge a header field.
    static func fieldSafe(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar == "%" {
                output += "%" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    private func url(for target: String) -> String {
        var base = base.absoluteString
        if base.hasSuffix("/") { base.removeLast() }
        return base + target
    }

    private static func dropped(by connection: [String]) -> Set<String> {
        hopByHop.union(connection.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    private func upstreamHeaders(_ request: Request, context: ForwardingContext) -> HTTPHeaders {
        var dropped = Self.dropped(by: request.headers[values: .connection].flatMap { $0.split(separator: ",").map(String.init) })
        dropped.insert("host")
        dropped.insert(context.userHeader.lowercased())
        if !context.passAuthorization {
            dropped.insert("authorization")
            if let header = context.apiKeyHeader { dropped.insert(header.lowercased()) }
        }
        var headers = HTTPHeaders()
        dropped.insert("cookie")
        for field in request.headers where !dropped.contains(field.name.canonicalName) {
            headers.add(name: field.name.rawName, value: field.value)
        }
        // HTTP/2 may split Cookie into one field per pair; an HTTP/1.1 upstream gets them joined by "; " in one
        // field (RFC 9113 §8.2.3), which is what HTTPFields' subscript returns.
        if let cookie = request.headers[.cookie] { headers.add(name: "Cookie", value: cookie) }
        let host = request.head.authority ?? ""
        let previous = request.headers[values: HTTPField.Name("X-Forwarded-For")!].joined(separator: ", ")
        headers.replaceOrAdd(name: "X-Forwarded-For", value: previous.isEmpty ? context.client : previous + ", " + context.client)
        headers.replaceOrAdd(name: "X-Forwarded-Proto", value: context.scheme)
        if !host.isEmpty { headers.replaceOrAdd(name: "X-Forwarded-Host", value: host) }
        let forwardedFor = context.client.contains(":") ? "\"[\(context.client)]\"" : context.client
        let forwarded = "for=\(forwardedFor);proto=\(context.scheme)" + (host.isEmpty ? "" : ";host=\"\(host)\"")
        let earlier = request.headers[values: HTTPField.Name("Forwarded")!].joined(separator: ", ")
        headers.replaceOrAdd(name: "Forwarded", value: earlier.isEmpty ? forwarded : earlier + ", " + forwarded)
        headers.replaceOrAdd(name: "X-Request-Id", value: context.requestID)
        for (name, value) in context.traceHeaders { headers.replaceOrAdd(name: name, value: value) }
        if let user = context.user { headers.replaceOrAdd(name: context.userHeader, value: Self.fieldSafe(user)) }
        return headers
    }
}

/// What the proxy needs to know about the decision to forward a request.
struct ForwardingContext: Sendable {
    var client: String
    /// The request came over HTTP/2, where a body may come without a length.
    var overHTTP2: Bool
    var scheme: String
    var requestID: String
    var user: String?
    var userHeader: String
    var passAuthorization: Bool
    var apiKeyHeader: String?
    /// The gateway span's `traceparent` (and `tracestate`) when tracing is on: they replace the client's.
    var traceHeaders: [(String, String)] = []
}
