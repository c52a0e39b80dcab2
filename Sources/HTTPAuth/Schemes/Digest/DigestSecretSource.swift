/// Where a Digest server finds the stored secret H(username:realm:password) for a user.
///
/// # Implementation requirements
/// Return `nil` for a user you do not know; never compute from a stored plain password if you can avoid it.
/// ``username(forUserhash:realm:hash:)`` maps a `userhash` back to the name; the default finds none.
public protocol DigestSecretSource: Sendable {
    /// H(username:realm:password) with `hash`, as lower-case hex, or `nil` when the user has no such entry.
    func userSecret(username: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String?
    /// The user whose H(username:realm) is `userhash`, or `nil`.
    func username(forUserhash userhash: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String?
}

extension DigestSecretSource {
    public func username(forUserhash userhash: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String? { nil }
}

/// A ``DigestSecretSource`` over known passwords, for tests and for a client checking what a server would compute.
public struct DigestPasswordTable: DigestSecretSource {
    private let passwords: [String: String]

    public init(_ passwords: [String: String]) {
        self.passwords = passwords
    }

    public func userSecret(username: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String? {
        passwords[username].map { DigestComputation.userSecret(username: username, realm: realm, password: $0, hash: hash) }
    }

    public func username(forUserhash userhash: String, realm: String, hash: DigestAlgorithm.HashFunction) async -> String? {
        passwords.keys.first { DigestComputation.userhash(username: $0, realm: realm, hash: hash) == userhash.lowercased() }
    }
}
