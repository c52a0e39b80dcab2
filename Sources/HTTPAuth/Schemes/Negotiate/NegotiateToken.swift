import Foundation

/// Why a Negotiate or NTLM token could not be read.
public enum NegotiateTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case notBase64
    case notNTLM
    case malformed(String)

    public var description: String {
        switch self {
        case .notBase64: "the token is not base64"
        case .notNTLM: "not an NTLM message (no NTLMSSP signature)"
        case .malformed(let reason): reason
        }
    }
}

/// A GSS-API mechanism a Negotiate token names (RFC 4178 mechTypes, RFC 4121 and MS-SPNG object identifiers).
public enum NegotiateMechanism: Sendable, Equatable, CustomStringConvertible {
    case kerberos, kerberosMicrosoft, kerberosUserToUser, ntlm, negoex
    case other(String)

    init(oid: String) {
        switch oid {
        case "1.2.840.113554.1.2.2": self = .kerberos
        case "1.2.840.48018.1.2.2": self = .kerberosMicrosoft
        case "1.2.840.113554.1.2.2.3": self = .kerberosUserToUser
        case "1.3.6.1.4.1.311.2.2.10": self = .ntlm
        case "1.3.6.1.4.1.311.2.2.30": self = .negoex
        default: self = .other(oid)
        }
    }

    public var description: String {
        switch self {
        case .kerberos: "kerberos"
        case .kerberosMicrosoft: "kerberos-microsoft"
        case .kerberosUserToUser: "kerberos-user-to-user"
        case .ntlm: "ntlm"
        case .negoex: "negoex"
        case .other(let oid): oid
        }
    }

    /// Kerberos in one of its identifiers.
    public var isKerberos: Bool { [.kerberos, .kerberosMicrosoft, .kerberosUserToUser].contains(self) }
}

/// What a Kerberos message inside a token is (RFC 4120 application tags, RFC 4121 §4.1 token identifiers).
public enum KerberosMessage: String, Sendable {
    case apRequest = "kerberos-ap-req", apReply = "kerberos-ap-rep", error = "kerberos-error", other = "kerberos"
}

/// The payload of an `Authorization: Negotiate …` / `NTLM …` credential or a `WWW-Authenticate` challenge token:
/// a raw NTLM message (the `NTLM` scheme, and what old browsers sent under `Negotiate`), SPNEGO (RFC 4178) wrapping
/// Kerberos or NTLM, or a bare Kerberos GSS-API token (RFC 4121). Only what explains a login is read; tickets and
/// hashes are not.
public enum NegotiateToken: Sendable, Equatable {
    case ntlm(NTLMMessage)
    case spnego(SPNEGOToken)
    case kerberos(KerberosMessage)

    /// Reads a base64 token68.
    public init(base64 token: String) throws(NegotiateTokenError) {
        var text = token.trimmingCharacters(in: .whitespaces)
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { throw .notBase64 }
        try self.init(bytes: Array(data))
    }

    public init(bytes: [UInt8]) throws(NegotiateTokenError) {
        if NTLMMessage.isNTLM(bytes) {
            self = .ntlm(try NTLMMessage(bytes: bytes))
            return
        }
        var reader = DERReader(bytes[...])
        let outer = try reader.element()
        switch outer.tag {
        case 0x60:
            // InitialContextToken (RFC 2743 §3.1): the mechanism's OID, then its token.
            var inner = DERReader(outer.content)
            let oid = try inner.element()
            guard oid.tag == 0x06 else { throw .malformed("a GSS-API token without its mechanism") }
            let mechanism = DERReader.oid(oid.content)
            if mechanism == "1.3.6.1.5.5.2" {
                self = .spnego(try SPNEGOToken(initial: try inner.element()))
            } else if NegotiateMechanism(oid: mechanism).isKerberos {
                self = .kerberos(Self.kerberos(inner.rest))
            } else {
                throw .malformed("a GSS-API token for mechanism \(mechanism), neither SPNEGO nor Kerberos")
            }
        case 0xA1:
            self = .spnego(try SPNEGOToken(response: outer.content))
        default:
            throw .malformed("neither NTLM, SPNEGO nor Kerberos (first byte 0x\(String(format: "%02x", outer.tag)))")
        }
    }

    /// A Kerberos message after its GSS-API header: RFC 4121's two-byte token identifier, or an RFC 4120 message.
    static func kerberos(_ bytes: ArraySlice<UInt8>) -> KerberosMessage {
        let bytes = Array(bytes)
        if bytes.count >= 2, bytes[1] == 0x00 {
            switch bytes[0] {
            case 0x01: return .apRequest
            case 0x02: return .apReply
            case 0x03: return .error
            default: break
            }
        }
        switch bytes.first {
        case 0x6E: return .apRequest
        case 0x6F: return .apReply
        case 0x7E: return .error
        default: return .other
        }
    }

    /// What the token is, in a few words (`SPNEGO negTokenInit [kerberos, ntlm] carrying a Kerberos AP-REQ`).
    public var summary: String {
        switch self {
        case .ntlm(let message): "NTLM type \(message.kind.rawValue) (\(message.kind))"
        case .kerberos(let message): "Kerberos \(message.rawValue.replacingOccurrences(of: "kerberos-", with: "").uppercased()) without SPNEGO"
        case .spnego(let token): token.summary
        }
    }

    /// The NTLM message inside, when there is one.
    public var ntlm: NTLMMessage? {
        switch self {
        case .ntlm(let message): message
        case .spnego(let token): if case .ntlm(let message) = token.inner { message } else { nil }
        case .kerberos: nil
        }
    }
}
