import Foundation

/// A JWT decoded for inspection, **without** verifying anything: what it says, not whether to believe it.
///
/// Decoding is strict about the JWS compact form (RFC 7515 §7.1): three base64url segments without padding, a JSON
/// object in each of the first two. The errors name the common ways a token gets mangled on its way into a header:
/// surrounding quotes, a `Bearer ` prefix pasted twice, URL-encoding, whitespace or a newline, `=` padding.
/// https://www.rfc-editor.org/rfc/rfc7515.html#section-7.1
public struct DecodedJWT: Hashable, Sendable {
    public let header: [String: JSONValue]
    public let claims: [String: JSONValue]
    /// The signature bytes.
    public let signature: [UInt8]
    /// The token as given.
    public let compact: String

    /// Decodes `token`.
    /// - Throws: ``TokenError/malformed(_:)`` saying precisely what is wrong.
    public init(_ token: String) throws {
        if token.hasPrefix("\"") || token.hasSuffix("\"") || token.hasPrefix("'") {
            throw TokenError.malformed("the token is wrapped in quotes; send it without them")
        }
        if token.lowercased().hasPrefix("bearer") {
            throw TokenError.malformed("the token starts with 'Bearer': the scheme was included twice")
        }
        if token.contains(where: \.isWhitespace) {
            throw TokenError.malformed("the token contains whitespace or a line break (often a trailing newline from a file or echo)")
        }
        if token.contains("%") {
            throw TokenError.malformed("the token is URL-encoded ('%'); decode it before sending")
        }
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            let hint = segments.count == 5 ? " (5 segments is an encrypted JWE, which cannot be read without the key)" : ""
            throw TokenError.malformed("a JWT has 3 dot-separated segments; this one has \(segments.count)\(hint)")
        }
        let names = ["header", "payload", "signature"]
        var decoded: [[UInt8]] = []
        for (index, segment) in segments.enumerated() {
            if segment.contains("=") {
                throw TokenError.malformed("the \(names[index]) segment has '=' padding, which base64url in a JWT omits (RFC 7515 §2)")
            }
            guard let bytes = Self.base64URLDecode(segment) else {
                throw TokenError.malformed("the \(names[index]) segment is not base64url")
            }
            decoded.append(bytes)
        }
        func object(_ bytes: [UInt8], _ name: String) throws -> [String: JSONValue] {
            guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
                throw TokenError.malformed("the \(name) is not a JSON object")
            }
            return object
        }
        self.header = try object(decoded[0], "header")
        self.claims = try object(decoded[1], "payload")
        guard header["alg"]?.stringValue != nil else { throw TokenError.malformed("the header has no 'alg'") }
        self.signature = decoded[2]
        self.compact = token
    }

    /// The `alg` header parameter.
    public var algorithm: String { header["alg"]?.stringValue ?? "" }
    /// The `kid` header parameter.
    public var keyID: String? { header["kid"]?.stringValue }

    /// A NumericDate claim (`exp`, `nbf`, `iat`) as a date.
    public func date(_ claim: String) -> Date? {
        claims[claim]?.numberValue.map { Date(timeIntervalSince1970: $0) }
    }

    /// The `aud` claim as a list (it may be a string or an array, RFC 7519 §4.1.3).
    public var audiences: [String] {
        switch claims["aud"] {
        case .string(let value)?: [value]
        case .array(let values)?: values.compactMap(\.stringValue)
        default: []
        }
    }

    /// base64url without padding (RFC 7515 §2), for JWK coordinates and random tokens.
    public static func base64URLEncode(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: some StringProtocol) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        if base64.utf8.count % 4 == 1 { return nil }
        if base64.utf8.count % 4 != 0 { base64 += String(repeating: "=", count: 4 - base64.utf8.count % 4) }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
