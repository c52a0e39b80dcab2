import Foundation
import HTTPAuth

/// Corrected requests as curl command lines, with credentials as placeholders the user fills in (never the secret
/// itself, which would land in a ticket).
public enum CurlCommand {
    static func arguments(for request: ClientRequest, url: URL) -> String {
        var parts: [String] = []
        if request.method != "GET" { parts += ["-X", request.method] }
        if let windows = request.windows { parts.append(windows.flag) }
        if let user = request.user { parts += ["-u", quote("\(user):PASSWORD")] }
        if request.bearer != nil { parts += ["--oauth2-bearer", "TOKEN"] }
        for header in request.headers {
            // A credential's scheme stays (`Authorization: Bearer …`): it is part of the fix, the secret is not.
            let scheme = header.name.caseInsensitiveCompare("Authorization") == .orderedSame ? header.value.prefix { $0 != " " } : ""
            let value = header.carriesCredential ? (scheme.isEmpty || scheme.count == header.value.count ? "…" : scheme + " …") : header.value
            parts += ["-H", quote("\(header.name): \(value)")]
        }
        if request.body != nil { parts += ["-d", "@body"] }
        parts.append(quote(url.absoluteString))
        return parts.joined(separator: " ")
    }

    static func quote(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./:@=".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
