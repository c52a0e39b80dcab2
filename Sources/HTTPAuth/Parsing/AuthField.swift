/// A pasted authentication header, classified and parsed: what `gatehouse header` reads.
///
/// People paste whole lines (`WWW-Authenticate: Basic realm="x"`, the name in any case) or bare values. A line's
/// name says what it is; a bare value is read by its shape: a single element with a `token68`, or with Digest
/// response parameters (`username`, `response`, `nc`, `cnonce`), is a credential; anything else is a challenge
/// list. A bare `Negotiate abc==` could be either and is read as a credential; ``Kind`` forces the reading.
public enum AuthField: Hashable, Sendable {
    case challenges([Challenge], proxy: Bool)
    case credentials(Credentials, proxy: Bool)
    case authenticationInfo(AuthenticationInfo)

    /// What a value is to be read as.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case challenge, credentials
    }

    /// Parses one or more pasted values as one field (several challenge values form one list, as repeated fields do).
    ///
    /// - Throws: ``AuthFieldInputError`` with the index of the value and the byte offset into it, header name
    ///   included, so that it points at what the person typed.
    public static func parse(_ inputs: [String], as forced: Kind? = nil) throws -> AuthField {
        let lines = inputs.map(HeaderLine.init)
        guard !lines.isEmpty else { throw AuthFieldInputError(index: 0, error: .syntax(at: 0, "no value given")) }
        let names = Set(lines.compactMap(\.name))
        guard names.count <= 1 else {
            throw AuthFieldInputError(index: 0, error: .invalidValue("the values come from different header fields: \(names.sorted().joined(separator: ", "))"))
        }
        let name = names.first
        let kind = forced ?? name.flatMap(HeaderLine.kind(ofField:)) ?? guessKind(lines)
        let proxy = name?.hasPrefix("proxy-") ?? false
        if name?.hasSuffix("authentication-info") == true {
            guard lines.count == 1 else { throw AuthFieldInputError(index: 1, error: .invalidValue("Authentication-Info is one field")) }
            return .authenticationInfo(try lines[0].parse { try AuthenticationInfo(parsing: $0) })
        }
        switch kind {
        case .challenge:
            var challenges: [Challenge] = []
            for (index, line) in lines.enumerated() {
                challenges += try line.parse(index: index) { try Challenge.parseList($0) }
            }
            return .challenges(challenges, proxy: proxy)
        case .credentials:
            guard lines.count == 1 else {
                throw AuthFieldInputError(index: 1, error: .invalidValue("a request carries one credential per Authorization field; got \(lines.count) values"))
            }
            return .credentials(try lines[0].parse { try Credentials(parsing: $0) }, proxy: proxy)
        }
    }

    private static func guessKind(_ lines: [HeaderLine]) -> Kind {
        guard lines.count == 1, let elements = try? Challenge.parseList(lines[0].value), elements.count == 1 else { return .challenge }
        let responseParameters = ["username", "username*", "response", "nc", "cnonce"]
        let element = elements[0]
        if element.token68 != nil || element.parameters.contains(where: { parameter in responseParameters.contains { parameter.isNamed($0) } }) {
            return .credentials
        }
        return .challenge
    }
}

/// A pasted value that does not parse: which value (0-based) and the error, whose offset counts from the start of
/// what was pasted, header name included.
public struct AuthFieldInputError: Error, Hashable, Sendable, CustomStringConvertible {
    public let index: Int
    public let error: HTTPAuthError

    public var description: String { error.description }
}

/// One pasted value, split into an optional header name and the field value.
struct HeaderLine {
    let name: String?
    let value: String
    /// Bytes before the value (`Authorization: `), added to error offsets.
    let valueOffset: Int

    private static let knownFields = [
        "www-authenticate", "proxy-authenticate", "authorization", "proxy-authorization", "authentication-info",
        "proxy-authentication-info",
    ]

    init(_ text: String) {
        if let colon = text.firstIndex(of: ":"), Self.knownFields.contains(text[..<colon].lowercased()) {
            name = text[..<colon].lowercased()
            let afterColon = text.utf8[text.utf8.index(after: colon.samePosition(in: text.utf8)!)...]
            let leading = afterColon.prefix { $0 == asciiSpace || $0 == asciiTab }.count
            value = String(decoding: afterColon.dropFirst(leading), as: UTF8.self)
            valueOffset = text.utf8.count - afterColon.count + leading
        } else {
            name = nil
            value = text
            valueOffset = 0
        }
    }

    static func kind(ofField name: String) -> AuthField.Kind? {
        switch name {
        case "www-authenticate", "proxy-authenticate": .challenge
        case "authorization", "proxy-authorization": .credentials
        default: nil
        }
    }

    func parse<T>(index: Int = 0, _ body: (String) throws -> T) throws -> T {
        do {
            return try body(value)
        } catch let error as HTTPAuthError {
            throw AuthFieldInputError(index: index, error: error.shifted(by: valueOffset))
        }
    }
}
