/// Bearer tokens in `Authorization: Bearer <token>`.
///
/// ```
/// b64token    = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
/// credentials = "Bearer" 1*SP b64token
/// ```
/// https://www.rfc-editor.org/rfc/rfc6750.html#section-2.1
public enum BearerToken {
    /// Whether `token` matches `b64token`.
    public static func isValid(_ token: String) -> Bool { isToken68(token) }

    /// `Bearer <token>`.
    /// - Throws: ``HTTPAuthError`` when the token is not a `b64token` (quotes, spaces, a newline…).
    public static func credentials(_ token: String) throws -> Credentials {
        guard isValid(token) else {
            throw HTTPAuthError.invalidValue("a bearer token must match b64token (RFC 6750 §2.1); this one has other characters")
        }
        return Credentials(scheme: .bearer, token68: token)
    }

    /// The token of a parsed `Authorization: Bearer …` credential.
    /// - Throws: ``HTTPAuthError`` when the scheme is not Bearer or there is no token.
    public static func token(from credentials: Credentials) throws -> String {
        guard credentials.scheme == .bearer else {
            throw HTTPAuthError.invalidValue("expected the Bearer scheme, got '\(credentials.scheme)'")
        }
        guard let token = credentials.token68 else {
            throw HTTPAuthError.invalidValue("a Bearer credential is one b64token, not parameters (RFC 6750 §2.1)")
        }
        return token
    }
}
