import Foundation
import UTCTime

/// What `gatehouse logs` reports, worked out from a ``LogSummary``: counts and shares of 401, 403 and 407, the
/// timeline in at most ``maximumPoints`` buckets, the onset, the top refused clients, users, paths and agents, the
/// reasons error logs give, the attacks, and clients with stale saved credentials. Renderers (terminal, JSON, HTML) only lay it out.
public struct LogReport: Sendable {
    public struct Point: Sendable, Hashable {
        /// The bucket's first minute since 1970 (UTC).
        public var minute: Int
        public var counts: TimelineBucket
    }

    public var summary: LogSummary
    public var bucketMinutes: Int
    public var points: [Point]
    public var onset: Onset?
    public var attacks: [Attack]
    public var staleCredentials: [StaleCredential]
    /// Clients challenged that never logged in, most challenged first (at most ``topLimit``).
    public var unanswered: [UnansweredChallenge]
    /// IIS refusals by status, sub-status and Win32 code, most frequent first.
    public var subStatuses: [(status: IISStatus, count: Int)]
    static let maximumPoints = 120
    public static let topLimit = 10

    /// Works the report out; the clients challenged and never let in are sought on another core while the attacks and
    /// stale credentials are (each goes through tens of thousands of clients in a large log).
    public init(_ summary: LogSummary) async {
        self.summary = summary
        async let unanswered = UnansweredChallenge.find(in: summary, limit: Self.topLimit)
        onset = Onset.find(in: summary.timeline)
        let refusals = summary.refusalsByClient
        attacks = Attack.find(in: refusals)
        staleCredentials = StaleCredential.find(in: refusals, successes: summary.successesByUser, attacks: attacks)
        self.unanswered = await unanswered
        subStatuses = summary.subStatuses.map { (status: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.status < $1.status }
        guard let first = summary.firstMinute, let last = summary.lastMinute else {
            bucketMinutes = 1
            points = []
            return
        }
        let span = last - first + 1
        let size = [1, 5, 15, 60, 180, 360, 1440, 10080].first { span / $0 < Self.maximumPoints } ?? 43200
        var buckets: [Int: TimelineBucket] = [:]
        for (minute, counts) in summary.timeline {
            buckets[(minute - first) / size, default: TimelineBucket()].add(counts)
        }
        bucketMinutes = size
        points = (0...((last - first) / size)).map { index in
            Point(minute: first + index * size, counts: buckets[index] ?? TimelineBucket())
        }
    }

    public func count(_ status: Int) -> Int { summary.statuses[status] }

    /// The share of all requests, 0...1.
    public func share(_ status: Int) -> Double {
        summary.requests == 0 ? 0 : Double(summary.statuses[status]) / Double(summary.requests)
    }

    /// Minutes since 1970 as `2026-11-24T05:23Z` (calendar arithmetic: a formatter made per time cost a report of a
    /// 1 GiB log 17 ms).
    public static func time(_ minute: Int) -> String {
        let time = UTCCalendar.fields(minute * 60)
        let two = { UTCCalendar.padded($0) }
        return UTCCalendar.padded(time.year, width: 4) + "-\(two(time.month))-\(two(time.day))T\(two(time.hour)):\(two(time.minute))Z"
    }

    /// What an error-log reason means, in the words of `CAUSES.md`.
    public static func meaning(of reason: String) -> String {
        switch reason {
        case "password-mismatch": "wrong password for a known user (credentials-rejected)"
        case "unknown-user": "a user name the password file does not have (credentials-rejected)"
        case "scheme-mismatch": "the client used another scheme than the server asks for"
        case "forbidden-sent-as-401": "authenticated, but a Require rule refused the user; answered 401"
        case "denied-by-server-configuration": "refused by the configuration (Require ip/host, deny)"
        case "password-file-error": "the server could not read its password file or verify its hash"
        case "config-error": "the authentication configuration is broken (e.g. AuthType without AuthName)"
        case "digest-realm-mismatch": "Digest response computed for another realm"
        case "digest-uri-mismatch": "Digest uri differs from the request (a rewriting proxy)"
        case "digest-stale-nonce": "Digest nonce expired; the client should retry with the new one"
        case "digest-invalid-nonce": "Digest nonce not issued by this server, or altered"
        case "no-credentials-sent": "a request without credentials: the first challenge"
        default: reason
        }
    }
}
