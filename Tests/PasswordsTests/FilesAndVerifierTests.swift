import Foundation
import HTTPAuth
import Testing
@testable import Passwords

@Suite struct FilesAndVerifierTests {
    @Test func htpasswdKeepsCommentsAndOrder() throws {
        var file = try HtpasswdFile(contents: "# users\nalice:{SHA}x\n\nbob:{SHA}y\n")
        #expect(file.users == ["alice", "bob"])
        try file.set("alice", hash: PasswordHash("{SHA}z"))
        try file.set("carol", hash: PasswordHash("{SHA}w"))
        file.remove("bob")
        #expect(file.contents == "# users\nalice:{SHA}z\n\ncarol:{SHA}w\n")
        #expect(throws: PasswordsError.self) { try file.set("a:b", hash: PasswordHash("x")) }
    }

    /// A file the gateway reads through its group (root:gatehouse 0640, as the package makes it) keeps its group and
    /// mode when an operator adds a user, as Apache's htpasswd (which rewrites in place) leaves it; a new file gets
    /// the umask's mode, as `htpasswd -c` makes it, so that nginx's workers can read it.
    @Test func rewritingKeepsOwnerGroupAndMode() throws {
        let folder = NSTemporaryDirectory() + "gatehouse-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/users.htpasswd"
        var file = HtpasswdFile()
        try file.set("alice", hash: PasswordHash("{SHA}x"))
        try file.write(to: path)
        func attributes() throws -> (mode: Int, group: Int) {
            let values = try FileManager.default.attributesOfItem(atPath: path)
            return ((values[.posixPermissions] as? NSNumber)?.intValue ?? -1, (values[.groupOwnerAccountID] as? NSNumber)?.intValue ?? -1)
        }
        let mask = Int(umask(0o022))
        umask(mode_t(mask))
        #expect(try attributes().mode == 0o666 & ~mask)
        // Another group than the process's: root may give any; anyone else one of their supplementary groups.
        let groups = (0..<Int(getgroups(0, nil))).isEmpty ? [] : { () -> [gid_t] in
            var list = [gid_t](repeating: 0, count: Int(getgroups(0, nil)))
            return Array(list[0..<Int(getgroups(Int32(list.count), &list))])
        }()
        let other = getuid() == 0 ? 1 : try #require(groups.first { $0 != getgid() }, "needs root or a supplementary group to test the group")
        try FileManager.default.setAttributes([.groupOwnerAccountID: NSNumber(value: other), .posixPermissions: NSNumber(value: 0o640)], ofItemAtPath: path)
        try file.set("bob", hash: PasswordHash("{SHA}y"))
        try file.write(to: path)
        let after = try attributes()
        #expect(after.mode == 0o640 && after.group == Int(other))
        #expect(try HtpasswdFile(path: path).users == ["alice", "bob"])
    }

    @Test func malformedLineNamesTheLine() {
        do {
            _ = try HtpasswdFile(contents: "alice:x\nno colon here\n", path: "users")
            Issue.record("parsed")
        } catch let error as PasswordsError {
            #expect(error.line == 2 && error.description.hasPrefix("users:2"))
        } catch { Issue.record("\(error)") }
    }

    @Test func htdigestReadsApacheAndKeepsMD5First() async throws {
        let apacheLine = "alice:feas:" + DigestComputation.userSecret(username: "alice", realm: "feas", password: "s3cret", hash: .md5)
        var file = try HtdigestFile(contents: apacheLine + "\n")
        #expect(file.verify(user: "alice", realm: "feas", password: "s3cret") == true)
        #expect(file.verify(user: "alice", realm: "feas", password: "nope") == false)
        try file.set("bob", realm: "feas", password: "pw")
        let lines = file.contents.split(separator: "\n")
        #expect(lines.count == 4 && lines[1].split(separator: ":").count == 3 && lines[2].hasPrefix("bob:feas:SHA-256:"))
        #expect(await file.userSecret(username: "bob", realm: "feas", hash: .sha512_256) != nil)
        #expect(throws: PasswordsError.self) { try HtdigestFile(contents: "alice:feas:nothex\n") }
    }

    @Test func verifierCachesSuccessAndSeesChanges() async throws {
        var file = HtpasswdFile()
        try file.set("alice", hash: PasswordHash.make("one", format: .bcrypt, cost: 4))
        let verifier = PasswordVerifier()
        #expect(await verifier.verify(user: "alice", password: "one", in: file) == .valid)
        #expect(await verifier.verify(user: "alice", password: "one", in: file) == .valid)
        #expect(await verifier.verify(user: "alice", password: "two", in: file) == .passwordMismatch)
        #expect(await verifier.verify(user: "nobody", password: "one", in: file) == .unknownUser)
        try file.set("alice", hash: PasswordHash.make("two", format: .bcrypt, cost: 4))
        #expect(await verifier.verify(user: "alice", password: "one", in: file) == .passwordMismatch, "a changed password must miss the cache")
        #expect(await verifier.verify(user: "alice", password: "two", in: file) == .valid)
    }

    @Test func decoyHasTheSameFormatAndCost() throws {
        let reference = try PasswordHash.make("x", format: .bcrypt, cost: 6)
        let decoy = reference.decoy()
        #expect(decoy.bcryptCost == 6 && decoy.stored != reference.stored && !decoy.verify("x"))
        let sha = try PasswordHash.make("x", format: .sha512Crypt, rounds: 2000)
        #expect(sha.decoy().stored.hasPrefix("$6$rounds=2000$"))
    }

    /// An unknown user must cost what most users cost: in a file mixing `$apr1$` and bcrypt, the decoy follows the
    /// majority, and on a tie the slower format (an unknown name never looks cheaper than a bcrypt user).
    @Test func decoyFollowsTheMostCommonFormatThenTheSlowest() throws {
        var file = HtpasswdFile()
        try file.set("a", hash: PasswordHash.make("x", format: .apr1))
        try file.set("b", hash: PasswordHash.make("x", format: .bcrypt, cost: 5))
        #expect(file.typicalHash?.format == .bcrypt)
        try file.set("c", hash: PasswordHash.make("x", format: .apr1))
        #expect(file.typicalHash?.format == .apr1)
        try file.set("d", hash: PasswordHash.make("x", format: .bcrypt, cost: 4))
        try file.set("e", hash: PasswordHash.make("x", format: .bcrypt, cost: 4))
        #expect(file.typicalHash?.bcryptCost == 4, "two at cost 4 beat one at cost 5")
    }
}
