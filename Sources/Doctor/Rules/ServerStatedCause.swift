import Foundation
import HTTPAuth

/// The cause the refusing server itself states (``RefusalMessage``): a token library's message ("jwt expired",
/// "IDX10205: Issuer validation failed", "invalid signature"), an OAuth `error_description`, a lockout or rate limit
/// notice, a database error behind the 401, or "credentials were not provided" although they were sent (the header
/// did not reach the application). The server knows why it refused, so its words outrank what the doctor infers.
enum ServerStatedCause: DoctorRule {
    /// A cause and the phrases (lowercased) that state it, most specific first. The phrases are those of the
    /// libraries and services that send them: express-jwt/jsonwebtoken, Microsoft.IdentityModel (`IDXnnnnn`),
    /// PyJWT, Spring Security, Django REST Framework, FastAPI, Laravel, GitHub, and RFC 6750/6749 error codes.
    struct Statement: Sendable {
        let cause: CauseID
        let phrases: [String]
        let title: String
        let fix: String

        /// Whether it is about the credential sent, so that a server saying the same without one was not judging it.
        var judgesTheCredential: Bool { cause.isAboutTheToken || [.credentialsRejected, .forbiddenSentAs401].contains(cause) }
    }

    static let statements: [Statement] = [
        Statement(
            cause: .tokenExpired,
            phrases: ["jwt expired", "token expired", "token has expired", "token is expired", "expired token", "the token expired",
                      "idx10223", "lifetime validation failed", "signature has expired", "token_expired", "expired_token", "access token expired"],
            title: "The server says the token expired",
            fix: "Get a new token (refresh it before it expires, using the expires_in of the token response); if it should still be valid, compare the issuer's and the server's clocks."),
        Statement(
            cause: .tokenNotYetValid,
            phrases: ["jwt not active", "not yet valid", "idx10222", "token used before issued", "immature", "nbf claim", "before the nbf"],
            title: "The server says the token is not valid yet",
            fix: "Synchronise the clocks (NTP) of the issuer and the server, or allow a few seconds of clock skew in the server's validation."),
        Statement(
            cause: .tokenAudienceMismatch,
            phrases: ["audience", "idx10214", "idx10208", "aud claim", "invalid aud", "aud mismatch"],
            title: "The server says the token is for another audience",
            fix: "Request the token for this API's audience (the audience or resource parameter of the token request), or configure the API's expected audience to the value the issuer puts in aud."),
        Statement(
            cause: .tokenIssuerMismatch,
            phrases: ["issuer", "idx10205", "idx10204", "iss claim", "invalid iss"],
            title: "The server says the token comes from an issuer it does not trust",
            fix: "Make the API's expected issuer exactly the token's iss (scheme, host, path and trailing slash; Azure AD v1 sts.windows.net against v2 login.microsoftonline.com/…/v2.0), or get the token from the issuer the API trusts."),
        Statement(
            cause: .tokenKeyUnknown,
            phrases: ["signature key was not found", "idx10501", "idx10500", "no matching key", "unable to find a signing key", "signing key not found",
                      "unknown kid", "kid not found", "no key found", "unable to find jwk", "no signing key"],
            title: "The server has no key for the token's kid",
            fix: "Let the server refresh its keys from the issuer's JWKS (key rotation), or check that the token comes from the issuer whose keys the server loads."),
        Statement(
            cause: .tokenAlgorithmMismatch,
            phrases: ["invalid algorithm", "algorithm not allowed", "unsupported algorithm", "algorithm mismatch", "idx10516", "alg not allowed", "the specified alg"],
            title: "The server does not accept the token's algorithm",
            fix: "Sign the token with the algorithm the server expects (RS256 against HS256 is the usual mix-up), or configure the server's accepted algorithms to the issuer's."),
        Statement(
            cause: .tokenSignatureInvalid,
            phrases: ["invalid signature", "signature verification failed", "signature validation failed", "idx10503", "idx10511", "signature is invalid",
                      "bad signature", "signature does not match", "invalid_signature", "signature verification raised"],
            title: "The server says the token's signature does not verify",
            fix: "Verify with the key or secret the token was signed with: the same secret on both sides (and the same encoding: base64 or raw), or the issuer's current public key."),
        Statement(
            cause: .tokenMalformed,
            phrases: ["jwt malformed", "malformed", "idx12741", "idx14100", "idx12709", "too many segments", "not enough segments", "invalid token format",
                      "invalid compact jws", "wrong number of segments", "invalid number of segments", "not a valid jwt", "decode error", "invalid header padding"],
            title: "The server cannot read the token",
            fix: "Send the token as the three base64url parts the issuer returned, with nothing around it: no quotes, no 'Bearer' twice, no URL-encoding, no line break."),
        Statement(
            cause: .tokenWrongKind,
            phrases: ["wrong token type", "invalid token type", "not an access token", "id token", "id_token"],
            title: "The server says this kind of token is not the one it takes",
            fix: "Send the access token of the token response, not the ID token or the refresh token; for a JWT access token, ask the authorization server for this API's audience (Auth0: the audience parameter; Azure AD: the API's scope)."),
        Statement(
            cause: .rateLimited,
            phrases: ["rate limit", "too many requests", "too many attempts", "too many failed", "account locked", "account is locked", "locked out",
                      "temporarily locked", "throttl", "user is locked", "account has been locked"],
            title: "The server says the account or client is locked out or rate-limited",
            fix: "Wait for the time the server gives (Retry-After, or the lockout period), or have the account unlocked; stop the client that keeps retrying a wrong credential."),
        Statement(
            cause: .errorMaskedAs401,
            phrases: ["sqlstate", "database error", "database connection", "could not connect to the database", "connection refused", "internal server error",
                      "nullpointerexception", "exception:"],
            title: "The server's 401 is another error: the body names a server failure",
            fix: "Look in the server's log at the time of this request for the failure the body names; the credential is not the problem until that is fixed."),
        Statement(
            cause: .forbiddenSentAs401,
            phrases: ["insufficient_scope", "insufficient scope", "permission denied", "does not have permission", "not allowed to", "not permitted", "access is denied for"],
            title: "The server says the identity lacks permission: a 403 sent as 401",
            fix: "Grant the user or token the permission or scope the server names (or use an account that has it); retrying the credential will not help."),
        Statement(
            cause: .credentialsRejected,
            phrases: ["bad credentials", "invalid credentials", "invalid username or password", "incorrect username or password", "wrong password",
                      "invalid password", "invalid user", "login failed", "authentication failed", "invalid api key", "incorrect api key", "invalid token",
                      "user not found", "unknown user"],
            title: "The server says the credential itself is wrong",
            fix: "Send the right credential: check the user name and password (or the key or token) the server expects, and that nothing adds spaces or a newline to it."),
    ]

