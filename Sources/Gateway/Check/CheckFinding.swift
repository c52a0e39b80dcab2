/// One thing `gatehouse serve --check` found: an error stops the gateway from starting (the check exits 1), a warning
/// is a set-up that starts but refuses or exposes what it should not.
public struct CheckFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public let severity: Severity
    /// What it is about: a file, a route, a listener.
    public let subject: String
    public let message: String

    public static func error(_ subject: String, _ message: String) -> CheckFinding {
        CheckFinding(severity: .error, subject: subject, message: message)
    }

    public static func warning(_ subject: String, _ message: String) -> CheckFinding {
        CheckFinding(severity: .warning, subject: subject, message: message)
    }

    public var description: String { "\(severity.rawValue): \(subject): \(message)" }
}
