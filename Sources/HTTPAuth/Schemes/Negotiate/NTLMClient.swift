import Crypto
import Foundation

/// The client side of NTLM over HTTP, as curl's `--ntlm` does it: a NEGOTIATE message, then an AUTHENTICATE
/// message with an NTLMv2 response to the server's CHALLENGE (MS-NLMP §3.1.5.1.2, §3.3.2). No session security is
/// negotiated (HTTP needs none), so there is no session key and no MIC.
public struct NTLMClient: Sendable {
    public var user: String
    public var domain: String
    public var password: String
    public var workstation: String

    /// `DOMAIN\user` or `user@domain` as curl reads `-u`.
    public init(login: String, password: String, workstation: String = "GATEHOUSE") {
        if let slash = login.firstIndex(where: { $0 == "\\" || $0 == "/" }) {
            domain = String(login[..<slash])
            user = String(login[login.index(after: slash)...])
        } else {
            domain = ""
            user = login
        }
        self.password = password
        self.workstation = workstation
    }

    /// NEGOTIATE_UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY.
    static let flags: UInt32 = 0x0008_8205

    /// The NEGOTIATE message (type 1), base64.
    public static var negotiate: String {
        Data(NTLMMessage.signature + le32(1) + le32(flags) + [UInt8](repeating: 0, count: 16)).base64EncodedString()
    }

    /// The AUTHENTICATE message (type 3) answering `challenge`, base64; `clientChallenge` and `time` (Windows
    /// FILETIME) are random and now unless given (tests).
    public func authenticate(challenge: NTLMMessage, challengeBytes: [UInt8], clientChallenge: [UInt8]? = nil, time: UInt64? = nil) -> String {
        let serverChallenge = Array(challengeBytes[24..<32])
        let targetInfo = Self.targetInfo(of: challengeBytes)
        let clientChallenge = clientChallenge ?? (0..<8).map { _ in UInt8.random(in: 0...255) }
        let time = time ?? UInt64((Date().timeIntervalSince1970 + 11_644_473_600) * 10_000_000)
        let key = ntowfv2()
        let blob: [UInt8] = [1, 1, 0, 0, 0, 0, 0, 0] + (0..<8).map { UInt8(truncatingIfNeeded: time >> ($0 * 8)) } + clientChallenge + [0, 0, 0, 0] + targetInfo + [0, 0, 0, 0]
        let proof = Self.hmac(key, serverChallenge + blob)
        let ntResponse = proof + blob
        let lmResponse = Self.hmac(key, serverChallenge + clientChallenge) + clientChallenge
        let unicode = challenge.unicode
        func encode(_ text: String) -> [UInt8] { unicode ? Self.utf16(text) : Array(text.utf8) }
        let fields = [lmResponse, ntResponse, encode(domain), encode(user), encode(workstation), []]
        var offset = 64
        var header: [UInt8] = NTLMMessage.signature + Self.le32(3)
        var payload: [UInt8] = []
        for field in fields {
            header += Self.le16(field.count) + Self.le16(field.count) + Self.le32(UInt32(offset))
            payload += field
            offset += field.count
        }
        let flags = (challenge.flags & Self.flags) | (unicode ? 0x1 : 0x2)
        return Data(header + Self.le32(flags) + payload).base64EncodedString()
    }

    /// `NTOWFv2` (MS-NLMP §3.3.2): HMAC-MD5 keyed with MD4 of the password, over the upper-cased user and the domain.
    func ntowfv2() -> [UInt8] {
        Self.hmac(MD4.hash(Self.utf16(password)), Self.utf16(user.uppercased() + domain))
    }

    static func hmac(_ key: [UInt8], _ message: [UInt8]) -> [UInt8] {
        Array(HMAC<Insecure.MD5>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// The CHALLENGE's target information, copied into the response as MS-NLMP §3.3.2 requires.
    static func targetInfo(of challenge: [UInt8]) -> [UInt8] {
        guard challenge.count >= 48 else { return [] }
        let length = Int(challenge[40]) | Int(challenge[41]) << 8
        let offset = Int(challenge[44]) | Int(challenge[45]) << 8 | Int(challenge[46]) << 16 | Int(challenge[47]) << 24
        guard length > 0, offset >= 0, offset + length <= challenge.count else { return [] }
        return Array(challenge[offset..<(offset + length)])
    }

    static func utf16(_ text: String) -> [UInt8] { text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] } }
    static func le16(_ value: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
}
