import HTTPAuth

/// The catalogue of reasons: every reason the gateway records, with its status, its public code, its cause id, its
/// meaning and its fix. `gatehouse explain`, the help page and the dashboard all read it.
extension Reason {
    /// Every reason of the catalogue, sorted by id.
    public static let all: [Reason] = [
        .sessionIdle,
        .sessionExpired,
        .sessionUnknown,
        .csrfToken,
        .csrfOrigin,
        .loggedOut,
        .refreshTokenReuse,
        .refreshTokenFamilyRevoked,
        .refreshTokenUnknown,
        .refreshTokenUserRemoved,
        .refreshTokenExpired,
        .passwordGrantRefused,
        .tokenRequestMalformed,
        .noCredentials,
        .schemeNotOffered,
        .malformedCredentials,
        .severalAuthorizationFields,
        .unknownUser,
        .passwordMismatch,
        .staleNonce,
        .invalidNonce,
        .nonceCountReplay,
        .realmMismatch,
        .opaqueMismatch,
        .algorithmNotOffered,
        .qopNotOffered,
        .uriMismatch,
        .tokenExpired,
        .tokenNotYetValid,
        .tokenAudienceMismatch,
        .tokenIssuerMismatch,
        .tokenKeyUnknown,
        .tokenAlgorithmMismatch,
        .tokenSignatureInvalid,
        .tokenMalformed,
        .apiKeyMalformed,
        .apiKeyUnknown,
        .apiKeyMismatch,
        .apiKeyRevoked,
        .apiKeyExpired,
        .userNotAllowed,
        .groupNotAllowed,
        .insufficientScope,
        .addressDenied,
        .addressNotAllowed,
        .addressBanned,
        .userLockedOut,
        .noRoute,
        .upstreamError,
        .bodyTooLarge,
        .unbanned,
        .pathRefused,
        .storeUnavailable,
        .tokenCriticalHeader,
        .methodNotAllowed,
        .forwardAuthUntrusted,
        .forwardAuthIncomplete,
    ].sorted { $0.id < $1.id }

    public static let forwardAuthUntrusted = Reason(
        "forward-auth-untrusted", status: 403,
        meaning: "A forward-auth question (/auth/verify, /auth/forward, /auth/ext-authz) came from an address that is not in trusted_proxies. Whoever asks chooses the original request it describes, so only the server in front may ask.",
        fix: "Add the address of the nginx, Caddy, Traefik or Envoy that asks to trusted_proxies; if it was not your server, something reached the gateway directly: keep its port off the network.")

    public static let forwardAuthIncomplete = Reason(
        "forward-auth-incomplete", status: 400,
        meaning: "The server in front asked about a request without describing it: no original URI (X-Original-URI or X-Original-URL for /auth/verify, X-Forwarded-Uri for /auth/forward), no host, a method or scheme that is none.",
        fix: "Copy the ready-made configuration of docs/forward-auth.md: nginx needs `proxy_set_header X-Original-URI $request_uri;` in the auth location; Traefik and Caddy send X-Forwarded-Uri themselves.")

    public static let sessionIdle = Reason(
        "session-idle", status: 401, cause: .cookieBlocked, 
        meaning: "The session cookie was genuine but unused longer than the route's idle limit; the session was ended and the browser sent to the login page.",
        fix: "Log in again; raise session.idle in the route if users are logged out too soon.")

    public static let sessionExpired = Reason(
        "session-expired", status: 401, cause: .cookieBlocked, 
        meaning: "The session reached the route's absolute lifetime; it was ended however active it was.",
        fix: "Log in again; session.absolute in the route sets the lifetime.")

    public static let sessionUnknown = Reason(
        "session-unknown", status: 401, cause: .cookieBlocked, 
        meaning: "The session cookie names no session: it was ended by logout or expiry, or it was forged.",
        fix: "Log in again. Many of these from one address suggest guessed or stolen cookies.")

