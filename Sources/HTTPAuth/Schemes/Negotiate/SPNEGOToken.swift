import Foundation

/// An SPNEGO token (RFC 4178 §4.2): the client's `negTokenInit` proposing mechanisms, with the first one's token, or
/// either side's `negTokenResp` with the state of the negotiation and the chosen mechanism's next token.
public struct SPNEGOToken: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case initial = "negTokenInit", response = "negTokenResp"
    }

    /// `negState` (RFC 4178 §4.2.2).
    public enum State: String, Sendable {
        case acceptCompleted = "accept-completed", acceptIncomplete = "accept-incomplete", reject, requestMIC = "request-mic"
    }

    /// The token a mechanism carries inside.
    public enum Inner: Sendable, Equatable {
        case ntlm(NTLMMessage)
        case kerberos(KerberosMessage)
        case other
    }

    public var kind: Kind
    /// The mechanisms proposed, the client's preference first (negTokenInit).
    public var mechanisms: [NegotiateMechanism] = []
    public var state: State?
    /// The mechanism the server chose (negTokenResp).
    public var supportedMechanism: NegotiateMechanism?
    public var inner: Inner?
    public var hasMechListMIC = false

    /// `negTokenInit` (`[0]` inside the InitialContextToken), or a server's `negTokenInit2` (its `[3]` is negHints).
    init(initial element: DERReader.Element) throws(NegotiateTokenError) {
        guard element.tag == 0xA0 else { throw .malformed("SPNEGO token without negTokenInit") }
        kind = .initial
        for field in try Self.fields(element.content) {
            switch field.tag {
            case 0xA0:
                var list = DERReader(field.content)
                let sequence = try list.element()
                var mechs = DERReader(sequence.content)
                while !mechs.atEnd {
                    let oid = try mechs.element()
                    if oid.tag == 0x06 { mechanisms.append(NegotiateMechanism(oid: DERReader.oid(oid.content))) }
                }
            case 0xA2: inner = try Self.inner(field.content)
            default: break
            }
        }
    }

    /// `negTokenResp` (`[1]`).
    init(response content: ArraySlice<UInt8>) throws(NegotiateTokenError) {
        kind = .response
        for field in try Self.fields(content) {
            var value = DERReader(field.content)
            switch field.tag {
            case 0xA0:
                let state = try value.element()
                state.content.first.map { self.state = [State.acceptCompleted, .acceptIncomplete, .reject, .requestMIC][safe: Int($0)] }
            case 0xA1:
                let oid = try value.element()
                supportedMechanism = NegotiateMechanism(oid: DERReader.oid(oid.content))
            case 0xA2: inner = try Self.inner(field.content)
            case 0xA3: hasMechListMIC = true
            default: break
            }
        }
    }

    /// The context-tagged fields of the SEQUENCE that `content` holds.
    private static func fields(_ content: ArraySlice<UInt8>) throws(NegotiateTokenError) -> [DERReader.Element] {
        var outer = DERReader(content)
        let sequence = try outer.element()
        guard sequence.tag == 0x30 else { throw .malformed("SPNEGO token without its SEQUENCE") }
        var reader = DERReader(sequence.content)
        var fields: [DERReader.Element] = []
        while !reader.atEnd { fields.append(try reader.element()) }
        return fields
    }

    /// The mechanism token inside an OCTET STRING.
    private static func inner(_ content: ArraySlice<UInt8>) throws(NegotiateTokenError) -> Inner {
        var reader = DERReader(content)
        let octets = Array(try reader.element().content)
        if NTLMMessage.isNTLM(octets) { return .ntlm(try NTLMMessage(bytes: octets)) }
        if case .kerberos(let message)? = try? NegotiateToken(bytes: octets) { return .kerberos(message) }
        if let first = octets.first, [0x6E, 0x6F, 0x7E].contains(first) { return .kerberos(NegotiateToken.kerberos(octets[...])) }
        return .other
    }

    var summary: String {
        var text = "SPNEGO \(kind.rawValue)"
        if !mechanisms.isEmpty { text += " [\(mechanisms.map(\.description).joined(separator: ", "))]" }
        if let state { text += " \(state.rawValue)" }
        if let supportedMechanism { text += ", chose \(supportedMechanism)" }
        switch inner {
        case .ntlm(let message)?: text += ", carrying NTLM type \(message.kind.rawValue) (\(message.kind))"
        case .kerberos(let message)?: text += ", carrying a Kerberos \(message.rawValue.replacingOccurrences(of: "kerberos-", with: "").uppercased())"
        case .other?: text += ", carrying another mechanism's token"
        case nil: break
        }
        return text
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

/// A bounds-checked reader of DER (ITU-T X.690) elements: tag, definite length, content.
struct DERReader {
    struct Element {
        var tag: UInt8
        var content: ArraySlice<UInt8>
    }

    private(set) var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var atEnd: Bool { rest.isEmpty }

    mutating func element() throws(NegotiateTokenError) -> Element {
        guard rest.count >= 2, let tag = rest.first else { throw .malformed("the token ends inside an ASN.1 element") }
        var index = rest.startIndex + 1
        var length = Int(rest[index])
        index += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count >= 1, count <= 4, index + count <= rest.endIndex else { throw .malformed("an ASN.1 length the token cannot hold") }
            length = rest[index..<(index + count)].reduce(0) { $0 << 8 | Int($1) }
            index += count
        }
        guard length <= rest.endIndex - index else { throw .malformed("an ASN.1 element longer than the token") }
        let content = rest[index..<(index + length)]
        rest = rest[(index + length)...]
        return Element(tag: tag, content: content)
    }

    /// An OBJECT IDENTIFIER's content in dotted form.
    static func oid(_ content: ArraySlice<UInt8>) -> String {
        guard let first = content.first else { return "" }
        var parts = [Int(first) / 40, Int(first) % 40]
        var value = 0
        for byte in content.dropFirst() {
            value = value << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 {
                parts.append(value)
                value = 0
            }
            if value > Int(Int32.max) { break }
        }
        return parts.map(String.init).joined(separator: ".")
    }
}
