import Foundation
import HTTPAuth
import Tokens

/// `no-credentials-sent`: the request carried no credential at all, so the 401 is the server's first challenge.
enum NoCredentialsSent: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        // A cookie withheld or refused on the way is a credential that existed: `cookie-blocked` says why.
        guard evidence.isUnauthorized, !evidence.request.hasCredentials, evidence.cookieProblems.isEmpty else { return nil }
        let schemes = evidence.challenges.map(\.scheme.rawName)
        let fix: String
        var corrected: String?
        switch schemes.first?.lowercased() {
        case "digest"?:
            fix = "Send a user name and password with Digest: curl --digest -u USER:PASSWORD."
            corrected = "curl --digest -u USER:PASSWORD " + CurlCommand.quote(evidence.request.url.absoluteString)
        case "basic"?:
            fix = "Send a user name and password: curl -u USER:PASSWORD."
            corrected = "curl -u USER:PASSWORD " + CurlCommand.quote(evidence.request.url.absoluteString)
        case "negotiate"?, "ntlm"?:
            fix = "Windows authentication: from a domain-joined or Kerberos-configured client, kinit then curl --negotiate -u : URL; otherwise curl --ntlm -u 'DOMAIN\\user:password' URL."
            corrected = "curl --ntlm -u 'DOMAIN\\USER:PASSWORD' " + CurlCommand.quote(evidence.request.url.absoluteString)
        case "bearer"?:
            fix = "Send an access token: curl -H 'Authorization: Bearer TOKEN' (or --oauth2-bearer TOKEN)."
            corrected = "curl --oauth2-bearer TOKEN " + CurlCommand.quote(evidence.request.url.absoluteString)
        default:
            fix = "Send the credential the server expects; its challenge says: \(schemes.isEmpty ? "nothing" : schemes.joined(separator: ", "))."
        }
        return Finding(
            id: .noCredentialsSent, severity: .cause, confidence: schemes.isEmpty ? 80 : 90, title: "No credential was sent",
            explanation: "The request carried no Authorization header, cookie or key, so the server asked for one. This is the normal first step of the handshake; a client that never answers it stays at 401.",
            fix: fix, evidence: ["no Authorization, Cookie or API key header in the request"] + evidence.challenges.compactMap { try? "WWW-Authenticate: " + $0.serialized() },
            correctedRequest: corrected)
    }
}