    public static let csrfToken = Reason(
        "csrf-token", status: 403, 
        meaning: "A login or logout form came without the CSRF token this gateway put in it, or from another origin: a forged form, or a page kept open past its token.",
        fix: "Reload the form and submit again. Nothing was changed.")

    public static let csrfOrigin = Reason(
        "csrf-origin", status: 403, 
        meaning: "A state-changing request with a session cookie came from another site (its Origin or Sec-Fetch-Site said so) and was refused.",
        fix: "Send such requests from the site itself; a cross-site API client should use a token, not the browser's session.")

    public static let loggedOut = Reason(
        "logged-out", status: 200, 
        meaning: "The user logged out; the session was deleted from the store.",
        fix: "Nothing to do.")

    public static let refreshTokenReuse = Reason(
        "refresh-token-reuse", status: 400, public: .invalidRefreshToken, cause: .refreshTokenRace, 
        meaning: "A refresh token was redeemed again after the grace window: a stolen copy or a client replaying an old token. The whole token family was revoked, so every refresh token descended from that login stops working.",
        fix: "The user logs in again. If it was not an attack, make the client keep only the newest refresh token and refresh once at a time (or raise tokens.grace).")

    public static let refreshTokenFamilyRevoked = Reason(
        "refresh-token-family-revoked", status: 400, public: .invalidRefreshToken, cause: .refreshTokenRace, 
        meaning: "The refresh token belongs to a family revoked earlier (after a reuse); the detail says when and why.",
        fix: "The user logs in again (grant_type=password).")

    public static let refreshTokenUnknown = Reason(
        "refresh-token-unknown", status: 400, public: .invalidRefreshToken, 
        meaning: "The refresh token is not one this gateway issued (mistyped, truncated, or from another issuer).",
        fix: "Send the refresh_token from the latest token response.")

    public static let refreshTokenUserRemoved = Reason(
        "refresh-token-user-removed", status: 400, public: .invalidRefreshToken, cause: .credentialsRejected, 
        meaning: "The refresh token's user is no longer in the token user file (tokens.users), so it cannot be refreshed.",
        fix: "Nothing to do if the user was removed on purpose; otherwise add the user back with gatehouse htpasswd.")

    public static let refreshTokenExpired = Reason(
        "refresh-token-expired", status: 400, public: .invalidRefreshToken, 
        meaning: "The refresh token passed its lifetime (tokens.refresh).",
        fix: "Log in again.")

    public static let passwordGrantRefused = Reason(
        "password-grant-refused", status: 400, public: .invalidCredentials, cause: .credentialsRejected, 
        meaning: "The token endpoint refused the user name or password of a password grant.",
        fix: "Check the credentials; the user file is tokens.users.")

    public static let tokenRequestMalformed = Reason(
        "token-request-malformed", status: 400, 
        meaning: "The token request had no grant_type or one the gateway does not support.",
        fix: "Send grant_type=password or grant_type=refresh_token as a form (or JSON) body.")

    public static let noCredentials = Reason(
        "no-credentials", status: 401, cause: .noCredentialsSent, 
        meaning: "The request carried no credential. For a browser this is the normal first request of the handshake; the client then retries with credentials.",
        fix: "If the client never retries, configure it to send credentials (curl -u user:pass, Authorization: Bearer …, or the API key header).")

    public static let schemeNotOffered = Reason(
        "scheme-not-offered", status: 401, cause: .schemeMismatch, 
        meaning: "The client used an authentication scheme this route does not accept.",
        fix: "Use one of the schemes in the WWW-Authenticate challenges (curl --anyauth picks one), or add the scheme to the route's schemes.")

    public static let malformedCredentials = Reason(
        "malformed-credentials", status: 400, public: .malformedCredentials, cause: .bearerHeaderMalformed, 
        meaning: "The Authorization header does not follow the grammar of its scheme (bad base64, stray quotes or spaces, broken parameters).",
        fix: "Send the header exactly as the scheme defines it: `Basic base64(user:password)`, `Bearer <token>` with no quotes or line breaks.")

