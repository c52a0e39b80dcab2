/// A token that cannot be read at all, or keys that cannot be loaded.
///
/// A token that reads but fails a check (expired, wrong audience…) is not an error: ``TokenVerification`` reports
/// it. This error is for `token-malformed` and for broken key material.
public struct TokenError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable { case malformed, keys }

    private let kind: Kind
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The token is not a JWS compact serialization (three base64url segments holding JSON).
    public static func malformed(_ message: String) -> Self { Self(.malformed, message) }
    /// A JWKS or secret that cannot be used.
    public static func keys(_ message: String) -> Self { Self(.keys, message) }

    public var isMalformed: Bool { kind == .malformed }
    public var description: String { message }
}
