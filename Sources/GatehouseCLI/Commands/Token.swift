import ArgumentParser
import Foundation
import Tokens

/// `gatehouse token`: decodes a JWT and checks it, saying which check failed.
struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decode a JWT and check its signature and claims.",
        discussion: """
            Shows the header and claims, times in UTC and relative to now, and a verdict per check: format,
            algorithm, key (kid), signature, exp, nbf, iat, aud, iss. Without --jwks or --secret the signature is
            not checked but the claims are. Exit 0 when every check that ran passed, 1 when one failed, 2 when the
            token cannot be read.

            Examples:
              gatehouse token eyJhbGciOi…
              gatehouse token --jwks jwks.json --audience api --issuer https://idp.example eyJhbGciOi…
              gatehouse token --json --secret-file hs256.key --leeway 30 eyJhbGciOi…
            """
    )

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: "A JWKS file with the keys the token may be signed with.")
    var jwks: String?

    @Option(name: .long, help: "The HMAC secret (HS256/384/512). Prefer --secret-file: arguments are visible to other users.")
    var secret: String?

    @Option(name: .long, help: "A file holding the HMAC secret (one trailing newline is ignored).")
    var secretFile: String?

    @Option(name: .long, help: "The audience the API expects in 'aud'.")
    var audience: String?

    @Option(name: .long, help: "The issuer the API trusts in 'iss'.")
    var issuer: String?

    @Option(name: .long, help: "Clock skew tolerated on exp, nbf and iat, in seconds.")
    var leeway: Double = 0

    @Option(name: .long, help: "An algorithm to accept (repeatable); default: those the keys accept.")
    var algorithm: [String] = []

    @Argument(help: "The JWT (a leading 'Bearer ' is taken off).")
    var token: String

    func validate() throws {
        if [jwks, secret, secretFile].compactMap({ $0 }).count > 1 {
            throw ValidationError("give one of --jwks, --secret, --secret-file")
        }
    }

    func run() async throws {
        let keys: TokenKeys?
        do {
            keys = try await loadKeys()
        } catch {
            Terminal.error("gatehouse token: \(error)")
            throw ExitCode(2)
        }
        let policy = TokenPolicy(algorithms: algorithm.isEmpty ? nil : Set(algorithm), audience: audience, issuer: issuer, leeway: leeway)
        var input = token
        if input.lowercased().hasPrefix("bearer ") { input = String(input.dropFirst(7)) }
        let now = Date()
        let verification = await TokenVerifier(keys: keys, policy: policy).verify(input, now: now)
        let report = TokenReport(verification: verification, now: now)
        print(json ? report.json.text : report.text)
        if verification.token == nil { throw ExitCode(2) }
        if !verification.isValid { throw ExitCode(1) }
    }

    private func loadKeys() async throws -> TokenKeys? {
        if let jwks { return try await TokenKeys.jwks(path: jwks) }
        if let secret { return .secret(secret) }
        if let secretFile {
            guard let data = FileManager.default.contents(atPath: secretFile) else {
                throw TokenError.keys("cannot read the secret file \(secretFile)")
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\n") { text.removeLast() }
            return .secret(text)
        }
        return nil
    }
}
