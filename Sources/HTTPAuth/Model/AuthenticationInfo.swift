/// The `Authentication-Info` (or `Proxy-Authentication-Info`) field: parameters the server sends after a successful
/// authentication, such as Digest's `rspauth` and `nextnonce`.
///
/// ```
/// Authentication-Info = #auth-param
/// ```
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11.6.3
public struct AuthenticationInfo: Hashable, Sendable {
    public var parameters: [AuthParameter]

    public init(parameters: [AuthParameter]) {
        self.parameters = parameters
    }

    /// The value of the parameter called `name`, ignoring case.
    public subscript(parameter name: String) -> String? { parameters[parameter: name] }
}
