import ArgumentParser
import Foundation
import LogAnalysis

/// `gatehouse logs FILES…`: what access and error logs say about authentication.
struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Count and explain the 401, 403 and 407 responses in access and error logs.",
        discussion: """
            Reads Apache and nginx access logs (common, combined), JSON-lines logs (the gateway's own included), Apache \
            and nginx error logs, plain or gzip, several files merged. Streams them in parallel with bounded memory. \
            Reports counts and shares, a timeline and the onset of a rise, first-challenge 401s apart from refused \
            credentials, the top clients, users, paths and user agents, the reasons error logs give, brute force \
            or credential stuffing, and clients that keep sending a saved password that no longer works \
            (stale-client-credentials). A line that cannot be read is reported with its byte offset; the rest is analysed.
            """)

    @Argument(help: "Log files (plain or .gz), or folders of them (their *.log, rotated and gzipped ones included).")
    var files: [String]
    @Option(help: "Read every file in this format instead of detecting it: \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String?
    @Option(name: .customLong("log-format"), help: ArgumentHelp("Read every file with this layout: an Apache LogFormat string ('%h %l %u %t \\\"%r\\\" %>s %b') or an nginx log_format string ('$remote_addr - $remote_user [$time_local] \\\"$request\\\" $status …').", valueName: "layout"))
    var logFormat: String?
    @Flag(help: "Print JSON.")
    var json = false
    @Option(help: "Also write a self-contained HTML report (SVG charts, no external assets) to this file.")
    var html: String?
    @Flag(help: "Instead of the report, keep reading what is appended (as tail -F) and alert when the 401 rate jumps.")
    var follow = false
    @Option(help: ArgumentHelp(
        "Count only lines at or after this time: a duration back from now (30m, 2h, 7d), today, yesterday, a date or local time (2026-11-24, '2026-11-24 05:00'), or ISO 8601 with a zone (2026-11-24T05:00:00Z). Lines without a time are then left out.",
        valueName: "time"))
    var since: String?

    func run() async throws {
        if follow {
            if since != nil {
                Terminal.error("gatehouse logs: --since counts the lines already written; --follow reads only what is appended")
                throw ExitCode(2)
            }
            try await Self.follow(files: files, format: format, layout: logFormat)
        } else {
            try await Self.report(files: files, format: format, layout: logFormat, since: try Self.sinceMinute(since), json: json, html: html)
        }
    }

    /// Polls every second; prints a line for each jump of the 401 rate (the last 5 s against the minute before:
    /// at least 10 and three times as many), naming the client most refused in it. Runs until interrupted.
    static func follow(files: [String], format: String?, layout: String?) async throws {
        let (forced, custom) = try readers(format: format, layout: layout)
        var follower = LogFollower(paths: files, format: forced, custom: custom)
        var recent: [LogSummary] = []
        var alerting = false
        // Written unbuffered: a pipe reader (a monitor, a test) sees each line at once.
        func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
        emit("following \(files.joined(separator: ", ")); an alert when 401s jump (Ctrl-C to stop)")
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            recent.append(follower.poll())
            if recent.count > LogFollower.window { recent.removeFirst() }
            if let jump = follower.alert() {
                if !alerting {
                    var window = LogSummary()
                    for part in recent { window.merge(part) }
                    let client = window.clients.top(1).first.map { ", most from \(Terminal.printable($0.key)) (\($0.count))" } ?? ""
                    let time = ISO8601DateFormatter().string(from: Date())
                    emit("\(time) alert: \(jump.recent) 401s in the last \(LogFollower.window) s, usually \(String(format: "%.1f", jump.usual))\(client)")
                }
                alerting = true
            } else {
                alerting = false
            }
        }
    }

    /// The format forced with --format and the layout given with --log-format, checked together.
    static func readers(format: String?, layout: String?) throws -> (LogFormat?, CustomLogFormat?) {
        let forced = try forcedFormat(format)
        let custom = try customLayout(layout)
        if forced == .custom, custom == nil {
            Terminal.error("gatehouse logs: --format custom needs the layout, given with --log-format")
            throw ExitCode(2)
        }
        return (forced, custom)
    }

    static func customLayout(_ layout: String?) throws -> CustomLogFormat? {
        guard let layout else { return nil }
        guard let custom = CustomLogFormat(layout) else {
            Terminal.error("gatehouse logs: the layout names no status field (%>s or $status), so nothing could be counted")
            throw ExitCode(2)
        }
        return custom
    }

    static func sinceMinute(_ text: String?) throws -> Int? {
        guard let text else { return nil }
        guard let minute = SinceTime.parse(text) else {
            Terminal.error("gatehouse logs: --since '\(text)' is not a time (30m, 2h, 7d, today, yesterday, 2026-11-24, '2026-11-24 05:00', 2026-11-24T05:00:00Z)")
            throw ExitCode(2)
        }
        return minute
    }

    static func forcedFormat(_ format: String?) throws -> LogFormat? {
        guard let format else { return nil }
        guard let known = LogFormat(rawValue: format) else {
            Terminal.error("gatehouse logs: unknown format '\(format)' (expected \(LogFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            throw ExitCode(2)
        }
        return known
    }

    /// Prints the report of `files`, and writes its HTML page when asked.
    static func report(files: [String], format: String?, layout: String? = nil, since: Int? = nil, json: Bool, html: String?) async throws {
        let report = try await analyze(files: files, format: format, layout: layout, since: since)
        if let html {
            do {
                try LogsHTML.page(report).write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                Terminal.error("gatehouse logs: cannot write \(html): \(error.localizedDescription)")
                throw ExitCode(2)
            }
        }
        print(json ? LogsReport.json(report) : LogsReport.text(report), terminator: json ? "\n" : "")
        try checkReadable(report, since: since)
    }

    /// Reads `files` (shared with `gatehouse doctor LOGFILE…`), with a progress bar on a terminal.
    static func analyze(files: [String], format: String?, layout: String? = nil, since: Int? = nil) async throws -> LogReport {
        let (forced, custom) = try readers(format: format, layout: layout)
        let files = LogPaths.expand(files)
        let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
        let progress = ProgressBar(total: sizes.reduce(0, +))
        var advance: (@Sendable (Int) -> Void)?
        if let progress { advance = { progress.advance($0) } }
        let summary = await LogAnalyzer(format: forced, custom: custom, since: since).analyze(paths: files, progress: advance)
        progress?.finish()
        return await LogReport(summary)
    }

    /// Exit status 2 when nothing could be read; with --since, readable logs may simply have nothing that recent.
    static func checkReadable(_ report: LogReport, since: Int?) throws {
        let summary = report.summary
        if summary.requests == 0 && summary.errorLogLines == 0 && (since == nil || summary.files.allSatisfy { $0.format == nil }) { throw ExitCode(2) }
    }
}
