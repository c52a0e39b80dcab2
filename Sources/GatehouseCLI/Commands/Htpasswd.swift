import ArgumentParser
import Foundation
import Passwords

/// `gatehouse htpasswd`: a drop-in for Apache's `htpasswd`, same flags, messages and exit statuses.
struct Htpasswd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage Apache htpasswd files (a drop-in for Apache's htpasswd).",
        discussion: HtpasswdOptions.usage,
        helpNames: [.long]
    )

    @Argument(parsing: .allUnrecognized, help: "Apache htpasswd's flags and arguments.")
    var arguments: [String] = []

    func run() async throws {
        let options: HtpasswdOptions
        do {
            options = try HtpasswdOptions(arguments: arguments)
        } catch let failure as HtpasswdOptions.Failure {
            Terminal.error(failure.message.map { "htpasswd: " + $0 } ?? HtpasswdOptions.usage)
            throw ExitCode(failure.exit.rawValue)
        }
        do {
            try await HtpasswdRun(options: options).run()
        } catch let failure as HtpasswdOptions.Failure {
            if let message = failure.message { Terminal.error(message) }
            throw ExitCode(failure.exit.rawValue)
        }
    }
}

/// One `htpasswd` invocation, carried out.
private struct HtpasswdRun {
    let options: HtpasswdOptions

    func run() async throws {
        switch options.mode {
        case .display:
            let hash = try makeHash(try readPassword(confirm: true))
            print("\(options.user):\(hash.stored)\n")
        case .create:
            var file = HtpasswdFile()
            try file.set(options.user, hash: try makeHash(try readPassword(confirm: true)))
            try write(file, creating: true)
            Terminal.error("Adding password for user \(options.user)")
        case .update:
            var file = try load()
            let hash = try makeHash(try readPassword(confirm: true))
            let existed = try file.set(options.user, hash: hash)
            try write(file, creating: false)
            Terminal.error("\(existed ? "Updating" : "Adding") password for user \(options.user)")
        case .delete:
            var file = try load()
            if file.remove(options.user) {
                try write(file, creating: false)
                Terminal.error("Deleting password for user \(options.user)")
            } else {
                Terminal.error("User \(options.user) not found")
            }
        case .verify:
            let file = try load()
            guard let hash = file.hash(for: options.user) else {
                throw HtpasswdOptions.Failure(exit: .badUser, message: "User \(options.user) not found")
            }
            let password = try readPassword(confirm: false)
            guard await PasswordVerifier().check(password, against: hash) else {
                throw HtpasswdOptions.Failure(exit: .passwordMismatch, message: "password verification failed")
            }
            Terminal.error("Password for user \(options.user) correct.")
        }
    }

    private func makeHash(_ password: String) throws -> PasswordHash {
        if (options.cost != nil || options.rounds != nil) && ![.bcrypt, .sha256Crypt, .sha512Crypt].contains(options.format) {
            Terminal.error("Warning: Ignoring -C/-r argument for this algorithm.")
        }
        switch options.format {
        case .desCrypt where password.utf8.count > 8:
            Terminal.error("Warning: Password truncated to 8 characters by CRYPT algorithm.")
        case .plainUntagged:
            Terminal.error("Warning: storing passwords as plain text might just not work on this platform.")
        default:
            break
        }
        do {
            return try PasswordHash.make(password, format: options.format, cost: options.cost, rounds: options.rounds)
        } catch {
            let what = options.format == .bcrypt ? "Unable to encode with bcrypt: Invalid argument" : "\(error)"
            throw HtpasswdOptions.Failure(exit: .passwordMismatch, message: "htpasswd: \(what)")
        }
    }

    private func readPassword(confirm: Bool) throws -> String {
        if let password = options.password { return password }
        if options.passwordFromStdin {
            guard let line = readLine(strippingNewline: true) else {
                throw HtpasswdOptions.Failure(exit: .passwordMismatch, message: "htpasswd: password verification error")
            }
            return line
        }
        let first = Terminal.askSecret(confirm ? "New password: " : "Enter password: ") ?? ""
        if confirm, (Terminal.askSecret("Re-type new password: ") ?? "") != first {
            throw HtpasswdOptions.Failure(exit: .passwordMismatch, message: "htpasswd: password verification error")
        }
        return first
    }

    private func load() throws -> HtpasswdFile {
        guard let path = options.file else { return HtpasswdFile() }
        guard FileManager.default.fileExists(atPath: path) else {
            throw HtpasswdOptions.Failure(exit: .fileAccess, message: "htpasswd: cannot modify file \(path); use '-c' to create it")
        }
        guard FileManager.default.isReadableFile(atPath: path), options.mode == .verify || FileManager.default.isWritableFile(atPath: path) else {
            throw HtpasswdOptions.Failure(exit: .fileAccess, message: "htpasswd: cannot open file \(path) for \(options.mode == .verify ? "read" : "read/write") access")
        }
        do {
            return try HtpasswdFile(path: path)
        } catch let error as PasswordsError where error.isMalformedLine {
            throw HtpasswdOptions.Failure(exit: .invalidFile, message: "htpasswd: The file \(path) does not appear to be a valid htpasswd file.")
        } catch {
            throw HtpasswdOptions.Failure(exit: .fileAccess, message: "htpasswd: cannot open file \(path) for read/write access")
        }
    }

    private func write(_ file: HtpasswdFile, creating: Bool) throws {
        guard let path = options.file else { return }
        do {
            try file.write(to: path)
        } catch {
            let message = creating ? "htpasswd: cannot create file \(path)" : "htpasswd: cannot update file \(path)"
            throw HtpasswdOptions.Failure(exit: .fileAccess, message: message)
        }
    }
}
