/// RFC 8187 `ext-value`s, as Digest's `username*` uses them: `UTF-8''J%C3%A4s%C3%B8n%20Doe`.
///
/// ```
/// ext-value     = charset  "'" [ language ] "'" value-chars
/// charset       = "UTF-8" / mime-charsetc
/// value-chars   = *( pct-encoded / attr-char )
/// attr-char     = ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
/// ```
/// UTF-8 and ISO-8859-1 are decoded; other charsets are refused.
/// https://www.rfc-editor.org/rfc/rfc8187.html#section-3.2
public enum RFC8187 {
    /// Decodes an `ext-value`.
    /// - Throws: ``HTTPAuthError`` for a malformed value, a bad percent-escape, or an unknown charset.
    public static func decode(_ extValue: String) throws -> String {
        let parts = extValue.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw HTTPAuthError.encoding("an RFC 8187 ext-value has the form charset'language'value")
        }
        var bytes: [UInt8] = []
        var iterator = Array(parts[2].utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next()?.hexDigitValue, let low = iterator.next()?.hexDigitValue else {
                    throw HTTPAuthError.encoding("bad percent-escape in an RFC 8187 ext-value")
                }
                bytes.append(high << 4 | low)
            } else if isAttributeCharacter(byte) {
                bytes.append(byte)
            } else {
                throw HTTPAuthError.encoding("character \(Character(Unicode.Scalar(byte)).debugDescription) must be percent-encoded in an RFC 8187 ext-value")
            }
        }
        switch parts[0].lowercased() {
        case "utf-8":
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw HTTPAuthError.encoding("an RFC 8187 ext-value announced UTF-8 but is not valid UTF-8")
            }
            return text
        case "iso-8859-1":
            return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
        default:
            throw HTTPAuthError.encoding("RFC 8187 charset '\(parts[0])' is not supported; use UTF-8")
        }
    }

    /// `UTF-8''` followed by the percent-encoded UTF-8 bytes of `text`.
    public static func encode(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF")
        var output = "UTF-8''"
        for byte in text.utf8 {
            if isAttributeCharacter(byte) {
                output.append(Character(Unicode.Scalar(byte)))
            } else {
                output += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
            }
        }
        return output
    }

    private static func isAttributeCharacter(_ byte: UInt8) -> Bool {
        byte.isASCIIAlphanumeric || "!#$&+-.^_`|~".utf8.contains(byte)
    }
}
