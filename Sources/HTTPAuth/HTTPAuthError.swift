/// A value that breaks the HTTP authentication grammar or a scheme's rules, with where it broke.
///
/// One error type for the whole module, as a struct over a private kind so that new kinds do not break callers.
/// ``offset`` is the byte offset into the field value that was parsed (or `nil` where no position applies), and
/// ``message`` says what was expected, in words a person can act on.
public struct HTTPAuthError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case syntax, tooLong, duplicateParameter, invalidValue, encoding, digest
    }

    private let kind: Kind
    /// The byte offset into the parsed value where the problem is, when there is one.
    public let offset: Int?
    /// What is wrong, for a person.
    public let message: String

    private init(_ kind: Kind, offset: Int?, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    /// The value breaks the RFC 9110 §11 grammar at `offset`.
    public static func syntax(at offset: Int, _ message: String) -> Self { Self(.syntax, offset: offset, message) }
    /// The value is longer than the parser's cap.
    public static func tooLong(length: Int, limit: Int) -> Self {
        Self(.tooLong, offset: limit, "value is \(length) bytes, longer than the limit of \(limit) bytes")
    }
    /// A parameter name occurs twice in one challenge or credential (RFC 9110 §11.2).
    public static func duplicateParameter(_ name: String, at offset: Int) -> Self {
        Self(.duplicateParameter, offset: offset, "parameter '\(name)' appears more than once (RFC 9110 §11.2)")
    }
    /// A value a scheme cannot accept or a serializer cannot emit (control characters, a `:` in a Basic user-id…).
    public static func invalidValue(_ message: String) -> Self { Self(.invalidValue, offset: nil, message) }
    /// Bytes that do not decode (bad base64, invalid UTF-8 where UTF-8 was announced).
    public static func encoding(_ message: String) -> Self { Self(.encoding, offset: nil, message) }
    /// A Digest challenge or response that lacks what RFC 7616 requires.
    public static func digest(_ message: String) -> Self { Self(.digest, offset: nil, message) }

    /// The same error with its offset moved by `delta` bytes (when the parsed value sat inside a longer text).
    public func shifted(by delta: Int) -> HTTPAuthError {
        HTTPAuthError(kind, offset: offset.map { $0 + delta }, message)
    }

    /// Whether two errors are of the same kind, whatever their offset and message.
    public func isSameKind(as other: HTTPAuthError) -> Bool { kind == other.kind }

    public var description: String {
        if let offset { return "at byte \(offset): \(message)" }
        return message
    }
}
