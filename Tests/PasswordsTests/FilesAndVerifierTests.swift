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
