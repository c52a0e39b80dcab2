/// What each audit reason means for the operator and how to fix it, with the cause id of `CAUSES.md` that the
/// doctor uses for the same situation. `gatehouse explain` prints these.
public struct ReasonExplanation: Sendable, Hashable {
    public let reason: String
    /// The CAUSES.md id, when the reason is one of the 401 causes.
    public let causeID: String?
    public let meaning: String
    public let fix: String
}

/// The catalogue of audit reasons: each reason id the gateway records, with its meaning, its fix and its cause id.
public enum ReasonCatalog {
    /// Every reason of the catalogue, sorted by id (the help page lists them).
    public static var all: [ReasonExplanation] {
        entries.keys.sorted().map(explain)
    }

    public static func explain(_ reason: String) -> ReasonExplanation {
        guard let (cause, meaning, fix) = entries[reason] else {
            return ReasonExplanation(reason: reason, causeID: nil, meaning: "recorded as \(reason)", fix: "see the detail above")
        }
        return ReasonExplanation(reason: reason, causeID: cause, meaning: meaning, fix: fix)
    }

    private static let entries: [String: (String?, String, String)] = [
        "session-idle": ("cookie-blocked", "The session cookie was genuine but unused longer than the route's idle limit; the session was ended and the browser sent to the login page.",
            "Log in again; raise session.idle in the route if users are logged out too soon."),
        "session-expired": ("cookie-blocked", "The session reached the route's absolute lifetime; it was ended however active it was.",
            "Log in again; session.absolute in the route sets the lifetime."),
        "session-unknown": ("cookie-blocked", "The session cookie names no session: it was ended by logout or expiry, or it was forged.",
            "Log in again. Many of these from one address suggest guessed or stolen cookies."),
        "csrf-token": (nil, "A login or logout form came without the CSRF token this gateway put in it, or from another origin: a forged form, or a page kept open past its token.",
            "Reload the form and submit again. Nothing was changed."),
        "csrf-origin": (nil, "A state-changing request with a session cookie came from another site (its Origin or Sec-Fetch-Site said so) and was refused.",
            "Send such requests from the site itself; a cross-site API client should use a token, not the browser's session."),
        "logged-out": (nil, "The user logged out; the session was deleted from the store.", "Nothing to do."),
        "refresh-token-reuse": ("refresh-token-race", "A refresh token was redeemed again after the grace window: a stolen copy or a client replaying an old token. The whole token family was revoked, so every refresh token descended from that login stops working.",
            "The user logs in again. If it was not an attack, make the client keep only the newest refresh token and refresh once at a time (or raise tokens.grace)."),
        "refresh-token-family-revoked": ("refresh-token-race", "The refresh token belongs to a family revoked earlier (after a reuse); the detail says when and why.",
            "The user logs in again (grant_type=password)."),
        "refresh-token-unknown": (nil, "The refresh token is not one this gateway issued (mistyped, truncated, or from another issuer).", "Send the refresh_token from the latest token response."),
        "refresh-token-user-removed": ("credentials-rejected", "The refresh token's user is no longer in the token user file (tokens.users), so it cannot be refreshed.",
            "Nothing to do if the user was removed on purpose; otherwise add the user back with gatehouse htpasswd."),
        "refresh-token-expired": (nil, "The refresh token passed its lifetime (tokens.refresh).", "Log in again."),
        "password-grant-refused": ("credentials-rejected", "The token endpoint refused the user name or password of a password grant.", "Check the credentials; the user file is tokens.users."),
        "token-request-malformed": (nil, "The token request had no grant_type or one the gateway does not support.", "Send grant_type=password or grant_type=refresh_token as a form (or JSON) body."),
        "no-credentials": ("no-credentials-sent", "The request carried no credential. For a browser this is the normal first request of the handshake; the client then retries with credentials.",
            "If the client never retries, configure it to send credentials (curl -u user:pass, Authorization: Bearer …, or the API key header)."),
        "scheme-not-offered": ("scheme-mismatch", "The client used an authentication scheme this route does not accept.",
            "Use one of the schemes in the WWW-Authenticate challenges (curl --anyauth picks one), or add the scheme to the route's schemes."),
        "malformed-credentials": ("bearer-header-malformed", "The Authorization header does not follow the grammar of its scheme (bad base64, stray quotes or spaces, broken parameters).",
            "Send the header exactly as the scheme defines it: `Basic base64(user:password)`, `Bearer <token>` with no quotes or line breaks."),
        "several-authorization-fields": ("bearer-header-malformed", "The request carried more than one Authorization field; HTTP allows one credential per request.",
            "Remove the duplicate header (often one added by a library and one by hand)."),
        "unknown-user": ("credentials-rejected", "The user name is not in the password file. The client was told only that the user name or password is wrong.",
            "Check the spelling and case of the user name, or add the user: gatehouse htpasswd FILE USER."),
        "password-mismatch": ("credentials-rejected", "The user exists but the password does not match the stored hash.",
            "Reset the password (gatehouse htpasswd FILE USER), or check that the client sends the password it should (no trailing newline, right keyboard layout or charset)."),
        "stale-nonce": ("digest-stale-nonce", "The Digest response was computed correctly but with a nonce that had expired; the 401 said stale=true.",
            "Nothing, if the client retried with the new nonce. If it did not, its Digest support ignores stale=true: use another client or Basic over HTTPS."),
        "invalid-nonce": (nil, "The Digest nonce was not issued by this gateway (forged, altered, or from another server with another key).",
            "Let the client start again from a fresh 401 challenge; behind a load balancer, make every instance share the store so they share the nonce key."),
        "nonce-count-replay": (nil, "The Digest nonce count was used before with the same nonce: a replayed or duplicated request.",
            "Clients must increase nc for every request with the same nonce; a replay attack is refused as it should be."),
        "realm-mismatch": ("digest-realm-mismatch", "The Digest response names another realm than the route's.",
            "Use the realm of the challenge; in htdigest files the realm is part of every line."),
        "opaque-mismatch": (nil, "The Digest opaque value is not the one this gateway sends.", "Let the client start again from a fresh challenge."),
        "algorithm-not-offered": (nil, "The Digest response uses an algorithm the route does not offer.",
            "Use an algorithm from the challenges, or add it to digest_algorithms."),
        "qop-not-offered": (nil, "The Digest response has no qop (RFC 2069 style) or one the route does not offer.", "Use qop=auth; RFC 2069 responses are refused."),
        "uri-mismatch": ("digest-uri-mismatch", "The Digest uri parameter is not the request target (a proxy rewrote the path, or the client signed another URL).",
            "Make the proxy in front keep the path, or sign the path the gateway receives."),
        "token-expired": ("token-expired", "The JWT's exp is in the past by the gateway's clock.",
            "Get a new token (refresh it before it expires, using expires_in); check the issuer's and the gateway's clocks if tokens expire at once."),
        "token-not-yet-valid": ("token-not-yet-valid", "The JWT's nbf or iat is in the future by the gateway's clock: the issuer's clock is ahead.",
            "Synchronise the clocks (NTP), or allow a leeway (jwt.leeway) of a few seconds."),
        "token-audience-mismatch": ("token-audience-mismatch", "The JWT's aud does not contain the audience this route expects.",
            "Request the token for this API's audience (the audience/resource parameter at the issuer), or fix jwt.audience."),
        "token-issuer-mismatch": ("token-issuer-mismatch", "The JWT's iss is not the issuer this route trusts.", "Use a token from the trusted issuer, or fix jwt.issuer (exact string, trailing slash included)."),
        "token-key-unknown": ("token-key-unknown", "The JWT's kid is not among the route's keys, even after fetching the JWKS again.",
            "The issuer rotated its keys or the token comes from another issuer: point jwt.jwks/jwks_url at the issuer's current JWKS."),
        "token-algorithm-mismatch": ("token-algorithm-mismatch", "The JWT's alg is not accepted (alg none is never accepted).", "Sign with an algorithm the keys accept (jwt.algorithms)."),
        "token-signature-invalid": ("token-signature-invalid", "The JWT's signature does not verify with the route's keys.",
            "The token was signed with another key or secret (or altered). Check the secret's encoding and the JWKS."),
        "token-malformed": ("token-malformed", "The bearer token is not a well-formed JWT.", "Send the compact JWT as issued: three base64url parts, no quotes, no padding, no URL-encoding."),
        "api-key-malformed": ("credentials-rejected", "The API key is not in the ghk_<id>_<secret> form.", "Send the whole key as gatehouse apikey create printed it."),
        "api-key-unknown": ("credentials-rejected", "No API key has this id (deleted, or from another gateway's store).", "Create a key: gatehouse apikey create --user NAME."),
        "api-key-mismatch": ("credentials-rejected", "The key's id exists but its secret part is wrong.", "Send the whole key as it was printed; create a new one if it was lost."),
        "api-key-revoked": ("credentials-rejected", "The API key was revoked.", "Create a new key: gatehouse apikey create."),
        "api-key-expired": ("credentials-rejected", "The API key expired.", "Create a new key, with a later --expires."),
        "user-not-allowed": ("forbidden-sent-as-401", "The user proved who they are but is not among require.users: answered 403, not 401.", "Add the user to require.users, or use an allowed account."),
        "group-not-allowed": ("forbidden-sent-as-401", "The user proved who they are but is in none of require.groups: answered 403.", "Add the user to a required group in the group file."),
        "insufficient-scope": ("forbidden-sent-as-401", "The token or key is valid but lacks a required scope: answered 403 with error=\"insufficient_scope\".",
            "Request a token with the scope (require.scope), or create the API key with --scope."),
        "address-denied": ("blocked-by-firewall", "The client address is in the deny list.", "Remove the address from deny, if it should pass."),
        "address-not-allowed": ("blocked-by-firewall", "The client address is not in the allow list.", "Add the address to allow, or check trusted_proxies if every client shows the proxy's address."),
        "address-banned": ("rate-limited", "The client address is banned after too many failures; answered 429 with Retry-After.",
            "Wait for the ban to end, or lift it; find the failures that caused it with the audit trail."),
        "user-locked-out": ("rate-limited", "The user is locked out after too many failures; answered 429 with Retry-After.",
            "Wait for the lockout to end; if someone is guessing this user's password, the lockout is doing its job."),
        "no-route": (nil, "No route matches the path.", "Add a route for the path (or a public route for /)."),
        "upstream-error": (nil, "The request was allowed but the upstream failed or did not answer: 502.", "Check that the upstream runs and is reachable from the gateway."),
    ]
}
