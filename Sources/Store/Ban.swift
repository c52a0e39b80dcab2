import Foundation

/// A ban on a client address (`ip:192.0.2.1`) or a user (`user:alice`) until a time.
public struct Ban: Hashable, Sendable, Codable {
    /// `ip:ADDRESS` or `user:NAME`.
    public var key: String
    public var since: Date
    public var until: Date
    /// Why, in words: "5 failures in 15m".
    public var reason: String

    public init(key: String, since: Date, until: Date, reason: String) {
        self.key = key
        self.since = since
        self.until = until
        self.reason = reason
    }
}