    static func evaluate(_ evidence: Evidence) -> Finding? {
        // IIS's pages say "Access is denied due to invalid credentials" for every 401: ``IISRefusalPage`` reads them.
        guard let final = evidence.final, final.status == 401, IISErrorPage(final) == nil, let message = RefusalMessage(final) else { return nil }
        let text = message.lowercased
        let sameWithout = evidence.probe("without-credentials").flatMap(RefusalMessage.init) == message
        let said = Redaction.echoes(in: String(message.sentences.prefix(2).joined(separator: "; ").prefix(300)), of: evidence.request)
        let quote = "the server says: \"\(said)\""
        if RefusalMessage.nothingArrived.contains(where: { Self.says(text, $0) }) {
            return nothingArrivedFinding(evidence, final: final, quote: quote)
        }
        for statement in statements {
            guard let phrase = statement.phrases.first(where: { Self.says(text, $0) }) else { continue }
            if statement.cause.isAboutTheToken, !sentAToken(evidence, final: final) { continue }
            if statement.judgesTheCredential, sameWithout { continue }
            var explanation = "The refusal states its own cause: \(quote). The phrase '\(phrase)' is what the server's authentication code says for this cause."
            var stated = statement
            if statement.cause == .tokenMalformed, BearerCredential.isOpaque(evidence), let wrongKind = statements.first(where: { $0.cause == .tokenWrongKind }) {
                stated = wrongKind
                explanation += " The token sent is opaque (no JWT segments): the server parses JWTs, so it was given another kind of token, as an authorization server issues when no API audience is requested."
            }
            return Finding(
                id: stated.cause, severity: .cause, confidence: 88, title: stated.title, explanation: explanation,
                fix: stated.fix, evidence: [quote, "\(final.method) \(Redaction.url(final.url)) → 401"])
        }
        return nil
    }

