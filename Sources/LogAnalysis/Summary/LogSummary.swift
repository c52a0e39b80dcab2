import Foundation

/// Requests and refusals in one minute.
public struct TimelineBucket: Sendable, Hashable {
    public var requests = 0
    public var unauthorized = 0
    public var forbidden = 0
    public var proxyAuthentication = 0
    /// Failures named by error logs in that minute (they carry no status).
    public var errorLogFailures = 0
}

/// Failed logins from one client address, for brute force and credential stuffing.
public struct ClientFailures: Sendable, Hashable {
    public var failures = 0
    /// The user names tried (at most ``ClientFailures/userLimit`` kept).
    public var users: Set<String> = []
    /// The minutes of the first and last failure seen (nil when the lines had no time).
    public var firstMinute: Int?
    public var lastMinute: Int?
    static let userLimit = 200

    mutating func add(user: String?, minute: Int?) {
        failures += 1
        if let user, users.count < Self.userLimit { users.insert(user) }
        see(minute)
    }

    mutating func merge(_ other: ClientFailures) {
        failures += other.failures
        for user in other.users where users.count < Self.userLimit { users.insert(user) }
        see(other.firstMinute)
        see(other.lastMinute)
    }

    private mutating func see(_ minute: Int?) {
        guard let minute else { return }
        firstMinute = min(firstMinute ?? minute, minute)
        lastMinute = max(lastMinute ?? minute, minute)
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
    public var timeline: [Int: TimelineBucket] = [:]
    /// 401, 403 and 407 responses by client, user, path and user agent.
    public var clients = TopCounter()
    public var users = TopCounter()
    public var paths = TopCounter()
    public var userAgents = TopCounter()
    /// Refused credentials (401 with a user, or an error-log failure) by client address.
    public var failuresByClient: [String: ClientFailures] = [:]
    static let clientLimit = 50_000
    /// Reasons for refusals, by cause id (error logs, the gateway's access log).
    public var reasons = TopCounter(capacity: 1000)
    /// Lines of error logs about authentication.
    public var errorLogLines = 0
    public var files: [FileReport] = []

    public init() {}

    var firstMinute: Int? { timeline.keys.min() }
    var lastMinute: Int? { timeline.keys.max() }

    public mutating func merge(_ other: LogSummary) {
        lines += other.lines
        requests += other.requests
        unreadable += other.unreadable
        problems = Array((problems + other.problems).prefix(Self.problemLimit))
        for index in statuses.indices { statuses[index] += other.statuses[index] }
        challenges += other.challenges
        refusedCredentials += other.refusedCredentials
        for (minute, bucket) in other.timeline { timeline[minute, default: TimelineBucket()].add(bucket) }
        clients.merge(other.clients)
        users.merge(other.users)
        paths.merge(other.paths)
        userAgents.merge(other.userAgents)
        for (client, failures) in other.failuresByClient { failuresByClient[client, default: ClientFailures()].merge(failures) }
        reasons.merge(other.reasons)
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

    mutating func addFailure(client: String, user: String?, minute: Int?) {
        if failuresByClient[client] == nil, failuresByClient.count >= Self.clientLimit { return }
        failuresByClient[client, default: ClientFailures()].add(user: user, minute: minute)
    }
}

extension TimelineBucket {
    mutating func add(_ other: TimelineBucket) {
        requests += other.requests
        unauthorized += other.unauthorized
        forbidden += other.forbidden
        proxyAuthentication += other.proxyAuthentication
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
