import ArgumentParser
import Foundation
import Gateway
import Store
import Tokens

/// `gatehouse apikey create | list | revoke`: API keys stored hashed in the gateway's store.
struct APIKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Create, list and revoke the gateway's API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it (once: only its hash is stored).")

        @Option(help: "The user the key acts as.")
        var user: String
        @Option(help: "A label for people.")
        var name: String?
        @Option(help: "A scope the key grants (repeat for several).")
        var scope: [String] = []
        @Option(help: "Lifetime, such as 30d or 12h (default: no expiry).")
        var expires: String?
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let lifetime = try expires.map(Self.duration)
            let key = APIKeyToken.generate()
            let now = Date()
            let record = APIKeyRecord(
                id: key.id, name: name ?? user, user: user, secretHash: key.secretHash, scopes: scope, created: now,
                expires: lifetime.map { now.addingTimeInterval($0) })
            try await storeOptions.open().insertAPIKey(record)
            print(key.text)
            Terminal.error("gatehouse: key \(key.id) for \(user) created; it is shown only now. Send it in the X-API-Key header (or as Bearer).")
        }

        static func duration(_ text: String) throws -> TimeInterval {
            // A unit is required here (a bare number is ambiguous for a key's lifetime), and so is a positive value.
            guard text.last?.isLetter == true, let seconds = DurationText.seconds(text), seconds > 0 else {
                throw ValidationError("--expires takes a duration such as 30d, 12h or 15m")
            }
            return seconds
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never their secrets).")
        @OptionGroup var storeOptions: StoreOptions
        @Flag(help: "Print JSON lines.")
        var json = false

        func run() async throws {
            let now = Date()
            for key in try await storeOptions.open().apiKeys() {
                let status = key.revoked != nil ? "revoked" : (key.expires.map { $0 <= now } ?? false) ? "expired" : "active"
                if json {
                    print(OrderedJSON.object([
                        ("id", .string(key.id)), ("name", .string(key.name)), ("user", .string(key.user)),
                        ("scopes", .array(key.scopes.map(OrderedJSON.string))), ("created", .string(TimeDescription.utc(key.created))),
                        ("expires", .string(key.expires.map(TimeDescription.utc))), ("status", .string(status)),
                    ]).text)
                } else {
                    let expiry = key.expires.map { "expires \(TimeDescription.utc($0))" } ?? "no expiry"
                    print("\(key.id)  \(status)  user \(key.user)  '\(key.name)'  scopes [\(key.scopes.joined(separator: " "))]  \(expiry)")
                }
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key by its id (the part after ghk_); the gateway refuses it within two seconds.")
        @Argument(help: "The key id, or the whole key.")
        var id: String
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let keyID = APIKeyToken(id)?.id ?? id
            guard try await storeOptions.open().revokeAPIKey(id: keyID, at: Date()) else {
                Terminal.error("gatehouse apikey revoke: no active key with id '\(keyID)'")
                throw ExitCode(1)
            }
            Terminal.error("gatehouse: key \(keyID) revoked")
        }
    }
}
