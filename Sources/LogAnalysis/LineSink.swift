import Foundation

/// Reads lines of one format into a ``LogSummary``. One sink per file range; ranges read on different cores are
/// merged afterwards. Only 401, 403 and 407 lines, error-log failures and accepted logins (a user on a 2xx or 3xx)
/// turn fields into strings.
struct LineSink {
    let format: LogFormat
    let path: String
    var summary = LogSummary()
    private var clock = MinuteClock()
    private var bucketMinute: Int?
    private var bucket = TimelineBucket()
    private var subStatuses = SubStatusTally()

    let custom: CustomLogFormat?
    /// The layout of W3C lines: the last `#Fields:` directive read, or the one the file's range starts under.
    private(set) var w3cFields: W3CFields
    /// Whether this range read a `#Fields:` directive: the ranges after it may have started under the wrong layout.
    private(set) var readW3CDirective = false
    /// Lines before this minute (or without a time) are read but not counted (`--since`).
    let since: Int?

    init(format: LogFormat, path: String, custom: CustomLogFormat? = nil, since: Int? = nil, w3cFields: W3CFields = .iisDefault) {
        self.format = format
        self.w3cFields = w3cFields
        self.path = path
        self.custom = custom
        self.since = since
    }

    /// Whether this sink's lines are best given with their spaces (``LineAssembler``'s `notingSpaces`): W3C lines,
    /// whose fields are found by them.
    var readsSpaces: Bool { format == .w3c }

    /// Reads one line found at `offset`; `spaces`, when the assembler noted them, spare a W3C line its own search.
    mutating func consume(_ line: UnsafeRawBufferPointer, at offset: Int, spaces: LineSpaces? = nil) {
        summary.lines += 1
        if line.isEmpty { return }
        switch format {
        case .combined:
            guard let parsed = CombinedLine.parse(line, clock: &clock) else { return unreadable(line, offset) }
            guard admits(parsed.minute) else { return }
            count(status: parsed.status, minute: parsed.minute)
            if AccessFields.isRefusal(parsed.status) {
                refusal(
                    status: parsed.status, minute: parsed.minute, client: line.text(parsed.client), user: parsed.user.map { line.text($0) },
                    path: parsed.path(in: line).map { line.text($0) }, userAgent: parsed.userAgent(in: line).map { line.text($0) }, reason: nil,
                    kind: parsed.user == nil ? .challenge : .refusedCredential)
            } else if isLogin(parsed.status), let user = parsed.user {
                summary.addSuccess(user: line.text(user), client: line.text(parsed.client), minute: parsed.minute)
            }
        case .custom:
            guard let fields = custom?.parse(line, clock: &clock) else { return unreadable(line, offset) }
            access(fields, line)
        case .w3c:
            if line.first == 0x23 {
                if let fields = W3CFields(directive: line) {
                    w3cFields = fields
                    readW3CDirective = true
                }
                return
            }
            var fields = AccessFields()
            guard w3cFields.parse(line, spaces: spaces, into: &fields, clock: &clock) else { return unreadable(line, offset) }
            access(fields, line)
        case .json:
            guard let parsed = JSONLogLine.parse(line) else { return unreadable(line, offset) }
            guard admits(parsed.minute) else { return }
            count(status: parsed.status, minute: parsed.minute)
            if AccessFields.isRefusal(parsed.status) {
                refusal(
                    status: parsed.status, minute: parsed.minute, client: parsed.client ?? "-", user: parsed.user, path: parsed.path, userAgent: parsed.userAgent,
                    reason: parsed.reason, kind: parsed.user == nil && !parsed.sentCredential ? .challenge : .refusedCredential)
            } else if isLogin(parsed.status), let user = parsed.user {
                summary.addSuccess(user: user, client: parsed.client ?? "-", minute: parsed.minute)
            }
        case .apacheError, .nginxError:
            let text = String(decoding: line, as: UTF8.self)
            guard let parsed = format == .apacheError ? ErrorLogLine.apache(text) : ErrorLogLine.nginx(text), admits(parsed.minute) else { return }
            summary.errorLogLines += 1
            summary.reasons.add(parsed.reason)
            if ErrorLogLine.failedLogin.contains(parsed.reason) {
                if let minute = parsed.minute { summary.timeline[minute, default: TimelineBucket()].errorLogFailures += 1 }
                if let client = parsed.client { summary.addFailure(client: client, user: parsed.user, minute: parsed.minute, fromErrorLog: true) }
            }
        }
    }

