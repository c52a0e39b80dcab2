import Foundation

/// Requests and refusals in one minute.
public struct TimelineBucket: Sendable, Hashable {
    public var requests = 0
    public var unauthorized = 0
    public var forbidden = 0
    public var proxyAuthentication = 0
    /// Of the 401s, NTLM's middle legs (IIS 401.1 with `SEC_E_NO_CREDENTIALS`): part of a login, not a refusal.
    public var handshakeLegs = 0
    /// Failures named by error logs in that minute (they carry no status).
    public var errorLogFailures = 0
}

/// How many times something happened, and the minutes of the first and last time (nil when the lines had no time).
/// The minutes are held without optionals (24 bytes, not 40): the tables of clients hold tens of thousands of these.
public struct MinuteSpan: Sendable, Hashable {
    public private(set) var count = 0
    /// `Int.max` and `Int.min` until a time is seen.
    private var first = Int.max
    private var last = Int.min

    public init() {}

    public var firstMinute: Int? { first == .max ? nil : first }
    public var lastMinute: Int? { last == .min ? nil : last }

    /// The minutes from the first to the last time, both counted; 0 without times.
    public var minutes: Int {
        guard let firstMinute, let lastMinute else { return 0 }
        return lastMinute - firstMinute + 1
    }

    mutating func add(minute: Int?) {
        count += 1
        guard let minute else { return }
        first = min(first, minute)
        last = max(last, minute)
    }

    mutating func merge(_ other: MinuteSpan) {
        count += other.count
        first = min(first, other.first)
        last = max(last, other.last)
    }
}

/// Failed logins from one client address, for brute force, credential stuffing and stale saved credentials.
public struct ClientFailures: Sendable, Hashable {
    /// All refused credentials of this client, and when.
    public var all = MinuteSpan()
    /// The refused credentials per user name tried (at most ``ClientFailures/userLimit`` names kept).
    public var users: [String: MinuteSpan] = [:]
    static let userLimit = 200

    public var failures: Int { all.count }

    mutating func add(user: String?, minute: Int?) {
        all.add(minute: minute)
        if let user { users.update(user, limit: Self.userLimit, from: MinuteSpan()) { $0.add(minute: minute) } }
    }

    mutating func merge(_ other: ClientFailures) {
        all.merge(other.all)
        users.merge(bounded: other.users, limit: Self.userLimit) { $0.merge($1) }
    }
}

/// Accepted logins of one user (a 2xx or 3xx answer to a request that names the user), by client address: the
/// evidence that a password works, for `stale-client-credentials`.
public struct UserSuccesses: Sendable, Hashable {
    /// At most ``UserSuccesses/clientLimit`` clients kept.
    public var clients: [String: MinuteSpan] = [:]
    static let clientLimit = 8

    mutating func add(client: String, minute: Int?) {
        clients.update(client, limit: Self.clientLimit, from: MinuteSpan()) { $0.add(minute: minute) }
    }

    mutating func merge(_ other: UserSuccesses) {
        clients.merge(bounded: other.clients, limit: Self.clientLimit) { $0.merge($1) }
    }
}

/// A line or stretch of input that could not be read, with where it is.
public struct LogProblem: Sendable, Hashable {
    public var path: String
    public var offset: Int
    public var message: String
}

/// What a set of logs says about authentication: status counts, refusals over time, who and what was refused,
/// and the reasons error logs give. Partial summaries of ranges, files and cores merge into one, in any order.
public struct LogSummary: Sendable {
    public var lines = 0
    /// Access-log lines read (requests).
    public var requests = 0
    /// Lines no known format could read.
    public var unreadable = 0
    /// The first problems met (at most ``problemLimit``), with their offsets.
    public var problems: [LogProblem] = []
    static let problemLimit = 50
    /// Requests by status code (index = status, 0...599).
    public var statuses = [Int](repeating: 0, count: 600)
    /// 401s to requests that sent no credential (the user field is `-`): the challenge that starts a login.
    public var challenges = 0
    /// 401s to requests that sent a credential: refused logins.
    public var refusedCredentials = 0
    /// NTLM's middle legs (IIS 401.1 with `SEC_E_NO_CREDENTIALS`): part of a login, neither a challenge nor a refusal.
    public var handshakeLegs = 0
    /// 401s that IIS's sub-status tells are neither a login's leg nor a refused credential: an ACL, a filter, the
    /// application, an IP restriction.
    public var otherUnauthorized = 0
    /// IIS refusals by status, sub-status and Win32 code (at most ``subStatusLimit`` kinds).
    public var subStatuses: [IISStatus: Int] = [:]
    static let subStatusLimit = 1000
    /// The challenges and NTLM legs each client got in IIS logs (at most ``clientLimit`` clients), to find the clients
    /// that are challenged and never log in.
    public var challengesByClient: [String: ClientChallenges] = [:]
    public var timeline: [Int: TimelineBucket] = [:]
    /// 401, 403 and 407 responses by client, user, path and user agent.
    public var clients = TopCounter()
    public var users = TopCounter()
    public var paths = TopCounter()
    public var userAgents = TopCounter()
    /// Refused credentials seen in access logs (401 with a user) by client address.
    public var failuresByClient: [String: ClientFailures] = [:]
    /// Failed logins seen in error logs, by client address: the same failures an access log of the same server
    /// shows, so the two are never added (see ``refusalsByClient``).
    public var errorLogFailuresByClient: [String: ClientFailures] = [:]
    static let clientLimit = 50_000
    /// Accepted logins by user name (at most ``LogSummary/userLimit`` users).
    public var successesByUser: [String: UserSuccesses] = [:]
    static let userLimit = 50_000
    /// Reasons for refusals, by cause id (error logs, the gateway's access log).
    public var reasons = TopCounter(capacity: 1000)
    /// Lines of error logs about authentication.
    public var errorLogLines = 0
    public var files: [FileReport] = []

