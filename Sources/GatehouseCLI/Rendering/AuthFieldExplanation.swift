import Foundation
import HTTPAuth
import Tokens

/// What `gatehouse header` says about a parsed field, as text for a person or JSON for a program. Secrets (a
/// Basic password, a bearer token) are never printed.
struct AuthFieldExplanation {
    let field: AuthField

    init(_ field: AuthField) {
        self.field = field
    }

    // MARK: JSON

    var json: OrderedJSON {
        switch field {
        case .challenges(let challenges, _):
            return .object([("challenges", .array(challenges.map(Self.json)))])
        case .credentials(let credentials, _):
            var members = Self.jsonMembers(credentials, redactToken: [.basic, .bearer, .negotiate, .ntlm].contains(credentials.scheme))
            members += schemeDetails(credentials)
            return .object([("credentials", .object(members))])
        case .authenticationInfo(let info):
            return .object([("authentication_info", .object([("params", Self.json(info.parameters))]))])
        }
    }

    private static func json(_ challenge: Challenge) -> OrderedJSON {
        .object(jsonMembers(challenge, redactToken: false) + (NegotiateExplanation(challenge).map { [("negotiate", $0.json)] } ?? []))
    }

    private static func jsonMembers(_ value: some AuthSchemeValue, redactToken: Bool) -> [(String, OrderedJSON)] {
        let token = value.token68.map { redactToken ? "[redacted]" : $0 }
        return [("scheme", .string(value.scheme.rawName)), ("token68", .string(token)), ("params", json(value.parameters))]
    }

    private static func json(_ parameters: [AuthParameter]) -> OrderedJSON {
        .array(parameters.map { .array([.string($0.name), .string($0.value)]) })
    }

    private func schemeDetails(_ credentials: Credentials) -> [(String, OrderedJSON)] {
        switch credentials.scheme {
        case .basic:
            guard let token = credentials.token68, let basic = Self.decodeBasic(token) else { return [("error", .string("the token68 does not decode to user-id:password"))] }
            let charset = BasicCredentials.detectCharset(ofToken68: token)?.rawValue
            return [("user", .string(basic.userID)), ("charset", .string(charset)), ("control_characters", .bool(basic.containsControlCharacters))]
        case .bearer:
            guard let token = credentials.token68 else { return [] }
            guard let jwt = try? DecodedJWT(token) else { return [("jwt", .null)] }
            return [("jwt", .object([("header", OrderedJSON(jwt.header)), ("claims", OrderedJSON(jwt.claims))]))]
        case .digest:
            guard let response = try? DigestResponse(credentials) else { return [] }
            return [
                ("user", .string(response.userhash ? nil : response.username)), ("userhash", .bool(response.userhash)),
                ("algorithm", .string(response.algorithm.name)), ("qop", .string(response.qop?.rawValue)),
            ]
        case .negotiate, .ntlm:
            if let error = NegotiateExplanation.failure(credentials) { return [("error", .string(error))] }
            return NegotiateExplanation(credentials).map { [("negotiate", $0.json)] } ?? []
        default:
            return []
        }
    }

    // MARK: Text

    var text: String {
        switch field {
        case .challenges(let challenges, let proxy):
            let field = proxy ? "Proxy-Authenticate" : "WWW-Authenticate"
            var lines = ["\(field): \(challenges.count) challenge\(challenges.count == 1 ? "" : "s")"]
            for (number, challenge) in challenges.enumerated() {
                lines.append("")
                lines.append("\(number + 1). " + Terminal.bold(challenge.scheme.rawName) + Self.schemeNote(challenge.scheme))
                lines += Self.parameterLines(challenge)
                lines += Self.challengeNotes(challenge).map { "   → " + $0 }
            }
            return lines.joined(separator: "\n")
        case .credentials(let credentials, let proxy):
            let field = proxy ? "Proxy-Authorization" : "Authorization"
            var lines = ["\(field): " + Terminal.bold(credentials.scheme.rawName) + Self.schemeNote(credentials.scheme)]
            lines += credentialLines(credentials)
            return lines.joined(separator: "\n")
        case .authenticationInfo(let info):
            return (["Authentication-Info"] + info.parameters.map { "   \($0.name) = \($0.value.debugDescription)" }).joined(separator: "\n")
        }
    }

    /// A Basic token68 as UTF-8 when it is, else as ISO-8859-1, the way a person wants to read it.
    private static func decodeBasic(_ token68: String) -> BasicCredentials? {
        (try? BasicCredentials(token68: token68, charset: .utf8)) ?? (try? BasicCredentials(token68: token68, charset: .latin1))
    }

    private static func schemeNote(_ scheme: AuthScheme) -> String {
        let notes: [AuthScheme: String] = [
            .basic: "  (RFC 7617: user-id and password in base64, readable by anyone on the path without TLS)",
            .digest: "  (RFC 7616: a hash proves the password without sending it)",
            .bearer: "  (RFC 6750: whoever holds the token is let in)",
            .negotiate: "  (RFC 4559: Kerberos or NTLM through SPNEGO)",
            .ntlm: "  (MS-NTHT: Windows NTLM, three messages on one kept-alive connection)",
        ]
        return Terminal.dim(notes[scheme] ?? "")
    }

