import Foundation

/// An NTLM message as it travels in `Authorization: NTLM …`, `WWW-Authenticate: NTLM …` or inside a Negotiate token:
/// NEGOTIATE (type 1, client), CHALLENGE (type 2, server) or AUTHENTICATE (type 3, client), read as MS-NLMP §2.2.1
/// lays them out. It keeps what explains a failed login (who, from where, to which domain, NTLMv1 or v2) and only
/// the lengths of the responses: the hashes are never kept.
public struct NTLMMessage: Sendable, Equatable {
    public enum Kind: Int, Sendable {
        case negotiate = 1, challenge = 2, authenticate = 3
    }

    /// The response a type 3 message carries (MS-NLMP §3.3): a 24-byte NTLMv1 (or NTLM2 session) response, a longer
    /// NTLMv2 one, or none (anonymous).
    public enum ResponseVersion: String, Sendable {
        case v1, v2, anonymous
    }

    public var kind: Kind
    /// `NegotiateFlags` (MS-NLMP §2.2.2.5).
    public var flags: UInt32
    /// The domain and workstation a type 1 names (when its flags say so) or a type 3 logs on with.
    public var domain: String?
    public var workstation: String?
    /// The user a type 3 logs on as.
    public var user: String?
    /// The server's or domain's name in a type 2.
    public var targetName: String?
    /// The names a type 2's target information gives (NetBIOS and DNS names of the server and its domain).
    public var targetInfo: [String: String] = [:]
    /// A type 2's 8-byte nonce, in hex (not a secret: it is sent in the clear for the client to answer).
    public var serverChallenge: String?
    /// The sender's Windows version (`6.1.7600`), when the message carries one.
    public var version: String?
    public var lmResponseLength: Int?
    public var ntResponseLength: Int?

    /// NTLMv1 or v2, from a type 3's NT response length.
    public var responseVersion: ResponseVersion? {
        guard kind == .authenticate, let ntResponseLength else { return nil }
        if ntResponseLength == 0 { return .anonymous }
        return ntResponseLength == 24 ? .v1 : .v2
    }

    /// Strings in UTF-16LE (`NTLMSSP_NEGOTIATE_UNICODE`) rather than the OEM code page.
    public var unicode: Bool { flags & 0x1 != 0 }

    static let signature: [UInt8] = Array("NTLMSSP".utf8) + [0]

    /// Whether `bytes` open with the `NTLMSSP\0` signature.
    public static func isNTLM(_ bytes: [UInt8]) -> Bool { bytes.starts(with: signature) }

