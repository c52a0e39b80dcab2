/// A Bearer challenge: where a token is expected and, after a failed attempt, why it was refused.
///
/// ```
/// WWW-Authenticate: Bearer realm="example", error="invalid_token", error_description="The access token expired"
/// ```
/// `realm`, `scope`, `error`, `error_description` and `error_uri` each appear at most once. `scope` is a
/// space-separated, case-sensitive list; `error` and `error_description` may use only `%x20-21 / %x23-5B / %x5D-7E`
/// and `error_uri` only `%x21 / %x23-5B / %x5D-7E` (RFC 6750 §3). Other parameters are kept, in order.
/// https://www.rfc-editor.org/rfc/rfc6750.html#section-3
public struct BearerChallenge: Hashable, Sendable {
    public var realm: String?
    public var scope: [String]
    public var error: BearerErrorCode?
    public var errorDescription: String?
    public var errorURI: String?
    /// Parameters RFC 6750 does not define (a registry's `service`, say), in order.
    public var otherParameters: [AuthParameter]

    public init(
        realm: String? = nil, scope: [String] = [], error: BearerErrorCode? = nil, errorDescription: String? = nil,
        errorURI: String? = nil, otherParameters: [AuthParameter] = []
    ) {
        self.realm = realm
        self.scope = scope
        self.error = error
        self.errorDescription = errorDescription
        self.errorURI = errorURI
        self.otherParameters = otherParameters
    }

    /// Reads a parsed challenge.
    /// - Throws: ``HTTPAuthError`` when the scheme is not Bearer, it uses token68, or a value has characters RFC 6750
    ///   does not allow.
    public init(_ challenge: Challenge) throws {
        guard challenge.scheme == .bearer else {
            throw HTTPAuthError.invalidValue("expected the Bearer scheme, got '\(challenge.scheme)'")
        }
        guard challenge.token68 == nil else {
            throw HTTPAuthError.invalidValue("a Bearer challenge takes auth-params, not a token68 (RFC 6750 §3)")
        }
        self.init()
        for parameter in challenge.parameters {
            switch parameter.name.lowercased() {
            case "realm": realm = parameter.value
            case "scope": scope = parameter.value.split(separator: " ").map(String.init)
            case "error": error = BearerErrorCode(parameter.value)
            case "error_description": errorDescription = parameter.value
            case "error_uri": errorURI = parameter.value
            default: otherParameters.append(parameter)
            }
        }
        try validate()
    }

    /// The challenge to send.
    /// - Throws: ``HTTPAuthError`` when a value has characters RFC 6750 §3 does not allow.
    public func challenge() throws -> Challenge {
        try validate()
        var parameters: [AuthParameter] = []
        if let realm { parameters.append(AuthParameter("realm", realm)) }
        if let error { parameters.append(AuthParameter("error", error.rawValue)) }
        if let errorDescription { parameters.append(AuthParameter("error_description", errorDescription)) }
        if let errorURI { parameters.append(AuthParameter("error_uri", errorURI)) }
        if !scope.isEmpty { parameters.append(AuthParameter("scope", scope.joined(separator: " "))) }
        return Challenge(scheme: .bearer, parameters: parameters + otherParameters)
    }

    private func validate() throws {
        let text: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
        let uri: (UInt8) -> Bool = { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
        let checks: [(String, String?, (UInt8) -> Bool)] = [
            ("error", error?.rawValue, text), ("error_description", errorDescription, text), ("error_uri", errorURI, uri),
        ] + scope.map { ("scope", $0, uri) }
        for (name, value, allowed) in checks {
            if let value, !value.utf8.allSatisfy(allowed) {
                throw HTTPAuthError.invalidValue("'\(name)' has a character RFC 6750 §3 does not allow: \(value.debugDescription)")
            }
        }
    }
}
