import Foundation
import HTTPAuth

/// What a refusing server says about its refusal, in its own words: a Bearer challenge's `error` and
/// `error_description` (RFC 6750 §3), an OAuth error body (RFC 6749 §5.2), or the message field of a JSON error
/// (`message`, `error`, `detail`, `title`, `errors[].message`, …), else the text of a short plain or HTML body.
///
/// Real APIs put the cause there ("jwt expired", "The issuer '…' is invalid", "Authentication credentials were not
/// provided"), often as the only evidence; ``ServerStatedCause`` reads it.
struct RefusalMessage: Sendable, Equatable {
    /// What servers say when no credential reached their check (lowercase): the header was stripped on the way, or
    /// the client put its credential where the server does not look.
    static let nothingArrived = [
        "credentials were not provided", "not authenticated", "no authorization token was found", "authorization header missing",
        "missing authorization header", "authorization header is missing", "no authorization header", "missing authorization",
        "no auth token", "no auth header", "token not provided", "no token provided", "token not present", "missing token",
        "token is missing", "no token", "no bearer", "no credentials", "no http authentication", "header not found",
        "you need to sign in or sign up before continuing", "missing authentication", "did not provide an api key", "no api key",
    ]

    /// The sentences found, as sent (trimmed), most specific first.
    var sentences: [String]

    init?(_ exchange: Exchange) {
        var sentences: [String] = []
        for challenge in exchange.challenges {
            for name in ["error_description", "error"] {
                if let value = challenge[parameter: name], !value.isEmpty { sentences.append(value) }
            }
        }
        let body = exchange.bodyPrefix
        if let document = try? JSONSerialization.jsonObject(with: Data(body)) {
            sentences += Self.messages(in: document, depth: 0)
        } else if let text = String(bytes: body, encoding: .utf8), text.count <= 2048 {
            let stripped = Self.plainText(text)
            if !stripped.isEmpty { sentences.append(stripped) }
        }
        let unique = sentences.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        guard !unique.isEmpty else { return nil }
        self.sentences = unique.reduce(into: []) { list, sentence in if !list.contains(sentence) { list.append(sentence) } }
    }

    /// All sentences, lowercased, for matching.
    var lowercased: String { sentences.joined(separator: " | ").lowercased() }

    /// The fields error documents use for their message, at any depth up to 3 (`{"error": {"message": …}}`,
    /// `{"errors": [{"detail": …}]}`, Django REST Framework's `{"detail": …}`, SimpleJWT's `messages`).
    static let messageFields = ["error_description", "message", "error", "detail", "title", "msg", "reason", "description", "code", "messages", "errors"]

    private static func messages(in value: Any, depth: Int) -> [String] {
        guard depth < 4 else { return [] }
        switch value {
        case let text as String:
            return [text]
        case let list as [Any]:
            return list.prefix(5).flatMap { messages(in: $0, depth: depth + 1) }
        case let object as [String: Any]:
            return messageFields.flatMap { field in object[field].map { messages(in: $0, depth: depth + 1) } ?? [] }
        default:
            return []
        }
    }

    /// A short body's text without markup: an HTML page's `<title>` and visible words, or plain text as it is.
    private static func plainText(_ text: String) -> String {
        guard text.contains("<") else { return text.split(whereSeparator: \.isNewline).prefix(3).joined(separator: " ") }
        var result = ""
        var inTag = false
        for character in text {
            if character == "<" { inTag = true; result.append(" ") } else if character == ">" { inTag = false } else if !inTag { result.append(character) }
        }
        return result.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
