import Foundation
import HTTPTypes
import Hummingbird

/// What a server in front asks the gateway: may this *original* request pass, and as whom? Each server describes
/// the original its own way:
/// - nginx `auth_request` (`GET /auth/verify`): `X-Original-Method`, and `X-Original-URL` (absolute) or
///   `X-Original-URI` with `Host`/`X-Forwarded-Host` and `X-Forwarded-Proto`;
/// - Traefik `ForwardAuth` and Caddy `forward_auth` (`GET /auth/forward`): `X-Forwarded-Method`, `-Proto`, `-Host`,
///   `-Uri`;
/// - Envoy `ext_authz`, HTTP service (`/auth/ext-authz/…`, any method): the original path is what follows the
///   prefix, the method is the request's own, the host is `Host`.
/// The credential headers (`Authorization`, `Cookie`, an API key header) are the original's: each server passes
/// them on to its auth service.
struct ForwardAuthQuestion: Equatable {
    /// The three ways to ask, one endpoint each.
    enum Endpoint: String, Equatable {
        case verify = "/auth/verify"
        case forward = "/auth/forward"
        case extAuthz = "/auth/ext-authz"

        init?(path: String) {
            if path == Self.verify.rawValue {
                self = .verify
            } else if path == Self.forward.rawValue {
                self = .forward
            } else if path == Self.extAuthz.rawValue || path.hasPrefix(Self.extAuthz.rawValue + "/") {
                self = .extAuthz
            } else {
                return nil
            }
        }
    }

    /// Why a question cannot be answered.
    struct Incomplete: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    var endpoint: Endpoint
    var method: HTTPRequest.Method
    var scheme: String
    var host: String
    /// The original request-target, as the server received it (path and query, still encoded).
    var target: String

    /// The headers that describe the original to the gateway; they are not part of it.
    static let describing: Set<String> = [
        "x-original-method", "x-original-url", "x-original-uri", "x-forwarded-method", "x-forwarded-uri", "x-forwarded-host",
        "x-forwarded-proto", "x-forwarded-for", "x-real-ip", "x-forwarded-port", "x-forwarded-server", "forwarded", "via",
    ]

    init(_ endpoint: Endpoint, _ request: Request) throws(Incomplete) {
        self.endpoint = endpoint
        let headers = request.headers
        /// A URI or method as the server sent it (a URI may hold commas).
        func field(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        /// The first entry of a list a chain of proxies extends (`X-Forwarded-Host: a, b`): the client's.
        func first(_ name: String) -> String? {
            field(name)?.split(separator: ",").first.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let authority = first("X-Forwarded-Host") ?? request.head.authority ?? ""
        scheme = first("X-Forwarded-Proto")?.lowercased() ?? "http"
        host = authority
        switch endpoint {
        case .verify:
            method = try Self.method(field("X-Original-Method") ?? "GET")
            // Both, naming different requests: a client's header passed on beside the server's. Neither is believed.
            if let url = field("X-Original-URL"), let uri = field("X-Original-URI"), URLComponents(string: url)?.percentEncodedPath != uri.split(separator: "?", maxSplits: 1).first.map(String.init) {
                throw Incomplete(description: "X-Original-URL and X-Original-URI name different requests; the server in front must set one and clear the other")
            }
            if let url = field("X-Original-URL") {
                guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), let host = components.host else {
                    throw Incomplete(description: "X-Original-URL is not an absolute URL: \(url.prefix(200))")
                }
                self.scheme = scheme
                self.host = host + (components.port.map { ":\($0)" } ?? "")
                target = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath) + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
            } else if let uri = field("X-Original-URI") {
                target = uri
            } else {
                throw Incomplete(description: "the auth request names no original request: X-Original-URI (or X-Original-URL) is missing")
            }
        case .forward:
            method = try Self.method(field("X-Forwarded-Method") ?? "GET")
            guard let uri = field("X-Forwarded-Uri") else {
                throw Incomplete(description: "the auth request names no original request: X-Forwarded-Uri is missing")
            }
            target = uri
        case .extAuthz:
            method = request.method
            let path = request.head.path ?? ""
            let rest = path.dropFirst(Endpoint.extAuthz.rawValue.count)
            target = rest.isEmpty || rest.hasPrefix("?") ? "/" + rest : String(rest)
        }
        guard !host.isEmpty else { throw Incomplete(description: "the auth request names no host (Host or X-Forwarded-Host)") }
        guard scheme == "http" || scheme == "https" else { throw Incomplete(description: "X-Forwarded-Proto is neither http nor https: \(scheme.prefix(40))") }
    }

    private static func method(_ text: String) throws(Incomplete) -> HTTPRequest.Method {
        guard let method = HTTPRequest.Method(text.uppercased()) else { throw Incomplete(description: "the original method is not a method: \(text.prefix(40))") }
        return method
    }

    /// The original request as the gateway decides about it: its method, host and `target` (made canonical by the
    /// caller), with the headers the server passed on, less those that only describe it.
    func request(from asked: Request, target canonical: String) -> Request {
        var fields = HTTPFields()
        for field in asked.headers where !Self.describing.contains(field.name.canonicalName) {
            fields.append(field)
        }
        let head = HTTPRequest(method: method, scheme: scheme, authority: host, path: canonical, headerFields: fields)
        return Request(head: head, body: RequestBody(buffer: ByteBuffer()))
    }
}
