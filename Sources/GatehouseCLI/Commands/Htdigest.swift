import ArgumentParser
import Foundation
import HTTPAuth
import Passwords

/// `gatehouse htdigest`: Apache's `htdigest` (`[-c] file realm user`), which also writes the SHA-256 (and, on
/// request, SHA-512-256) lines RFC 7616 Digest needs, after the MD5 line that Apache reads.
struct Htdigest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or update htdigest files, with SHA-256 lines for RFC 7616 Digest.",
        discussion: """
            As Apache's htdigest: -c creates the file; the password is asked on the terminal, or read from standard \
            input with -i, or given with -b. Lines for MD5 (Apache reads these) and SHA-256 are written by default.
            """)

    @Flag(name: .customShort("c"), help: "Create the file (replacing it).")
    var create = false
    @Flag(name: .customShort("b"), help: "Take the password from the command line.")
    var batch = false
    @Flag(name: .customShort("i"), help: "Read the password from standard input.")
    var standardInput = false
    @Flag(name: .customShort("D"), help: "Delete the user from the realm.")
    var delete = false
    @Option(help: "Comma-separated hash functions: MD5, SHA-256, SHA-512-256.")
    var algorithms = "MD5,SHA-256"

    @Argument var file: String
    @Argument var realm: String
    @Argument var user: String
    @Argument var password: String?

    func run() throws {
        let functions = try algorithms.split(separator: ",").map { name -> DigestAlgorithm.HashFunction in
            guard let function = DigestAlgorithm.HashFunction(rawValue: name.trimmingCharacters(in: .whitespaces).uppercased()) else {
                throw ValidationError("unknown hash function '\(name)' (expected MD5, SHA-256, SHA-512-256)")
            }
            return function
        }
        var digest: HtdigestFile
        do {
            digest = create ? HtdigestFile() : try HtdigestFile(path: file)
        } catch {
            Terminal.error("htdigest: \(error)")
            throw ExitCode(1)
        }
        if delete {
            guard digest.remove(user, realm: realm) else {
                Terminal.error("htdigest: user \(user) in realm \(realm) not found")
                throw ExitCode(6)
            }
        } else {
            let secret = try readPassword()
            do {
                let existed = try digest.set(user, realm: realm, password: secret, hashFunctions: functions)
                Terminal.error(existed ? "Changing password for user \(user) in realm \(realm)" : "Adding user \(user) in realm \(realm)")
            } catch {
                Terminal.error("htdigest: \(error)")
                throw ExitCode(2)
            }
        }
        do {
            try digest.write(to: file)
        } catch {
            Terminal.error("htdigest: cannot write \(file): \(error)")
            throw ExitCode(1)
        }
    }

    private func readPassword() throws -> String {
        if batch {
            guard let password else { throw ValidationError("-b needs the password as the last argument") }
            return password
        }
        if standardInput { return readLine(strippingNewline: true) ?? "" }
        guard let first = Terminal.askSecret("New password: "), let second = Terminal.askSecret("Re-type new password: ") else {
            throw ExitCode(1)
        }
        guard first == second else {
            Terminal.error("They don't match, sorry.")
            throw ExitCode(1)
        }
        return first
    }
}
