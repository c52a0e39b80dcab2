import HTTPAuth

/// An Apache `htdigest` file, `user:realm:H(user:realm:password)` per line, extended for RFC 7616's stronger hashes.
///
/// Apache's lines hold the MD5 hex of `user:realm:password`. SHA-256 and SHA-512-256 need their own secrets, so
/// Gatehouse writes them as `user:realm:SHA-256:hex` and `user:realm:SHA-512-256:hex`, always *after* the user's
/// MD5 line: Apache takes the first line that matches user and realm, so it keeps reading the MD5 line and never
/// sees the others. A user who has only an MD5 line is offered MD5 alone. Comments and blank lines are kept.
/// https://httpd.apache.org/docs/2.4/programs/htdigest.html
public struct HtdigestFile: Hashable, Sendable, DigestSecretSource {
    /// One secret: a user in a realm, for one hash function.
    public struct Entry: Hashable, Sendable {
        public var user: String
        public var realm: String
        public var hashFunction: DigestAlgorithm.HashFunction
        /// H(user:realm:password), lower-case hex.
        public var secret: String
    }

    private enum Line: Hashable, Sendable {
        case entry(Entry)
        case other(String)
    }

    private var lines: [Line] = [] {
        didSet { index = Self.index(of: lines) }
    }
    /// Each secret by user, realm and hash (the first line wins, as in Apache), and which hashes the users of each
    /// realm have: a lookup costs the same for every user name, known or not, whatever the size of the file.
    private var index = Index()

    private struct Key: Hashable, Sendable {
        var user: String
        var realm: String
        var hashFunction: DigestAlgorithm.HashFunction
    }

    private struct Index: Hashable, Sendable {
        var secrets: [Key: String] = [:]
        /// Per realm: the hashes held by every user of the realm, and those held by at least one.
        var everyUserHas: [String: Set<DigestAlgorithm.HashFunction>] = [:]
        var someUserHas: [String: Set<DigestAlgorithm.HashFunction>] = [:]
    }

    public init() {}

