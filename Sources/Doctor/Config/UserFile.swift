import Foundation
import Passwords

/// A server's user file, read once, as its scheme reads it: an htpasswd file for Basic, an htdigest file and the
/// section's realm for Digest. The configuration audits and the server model ask it who is there and whether a login
/// works, so both decide a login the same way.
struct UserFile {
    private enum Contents {
        case basic(HtpasswdFile)
        case digest(HtdigestFile, realm: String)
    }

    private let contents: Contents

    /// The file at `path`, read for Digest in `digestRealm` when one is given, else for Basic; nil when it cannot
    /// be read or parsed.
    init?(path: String, digestRealm: String?) {
        if let realm = digestRealm {
            guard let file = try? HtdigestFile(path: path) else { return nil }
            contents = .digest(file, realm: realm)
        } else {
            guard let file = try? HtpasswdFile(path: path) else { return nil }
            contents = .basic(file)
        }
    }

    /// Every user name in the file (for Digest, in any realm).
    var users: Set<String> {
        switch contents {
        case .basic(let file): Set(file.users)
        case .digest(let file, _): Set(file.entries.map(\.user))
        }
    }

    /// Whether the server lets `user` in: present (for Digest, in the realm) and, when a password is given, matching.
    func accepts(_ user: String, password: String?) -> Bool {
        switch contents {
        case .basic(let file):
            return file.hash(for: user).map { hash in password.map(hash.verify) ?? true } ?? false
        case .digest(let file, let realm):
            guard let password else { return file.entries.contains { $0.user == user && $0.realm == realm } }
            return file.verify(user: user, realm: realm, password: password) ?? false
        }
    }
}
