/// One challenge of a `WWW-Authenticate` or `Proxy-Authenticate` field: a scheme and either a `token68` or
/// parameters.
///
/// ```
/// challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// ```
/// A field value may hold several challenges (`Digest realm="a", Basic realm="a"`), and a response may repeat the
/// field; ``Challenge/parseList(_:maximumLength:)`` reads both.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11.3
public struct Challenge: AuthSchemeValue {
    public var scheme: AuthScheme
    public var token68: String?
    public var parameters: [AuthParameter]

    public init(scheme: AuthScheme, token68: String? = nil, parameters: [AuthParameter] = []) {
        self.scheme = scheme
        self.token68 = token68
        self.parameters = parameters
    }

    /// The `realm` parameter, if any (RFC 9110 §11.5).
    public var realm: String? { parameters[parameter: "realm"] }
}
