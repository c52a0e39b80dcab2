import Foundation
import HTTPAuth
import Tokens

/// `missing-www-authenticate`: a 401 without a challenge breaks RFC 9110 §15.5.2 ("MUST send a WWW-Authenticate
/// header field"); clients such as browsers and `curl --anyauth` then have no scheme to answer with.
///
/// With a credential sent (or one the client withheld), it is an observation (see ``Finding/Basis``): many APIs that take keys or cookies send
/// no challenge, and whatever refused the credential is the cause. Without one, the missing challenge is why the
/// client never knew what to send, unless an IIS 401.2 page says the server has no method to challenge with.
enum MissingWWWAuthenticate: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard let final = evidence.final, final.status == 401, final.responseValues("WWW-Authenticate").isEmpty else { return nil }
        return Finding(
            id: .missingWWWAuthenticate, severity: .cause, confidence: evidence.request.hasCredentials ? 70 : 90,
            title: "The 401 carries no WWW-Authenticate challenge",
            explanation: "The server answered 401 without saying which authentication scheme it accepts. RFC 9110 §15.5.2 requires a challenge; without it browsers never prompt and clients cannot pick a scheme. The server (often a `return 401` or a framework default) is at fault, or it expects a credential it does not announce (an API key, a cookie).",
            fix: "On the server: send WWW-Authenticate with the scheme it expects (e.g. Basic realm=\"…\" or Bearer). As a client: find the expected credential in the API's documentation.",
            evidence: ["\(final.method) \(final.url.absoluteString) → 401 with no WWW-Authenticate"],
            basis: evidence.request.hasCredentials || !evidence.cookieProblems.isEmpty || IISErrorPage(final)?.subStatus == 2 ? .observation : .explanation)
    }
}
