import Foundation
import HTTPAuth

/// `authorization-not-passed-to-app`: the client sent `Authorization`, but a layer in front of the application
/// removed it (Apache CGI or FastCGI without `CGIPassAuth On`, mod_wsgi without `WSGIPassAuthorization On`, a
/// gateway or CDN), so the application answers as if nothing had been sent.
///
/// Seen from outside: the answer with the credential is the answer without it (same status, same challenge), and
/// either the body says no credential arrived, or the 401 is the application's behind Apache (not Apache's own
/// page), or a Bearer challenge carries no `error` although a token was sent (RFC 6750 §3.1: no error code means
/// the request had no authentication information).
enum AuthorizationNotPassedToApp: DoctorRule {
    /// The text of Apache's own 401 page (`ap_send_error_response`).
    static let apachePage = "could not verify that you"

    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard evidence.isUnauthorized, let final = evidence.final, let sent = final.requestValues("Authorization").first,
            let bare = evidence.probe("without-credentials"), bare.status == 401,
            bare.responseValues("WWW-Authenticate") == final.responseValues("WWW-Authenticate")
        else { return nil }
        let server = final.responseValues("Server").first ?? ""
        var facts = ["with Authorization: \(Redaction.authorization(sent)) → 401", "without it → 401, with the same challenge"]
        let confidence: Int
        if let phrase = final.bodyPhrase(RefusalMessage.nothingArrived) {
            confidence = 85
            facts.append("the body says '\(phrase)'")
        } else if server.lowercased().contains("apache"), !final.bodySays(apachePage), !final.bodyPrefix.isEmpty {
            confidence = 80
            facts.append("Server: \(server), and the 401 is the application's, not Apache's own page")
        } else if sent.lowercased().hasPrefix("bearer "),
            final.challenges.contains(where: { $0.scheme.rawName.lowercased() == "bearer" }),
            !final.challenges.contains(where: { $0[parameter: "error"] != nil })
        {
            confidence = 60
            facts.append("the Bearer challenge has no error=, which RFC 6750 §3.1 reserves for requests without a token")
        } else {
            return nil
        }
        return Finding(
            id: .authorizationNotPassedToApp, severity: .cause, confidence: confidence,
            title: "The Authorization header does not reach the application",
            explanation: "The answer with your credential is the same as the answer without it: the application behaves as if nothing was sent. A layer in front of it removes the header: Apache hides it from CGI and FastCGI (PHP-FPM) scripts unless told otherwise, mod_wsgi does the same, and gateways or CDNs may drop it. (If the header does get through, the credential itself is wrong.)",
            fix: "Pass the header on: Apache 2.4.13+ `CGIPassAuth On` in the script's <Directory> or .htaccess (older: `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1`); mod_wsgi `WSGIPassAuthorization On`; nginx in front of FastCGI `fastcgi_param HTTP_AUTHORIZATION $http_authorization;`; a CDN: add Authorization to the forwarded headers. The application then reads HTTP_AUTHORIZATION.",
            evidence: facts)
    }
}
