import Foundation

/// A user-id and password for the Basic scheme, encoded as `base64(user-id ":" password)`.
///
/// Encoding refuses a user-id with `:` and control characters (RFC 7617 §2). Decoding splits on the *first* `:`
/// (the password may contain more) and keeps control characters, so that a stray newline can be reported rather
/// than hidden; ``containsControlCharacters`` says so. The password never appears in ``description``.
/// https://www.rfc-editor.org/rfc/rfc7617.html#section-2
public struct BasicCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The character encoding of `user-pass` before base64.
    public enum Charset: String, Hashable, Sendable {
        /// What the server announces with `charset="UTF-8"` (RFC 7617 §2.1).
        case utf8 = "UTF-8"
        /// ISO-8859-1, one byte per character: what clients send when the challenge names no charset.
        case latin1 = "ISO-8859-1"
    }

    public var userID: String
    public var password: String

    public init(userID: String, password: String) {
        self.userID = userID
        self.password = password
    }

    /// The `token68` for an `Authorization: Basic …` field.
    /// - Throws: ``HTTPAuthError`` for a user-id with `:`, control characters, or text that `charset` cannot encode.
    public func token68(charset: Charset = .utf8) throws -> String {
        guard !userID.contains(":") else {
            throw HTTPAuthError.invalidValue("a Basic user-id cannot contain ':' (RFC 7617 §2)")
        }
        guard !containsControlCharacters else {
            throw HTTPAuthError.invalidValue("Basic user-id and password cannot contain control characters (RFC 7617 §2)")
        }
        let text = userID + ":" + password
        let bytes: [UInt8]
        switch charset {
        case .utf8:
            bytes = Array(text.utf8)
        case .latin1:
            guard text.unicodeScalars.allSatisfy({ $0.value <= 0xFF }) else {
                throw HTTPAuthError.encoding("the credentials have characters outside ISO-8859-1; announce charset=\"UTF-8\"")
            }
            bytes = text.unicodeScalars.map { UInt8($0.value) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// The whole credential: `Basic <token68>`.
    public func credentials(charset: Charset = .utf8) throws -> Credentials {
        Credentials(scheme: .basic, token68: try token68(charset: charset))
    }

    /// Decodes a Basic `token68`.
    ///
    /// Missing `=` padding is tolerated. With `.utf8`, bytes that are not UTF-8 are an error; with `.latin1`
    /// every byte is one character.
    /// - Throws: ``HTTPAuthError`` for bad base64, a missing `:`, or invalid UTF-8.
    public init(token68: String, charset: Charset) throws {
        let bytes = try Self.decodeBase64(token68)
        guard let colon = bytes.firstIndex(of: asciiColon) else {
            throw HTTPAuthError.encoding("the decoded Basic credentials have no ':' between user-id and password")
        }
        func text(_ part: ArraySlice<UInt8>) throws -> String {
            switch charset {
            case .latin1:
                return String(decoding: part.map { UInt16($0) }, as: UTF16.self)
            case .utf8:
                guard let decoded = String(validating: part, as: UTF8.self) else {
                    throw HTTPAuthError.encoding("the decoded Basic credentials are not valid UTF-8 (was it sent as ISO-8859-1?)")
                }
                return decoded
            }
        }
        self.init(userID: try text(bytes[..<colon]), password: try text(bytes[(colon + 1)...]))
    }

    /// Decodes the credential of an `Authorization: Basic …` field.
    /// - Throws: ``HTTPAuthError`` when the scheme is not Basic or the token68 does not decode.
    public init(_ credentials: Credentials, charset: Charset) throws {
        guard credentials.scheme == .basic else {
            throw HTTPAuthError.invalidValue("expected the Basic scheme, got '\(credentials.scheme)'")
        }
        guard let token68 = credentials.token68 else {
            throw HTTPAuthError.invalidValue("a Basic credential is a token68, not parameters (RFC 7617 §2)")
        }
        try self.init(token68: token68, charset: charset)
    }

    /// The charset a server should decode with: UTF-8 when its challenge said `charset="UTF-8"`, else ISO-8859-1.
    public static func charset(announcedBy challenge: Challenge?) -> Charset {
        challenge?[parameter: "charset"]?.lowercased() == "utf-8" ? .utf8 : .latin1
    }

    /// The charset the bytes of `token68` are in, as far as they tell: UTF-8 when they are valid UTF-8 with at least
    /// one non-ASCII byte, ISO-8859-1 when they are not UTF-8, `nil` for plain ASCII (which both read the same).
    public static func detectCharset(ofToken68 token68: String) -> Charset? {
        guard let bytes = try? decodeBase64(token68), bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        return String(validating: bytes, as: UTF8.self) == nil ? .latin1 : .utf8
    }

    /// Whether the user-id or password contains a control character (a trailing newline, say).
    public var containsControlCharacters: Bool {
        (userID + password).unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    public var description: String { "Basic user-id '\(userID)', password [redacted]" }

    static func decodeBase64(_ text: String) throws -> [UInt8] {
        var padded = text
        if padded.utf8.count % 4 != 0 { padded += String(repeating: "=", count: 4 - padded.utf8.count % 4) }
        guard let data = Data(base64Encoded: padded) else {
            throw HTTPAuthError.encoding("the Basic token68 is not valid base64")
        }
        return Array(data)
    }
}
