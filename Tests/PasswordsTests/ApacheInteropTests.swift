import Foundation
import Testing
@testable import Passwords

/// Interop both ways with Apache's `htpasswd` (apache2-utils, installed by scripts/test): every format it writes
/// verifies here, and every format written here verifies with it. Wrong passwords fail both ways.
@Suite struct ApacheInteropTests {
    static let apacheFlags: [(String, PasswordFormat)] = [
        ("-B", .bcrypt), ("-m", .apr1), ("-s", .sha1), ("-d", .desCrypt), ("-2", .sha256Crypt), ("-5", .sha512Crypt),
    ]

    static func htpasswd(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: 0..<apacheFlags.count)
    func apacheHashesVerifyHere(index: Int) throws {
        let (flag, format) = Self.apacheFlags[index]
        let line = try Self.htpasswd(["-nb", flag, "alice", "s3cret pass"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let file = try HtpasswdFile(contents: line)
        let hash = try #require(file.hash(for: "alice"), "\(flag): \(line)")
        #expect(hash.format == format, "\(flag) detected as \(hash.format)")
        #expect(hash.verify(format == .desCrypt ? "s3cret p" : "s3cret pass"), "\(flag): right password refused")
        #expect(!hash.verify("wrong"), "\(flag): wrong password accepted")
    }

    @Test(arguments: [PasswordFormat.bcrypt, .apr1, .sha1, .desCrypt, .sha256Crypt, .sha512Crypt, .md5Crypt])
    func ourHashesVerifyWithApache(format: PasswordFormat) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("users").path
        var file = HtpasswdFile()
        try file.set("alice", hash: PasswordHash.make("s3cret", format: format, cost: format == .bcrypt ? 4 : nil))
        try file.write(to: path)
        #expect(try Self.htpasswd(["-vb", path, "alice", "s3cret"]).status == 0, "\(format): Apache refused the right password")
        #expect(try Self.htpasswd(["-vb", path, "alice", "wrong"]).status == 3, "\(format): Apache accepted a wrong password")
    }

    @Test func bcryptCostAndRounds() throws {
        #expect(try PasswordHash.make("x", format: .bcrypt, cost: 6).stored.hasPrefix("$2y$06$"))
        #expect(throws: PasswordsError.self) { try PasswordHash.make("x", format: .bcrypt, cost: 3) }
        let rounds = try PasswordHash.make("x", format: .sha512Crypt, rounds: 1000)
        #expect(rounds.stored.hasPrefix("$6$rounds=1000$") && rounds.verify("x"))
    }

    @Test func nginxFormats() throws {
        let ssha = try PasswordHash.make("pw", format: .ssha)
        #expect(ssha.stored.hasPrefix("{SSHA}") && ssha.verify("pw") && !ssha.verify("px"))
        #expect(PasswordHash("{PLAIN}pw").verify("pw") && !PasswordHash("{PLAIN}pw").verify("p"))
        #expect(PasswordHash("$2b$04$" + String(try PasswordHash.make("pw", format: .bcrypt, cost: 4).stored.dropFirst(7))).verify("pw"), "$2b$")
        let yescrypt = try PasswordHash.make("pw", format: .yescrypt)
        #expect(yescrypt.stored.hasPrefix("$y$") && yescrypt.verify("pw"))
    }

    /// The APR1 test vector that Apache's own `apr_md5_encode` produces for "password" with salt "salt1234".
    @Test func apr1KnownVector() throws {
        let apache = try Self.htpasswd(["-nbm", "u", "password"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let stored = String(apache.dropFirst(2))
        let salt = String(stored.split(separator: "$")[1])
        #expect(APR1.hash(password: "password", salt: salt) == stored)
    }
}
