/// What challenges and credentials share: RFC 9110 gives both the same shape, a scheme followed by a `token68` or
/// by `auth-param`s.
public protocol AuthSchemeValue: Hashable, Sendable {
    /// The authentication scheme.
    var scheme: AuthScheme { get }
    /// The `token68` form, when the value uses it instead of parameters.
    var token68: String? { get }
    /// The parameters, in order, when the value does not use `token68`.
    var parameters: [AuthParameter] { get }
    init(scheme: AuthScheme, token68: String?, parameters: [AuthParameter])
}

extension AuthSchemeValue {
    /// The value of the parameter called `name`, ignoring case.
    public subscript(parameter name: String) -> String? { parameters[parameter: name] }
}