    private static func parameterLines(_ value: some AuthSchemeValue) -> [String] {
        if let token68 = value.token68 { return ["   token68 \(token68)"] }
        let width = value.parameters.map(\.name.count).max() ?? 0
        return value.parameters.map { "   " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + " = " + $0.value.debugDescription }
    }

    private static func challengeNotes(_ challenge: Challenge) -> [String] {
        var notes: [String] = []
        if challenge.realm == nil && challenge.token68 == nil && [.basic, .digest].contains(challenge.scheme) {
            notes.append("no realm: RFC 7617 and RFC 7616 require one")
        }
        switch challenge.scheme {
        case .basic:
            let charset = challenge[parameter: "charset"]
            notes.append(charset.map { "clients should send credentials as \($0)" } ?? "no charset: clients send non-ASCII credentials as they please (often ISO-8859-1)")
        case .digest:
            if let digest = try? DigestChallenge(challenge) {
                let qop = digest.qop.isEmpty ? "none (RFC 2069 form)" : digest.qop.map(\.rawValue).joined(separator: ", ")
                notes.append("algorithm \(digest.algorithm.name), qop \(qop)\(digest.userhash ? ", userhash" : "")\(digest.stale ? ", stale nonce: retry with the new nonce" : "")")
            } else if let error = (Result { try DigestChallenge(challenge) }).failure {
                notes.append("not a usable Digest challenge: \(error)")
            }
        case .negotiate, .ntlm:
            if let explanation = NegotiateExplanation(challenge) {
                notes += explanation.lines.map { $0.trimmingCharacters(in: .whitespaces) }
            } else if let failure = NegotiateExplanation.failure(challenge) {
                notes.append(failure)
            } else {
                notes.append(challenge.scheme == .ntlm
                    ? "Windows NTLM: curl --ntlm -u 'DOMAIN\\user:password' URL; the handshake needs one kept-alive connection end to end (no proxy that splits it)"
                    : "Kerberos, or NTLM inside SPNEGO: curl --negotiate -u : URL with a Kerberos ticket (kinit) for HTTP/host, the name the SPN has")
            }
        case .bearer:
            if let bearer = try? BearerChallenge(challenge), let error = bearer.error {
                let status = error.status.map { " (status \($0))" } ?? ""
                notes.append("error \(error)\(status)\(bearer.errorDescription.map { ": \($0)" } ?? "")")
            }
        default:
            break
        }
        return notes
    }

    private func credentialLines(_ credentials: Credentials) -> [String] {
        switch credentials.scheme {
        case .basic:
            guard let token = credentials.token68, let basic = Self.decodeBasic(token) else { return ["   ✗ the token68 does not decode to 'user-id:password' base64"] }
            var lines = ["   user-id  \(basic.userID.debugDescription)", "   password [redacted]"]
            if let charset = BasicCredentials.detectCharset(ofToken68: token) { lines.append("   charset  \(charset.rawValue) (non-ASCII bytes)") }
            if basic.containsControlCharacters { lines.append("   ✗ contains a control character (a trailing newline?): servers will refuse it") }
            return lines
        case .bearer:
            guard let token = credentials.token68 else { return ["   ✗ a Bearer credential is one token"] }
            guard let jwt = try? DecodedJWT(token) else { return ["   an opaque token (not a JWT), \(token.count) characters"] }
            return ["   a JWT (not verified; use `gatehouse token` to check it)", "   header " + OrderedJSON(jwt.header).text, "   claims " + OrderedJSON(jwt.claims).text]
        case .digest:
            var lines = Self.parameterLines(credentials)
            if let response = try? DigestResponse(credentials) {
                lines.append("   → algorithm \(response.algorithm.name), qop \(response.qop?.rawValue ?? "none (RFC 2069 form)")\(response.userhash ? ", user name hashed" : "")")
            } else if let error = (Result { try DigestResponse(credentials) }).failure {
                lines.append("   ✗ \(error)")
            }
            return lines
        case .negotiate, .ntlm:
            if let explanation = NegotiateExplanation(credentials) { return explanation.lines }
            return ["   ✗ " + (NegotiateExplanation.failure(credentials) ?? "a \(credentials.scheme.rawName) credential is one token")]
        default:
            return credentials.token68 != nil ? ["   token68 [redacted]"] : Self.parameterLines(credentials)
        }
    }
}

extension Result {
    var failure: Failure? { if case .failure(let error) = self { error } else { nil } }
}

extension OrderedJSON {
    /// A decoded JSON object, keys sorted for stable output.
    init(_ object: [String: JSONValue]) {
        self = .object(object.keys.sorted().map { ($0, OrderedJSON(object[$0]!)) })
    }

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let bool): self = .bool(bool)
        case .number(let number) where number.rounded() == number && abs(number) < 1e15: self = .int(Int(number))
        case .number(let number): self = .string(String(number))
        case .string(let string): self = .string(string)
        case .array(let values): self = .array(values.map(OrderedJSON.init))
        case .object(let object): self = OrderedJSON(object)
        }
    }
}
