/// A scanner over the bytes of one authentication field value, with one method per RFC 9110 §11 production.
///
/// ```
/// WWW-Authenticate    = #challenge
/// Authorization       = credentials
/// Authentication-Info = #auth-param
/// challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// auth-scheme = token
/// auth-param  = token BWS "=" BWS ( token / quoted-string )
/// token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
/// #element    = [ element ] *( OWS "," OWS [ element ] )      ; empty elements are accepted (RFC 9110 §5.6.1.2)
/// ```
/// A comma both separates challenges and the parameters inside one, so after a comma the scanner looks ahead: a
/// `token` followed by `BWS "="` continues the parameters; anything else starts the next challenge. A `token68` is
/// taken only when what follows it is the end of the value or a comma, so `realm=x` is a parameter while `abc==` is a
/// token68. Errors carry the byte offset into the value.
/// https://www.rfc-editor.org/rfc/rfc9110.html#section-11
struct AuthFieldParser {
    /// The longest value read by default. Servers refuse longer header lines (nginx 8 KiB per line by default, Apache
    /// 8190 bytes); 16 KiB leaves room for large bearer tokens.
    static let defaultMaximumLength = 16 * 1024

    private let bytes: [UInt8]
    private var index: Int

    init(_ value: String, maximumLength: Int) throws {
        var bytes = Array(value.utf8)
        guard bytes.count <= maximumLength else { throw HTTPAuthError.tooLong(length: bytes.count, limit: maximumLength) }
        while let last = bytes.last, last.isOptionalWhitespace { bytes.removeLast() }
        self.bytes = bytes
        self.index = 0
    }

    private var isAtEnd: Bool { index >= bytes.count }
    private var peek: UInt8? { isAtEnd ? nil : bytes[index] }

    // MARK: Entry points

    /// `#challenge`: every challenge of one field value, empty list elements skipped.
    mutating func parseChallengeList() throws -> [Challenge] {
        var challenges: [Challenge] = []
        skipWhitespace()
        while true {
            let commas = skipEmptyListElements()
            if isAtEnd { break }
            if !challenges.isEmpty && commas == 0 {
                throw HTTPAuthError.syntax(at: index, "expected ',' before the next challenge")
            }
            challenges.append(try parseSchemeValue(Challenge.self, inList: true))
        }
        return challenges
    }

    /// `credentials`: exactly one scheme with its token68 or parameters, and nothing after it.
    mutating func parseCredentials() throws -> Credentials {
        skipWhitespace()
        guard !isAtEnd else { throw HTTPAuthError.syntax(at: index, "empty value: expected an auth-scheme") }
        let credentials = try parseSchemeValue(Credentials.self, inList: false)
        skipWhitespace()
        guard isAtEnd else { throw HTTPAuthError.syntax(at: index, "unexpected bytes after the credentials") }
        return credentials
    }

    /// `#auth-param`: the parameters of `Authentication-Info`.
    mutating func parseParameterList() throws -> [AuthParameter] {
        skipWhitespace()
        skipEmptyListElements()
        if isAtEnd { return [] }
        return try parseAuthParams(inList: false)
    }

    // MARK: Productions

    /// `auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, shared by challenges and credentials.
    private mutating func parseSchemeValue<Value: AuthSchemeValue>(_: Value.Type, inList: Bool) throws -> Value {
        let schemeStart = index
        guard let name = parseToken() else {
            throw HTTPAuthError.syntax(at: schemeStart, "expected an auth-scheme token, found \(describeByte(at: index))")
        }
        let scheme = AuthScheme(name)!
        guard let next = peek, next != asciiComma || !inList else {
            return Value(scheme: scheme, token68: nil, parameters: [])
        }
        guard next == asciiSpace else {
            throw HTTPAuthError.syntax(at: index, "expected a space after the scheme '\(name)', found \(describeByte(at: index))")
        }
        while peek == asciiSpace { index += 1 }
        skipWhitespace()
        if isAtEnd { return Value(scheme: scheme, token68: nil, parameters: []) }
        if peek == asciiComma {
            // `Basic , realm="x"`: empty list elements before the first parameter (RFC 9110 §5.6.1.2).
            let commaIndex = index
            skipEmptyListElements()
            if isAtEnd || (inList && !isAtParameter()) {
                index = commaIndex
                return Value(scheme: scheme, token68: nil, parameters: [])
            }
            return Value(scheme: scheme, token68: nil, parameters: try parseAuthParams(inList: inList))
        }
        if let token68 = try parseToken68(inList: inList) {
            return Value(scheme: scheme, token68: token68, parameters: [])
        }
        return Value(scheme: scheme, token68: nil, parameters: try parseAuthParams(inList: inList))
    }

