import Foundation

/// Reads an nginx configuration as nginx does: tokens (words, `'…'` and `"…"` strings with `\` escapes, `{`, `}`,
/// `;`, `#` comments), blocks, and `include` (globs allowed) resolved against the configuration prefix, the
/// directory of the main file.
public enum NginxConfig {
    public static func read(path: String) throws -> ConfigDirective {
        let prefix = (path as NSString).deletingLastPathComponent
        var depth = 0
        let children = try parse(file: path, prefix: prefix, includedFrom: nil, depth: &depth)
        return ConfigDirective(name: "main", arguments: [], location: SourceLocation(file: path, line: 1), children: children, isBlock: true)
    }

    private struct Token {
        var text: String
        var line: Int
        var quoted: Bool
        /// A `#` comment (its text after the `#`), kept for the directive it precedes.
        var comment = false
    }

    static func parse(file: String, prefix: String, includedFrom: SourceLocation?, depth: inout Int) throws -> [ConfigDirective] {
        depth += 1
        defer { depth -= 1 }
        guard depth < 20 else { throw ConfigReadError(location: includedFrom ?? SourceLocation(file: file, line: 0), message: "includes nested too deep (a loop?)") }
        let tokens = try tokenize(try ConfigFiles.read(file, from: includedFrom), file: file)
        var index = 0
        return try block(tokens, &index, file: file, prefix: prefix, depth: &depth, closing: false)
    }

    private static func block(_ tokens: [Token], _ index: inout Int, file: String, prefix: String, depth: inout Int, closing: Bool) throws -> [ConfigDirective] {
        var directives: [ConfigDirective] = []
        var words: [Token] = []
        // The comment lines right above the next directive (a generator's note, such as ingress-nginx's reason for
        // denying a location).
        var comments: [String] = []
        while index < tokens.count {
            let token = tokens[index]
            index += 1
            if token.comment {
                if words.isEmpty { comments.append(token.text) }
            } else if !token.quoted, token.text == ";" {
                guard let name = words.first else { continue }
                let location = SourceLocation(file: file, line: name.line)
                let arguments = words.dropFirst().map(\.text)
                if name.text == "include" {
                    for path in arguments.flatMap({ ConfigFiles.expand(ConfigFiles.resolve($0, against: prefix)) }) {
                        directives += try parse(file: path, prefix: prefix, includedFrom: location, depth: &depth)
                    }
                } else {
                    directives.append(ConfigDirective(
                        name: name.text, arguments: arguments, location: location, children: [], isBlock: false,
                        comment: comments.isEmpty ? nil : comments.joined(separator: "\n")))
                }
                words = []
                comments = []
            } else if !token.quoted, token.text == "{" {
                guard let name = words.first else { throw ConfigReadError(location: SourceLocation(file: file, line: token.line), message: "unexpected {") }
                let children = try block(tokens, &index, file: file, prefix: prefix, depth: &depth, closing: true)
                directives.append(ConfigDirective(
                    name: name.text, arguments: words.dropFirst().map(\.text), location: SourceLocation(file: file, line: name.line), children: children, isBlock: true))
                words = []
                comments = []
            } else if !token.quoted, token.text == "}" {
                guard closing else { throw ConfigReadError(location: SourceLocation(file: file, line: token.line), message: "unexpected }") }
                return directives
            } else {
                words.append(token)
            }
        }
        if closing { throw ConfigReadError(location: SourceLocation(file: file, line: tokens.last?.line ?? 0), message: "unexpected end of file, expecting }") }
        return directives
    }

    private static func tokenize(_ text: String, file: String) throws -> [Token] {
        var tokens: [Token] = []
        var line = 1
        var characters = Array(text)[...]
        while let character = characters.first {
            if character == "\n" { line += 1 }
            if character.isWhitespace {
                characters = characters.dropFirst()
            } else if character == "#" {
                let text = characters.dropFirst().prefix { $0 != "\n" }
                tokens.append(Token(text: String(text).trimmingCharacters(in: .whitespaces), line: line, quoted: false, comment: true))
                characters = characters.drop { $0 != "\n" }
            } else if character == ";" || character == "{" || character == "}" {
                tokens.append(Token(text: String(character), line: line, quoted: false))
                characters = characters.dropFirst()
            } else if character == "\"" || character == "'" {
                var value = ""
                let start = line
                characters = characters.dropFirst()
                while let next = characters.first, next != character {
                    if next == "\\", characters.count > 1 {
                        characters = characters.dropFirst()
                        value.append(characters.first!)
                    } else {
                        if next == "\n" { line += 1 }
                        value.append(next)
                    }
                    characters = characters.dropFirst()
                }
                guard !characters.isEmpty else { throw ConfigReadError(location: SourceLocation(file: file, line: start), message: "unterminated string") }
                characters = characters.dropFirst()
                tokens.append(Token(text: value, line: start, quoted: true))
            } else {
                var value = ""
                while let next = characters.first, !next.isWhitespace, next != ";", next != "{" || value.hasSuffix("$"), next != "}" || value.contains("${") {
                    value.append(next)
                    characters = characters.dropFirst()
                }
                tokens.append(Token(text: value, line: line, quoted: false))
            }
        }
        return tokens
    }
}
