// Byte constants and per-byte predicates for the RFC 9110 grammar, in one place.
// https://www.rfc-editor.org/rfc/rfc9110.html#name-collected-abnf

let asciiTab = UInt8(ascii: "\t")
let asciiSpace = UInt8(ascii: " ")
let asciiComma = UInt8(ascii: ",")
let asciiEquals = UInt8(ascii: "=")
let asciiDquote = UInt8(ascii: "\"")
let asciiBackslash = UInt8(ascii: "\\")
let asciiColon = UInt8(ascii: ":")
let asciiDelete: UInt8 = 0x7F

extension UInt8 {
    /// `tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA`
    /// (RFC 9110 §5.6.2).
    var isTokenCharacter: Bool { tokenCharacterTable[Int(self)] }

    /// The characters of `token68` before its trailing `=`:
    /// `ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"` (RFC 9110 §11.2).
    var isToken68Character: Bool {
        isASCIIAlphanumeric || self == UInt8(ascii: "-") || self == UInt8(ascii: ".") || self == UInt8(ascii: "_")
            || self == UInt8(ascii: "~") || self == UInt8(ascii: "+") || self == UInt8(ascii: "/")
    }

    /// The value of a hex digit (`HEXDIG`, either case), as a percent-encoding (RFC 3986 §2.1) spells one; nil for
    /// any other byte.
    package var hexDigitValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    package var isASCIIAlphanumeric: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
    }

    /// `OWS = *( SP / HTAB )` (RFC 9110 §5.6.3).
    var isOptionalWhitespace: Bool { self == asciiSpace || self == asciiTab }

    /// `qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text` (RFC 9110 §5.6.4).
    var isQuotedTextCharacter: Bool {
        self == asciiTab || self == asciiSpace || self == 0x21 || (0x23...0x5B).contains(self)
            || (0x5D...0x7E).contains(self) || self >= 0x80
    }

    /// What may follow a backslash: `quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )` (RFC 9110 §5.6.4).
    var isQuotablePairCharacter: Bool { self == asciiTab || (0x20...0x7E).contains(self) || self >= 0x80 }

    /// A control byte: `%x00-1F / %x7F`, horizontal tab excluded.
    var isControlExceptTab: Bool { (self < 0x20 && self != asciiTab) || self == asciiDelete }
}

private let tokenCharacterTable: [Bool] = (0...255).map { value in
    let byte = UInt8(value)
    return byte.isASCIIAlphanumeric || "!#$%&'*+-.^_`|~".utf8.contains(byte)
}

/// Whether `string` is a non-empty `token` (RFC 9110 §5.6.2).
func isToken(_ string: some StringProtocol) -> Bool {
    !string.isEmpty && string.utf8.allSatisfy(\.isTokenCharacter)
}

/// Whether `string` matches `token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (RFC 9110 §11.2).
func isToken68(_ string: some StringProtocol) -> Bool {
    let bytes = Array(string.utf8)
    let body = bytes.prefix { $0.isToken68Character }
    guard !body.isEmpty else { return false }
    return bytes.dropFirst(body.count).allSatisfy { $0 == asciiEquals }
}

/// Bytes as text: UTF-8 when they are valid UTF-8, otherwise ISO-8859-1 (each byte one code point), which is how
/// `obs-text` in a header is read when it is not UTF-8.
func decodeHeaderText(_ bytes: some Collection<UInt8>) -> String {
    if let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
    return String(decoding: bytes.map { UInt16($0) }, as: UTF16.self)
}
