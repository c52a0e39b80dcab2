import Foundation
import HTTPAuth

/// `cookie-too-large`: the server refused the request head because of its size: nginx's "400 Request Header Or
/// Cookie Too Large" (`large_client_header_buffers`, 4 × 8k by default), or 431 (RFC 6585 §5). A session cookie that
/// grew (a JWT with many claims or groups, several chunked cookies of an OIDC proxy) is the usual reason, and the
/// request never reaches the authentication at all.
enum CookieTooLarge: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard let final = evidence.final, let status = final.status,
            status == 431 || (status == 400 && final.bodyPhrase(["header or cookie too large", "request header fields too large", "size of a request header field exceeds"]) != nil)
        else { return nil }
        let cookieBytes = final.requestValues("Cookie").reduce(0) { $0 + $1.utf8.count }
        let headerBytes = final.requestHeaders.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        return Finding(
            id: .cookieTooLarge, severity: .cause, confidence: 92, title: "The request's headers are too large for the server",
            explanation: "The server answered \(status) before reading the request: its header buffer is smaller than the headers sent (\(headerBytes) bytes\(cookieBytes > 0 ? ", of which \(cookieBytes) of cookies" : "")). nginx keeps 8 KB per header line by default (large_client_header_buffers 4 8k); a session cookie that carries a whole token with its groups passes that.",
            fix: "Make the cookie smaller (keep the session server-side and send only its id; drop stale cookies for this domain), or raise the limit: nginx `large_client_header_buffers 4 16k;` in the server in front (and in every proxy on the way).",
            evidence: ["\(final.method) \(Redaction.url(final.url)) → \(status)", "request headers: \(headerBytes) bytes" + (cookieBytes > 0 ? ", Cookie: \(cookieBytes) bytes" : "")])
    }
}
