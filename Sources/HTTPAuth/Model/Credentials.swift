/// The credentials of an `Authorization` or `Proxy-Authorization` field: a scheme and either a `token68` or
/// parameters.
///
/// ```
/// credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// ```
/// A request carries one credential per field. Its ``description`` never shows the secret part.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11.4
public struct Credentials: AuthSchemeValue, CustomStringConvertible {
    public var scheme: AuthScheme
    public var token68: String?
    public var parameters: [AuthParameter]

    public init(scheme: AuthScheme, token68: String? = nil, parameters: [AuthParameter] = []) {
        self.scheme = scheme
        self.token68 = token68
        self.parameters = parameters
    }

    /// The scheme and parameter names, with the token68 and secret-bearing values redacted.
    public var description: String {
        if token68 != nil { return "\(scheme) [redacted]" }
        let names = parameters.map(\.name).joined(separator: ", ")
        return "\(scheme) (\(names))"
    }
}
