/// What `gatehouse serve --check` found in a configuration: what the gateway would serve, and what is wrong with it.
public struct CheckReport: Sendable {
    /// The configuration file read.
    public let file: String
    /// The listeners, in the order the gateway opens them (`http://127.0.0.1:8080/`).
    public internal(set) var listeners: [String] = []
    /// One line per route, longest prefix first as the gateway matches them, and the gateway's own endpoints.
    public internal(set) var routes: [String] = []
    public internal(set) var findings: [CheckFinding] = []

    /// Whether the gateway would start: no finding is an error.
    public var passed: Bool { !findings.contains { $0.severity == .error } }

    init(file: String) {
        self.file = file
    }
}
