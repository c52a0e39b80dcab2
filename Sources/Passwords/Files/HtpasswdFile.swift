import Foundation

/// An Apache `htpasswd` file: one `user:hash` per line, as Apache's `htpasswd` writes it and Apache's
/// `mod_authn_file` and nginx's `auth_basic_user_file` read it.
///
/// Comment lines (`#`) and blank lines are kept in place, so that rewriting a file changes only the line of the
/// user changed. A line with no `:` is malformed, as Apache's `htpasswd` says ("does not appear to be a valid
/// htpasswd file"). When a user appears twice the first line wins, as in Apache and nginx.
public struct HtpasswdFile: Hashable, Sendable {
    private enum Line: Hashable, Sendable {
        case entry(user: String, hash: PasswordHash)
        case other(String)
    }

    private var lines: [Line] {
        didSet { index = Self.index(of: lines) }
    }
    /// Each user's hash (the first line wins) and the hash most users' look like, kept with the lines so that a
    /// lookup costs the same for every user name, known or not, whatever the size of the file.
    private var index: Index

    private struct Index: Hashable, Sendable {
        var hashes: [String: PasswordHash] = [:]
        var typicalHash: PasswordHash?
    }

    /// An empty file.
    public init() {
        self.lines = []
        self.index = Index()
    }

    /// Parses the text of a file; `path` only names it in errors.
    /// - Throws: ``PasswordsError`` for a line without `:`, naming the line.
    public init(contents: String, path: String? = nil) throws {
        var lines: [Line] = []
        for (number, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                lines.append(.other(String(line)))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw PasswordsError.malformedLine(number + 1, path: path, "expected 'user:hash', found no ':'")
            }
            var hash = line[line.index(after: colon)...]
            if let extra = hash.firstIndex(of: ":") { hash = hash[..<extra] }
            lines.append(.entry(user: String(line[..<colon]), hash: PasswordHash(String(hash))))
        }
        if case .other("")? = lines.last { lines.removeLast() }
        self.lines = lines
        self.index = Self.index(of: lines)
    }

    /// Reads and parses the file at `path`.
    /// - Throws: ``PasswordsError`` when it cannot be read or has a malformed line.
    public init(path: String) throws {
        try self.init(contents: try readTextFile(path), path: path)
    }

    /// The users, in file order, each once.
    public var users: [String] {
        var seen = Set<String>()
        return entries.map(\.user).filter { seen.insert($0).inserted }
    }

    /// Every `user:hash` entry in file order.
    public var entries: [(user: String, hash: PasswordHash)] {
        lines.compactMap { line in
            if case .entry(let user, let hash) = line { return (user, hash) }
            return nil
        }
    }

    /// The hash stored for `user` (the first line naming them).
    public func hash(for user: String) -> PasswordHash? {
        index.hashes[user]
    }

    /// The hash an unknown user is checked against the like of (``PasswordVerifier/typicalHash(among:)``), worked out
    /// once per version of the file rather than per request.
    public var typicalHash: PasswordHash? { index.typicalHash }

    private static func index(of lines: [Line]) -> Index {
        var index = Index()
        for case .entry(let user, let hash) in lines where index.hashes[user] == nil {
            index.hashes[user] = hash
        }
        index.typicalHash = PasswordVerifier.typicalHash(among: lines.compactMap { if case .entry(_, let hash) = $0 { hash } else { nil } })
        return index
    }

    /// Sets `user`'s hash, replacing their line in place or appending one. Returns whether the user existed.
    /// - Throws: ``PasswordsError`` for a user name with `:` or a line break.
    @discardableResult
    public mutating func set(_ user: String, hash: PasswordHash) throws -> Bool {
        try Self.validate(user: user)
        if let index = lines.firstIndex(where: { if case .entry(user, _) = $0 { true } else { false } }) {
            lines[index] = .entry(user: user, hash: hash)
            return true
        }
        lines.append(.entry(user: user, hash: hash))
        return false
    }

    /// Removes every line of `user`. Returns whether there was one.
    @discardableResult
    public mutating func remove(_ user: String) -> Bool {
        let before = lines.count
        lines.removeAll { if case .entry(user, _) = $0 { true } else { false } }
        return lines.count != before
    }

    /// The file's text, one line per entry or kept line, each ending in a newline.
    public var contents: String {
        lines.map { line in
            switch line {
            case .entry(let user, let hash): "\(user):\(hash.stored)\n"
            case .other(let text): text + "\n"
            }
        }.joined()
    }

    /// Writes the file atomically (a temporary file renamed over it), keeping its permissions when it exists.
    /// - Throws: ``PasswordsError`` when it cannot be written.
    public func write(to path: String) throws {
        try writeTextFileAtomically(contents, to: path)
    }

    static func validate(user: String) throws {
        guard !user.isEmpty, !user.contains(":"), !user.contains(where: \.isNewline) else {
            throw PasswordsError.invalidInput("a user name cannot be empty or contain ':' or a line break")
        }
    }
}