    /// `token68`, taken only when the value or list element ends after it; otherwise the scanner does not move.
    private mutating func parseToken68(inList: Bool) throws -> String? {
        let start = index
        var end = start
        while end < bytes.count, bytes[end].isToken68Character { end += 1 }
        guard end > start else { return nil }
        while end < bytes.count, bytes[end] == asciiEquals { end += 1 }
        var after = end
        while after < bytes.count, bytes[after].isOptionalWhitespace { after += 1 }
        if after < bytes.count {
            guard bytes[after] == asciiComma else { return nil }
            if !inList { throw HTTPAuthError.syntax(at: after, "a credential holds one token68; unexpected ','") }
        }
        index = after
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// `#auth-param` inside one challenge or credential. Stops, without consuming the comma, where a comma is followed
    /// by something that is not a parameter (the next challenge).
    private mutating func parseAuthParams(inList: Bool) throws -> [AuthParameter] {
        var parameters: [AuthParameter] = []
        while true {
            let nameStart = index
            let parameter = try parseAuthParam()
            if parameters.contains(where: { $0.isNamed(parameter.name) }) {
                throw HTTPAuthError.duplicateParameter(parameter.name, at: nameStart)
            }
            parameters.append(parameter)
            skipWhitespace()
            if isAtEnd { return parameters }
            guard peek == asciiComma else {
                throw HTTPAuthError.syntax(at: index, "expected ',' or the end after parameter '\(parameter.name)', found \(describeByte(at: index))")
            }
            let commaIndex = index
            skipEmptyListElements()
            if isAtEnd { return parameters }
            if inList && !isAtParameter() {
                index = commaIndex
                return parameters
            }
        }
    }

    /// `auth-param = token BWS "=" BWS ( token / quoted-string )`
    private mutating func parseAuthParam() throws -> AuthParameter {
        let nameStart = index
        guard let name = parseToken() else {
            throw HTTPAuthError.syntax(at: nameStart, "expected a parameter name, found \(describeByte(at: index))")
        }
        skipWhitespace()
        guard peek == asciiEquals else {
            throw HTTPAuthError.syntax(at: index, "expected '=' after parameter name '\(name)', found \(describeByte(at: index))")
        }
        index += 1
        skipWhitespace()
        if peek == asciiDquote {
            return AuthParameter(name, try parseQuotedString(), form: .quoted)
        }
        guard let value = parseToken() else {
            throw HTTPAuthError.syntax(at: index, "expected a token or quoted-string as the value of '\(name)', found \(describeByte(at: index))")
        }
        return AuthParameter(name, value, form: .token)
    }

    /// `token = 1*tchar`, or `nil` (without moving) when no token starts here.
    private mutating func parseToken() -> String? {
        let start = index
        while let byte = peek, byte.isTokenCharacter { index += 1 }
        guard index > start else { return nil }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// ```
    /// quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
    /// qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
    /// quoted-pair   = "\" ( HTAB / SP / VCHAR / obs-text )
    /// ```
    /// Returns the unescaped content; `obs-text` is read as UTF-8 when it is valid UTF-8, else as ISO-8859-1.
    private mutating func parseQuotedString() throws -> String {
        let open = index
        index += 1
        var content: [UInt8] = []
        while let byte = peek {
            switch byte {
            case asciiDquote:
                index += 1
                return decodeHeaderText(content)
            case asciiBackslash:
                guard index + 1 < bytes.count else {
                    index = bytes.count
                    continue
                }
                let escaped = bytes[index + 1]
                guard escaped.isQuotablePairCharacter else {
                    throw HTTPAuthError.syntax(at: index + 1, "\(describeByte(at: index + 1)) cannot be escaped in a quoted-string")
                }
                content.append(escaped)
                index += 2
            case _ where byte.isQuotedTextCharacter:
                content.append(byte)
                index += 1
            default:
                throw HTTPAuthError.syntax(at: index, "\(describeByte(at: index)) is not allowed in a quoted-string")
            }
        }
        throw HTTPAuthError.syntax(at: bytes.count, "unterminated quoted-string (opened at byte \(open))")
    }

    // MARK: Helpers

    /// Whether a parameter (`token BWS "="`) starts here, without moving.
    private func isAtParameter() -> Bool {
        var probe = index
        while probe < bytes.count, bytes[probe].isTokenCharacter { probe += 1 }
        guard probe > index else { return true }
        while probe < bytes.count, bytes[probe].isOptionalWhitespace { probe += 1 }
        return probe < bytes.count && bytes[probe] == asciiEquals
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte.isOptionalWhitespace { index += 1 }
    }

    /// Skips `OWS` and empty list elements (`, ,`), returning how many commas it passed.
    @discardableResult
    private mutating func skipEmptyListElements() -> Int {
        var commas = 0
        skipWhitespace()
        while peek == asciiComma {
            commas += 1
            index += 1
            skipWhitespace()
        }
        return commas
    }

    private func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "the end of the value" }
        let byte = bytes[offset]
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte == asciiSpace { return "a space" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }
}

extension String {
    /// The string padded on the left to `width` characters (hex bytes, nonce counts); shared by the package's modules.
    package func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
