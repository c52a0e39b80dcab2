import Foundation

/// An Apache group file (`AuthGroupFile`): lines `group: user1 user2`, `#` comments. A group may span several
/// lines, as mod_authz_groupfile merges them.
public struct GroupFile: Hashable, Sendable {
    /// Group name → members.
    public private(set) var members: [String: Set<String>] = [:]

    public init(contents: String) {
        for line in contents.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty, !text.hasPrefix("#"), let colon = text.firstIndex(of: ":") else { continue }
            let group = String(text[..<colon]).trimmingCharacters(in: .whitespaces)
            let users = text[text.index(after: colon)...].split(whereSeparator: \.isWhitespace).map(String.init)
            members[group, default: []].formUnion(users)
        }
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PasswordsError.io(path: path, "cannot read the group file") }
        self.init(contents: String(decoding: data, as: UTF8.self))
    }

    /// The groups `user` belongs to.
    public func groups(of user: String) -> Set<String> {
        Set(members.filter { $0.value.contains(user) }.keys)
    }
}