    /// Whether `text` has `phrase` starting a word (`invalid_token` does not say `id_token`).
    static func says(_ text: String, _ phrase: String) -> Bool {
        var searched = text[...]
        while let found = searched.range(of: phrase) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            if before.map({ !$0.isLetter && !$0.isNumber && $0 != "_" }) ?? true { return true }
            searched = text[found.upperBound...]
        }
        return false
    }

    /// A token went out: a Bearer credential, or a `token`-looking header or query parameter, or a cookie.
    private static func sentAToken(_ evidence: Evidence, final: Exchange) -> Bool {
        if evidence.sentAuthorization != nil { return true }
        return final.requestHeaders.contains { $0.carriesCredential } || (final.url.query?.lowercased().contains("token") ?? false)
    }

    /// "No credentials were provided": true when none were; when the request sent `Authorization` in a scheme the
    /// server offers (or it offers none), the header was removed on the way to the application.
    private static func nothingArrivedFinding(_ evidence: Evidence, final: Exchange, quote: String) -> Finding? {
        // A key under a header name of the client's choosing, and the server saw nothing: it reads another name.
        let custom = final.requestHeaders.filter { $0.carriesCredential && !["authorization", "cookie"].contains($0.name.lowercased()) && !$0.name.contains("_") }
        if final.requestValues("Authorization").isEmpty, !custom.isEmpty {
            let names = custom.map(\.name).joined(separator: ", ")
            return Finding(
                id: .apiKeyMisplaced, severity: .cause, confidence: 80, title: "The credential went in headers the server does not read",
                explanation: "The request carried its credential in \(names), and \(quote): the server looks for it under another name or in Authorization. Libraries fix the names they read (simple_token_authentication: X-User-Email and X-User-Token; many APIs: X-API-Key or Authorization: Bearer).",
                fix: "Send the credential under the name the API documents (often with an `X-` prefix, or as `Authorization: Bearer …`); the server's documentation or its authentication code names it.",
                evidence: ["sent: " + names, quote])
        }
        guard let sent = final.requestValues("Authorization").first else { return nil }
        let scheme = sent.split(separator: " ", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        let offered = evidence.challenges.map { $0.scheme.rawName.lowercased() }
        guard offered.isEmpty || offered.contains(scheme), BearerHeaderShape.isWellFormed(sent) else { return nil }
        return Finding(
            id: .authorizationNotPassedToApp, severity: .cause, confidence: 86,
            title: "The application says no credential arrived, yet the request sent one",
            explanation: "The request carried Authorization (\(Redaction.authorization(sent))), well formed and in a scheme the server takes, and \(quote). A layer in front of the application removed the header: Apache hides it from CGI and FastCGI (PHP-FPM) scripts unless told otherwise, mod_wsgi does the same, and proxies, gateways or CDNs may drop it.",
            fix: "Pass the header on to the application: Apache 2.4.13+ `CGIPassAuth On` (older: `SetEnvIf Authorization \"(.*)\" HTTP_AUTHORIZATION=$1`); mod_wsgi `WSGIPassAuthorization On`; nginx before FastCGI `fastcgi_param HTTP_AUTHORIZATION $http_authorization;`, before a proxied app remove any `proxy_set_header Authorization \"\"`; a CDN or load balancer: forward the Authorization header.",
            evidence: ["sent: Authorization: \(Redaction.authorization(sent))", quote])
    }
}

/// Whether an `Authorization` value has the plain shape `Scheme credentials` (one space, no colon after the scheme).
enum BearerHeaderShape {
    static func isWellFormed(_ value: String) -> Bool {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let scheme = parts.first, !scheme.isEmpty, !scheme.hasSuffix(":") else { return false }
        return !parts[1].isEmpty && !parts[1].hasPrefix(" ")
    }
}
