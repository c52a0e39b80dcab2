/// An `error` code of a Bearer challenge and the status it goes with.
///
/// | code | status |
/// |---|---|
/// | `invalid_request` | 400 |
/// | `invalid_token` | 401 |
/// | `insufficient_scope` | 403 |
///
/// Other codes (from extensions such as RFC 9449) are kept with no status.
/// https://www.rfc-editor.org/rfc/rfc6750.html#section-3.1
public struct BearerErrorCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as written in `error=`; codes are case-sensitive (RFC 6750 §1.1).
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The request is malformed: a missing or repeated parameter, several methods of sending a token.
    public static let invalidRequest = BearerErrorCode("invalid_request")
    /// The token is expired, revoked, malformed or invalid.
    public static let invalidToken = BearerErrorCode("invalid_token")
    /// The token is valid but lacks the scope the resource needs.
    public static let insufficientScope = BearerErrorCode("insufficient_scope")

    /// The HTTP status RFC 6750 §3.1 gives the code: 400, 401 or 403; `nil` for a code it does not define.
    public var status: Int? {
        switch rawValue {
        case "invalid_request": 400
        case "invalid_token": 401
        case "insufficient_scope": 403
        default: nil
        }
    }

    public var description: String { rawValue }
}
