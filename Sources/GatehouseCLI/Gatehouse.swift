import ArgumentParser

/// The `gatehouse` command: one binary for serving, diagnosing and handling HTTP 401.
@main
struct Gatehouse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse",
        abstract: "Make HTTP 401 Unauthorized correct, explainable and fixable.",
        discussion: """
            Exit status: 0 fine; 1 a problem found (a check or verification failed); 2 input that cannot be read or \
            parsed; 64 usage.
            """,
        version: BuildInfo.description,
        subcommands: [Serve.self, Explain.self, DoctorCommand.self, Logs.self, APIKey.self, Header.self, Htpasswd.self, Htdigest.self, Token.self]
    )
}