    public static let severalAuthorizationFields = Reason(
        "several-authorization-fields", status: 400, public: .malformedCredentials, cause: .bearerHeaderMalformed, 
        meaning: "The request carried more than one Authorization field; HTTP allows one credential per request.",
        fix: "Remove the duplicate header (often one added by a library and one by hand).")

    public static let unknownUser = Reason(
        "unknown-user", status: 401, public: .invalidCredentials, cause: .credentialsRejected, 
        meaning: "The user name is not in the password file. The client was told only that the user name or password is wrong.",
        fix: "Check the spelling and case of the user name, or add the user: gatehouse htpasswd FILE USER.")

    public static let passwordMismatch = Reason(
        "password-mismatch", status: 401, public: .invalidCredentials, cause: .credentialsRejected, 
        meaning: "The user exists but the password does not match the stored hash.",
        fix: "Reset the password (gatehouse htpasswd FILE USER), or check that the client sends the password it should (no trailing newline, right keyboard layout or charset).")

    public static let staleNonce = Reason(
        "stale-nonce", status: 401, cause: .digestStaleNonce, 
        meaning: "The Digest response was computed correctly but with a nonce that had expired; the 401 said stale=true.",
        fix: "Nothing, if the client retried with the new nonce. If it did not, its Digest support ignores stale=true: use another client or Basic over HTTPS.")

    public static let invalidNonce = Reason(
        "invalid-nonce", status: 401, public: .digestResponseRefused, 
        meaning: "The Digest nonce was not issued by this gateway (forged, altered, or from another server with another key).",
        fix: "Let the client start again from a fresh 401 challenge; behind a load balancer, make every instance share the store so they share the nonce key.")

    public static let nonceCountReplay = Reason(
        "nonce-count-replay", status: 401, public: .digestResponseRefused, 
        meaning: "The Digest nonce count was used before with the same nonce: a replayed or duplicated request.",
        fix: "Clients must increase nc for every request with the same nonce; a replay attack is refused as it should be.")

    public static let realmMismatch = Reason(
        "realm-mismatch", status: 401, public: .digestResponseRefused, cause: .digestRealmMismatch, 
        meaning: "The Digest response names another realm than the route's.",
        fix: "Use the realm of the challenge; in htdigest files the realm is part of every line.")

    public static let opaqueMismatch = Reason(
        "opaque-mismatch", status: 401, public: .digestResponseRefused, 
        meaning: "The Digest opaque value is not the one this gateway sends.",
        fix: "Let the client start again from a fresh challenge.")

    public static let algorithmNotOffered = Reason(
        "algorithm-not-offered", status: 401, public: .digestResponseRefused, 
        meaning: "The Digest response uses an algorithm the route does not offer.",
        fix: "Use an algorithm from the challenges, or add it to digest_algorithms.")

    public static let qopNotOffered = Reason(
        "qop-not-offered", status: 401, public: .digestResponseRefused, 
        meaning: "The Digest response has no qop (RFC 2069 style) or one the route does not offer.",
        fix: "Use qop=auth; RFC 2069 responses are refused.")

    public static let uriMismatch = Reason(
        "uri-mismatch", status: 401, public: .digestResponseRefused, cause: .digestURIMismatch, 
        meaning: "The Digest uri parameter is not the request target (a proxy rewrote the path, or the client signed another URL).",
        fix: "Make the proxy in front keep the path, or sign the path the gateway receives.")

    public static let tokenExpired = Reason(
        "token-expired", status: 401, cause: .tokenExpired, 
        meaning: "The JWT's exp is in the past by the gateway's clock.",
        fix: "Get a new token (refresh it before it expires, using expires_in); check the issuer's and the gateway's clocks if tokens expire at once.")

    public static let tokenNotYetValid = Reason(
        "token-not-yet-valid", status: 401, cause: .tokenNotYetValid, 
        meaning: "The JWT's nbf or iat is in the future by the gateway's clock: the issuer's clock is ahead.",
        fix: "Synchronise the clocks (NTP), or allow a leeway (jwt.leeway) of a few seconds.")