    /// Reads one message; throws when the signature, type or a field's offset and length do not hold.
    public init(bytes: [UInt8]) throws(NegotiateTokenError) {
        guard Self.isNTLM(bytes), bytes.count >= 12 else { throw .notNTLM }
        var reader = NTLMReader(bytes: bytes)
        guard let kind = Kind(rawValue: Int(try reader.uint32(at: 8))) else { throw .malformed("NTLM message type \(try reader.uint32(at: 8)) is not 1, 2 or 3") }
        self.kind = kind
        switch kind {
        case .negotiate:
            flags = try reader.uint32(at: 12)
            let oem = { (buffer: [UInt8]?) in buffer.flatMap { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) } }
            if flags & 0x1000 != 0 { domain = oem(try reader.optionalBuffer(at: 16)) }
            if flags & 0x2000 != 0 { workstation = oem(try reader.optionalBuffer(at: 24)) }
            version = reader.version(at: 32, flags: flags)
        case .challenge:
            flags = try reader.uint32(at: 20)
            targetName = reader.string(try reader.buffer(at: 12), unicode: flags & 0x1 != 0)
            serverChallenge = try reader.bytes(24..<32).map { String(format: "%02x", $0) }.joined()
            if flags & 0x0080_0000 != 0, let info = try reader.optionalBuffer(at: 40) { targetInfo = Self.names(in: info) }
            version = reader.version(at: 48, flags: flags)
        case .authenticate:
            flags = try reader.uint32(at: 60)
            let unicode = flags & 0x1 != 0
            lmResponseLength = try reader.buffer(at: 12).count
            ntResponseLength = try reader.buffer(at: 20).count
            domain = reader.string(try reader.buffer(at: 28), unicode: unicode)
            user = reader.string(try reader.buffer(at: 36), unicode: unicode)
            workstation = reader.string(try reader.buffer(at: 44), unicode: unicode)
            version = reader.version(at: 64, flags: flags)
        }
    }

    /// The names among a type 2's AV pairs (MS-NLMP §2.2.2.1); a malformed list ends where it breaks.
    static func names(in info: [UInt8]) -> [String: String] {
        let kinds = [1: "netbios_computer", 2: "netbios_domain", 3: "dns_computer", 4: "dns_domain", 5: "dns_tree"]
        var names: [String: String] = [:]
        var offset = 0
        while offset + 4 <= info.count {
            let id = Int(info[offset]) | Int(info[offset + 1]) << 8
            let length = Int(info[offset + 2]) | Int(info[offset + 3]) << 8
            guard id != 0, offset + 4 + length <= info.count else { break }
            if let name = kinds[id] { names[name] = NTLMReader.utf16(Array(info[(offset + 4)..<(offset + 4 + length)])) }
            offset += 4 + length
        }
        return names
    }

    /// The flags' names (MS-NLMP §2.2.2.5), lowest bit first.
    public var flagNames: [String] {
        let names: [(UInt32, String)] = [
            (0x1, "UNICODE"), (0x2, "OEM"), (0x4, "REQUEST_TARGET"), (0x10, "SIGN"), (0x20, "SEAL"), (0x40, "DATAGRAM"),
            (0x80, "LM_KEY"), (0x200, "NTLM"), (0x800, "ANONYMOUS"), (0x1000, "OEM_DOMAIN_SUPPLIED"),
            (0x2000, "OEM_WORKSTATION_SUPPLIED"), (0x8000, "ALWAYS_SIGN"), (0x1_0000, "TARGET_TYPE_DOMAIN"),
            (0x2_0000, "TARGET_TYPE_SERVER"), (0x8_0000, "EXTENDED_SESSIONSECURITY"), (0x10_0000, "IDENTIFY"),
            (0x40_0000, "REQUEST_NON_NT_SESSION_KEY"), (0x80_0000, "TARGET_INFO"), (0x200_0000, "VERSION"),
            (0x2000_0000, "128"), (0x4000_0000, "KEY_EXCH"), (0x8000_0000, "56"),
        ]
        return names.filter { flags & $0.0 != 0 }.map(\.1)
    }
}

/// Bounds-checked little-endian reads of an NTLM message.
private struct NTLMReader {
    let bytes: [UInt8]

    func bytes(_ range: Range<Int>) throws(NegotiateTokenError) -> ArraySlice<UInt8> {
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw .malformed("the NTLM message ends at byte \(bytes.count), before byte \(range.upperBound)") }
        return bytes[range]
    }

    func uint32(at offset: Int) throws(NegotiateTokenError) -> UInt32 {
        try bytes(offset..<(offset + 4)).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// A security buffer (length, allocated length, offset) and the bytes it points to.
    func buffer(at offset: Int) throws(NegotiateTokenError) -> [UInt8] {
        let header = try bytes(offset..<(offset + 8))
        let length = Int(header[offset]) | Int(header[offset + 1]) << 8
        let start = Int(try uint32(at: offset + 4))
        guard length > 0 else { return [] }
        return Array(try bytes(start..<(start + length)))
    }

    /// A security buffer of a field a short message may leave out (type 1's domain and workstation, type 2's target
    /// information).
    func optionalBuffer(at offset: Int) throws(NegotiateTokenError) -> [UInt8]? {
        offset + 8 <= bytes.count ? try buffer(at: offset) : nil
    }

    func string(_ value: [UInt8], unicode: Bool) -> String {
        unicode ? Self.utf16(value) : String(decoding: value, as: UTF8.self)
    }

    static func utf16(_ value: [UInt8]) -> String {
        let units = stride(from: 0, to: value.count - 1, by: 2).map { UInt16(value[$0]) | UInt16(value[$0 + 1]) << 8 }
        return String(decoding: units, as: UTF16.self)
    }

    /// The VERSION structure (MS-NLMP §2.2.2.10) as `major.minor.build`, when the flags announce it and it fits.
    func version(at offset: Int, flags: UInt32) -> String? {
        guard flags & 0x200_0000 != 0, offset + 8 <= bytes.count else { return nil }
        return "\(bytes[offset]).\(bytes[offset + 1]).\(Int(bytes[offset + 2]) | Int(bytes[offset + 3]) << 8)"
    }
}
