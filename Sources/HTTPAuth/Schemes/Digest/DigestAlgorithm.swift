import Crypto
import CryptoExtras

/// A Digest `algorithm`: the hash function and whether it is a `-sess` variant.
///
/// RFC 7616 §3.2 registers MD5, SHA-256 and SHA-512-256, each with a `-sess` variant. Names are matched without
/// regard to case and keep their registered spelling. SHA-512-256 is FIPS 180-4 SHA-512/256 (its own initial
/// values), not SHA-512 cut short: the RFC's §3.9.2 example printed the latter by mistake (erratum 4897).
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.2
public struct DigestAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The hash function under an algorithm, shared by the plain and `-sess` variants.
    public enum HashFunction: String, Hashable, Sendable, CaseIterable {
        case md5 = "MD5"
        case sha256 = "SHA-256"
        case sha512_256 = "SHA-512-256"

        /// Lower-case hex of the hash of `bytes`.
        public func hex(_ bytes: some Sequence<UInt8>) -> String {
            let data = Array(bytes)
            switch self {
            case .md5: return hexString(Insecure.MD5.hash(data: data))
            case .sha256: return hexString(SHA256.hash(data: data))
            case .sha512_256: return hexString(SHA512256.hash(data: data))
            }
        }

        /// Lower-case hex of the hash of the UTF-8 bytes of `text`.
        public func hex(_ text: String) -> String { hex(text.utf8) }

        /// The length of a hex digest, in characters.
        public var hexLength: Int { self == .md5 ? 32 : 64 }
    }

    public let hashFunction: HashFunction
    /// Whether this is a `-sess` variant, where H(A1) also covers the nonce and cnonce.
    public let isSession: Bool

    public init(_ hashFunction: HashFunction, session: Bool = false) {
        self.hashFunction = hashFunction
        self.isSession = session
    }

    /// The algorithm called `name` (case-insensitive), or `nil` for one RFC 7616 does not define.
    public init?(name: String) {
        let upper = name.uppercased()
        let session = upper.hasSuffix("-SESS")
        let base = session ? String(upper.dropLast(5)) : upper
        guard let function = HashFunction(rawValue: base) else { return nil }
        self.init(function, session: session)
    }

    public static let md5 = DigestAlgorithm(.md5)
    public static let md5Session = DigestAlgorithm(.md5, session: true)
    public static let sha256 = DigestAlgorithm(.sha256)
    public static let sha256Session = DigestAlgorithm(.sha256, session: true)
    public static let sha512_256 = DigestAlgorithm(.sha512_256)
    public static let sha512_256Session = DigestAlgorithm(.sha512_256, session: true)

    /// Every algorithm, strongest first: the order a server offers them in (RFC 7616 §3.7).
    public static let strongestFirst: [DigestAlgorithm] = [
        .sha512_256, .sha512_256Session, .sha256, .sha256Session, .md5, .md5Session,
    ]

    /// The registered name, such as `SHA-256-sess`.
    public var name: String { hashFunction.rawValue + (isSession ? "-sess" : "") }
    public var description: String { name }
}

/// Lowercase hex of bytes (digests, random ids); shared by the package's modules.
package func hexString(_ digest: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var output: [UInt8] = []
    for byte in digest {
        output.append(digits[Int(byte >> 4)])
        output.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: output, as: UTF8.self)
}