    public static let tokenAudienceMismatch = Reason(
        "token-audience-mismatch", status: 401, cause: .tokenAudienceMismatch, 
        meaning: "The JWT's aud does not contain the audience this route expects.",
        fix: "Request the token for this API's audience (the audience/resource parameter at the issuer), or fix jwt.audience.")

    public static let tokenIssuerMismatch = Reason(
        "token-issuer-mismatch", status: 401, cause: .tokenIssuerMismatch, 
        meaning: "The JWT's iss is not the issuer this route trusts.",
        fix: "Use a token from the trusted issuer, or fix jwt.issuer (exact string, trailing slash included).")

    public static let tokenKeyUnknown = Reason(
        "token-key-unknown", status: 401, cause: .tokenKeyUnknown, 
        meaning: "The JWT's kid is not among the route's keys, even after fetching the JWKS again.",
        fix: "The issuer rotated its keys or the token comes from another issuer: point jwt.jwks/jwks_url at the issuer's current JWKS.")

    public static let tokenAlgorithmMismatch = Reason(
        "token-algorithm-mismatch", status: 401, cause: .tokenAlgorithmMismatch, 
        meaning: "The JWT's alg is not accepted (alg none is never accepted).",
        fix: "Sign with an algorithm the keys accept (jwt.algorithms).")

    public static let tokenSignatureInvalid = Reason(
        "token-signature-invalid", status: 401, cause: .tokenSignatureInvalid, 
        meaning: "The JWT's signature does not verify with the route's keys.",
        fix: "The token was signed with another key or secret (or altered). Check the secret's encoding and the JWKS.")

    public static let tokenMalformed = Reason(
        "token-malformed", status: 401, cause: .tokenMalformed, 
        meaning: "The bearer token is not a well-formed JWT.",
        fix: "Send the compact JWT as issued: three base64url parts, no quotes, no padding, no URL-encoding.")

    public static let apiKeyMalformed = Reason(
        "api-key-malformed", status: 401, public: .malformedCredentials, cause: .credentialsRejected, 
        meaning: "The API key is not in the ghk_<id>_<secret> form.",
        fix: "Send the whole key as gatehouse apikey create printed it.")

    public static let apiKeyUnknown = Reason(
        "api-key-unknown", status: 401, public: .invalidCredentials, cause: .credentialsRejected, 
        meaning: "No API key has this id (deleted, or from another gateway's store).",
        fix: "Create a key: gatehouse apikey create --user NAME.")

    public static let apiKeyMismatch = Reason(
        "api-key-mismatch", status: 401, public: .invalidCredentials, cause: .credentialsRejected, 
        meaning: "The key's id exists but its secret part is wrong.",
        fix: "Send the whole key as it was printed; create a new one if it was lost.")

    public static let apiKeyRevoked = Reason(
        "api-key-revoked", status: 401, cause: .credentialsRejected, 
        meaning: "The API key was revoked.",
        fix: "Create a new key: gatehouse apikey create.")

    public static let apiKeyExpired = Reason(
        "api-key-expired", status: 401, cause: .credentialsRejected, 
        meaning: "The API key expired.",
        fix: "Create a new key, with a later --expires.")

    public static let userNotAllowed = Reason(
        "user-not-allowed", status: 403, public: .notAllowed, cause: .forbiddenSentAs401, 
        meaning: "The user proved who they are but is not among require.users: answered 403, not 401.",
        fix: "Add the user to require.users, or use an allowed account.")

    public static let groupNotAllowed = Reason(
        "group-not-allowed", status: 403, public: .notAllowed, cause: .forbiddenSentAs401, 
        meaning: "The user proved who they are but is in none of require.groups: answered 403.",
        fix: "Add the user to a required group in the group file.")

