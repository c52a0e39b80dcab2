import HTTPTypes
import Hummingbird
import Synchronization

/// The plain-HTTP listener of `tls.redirect_http`: every request is sent to the same path over HTTPS with 308
/// (which keeps the method and body), and nothing else is served on it, so no credential is ever accepted in clear.
final class HTTPSRedirect: HTTPResponder {
    typealias Context = BasicRequestContext
    /// The HTTPS port to send clients to, known once the TLS listener runs (it may have been picked by the system).
    let httpsPort: Mutex<Int>

    init(httpsPort: Int) {
        self.httpsPort = Mutex(httpsPort)
    }

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        let authority = request.head.authority ?? "localhost"
        let host = Self.host(of: authority)
        let httpsPort = self.httpsPort.withLock { $0 }
        let port = httpsPort == 443 ? "" : ":\(httpsPort)"
        var headers = HTTPFields()
        headers[.location] = "https://\(host)\(port)\(request.uri.description)"
        headers[.cacheControl] = "no-store"
        return Response(status: .permanentRedirect, headers: headers)
    }

    /// The host of an authority, without its port (IPv6 literals keep their brackets).
    static func host(of authority: String) -> String {
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") { return String(authority[...end]) }
        return String(authority.split(separator: ":", maxSplits: 1).first ?? "localhost")
    }
}
