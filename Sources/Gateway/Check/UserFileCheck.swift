import Passwords

/// What in a route's user and group files makes logins fail or exposes passwords, found before the first request:
/// an empty file, Digest users of another realm (htdigest writes the realm into each hash), hashes this machine's
/// crypt(3) cannot verify, passwords in clear text or cut to eight characters (DES), and required users or groups that
/// are in no file. Files that do not parse are left to the route build, which names the line.
struct UserFileCheck {
    let config: GatewayConfig

    func findings() -> [CheckFinding] {
        config.routes.filter { !$0.isPublic }.flatMap(route)
    }

    private func route(_ route: GatewayConfig.Route) -> [CheckFinding] {
        let realm = route.realm ?? config.realm
        var findings: [CheckFinding] = []
        var known: Set<String> = []
        let needsPasswords = route.schemes.contains(.basic) || route.schemes.contains(.session)
        if needsPasswords, let path = route.users, let file = try? HtpasswdFile(path: path) {
            known.formUnion(file.users)
            findings += hashes(file, path: path)
        }
        if route.schemes.contains(.digest), let path = route.digestUsers, let file = try? HtdigestFile(path: path) {
            let inRealm = file.entries.filter { $0.realm == realm }
            known.formUnion(inRealm.map(\.user))
            let others = Set(file.entries.map(\.realm)).subtracting([realm]).sorted()
            if !file.entries.isEmpty, inRealm.isEmpty {
                findings.append(.warning(path, "no user is in the realm \"\(realm)\" of route \(route.path) (the file has \(others.map { "\"\($0)\"" }.joined(separator: ", "))): "
                    + "every Digest login fails, since htdigest hashes the realm with the password; run gatehouse htdigest \(path) \"\(realm)\" USER or set the route's realm"))
            }
        }
        // Users whose password a scheme checks: API keys and tokens name users the files need not hold.
        let filesOnly = !route.schemes.contains(.bearer) && !route.schemes.contains(.apiKey)
        if filesOnly, (route.users != nil || route.digestUsers != nil) {
            if known.isEmpty {
                findings.append(.warning(route.path, "the route's user files hold no user it can check: every login is refused"))
            } else {
                let missing = route.require.users.filter { !known.contains($0) }
                if !missing.isEmpty {
                    findings.append(.warning(route.path, "require users \(missing.joined(separator: ", ")): not in the route's user files, they can never pass"))
                }
            }
        }
        if !route.require.groups.isEmpty, let path = route.groups, let groups = try? GroupFile(path: path) {
            let missing = route.require.groups.filter { groups.members[$0]?.isEmpty ?? true }
            if !missing.isEmpty {
                findings.append(.warning(path, "require groups \(missing.joined(separator: ", ")) of route \(route.path): no member in the group file, nobody passes as one of them"))
            }
        }
        return findings
    }

    private func hashes(_ file: HtpasswdFile, path: String) -> [CheckFinding] {
        var findings: [CheckFinding] = []
        let entries = file.entries
        let clear = entries.filter { $0.hash.format == .plainTagged || $0.hash.format == .plainUntagged }.map(\.user)
        if !clear.isEmpty {
            findings.append(.warning(path, "passwords stored in clear text for \(Self.names(clear)): hash them (gatehouse htpasswd -B \(path) USER)"))
        }
        let des = entries.filter { $0.hash.format == .desCrypt }.map(\.user)
        if !des.isEmpty {
            findings.append(.warning(path, "DES crypt hashes for \(Self.names(des)) check only the first 8 characters of a password: re-hash with -B"))
        }
        // Whether crypt(3) knows a format is asked of one hash per format (a yescrypt hash costs tens of milliseconds,
        // and the unit runs this check at every start); only a format it refuses is looked at hash by hash.
        let crypt: [PasswordFormat] = [.md5Crypt, .sha256Crypt, .sha512Crypt, .yescrypt]
        let unverifiable = crypt.flatMap { format -> [String] in
            let hashes = entries.filter { $0.hash.format == format }
            guard let first = hashes.first, SystemCrypt.crypt(password: "probe", setting: first.hash.stored) == nil else { return [] }
            return hashes.filter { SystemCrypt.crypt(password: "probe", setting: $0.hash.stored) == nil }.map(\.user)
        }
        if !unverifiable.isEmpty {
            findings.append(.warning(path, "this machine's crypt(3) cannot verify the hashes of \(Self.names(unverifiable)): their logins always fail"))
        }
        return findings
    }

    private static func names(_ users: [String]) -> String {
        users.count <= 5 ? users.joined(separator: ", ") : users.prefix(5).joined(separator: ", ") + " and \(users.count - 5) more"
    }
}