    /// Flushes the minute being counted and the sub-statuses; call once at the end.
    mutating func finish() -> LogSummary {
        flushBucket()
        subStatuses.flush(into: &summary)
        // W3C logs write the user agent's spaces as `+`: counted as written, each distinct one is decoded once here.
        if format == .w3c { summary.userAgents.rename { $0.replacingPlusWithSpace() } }
        return summary
    }

    @inline(__always) private func admits(_ minute: Int?) -> Bool {
        guard let since else { return true }
        return minute.map { $0 >= since } ?? false
    }

    /// A request that named a user and was answered 2xx or 3xx: the credential was accepted.
    @inline(__always) private func isLogin(_ status: Int) -> Bool { status >= 200 && status < 400 }

    private mutating func count(status: Int, minute: Int?) {
        summary.requests += 1
        summary.statuses[min(max(status, 0), 599)] += 1
        guard let minute else { return }
        if minute != bucketMinute {
            flushBucket()
            bucketMinute = minute
        }
        bucket.requests += 1
        switch status {
        case 401: bucket.unauthorized += 1
        case 403: bucket.forbidden += 1
        case 407: bucket.proxyAuthentication += 1
        default: break
        }
    }

    private mutating func flushBucket() {
        guard let minute = bucketMinute else { return }
        summary.timeline[minute, default: TimelineBucket()].add(bucket)
        bucket = TimelineBucket()
        bucketMinute = nil
    }

    /// A line of a layout read by fields (a custom layout, W3C): IIS's sub-status says what a 401 was.
    private mutating func access(_ fields: borrowing AccessFields, _ line: UnsafeRawBufferPointer) {
        guard admits(fields.minute) else { return }
        count(status: fields.status, minute: fields.minute)
        // Strings are made only for the lines a report keeps: refusals and logins.
        func client() -> String { fields.client.isEmpty ? "-" : line.text(fields.client) }
        if AccessFields.isRefusal(fields.status) {
            let user = fields.user.map { line.text($0) }
            var kind: IISStatus.Role = user == nil ? .challenge : .refusedCredential
            if let subStatus = fields.subStatus {
                let status = IISStatus(status: fields.status, subStatus: subStatus, win32Status: fields.win32Status ?? 0)
                subStatuses.add(status, to: &summary)
                kind = status.role ?? kind
            }
            refusal(
                status: fields.status, minute: fields.minute, client: client(), user: user, path: fields.path.map { line.text($0) },
                userAgent: fields.userAgent.map { line.text($0) }, reason: nil, kind: kind)
        } else if isLogin(fields.status), let user = fields.user {
            summary.addSuccess(user: line.text(user), client: client(), minute: fields.minute)
        }
    }

    /// `kind`: what a 401 was to its login (other refusals are only counted): the first challenge, NTLM's middle leg,
    /// or a refused credential; IIS's sub-status also tells refusals of a known user and IP restrictions, which are not
    /// failed logins.
    private mutating func refusal(
        status: Int, minute: Int?, client: String, user: String?, path: String?, userAgent: String?, reason: String?, kind: IISStatus.Role
    ) {
        summary.clients.add(client)
        if let user { summary.users.add(user) }
        if let path { summary.paths.add(path) }
        if let userAgent { summary.userAgents.add(userAgent) }
        if let reason { summary.reasons.add(reason) }
        guard status == 401 else { return }
        switch kind {
        case .challenge:
            summary.challenges += 1
            // Only IIS logs the user of every login it accepts (Windows, Basic): elsewhere a token's or a cookie's
            // login shows no user, and a client would look challenged and never let in.
            if format == .w3c { summary.addChallenge(client: client, minute: minute, leg: false) }
        case .handshakeLeg:
            summary.handshakeLegs += 1
            // ``count(status:minute:)`` has just opened this line's minute.
            if minute != nil { bucket.handshakeLegs += 1 }
            summary.addChallenge(client: client, minute: minute, leg: true)
        case .refusedCredential:
            summary.refusedCredentials += 1
            summary.addFailure(client: client, user: user, minute: minute)
        case .denied, .rateLimited, .blocked:
            summary.otherUnauthorized += 1
        }
    }

    private mutating func unreadable(_ line: UnsafeRawBufferPointer, _ offset: Int) {
        let preview = String(decoding: line.prefix(60), as: UTF8.self).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        summary.note(LogProblem(path: path, offset: offset, message: "not a \(format.rawValue) line: \(preview)\(line.count > 60 ? "…" : "")"))
    }
}
