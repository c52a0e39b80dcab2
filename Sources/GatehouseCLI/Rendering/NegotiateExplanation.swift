import Foundation
import HTTPAuth

/// What `gatehouse header` says about a `Negotiate` or `NTLM` token: which message of the handshake it is and what
/// it names (user, domain, workstation, the server's domain, NTLMv1 or v2, the mechanisms SPNEGO proposes). The
/// responses and tickets are never shown.
struct NegotiateExplanation {
    let token: NegotiateToken

    /// nil when `value` is not a Negotiate or NTLM token (or carries none).
    init?(_ value: some AuthSchemeValue) {
        guard value.scheme == .negotiate || value.scheme == .ntlm, let token68 = value.token68, let token = try? NegotiateToken(base64: token68) else { return nil }
        self.token = token
    }

    /// Why a token of this scheme could not be read, when it could not.
    static func failure(_ value: some AuthSchemeValue) -> String? {
        guard value.scheme == .negotiate || value.scheme == .ntlm, let token68 = value.token68 else { return nil }
        do {
            _ = try NegotiateToken(base64: token68)
            return nil
        } catch {
            return "not a readable \(value.scheme.rawName) token: \(error)"
        }
    }

    var lines: [String] {
        var lines = ["   " + token.summary]
        if case .spnego(let spnego) = token, spnego.kind == .initial, spnego.mechanisms.first.map({ !$0.isKerberos }) == true, spnego.mechanisms.contains(where: \.isKerberos) == false {
            lines.append("   → no Kerberos offered: the client has no ticket for this server (kinit, the SPN HTTP/host) and falls back to NTLM")
        }
        guard let message = token.ntlm else { return lines }
        let fields: [(String, String?)] = [
            ("user", message.user), ("domain", message.domain), ("workstation", message.workstation), ("target", message.targetName),
            ("server", message.targetInfo["dns_computer"] ?? message.targetInfo["netbios_computer"]),
            ("server domain", message.targetInfo["dns_domain"] ?? message.targetInfo["netbios_domain"]),
            ("response", message.responseVersion.map(Self.describe)), ("windows", message.version),
        ]
        for (name, value) in fields {
            guard let value else { continue }
            lines.append("   \(name.padding(toLength: 13, withPad: " ", startingAt: 0)) \(value.isEmpty ? "(empty)" : value.debugDescription)")
        }
        lines.append("   flags         \(message.flagNames.joined(separator: " "))")
        if message.responseVersion == .v1 {
            lines.append("   → NTLMv1: servers that require NTLMv2 (LmCompatibilityLevel 5, the default of current Windows) refuse it")
        }
        return lines
    }

    static func describe(_ version: NTLMMessage.ResponseVersion) -> String {
        switch version {
        case .v1: "NTLMv1 (24-byte response)"
        case .v2: "NTLMv2"
        case .anonymous: "anonymous (no response)"
        }
    }

    var json: OrderedJSON {
        var members: [(String, OrderedJSON)] = [("summary", .string(token.summary))]
        if case .spnego(let spnego) = token {
            members += [
                ("spnego", .string(spnego.kind.rawValue)), ("mechanisms", .array(spnego.mechanisms.map { .string($0.description) })),
                ("state", .string(spnego.state?.rawValue)), ("supported_mechanism", .string(spnego.supportedMechanism?.description)),
            ]
        }
        if case .kerberos(let message) = token { members.append(("kerberos", .string(message.rawValue))) }
        if let message = token.ntlm {
            members.append(("ntlm", .object([
                ("type", .int(message.kind.rawValue)), ("flags", .string(String(format: "0x%08x", message.flags))),
                ("flag_names", .array(message.flagNames.map(OrderedJSON.string))), ("user", .string(message.user)), ("domain", .string(message.domain)),
                ("workstation", .string(message.workstation)), ("target_name", .string(message.targetName)),
                ("target_info", .object(message.targetInfo.keys.sorted().map { ($0, .string(message.targetInfo[$0]!)) })),
                ("response", .string(message.responseVersion?.rawValue)), ("version", .string(message.version)),
            ])))
        }
        return .object(members)
    }
}
