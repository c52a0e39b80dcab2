import ArgumentParser
import HTTPAuth

extension AuthField.Kind: ExpressibleByArgument {}

/// `gatehouse header`: parses a challenge list or a credential and explains it.
struct Header: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse and explain a WWW-Authenticate, Authorization or Authentication-Info header.",
        discussion: """
            Give a whole header line or a bare value. Several values are one list, as repeated header fields are.
            A Basic credential shows its user but never its password; a JWT bearer token shows its claims; Digest
            shows its algorithm and qop; an NTLM message its type, user, domain, workstation and NTLMv1 or v2 (never
            the response), a Negotiate token the SPNEGO mechanisms and what it carries (Kerberos or NTLM). Invalid
            input exits 2 and names the byte offset.

            Examples:
              gatehouse header 'WWW-Authenticate: Digest realm="api", qop="auth", algorithm=SHA-256, nonce="abc", Basic realm="api"'
              gatehouse header --json 'Basic realm="WallyWorld"'
              gatehouse header 'Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=='
              gatehouse header --as challenge 'Negotiate abc=='
              gatehouse header 'Authorization: NTLM TlRMTVNTUAABAAAABoIIAAAAAAAAAAAAAAAAAAAAAAA='
            """
    )

    @Flag(name: .long, help: "Print JSON: {\"challenges\":[…]}, {\"credentials\":{…}} or {\"error\":{\"offset\":N,\"message\":…}}.")
    var json = false

    @Option(name: .customLong("as"), help: "Read bare values as a 'challenge' list or 'credentials' instead of guessing.")
    var kind: AuthField.Kind?

    @Argument(help: "Header lines or field values.")
    var values: [String]

    func run() throws {
        let field: AuthField
        do {
            field = try AuthField.parse(values, as: kind)
        } catch let failure as AuthFieldInputError {
            let where_ = values.count > 1 ? "value \(failure.index + 1), " : ""
            if json {
                let members: [(String, OrderedJSON)] = [
                    ("offset", failure.error.offset.map(OrderedJSON.int) ?? .null), ("message", .string(where_ + failure.error.message)),
                ]
                print(OrderedJSON.object([("error", .object(members))]).text)
            } else {
                Terminal.error("gatehouse header: \(where_)\(failure.error.offset.map { "at byte \($0): " } ?? "")\(failure.error.message)")
                if let offset = failure.error.offset, failure.index < values.count {
                    Terminal.error(ErrorPointer.render(values[failure.index], offset: offset))
                }
            }
            throw ExitCode(2)
        }
        let explanation = AuthFieldExplanation(field)
        print(json ? explanation.json.text : explanation.text)
    }
}
