/// A password file that cannot be read or written, or a hash that cannot be made.
///
/// One error type for the module: a struct over a private kind, carrying the file and line where one applies.
/// A wrong password is not an error; verification returns a result.
public struct PasswordsError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable { case malformedLine, io, unsupported, invalidInput }

    private let kind: Kind
    /// The file concerned, when there is one.
    public let path: String?
    /// The 1-based line number, for a malformed line.
    public let line: Int?
    public let message: String

    private init(_ kind: Kind, path: String? = nil, line: Int? = nil, _ message: String) {
        self.kind = kind
        self.path = path
        self.line = line
        self.message = message
    }

    /// A line that is not `user:hash` (or `user:realm:hash` in an htdigest file).
    public static func malformedLine(_ line: Int, path: String?, _ message: String) -> Self {
        Self(.malformedLine, path: path, line: line, message)
    }
    /// The file could not be read or written.
    public static func io(path: String, _ message: String) -> Self { Self(.io, path: path, message) }
    /// A hash format or parameter this build cannot produce.
    public static func unsupported(_ message: String) -> Self { Self(.unsupported, message) }
    /// A user name or password the file format cannot hold.
    public static func invalidInput(_ message: String) -> Self { Self(.invalidInput, message) }

    /// Whether the error is about a line of a file rather than the file as a whole.
    public var isMalformedLine: Bool { kind == .malformedLine }

    public var description: String {
        var location = path ?? ""
        if let line { location += location.isEmpty ? "line \(line)" : ":\(line)" }
        return location.isEmpty ? message : "\(location): \(message)"
    }
}
