/// The challenge a server sends for the Basic scheme.
///
/// ```
/// WWW-Authenticate: Basic realm="WallyWorld", charset="UTF-8"
/// ```
/// The realm is always quoted and escaped. `charset="UTF-8"` is announced by default, so that clients send non-ASCII
/// credentials as UTF-8 (RFC 7617 §2.1).
/// https://www.rfc-editor.org/rfc/rfc7617.html#section-2
public enum BasicChallenge {
    /// `Basic realm="…"`, with `charset="UTF-8"` unless `announceUTF8` is false.
    public static func make(realm: String, announceUTF8: Bool = true) -> Challenge {
        var parameters = [AuthParameter("realm", realm)]
        if announceUTF8 { parameters.append(AuthParameter("charset", "UTF-8")) }
        return Challenge(scheme: .basic, parameters: parameters)
    }
}
