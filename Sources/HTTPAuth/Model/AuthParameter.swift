/// One `auth-param` of a challenge, credential or `Authentication-Info`: `name=value`.
///
/// ```
/// auth-param = token BWS "=" BWS ( token / quoted-string )
/// ```
/// The name is case-insensitive and keeps its spelling; the value is kept unescaped, exactly. ``form`` records how
/// the value was (or should be) written; it does not take part in equality, since RFC 9110 §11.2 makes both forms
/// mean the same.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11.2
public struct AuthParameter: Hashable, Sendable {
    /// How a value is written on the wire.
    public enum Form: Hashable, Sendable {
        /// `name="value"`, with `\` and `"` escaped. What a serializer uses unless told otherwise.
        case quoted
        /// `name=value`, for values that must not be quoted (Digest `algorithm`, `qop`, `nc`, RFC 7616 §3.4).
        /// A value that is not a token is still quoted.
        case token
    }

    /// The parameter name as written.
    public var name: String
    /// The value, unescaped.
    public var value: String
    /// The preferred wire form of the value.
    public var form: Form

    public init(_ name: String, _ value: String, form: Form = .quoted) {
        self.name = name
        self.value = value
        self.form = form
    }

    /// Whether this parameter is called `name`, ignoring case.
    public func isNamed(_ name: String) -> Bool { self.name.lowercased() == name.lowercased() }

    public static func == (lhs: AuthParameter, rhs: AuthParameter) -> Bool {
        lhs.isNamed(rhs.name) && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name.lowercased())
        hasher.combine(value)
    }
}

extension Array where Element == AuthParameter {
    /// The value of the first parameter called `name`, ignoring case.
    public subscript(parameter name: String) -> String? {
        first { $0.isNamed(name) }?.value
    }
}
