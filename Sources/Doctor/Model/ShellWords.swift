/// Splits a command line the way a POSIX shell does, for a curl command passed as one string
/// (`gatehouse doctor -- "$(pbpaste)"`), as browsers' "Copy as cURL (bash)" writes it: words split by blanks,
/// `'…'` literal, `"…"` with `\"`, `\\`, `\$` and `` \` `` escaped, `$'…'` with C escapes, a backslash before a
/// newline joining lines, a backslash elsewhere escaping the next character. No expansion is done.
public enum ShellWords {
    public struct UnterminatedQuote: Error, CustomStringConvertible {
        public let quote: Character
        public var description: String { "the command has an unterminated \(quote) quote" }
    }

    public static func split(_ text: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "\\":
                guard let next = characters.popFirst() else { break }
                if next == "\n" { continue }   // a line continuation
                if next == "\r", characters.first == "\n" {
                    characters.removeFirst()
                    continue
                }
                word.append(next)
                inWord = true
            case "'":
                word += try take(&characters, until: "'")
                inWord = true
            case "\"":
                word += try doubleQuoted(&characters)
                inWord = true
            case "$" where characters.first == "'":
                characters.removeFirst()
                word += try ansiC(&characters)
                inWord = true
            default:
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    private static func take(_ characters: inout ArraySlice<Character>, until end: Character) throws -> String {
        guard let close = characters.firstIndex(of: end) else { throw UnterminatedQuote(quote: end) }
        defer { characters = characters[(close + 1)...] }
        return String(characters[..<close])
    }

    private static func doubleQuoted(_ characters: inout ArraySlice<Character>) throws -> String {
        var text = ""
        while let character = characters.popFirst() {
            if character == "\"" { return text }
            if character == "\\", let next = characters.first, ["\"", "\\", "$", "`", "\n"].contains(next) {
                characters.removeFirst()
                if next != "\n" { text.append(next) }
            } else {
                text.append(character)
            }
        }
        throw UnterminatedQuote(quote: "\"")
    }

    /// `$'…'` (bash's ANSI-C quoting): `\n`, `\t`, `\r`, `\\`, `\'`, `\"`, `\xHH`, `\uHHHH`.
    private static func ansiC(_ characters: inout ArraySlice<Character>) throws -> String {
        var text = ""
        while let character = characters.popFirst() {
            if character == "'" { return text }
            guard character == "\\", let next = characters.popFirst() else {
                text.append(character)
                continue
            }
            switch next {
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "x", "u":
                let digits = characters.prefix(next == "x" ? 2 : 4).prefix { $0.isHexDigit }
                characters.removeFirst(digits.count)
                if let value = UInt32(String(digits), radix: 16), let scalar = Unicode.Scalar(value) { text.unicodeScalars.append(scalar) }
            default: text.append(next)
            }
        }
        throw UnterminatedQuote(quote: "'")
    }
}
