import HTTPTypes
import Hummingbird
import NIOCore

/// The response for one of the gateway's own HTML pages (login, logout, dashboard): never cached, never framed,
/// no script or outside resource allowed by its Content-Security-Policy, forms posting only to this site.
///
/// `form-action` also governs where a form's answer may redirect (browsers enforce it on the redirect): the login
/// form of a cookie domain may send the user back to any host under it (`returnHosts`), and nowhere else.
enum HTMLPage {
    static func response(_ page: String, status: HTTPResponse.Status, returnHosts domain: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let returns = domain.map { " \($0):* *.\($0):*" } ?? ""
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'\(returns); frame-ancestors 'none'"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
