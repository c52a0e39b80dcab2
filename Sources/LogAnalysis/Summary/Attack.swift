/// Failed logins that look deliberate, from the refused credentials per client address:
/// - `brute-force`: one address, at least ``bruteForceFailures`` refused credentials, at a failure a minute or more
///   over its failing span, against fewer than ``stuffingUsers`` users;
/// - `credential-stuffing`: one address trying at least ``stuffingUsers`` different users (lists of leaked
///   credentials), whatever the count per user.
/// The brute-force threshold is fail2ban's default jail (`maxretry = 5` within `findtime = 10m`): five refusals at a
/// failure a minute or faster; slower failures are a forgotten or stale password (``StaleCredential``).
public struct Attack: Sendable, Hashable {
    public var id: String
    public var client: String
    public var failures: Int
    /// The users tried, at most 10 shown.
    public var users: [String]
    public var distinctUsers: Int

    static let bruteForceFailures = 5
    /// A failure a minute on average over the client's failing span: slower is a forgotten password, not a tool.
    static let bruteForcePerMinute = 1
    static let stuffingUsers = 10

    public static func find(in failures: [String: ClientFailures]) -> [Attack] {
        var attacks: [Attack] = []
        // The users are sorted only for the clients that are attacks (a large log has tens of thousands of others).
        for (client, record) in failures {
            if record.users.count >= stuffingUsers {
                attacks.append(Attack(
                    id: "credential-stuffing", client: client, failures: record.failures, users: Array(record.users.keys.sorted().prefix(10)),
                    distinctUsers: record.users.count))
            } else if record.failures >= bruteForceFailures, record.failures >= record.all.minutes * bruteForcePerMinute {
                attacks.append(Attack(id: "brute-force", client: client, failures: record.failures, users: record.users.keys.sorted(), distinctUsers: record.users.count))
            }
        }
        return attacks.sorted { $0.failures != $1.failures ? $0.failures > $1.failures : $0.client < $1.client }
    }
}