    /// Parses the text of a file; `path` only names it in errors.
    /// - Throws: ``PasswordsError`` naming the line that is not `user:realm:hash`.
    public init(contents: String, path: String? = nil) throws {
        for (number, raw) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") {
                lines.append(.other(String(line)))
                continue
            }
            let fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let entry: Entry
            switch fields.count {
            case 3:
                entry = Entry(user: fields[0], realm: fields[1], hashFunction: .md5, secret: fields[2].lowercased())
            case 4:
                guard let function = DigestAlgorithm.HashFunction(rawValue: fields[2].uppercased()) else {
                    throw PasswordsError.malformedLine(number + 1, path: path, "unknown hash '\(fields[2])'; expected SHA-256 or SHA-512-256")
                }
                entry = Entry(user: fields[0], realm: fields[1], hashFunction: function, secret: fields[3].lowercased())
            default:
                throw PasswordsError.malformedLine(number + 1, path: path, "expected 'user:realm:hash'")
            }
            guard entry.secret.utf8.count == entry.hashFunction.hexLength, entry.secret.allSatisfy(\.isHexDigit) else {
                throw PasswordsError.malformedLine(
                    number + 1, path: path, "the \(entry.hashFunction.rawValue) hash must be \(entry.hashFunction.hexLength) hex digits")
            }
            lines.append(.entry(entry))
        }
        if case .other("")? = lines.last { lines.removeLast() }
        index = Self.index(of: lines)
    }

    private static func index(of lines: [Line]) -> Index {
        var index = Index()
        var usersByRealm: [String: [String: Set<DigestAlgorithm.HashFunction>]] = [:]
        for case .entry(let entry) in lines {
            let key = Key(user: entry.user, realm: entry.realm, hashFunction: entry.hashFunction)
            if index.secrets[key] == nil { index.secrets[key] = entry.secret }
            usersByRealm[entry.realm, default: [:]][entry.user, default: []].insert(entry.hashFunction)
        }
        for (realm, users) in usersByRealm {
            index.everyUserHas[realm] = users.values.reduce(Set(DigestAlgorithm.HashFunction.allCases)) { $0.intersection($1) }
            index.someUserHas[realm] = users.values.reduce([]) { $0.union($1) }
        }
        return index
    }

    /// The algorithms of `configured` (strongest first) that a Digest challenge for `realm` may offer: those whose
    /// hash every user of the realm has a secret for. A client takes the first algorithm it supports (curl) or the
    /// strongest (Firefox), so offering SHA-256 to a user who has only an MD5 line, as a file made by Apache's
    /// `htdigest` has, refuses that user whatever the password. When no algorithm covers every user (a file mixing
    /// users of both kinds), those some user has are offered, in the configured order.
    public func offerable(_ configured: [DigestAlgorithm], realm: String) -> [DigestAlgorithm] {
        for hashes in [index.everyUserHas[realm], index.someUserHas[realm]] {
            guard let hashes else { return configured }
            let offered = configured.filter { hashes.contains($0.hashFunction) }
            if !offered.isEmpty { return offered }
        }
        return configured
    }

    /// Reads and parses the file at `path`.
    public init(path: String) throws {
        try self.init(contents: try readTextFile(path), path: path)
    }

    public var entries: [Entry] {
        lines.compactMap { if case .entry(let entry) = $0 { entry } else { nil } }
    }

    /// Sets the secrets of `user` in `realm` from `password`, for every hash in `hashFunctions` (MD5 first).
    /// Returns whether the user already had an entry in that realm.
    @discardableResult
    public mutating func set(
        _ user: String, realm: String, password: String,
        hashFunctions: [DigestAlgorithm.HashFunction] = DigestAlgorithm.HashFunction.allCases
    ) throws -> Bool {
        try HtpasswdFile.validate(user: user)
        guard !realm.contains(":"), !realm.contains(where: \.isNewline) else {
            throw PasswordsError.invalidInput("a realm cannot contain ':' or a line break")
        }
        let existed = remove(user, realm: realm)
        let ordered = DigestAlgorithm.HashFunction.allCases.filter(hashFunctions.contains)
        for function in ordered {
            let secret = DigestComputation.userSecret(username: user, realm: realm, password: password, hash: function)
            lines.append(.entry(Entry(user: user, realm: realm, hashFunction: function, secret: secret)))
        }
        return existed
    }

    /// Removes every line of `user` in `realm`; returns whether there was one.
    @discardableResult
    public mutating func remove(_ user: String, realm: String) -> Bool {
        let before = lines.count
        lines.removeAll { if case .entry(let entry) = $0 { entry.user == user && entry.realm == realm } else { false } }
        return lines.count != before
    }

    public var contents: String {
        lines.map { line in
            switch line {
            case .other(let text):
                return text + "\n"
            case .entry(let entry) where entry.hashFunction == .md5:
                return "\(entry.user):\(entry.realm):\(entry.secret)\n"
            case .entry(let entry):
                return "\(entry.user):\(entry.realm):\(entry.hashFunction.rawValue):\(entry.secret)\n"
            }
        }.joined()
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try writeTextFileAtomically(contents, to: path)
    }

    /// Whether `password` is `user`'s in `realm`, checked against every secret the file holds for them.
    public func verify(user: String, realm: String, password: String) -> Bool? {
        let secrets = entries.filter { $0.user == user && $0.realm == realm }
        guard !secrets.isEmpty else { return nil }
        return secrets.allSatisfy { entry in
            ConstantTime.equals(DigestComputation.userSecret(username: user, realm: realm, password: password, hash: entry.hashFunction), entry.secret)
        }
    }

    // MARK: DigestSecretSource

    public func userSecret(username: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String? {
        index.secrets[Key(user: username, realm: realm, hashFunction: hash)]
    }

    public func username(forUserhash userhash: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String? {
        let wanted = userhash.lowercased()
        return entries.first { entry in
            entry.realm == realm && entry.hashFunction == hash
                && DigestComputation.userhash(username: entry.user, realm: realm, hash: hash) == wanted
        }?.user
    }
}