    public static let insufficientScope = Reason(
        "insufficient-scope", status: 403, cause: .forbiddenSentAs401, 
        meaning: "The token or key is valid but lacks a required scope: answered 403 with error=\"insufficient_scope\".",
        fix: "Request a token with the scope (require.scope), or create the API key with --scope.")

    public static let addressDenied = Reason(
        "address-denied", status: 403, public: .addressRefused, cause: .blockedByFirewall, 
        meaning: "The client address is in the deny list.",
        fix: "Remove the address from deny, if it should pass.")

    public static let addressNotAllowed = Reason(
        "address-not-allowed", status: 403, public: .addressRefused, cause: .blockedByFirewall, 
        meaning: "The client address is not in the allow list.",
        fix: "Add the address to allow, or check trusted_proxies if every client shows the proxy's address.")

    public static let addressBanned = Reason(
        "address-banned", status: 429, public: .tooManyFailures, cause: .rateLimited, 
        meaning: "The client address is banned after too many failures; answered 429 with Retry-After.",
        fix: "Wait for the ban to end, or lift it; find the failures that caused it with the audit trail.")

    public static let userLockedOut = Reason(
        "user-locked-out", status: 429, public: .tooManyFailures, cause: .rateLimited, 
        meaning: "The user is locked out after too many failures; answered 429 with Retry-After.",
        fix: "Wait for the lockout to end; if someone is guessing this user's password, the lockout is doing its job.")

    public static let noRoute = Reason(
        "no-route", status: 404, public: .notFound, 
        meaning: "No route matches the path.",
        fix: "Add a route for the path (or a public route for /).")

    public static let upstreamError = Reason(
        "upstream-error", status: 502, public: .upstreamUnavailable, 
        meaning: "The request was allowed but the upstream failed or did not answer: 502.",
        fix: "Check that the upstream runs and is reachable from the gateway.")

    public static let bodyTooLarge = Reason(
        "body-too-large", status: 413, public: .bodyTooLarge,
        meaning: "An HTTP/2 request body came without a Content-Length and was larger than the 1 MiB the gateway reads whole before forwarding it (as nginx buffers such a body, client_max_body_size 1m): 413.",
        fix: "Send the body's Content-Length (curl, browsers and most clients do for a body they know), and it is streamed to the upstream whatever its size.")

    public static let unbanned = Reason(
        "unbanned", status: 303,
        meaning: "An admin lifted a ban from the dashboard.",
        fix: "Nothing to do.")

    public static let pathRefused = Reason(
        "path-refused", status: 400, cause: nil,
        meaning: "The request target cannot be made canonical without guessing how the server behind the gateway would read it: an encoded '/', a '\\' or ';', a control byte, a broken '%' escape, bytes that are not UTF-8, or '..' above the root. It was refused before any route was chosen.",
        fix: "Send the path plainly (no %2F, no backslash); a client that builds such URLs has a bug, and a scanner that sends them is probing for a bypass.")

    public static let storeUnavailable = Reason(
        "store-unavailable", status: 503, public: .serviceUnavailable,
        meaning: "The store (SQLite or PostgreSQL) did not answer where the decision needed it (a session, a Digest nonce count, an API key, a refresh token), so nothing that guards against reuse could be checked: 503 with Retry-After, not a 401 that would send the user to log in again.",
        fix: "Bring the store back (the detail names the error); clients retry after Retry-After.")

    public static let tokenCriticalHeader = Reason(
        "token-critical-header", status: 401, cause: .tokenMalformed,
        meaning: "The JWT's header has a crit parameter (RFC 7515 §4.1.11): it names extensions the verifier must understand, and the gateway understands none, so the token is refused.",
        fix: "Issue the token without crit, or verify it with a service that implements the extensions it names.")

    public static let methodNotAllowed = Reason(
        "method-not-allowed", status: 405,
        meaning: "One of the gateway's own pages (the login form, logout, the dashboard's unban, the token endpoint) was asked with a method it does not answer: 405 with Allow.",
        fix: "Use a method the Allow header lists; a form or client that sends another has a bug.")
}
