/// The strict emitter for authentication fields: it builds `WWW-Authenticate`, `Authorization` and
/// `Authentication-Info` values from the model, never by string interpolation of raw input.
///
/// A quoted-string escapes `\` and `"`; control bytes (other than HTAB) are refused, as are parameter names that are
/// not tokens, a `token68` that breaks its grammar, a value with both `token68` and parameters, and a parameter name
/// given twice. Everything it emits parses back to the same value: `parse(serialize(x)) == x`.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11
enum AuthFieldSerializer {
    static func serialize(_ value: some AuthSchemeValue) throws -> String {
        if let token68 = value.token68 {
            guard value.parameters.isEmpty else {
                throw HTTPAuthError.invalidValue("'\(value.scheme)' has both a token68 and parameters; RFC 9110 §11 allows one or the other")
            }
            guard isToken68(token68) else {
                throw HTTPAuthError.invalidValue("the token68 of '\(value.scheme)' is not valid token68 syntax (RFC 9110 §11.2)")
            }
            return value.scheme.rawName + " " + token68
        }
        if value.parameters.isEmpty { return value.scheme.rawName }
        return value.scheme.rawName + " " + (try serialize(value.parameters))
    }

    static func serialize(_ parameters: [AuthParameter]) throws -> String {
        var seen = Set<String>()
        var parts: [String] = []
        for parameter in parameters {
            guard isToken(parameter.name) else {
                throw HTTPAuthError.invalidValue("parameter name '\(parameter.name)' is not a token (RFC 9110 §5.6.2)")
            }
            guard seen.insert(parameter.name.lowercased()).inserted else {
                throw HTTPAuthError.invalidValue("parameter '\(parameter.name)' given twice (RFC 9110 §11.2)")
            }
            parts.append(parameter.name + "=" + (try serializeValue(parameter)))
        }
        return parts.joined(separator: ", ")
    }

    private static func serializeValue(_ parameter: AuthParameter) throws -> String {
        if parameter.form == .token && isToken(parameter.value) { return parameter.value }
        return try quote(parameter.value, name: parameter.name)
    }

    /// `quoted-string`, escaping `\` and `"`; refuses control bytes.
    static func quote(_ text: String, name: String) throws -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 && UInt8(scalar.value).isControlExceptTab {
                throw HTTPAuthError.invalidValue("the value of '\(name)' contains control character U+\(String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)), which a header cannot carry")
            }
            if scalar == "\"" || scalar == "\\" { output.append("\\") }
            output.unicodeScalars.append(scalar)
        }
        return output + "\""
    }
}

extension AuthSchemeValue {
    /// The field value for this challenge or credential.
    /// - Throws: ``HTTPAuthError`` when the value cannot be written as RFC 9110 allows.
    public func serialized() throws -> String { try AuthFieldSerializer.serialize(self) }
}

extension Array where Element == Challenge {
    /// One `WWW-Authenticate` / `Proxy-Authenticate` field value holding every challenge, comma-separated.
    public func serialized() throws -> String { try map { try $0.serialized() }.joined(separator: ", ") }
}

extension AuthenticationInfo {
    /// The field value.
    public func serialized() throws -> String { try AuthFieldSerializer.serialize(parameters) }
}
