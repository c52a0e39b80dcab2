/// The name of an authentication scheme, such as `Basic`, `Digest` or `Bearer`.
///
/// Scheme names are case-insensitive (RFC 9110 §11.1): `BASIC`, `basic` and `Basic` are the same scheme and compare
/// equal, but each keeps the spelling it was written with, as `HTTPField.Name` does for field names.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11.1
public struct AuthScheme: Hashable, Sendable, CustomStringConvertible {
    /// The name as written.
    public let rawName: String
    /// The name in lower case, used for comparison.
    public let canonicalName: String

    /// A scheme name, or `nil` when `name` is not a `token`.
    public init?(_ name: String) {
        guard isToken(name) else { return nil }
        self.rawName = name
        self.canonicalName = name.lowercased()
    }

    private init(known name: String) {
        self.rawName = name
        self.canonicalName = name.lowercased()
    }

    public static let basic = AuthScheme(known: "Basic")
    public static let bearer = AuthScheme(known: "Bearer")
    public static let digest = AuthScheme(known: "Digest")
    public static let negotiate = AuthScheme(known: "Negotiate")
    /// Microsoft's NTLM over HTTP (MS-NTHT): not IANA-registered, connection-based.
    public static let ntlm = AuthScheme(known: "NTLM")

    public static func == (lhs: AuthScheme, rhs: AuthScheme) -> Bool { lhs.canonicalName == rhs.canonicalName }
    public func hash(into hasher: inout Hasher) { hasher.combine(canonicalName) }
    public var description: String { rawName }
}