    public init() {}

    var firstMinute: Int? { timeline.keys.min() }
    var lastMinute: Int? { timeline.keys.max() }

    /// Adds the counts of a summary the caller keeps (``absorb(_:)`` of a copy).
    public mutating func merge(_ other: LogSummary) {
        var other = other
        absorb(&other)
    }

    /// Adds `other`'s counts, taking over its tables rather than copying them (`other` is left spent): the parts of a
    /// large log each hold up to ``clientLimit`` clients, and copying the larger table before changing it cost the
    /// merge, which no other core shares, as much again.
    public mutating func absorb(_ other: inout LogSummary) {
        lines += other.lines
        requests += other.requests
        unreadable += other.unreadable
        problems = Array((problems + other.problems).prefix(Self.problemLimit))
        for index in statuses.indices { statuses[index] += other.statuses[index] }
        challenges += other.challenges
        refusedCredentials += other.refusedCredentials
        handshakeLegs += other.handshakeLegs
        otherUnauthorized += other.otherUnauthorized
        subStatuses.absorb(bounded: &other.subStatuses, limit: Self.subStatusLimit, +=)
        challengesByClient.absorb(bounded: &other.challengesByClient, limit: Self.clientLimit) { $0.merge($1) }
        timeline.absorb(bounded: &other.timeline) { $0.add($1) }
        clients.absorb(&other.clients)
        users.absorb(&other.users)
        paths.absorb(&other.paths)
        userAgents.absorb(&other.userAgents)
        failuresByClient.absorb(bounded: &other.failuresByClient) { $0.merge($1) }
        errorLogFailuresByClient.absorb(bounded: &other.errorLogFailuresByClient) { $0.merge($1) }
        successesByUser.absorb(bounded: &other.successesByUser, limit: Self.userLimit) { $0.merge($1) }
        reasons.absorb(&other.reasons)
        errorLogLines += other.errorLogLines
        files += other.files
    }

    mutating func note(_ error: any Error, path: String, offset: Int) {
        if case .corrupt(_, let at, let reason) = error as? LogError {
            note(LogProblem(path: path, offset: at, message: reason))
        } else if case .unreadable(_, let reason) = error as? LogError {
            note(LogProblem(path: path, offset: offset, message: "cannot read: \(reason)"))
        } else {
            note(LogProblem(path: path, offset: offset, message: "\(error)"))
        }
    }

    mutating func note(_ problem: LogProblem) {
        unreadable += 1
        if problems.count < Self.problemLimit { problems.append(problem) }
    }

    mutating func addFailure(client: String, user: String?, minute: Int?, fromErrorLog: Bool = false) {
        if fromErrorLog {
            errorLogFailuresByClient.update(client, limit: Self.clientLimit, from: ClientFailures()) { $0.add(user: user, minute: minute) }
        } else {
            failuresByClient.update(client, limit: Self.clientLimit, from: ClientFailures()) { $0.add(user: user, minute: minute) }
        }
    }

    /// Refused credentials by client, each client's from the log that shows more of them: an access log and an error
    /// log of one server record the same failure twice, so they are not added.
    public var refusalsByClient: [String: ClientFailures] {
        failuresByClient.merging(errorLogFailuresByClient) { access, error in error.failures > access.failures ? error : access }
    }

    mutating func addSubStatus(_ status: IISStatus, count: Int = 1) {
        subStatuses.update(status, limit: Self.subStatusLimit, from: 0) { $0 += count }
    }

    mutating func addChallenge(client: String, minute: Int?, leg: Bool) {
        challengesByClient.update(client, limit: Self.clientLimit, from: ClientChallenges()) { challenges in
            if leg {
                challenges.legs.add(minute: minute)
            } else {
                challenges.challenges.add(minute: minute)
            }
        }
    }

    mutating func addSuccess(user: String, client: String, minute: Int?) {
        successesByUser.update(user, limit: Self.userLimit, from: UserSuccesses()) { $0.add(client: client, minute: minute) }
    }
}

extension TimelineBucket {
    mutating func add(_ other: TimelineBucket) {
        requests += other.requests
        unauthorized += other.unauthorized
        forbidden += other.forbidden
        proxyAuthentication += other.proxyAuthentication
        handshakeLegs += other.handshakeLegs
        errorLogFailures += other.errorLogFailures
    }
}

/// One input file: its format as detected (nil when none was recognised or it could not be read), and its size.
public struct FileReport: Sendable, Hashable {
    public var path: String
    public var format: LogFormat?
    public var bytes: Int
    public var compressed: Bool
}
