import Foundation

/// Refusals over a recent period, as the dashboard shows them: per minute, by reason, and the clients, users and
/// routes refused most (401, 403 and 429).
public struct AuditStatistics: Sendable {
    public struct Minute: Sendable, Hashable {
        /// Minutes since 1970 (UTC).
        public var minute: Int
        public var requests: Int
        public var unauthorized: Int
        public var forbidden: Int
        public var limited: Int
    }

    public var minutes: [Minute] = []
    public var reasons: [(key: String, count: Int)] = []
    public var clients: [(key: String, count: Int)] = []
    public var users: [(key: String, count: Int)] = []
    public var routes: [(key: String, count: Int)] = []

    public init() {}
}
