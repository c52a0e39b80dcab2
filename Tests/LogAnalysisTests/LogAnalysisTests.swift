import Foundation
import Testing

@testable import LogAnalysis
import UTCTime

/// The log readers on lines as Apache and nginx write them, the parallel split of a file, and the change point.
@Suite struct LogAnalysisTests {
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString).log").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func combinedLineFieldsAndTime() {
        // Apache's own example line (mod_log_config documentation), with a quote escaped inside the request.
        let text = #"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=\"1\" HTTP/1.0" 401 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#
        var clock = MinuteClock()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { line in
            let parsed = CombinedLine.parse(line, clock: &clock)
            #expect(parsed?.status == 401)
            #expect(parsed.map { line.text($0.client) } == "127.0.0.1")
            #expect(parsed?.user.map { line.text($0) } == "frank")
            #expect(parsed?.path(in: line).map { line.text($0) } == "/apache_pb.gif")
            #expect(parsed?.userAgent(in: line).map { line.text($0) } == "Mozilla/4.08 [en] (Win98; I ;Nav)")
            // 13:55 at -0700 is 20:55 UTC.
            let expected = Int(DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: TimeZone(identifier: "UTC"), year: 2000, month: 10, day: 10, hour: 20, minute: 55).date!.timeIntervalSince1970) / 60
            #expect(parsed?.minute == expected)
        }
        #expect(Array("not a log line at all, really".utf8).withUnsafeBytes { CombinedLine.parse($0, clock: &clock) } == nil)
    }

    /// Apache's `vhost_combined` (`%v:%p %h %l %u …`, Debian's default for virtual hosts; sabre-io/Baikal#1204): the
    /// client is the second field, and a `-` user is no user.
    @Test func vhostCombinedReadsTheClientAfterTheVirtualHost() {
        var clock = MinuteClock()
        for (text, client, user) in [
            (#"baikal.vpn:443 10.8.0.21 - - [04/Oct/2023:11:34:50 +0200] "PROPFIND /dav.php/ HTTP/1.1" 401 2673 "-" "macOS/13.1""#, "10.8.0.21", nil),
            (#"dav.example:80 2001:db8::7 - alice [04/Oct/2023:11:34:50 +0200] "GET / HTTP/1.1" 200 5 "-" "curl""#, "2001:db8::7", "alice"),
            (#"2001:db8::7 - - [04/Oct/2023:11:34:50 +0200] "GET / HTTP/1.1" 401 5 "-" "curl""#, "2001:db8::7", nil),
        ] as [(String, String, String?)] {
            Array(text.utf8).withUnsafeBytes { line in
                let parsed = CombinedLine.parse(line, clock: &clock)
                #expect(parsed.map { line.text($0.client) } == client, "\(text)")
                #expect(parsed?.user.map { line.text($0) } == user, "\(text)")
            }
        }
    }

    /// An access log and an error log of one server show the same failures: read together, three typos stay three
    /// (fail2ban's default ban is at five), and five fast ones from one address are brute force.
    @Test func accessAndErrorLogsOfOneServerAreNotAddedUp() async {
        var summary = LogSummary()
        for minute in 0..<3 {
            summary.addFailure(client: "10.0.0.2", user: "bob", minute: 100 + minute)
            summary.addFailure(client: "10.0.0.2", user: "bob", minute: 100 + minute, fromErrorLog: true)
        }
        for second in 0..<6 { summary.addFailure(client: "10.0.0.3", user: "admin", minute: 200 + second / 4, fromErrorLog: true) }
        let attacks = await LogReport(summary).attacks
        #expect(summary.refusalsByClient["10.0.0.2"]?.failures == 3)
        #expect(attacks.map(\.client) == ["10.0.0.3"] && attacks.first?.id == "brute-force")
    }

    @Test func errorLogReasons() {
        let apache = ErrorLogLine.apache(#"[Tue Nov 24 05:23:08.123456 2026] [auth_basic:error] [pid 12:tid 34] [client 127.0.0.3:51234] AH01617: user alice: authentication failure for "/basic/": Password Mismatch"#)
        #expect(apache?.reason == "password-mismatch" && apache?.user == "alice" && apache?.client == "127.0.0.3")
        let ipv6 = ErrorLogLine.apache(#"[Tue Nov 24 05:23:08.123456 2026] [auth_basic:error] [pid 12] [client ::1:46712] AH01618: user bob not found: /basic/"#)
        #expect(ipv6?.reason == "unknown-user" && ipv6?.client == "::1" && ipv6?.user == "bob")
        let nginx = ErrorLogLine.nginx(#"2026/11/24 05:23:08 [error] 7#7: *3 user "carol" was not found in "/etc/nginx/users", client: 127.0.0.4, server: , request: "GET /basic/ HTTP/1.1", host: "127.0.0.1""#)
        #expect(nginx?.reason == "unknown-user" && nginx?.user == "carol" && nginx?.client == "127.0.0.4")
        #expect(ErrorLogLine.nginx("2026/11/24 05:23:08 [notice] 7#7: signal process started") == nil)
    }

    /// Error logs carry the server's local time without a zone: 05:23 in Berlin in November (UTC+1) is 04:23 UTC.
    @Test func errorLogTimesAreLocalTime() {
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let utc = MinuteClock.slashed("2026/11/24 05:23:08", zone: TimeZone(identifier: "UTC")!)!
        #expect(MinuteClock.slashed("2026/11/24 05:23:08", zone: berlin) == utc - 60)
        #expect(MinuteClock.apacheError("Tue Nov 24 05:23:08.123456 2026", zone: berlin) == utc - 60)
        #expect(MinuteClock.slashed("2026/07/24 05:23:08", zone: berlin) == MinuteClock.slashed("2026/07/24 05:23:08", zone: TimeZone(identifier: "UTC")!)! - 120, "summer time")
    }

    /// Traefik's JSON access log names its fields its own way (`DownstreamStatus`, `ClientHost`, `ClientUsername`).
    @Test func traefikJSONFields() {
        let line = #"{"ClientHost":"10.0.0.7","ClientUsername":"alice","DownstreamStatus":401,"RequestPath":"/api/x?y=1","StartUTC":"2026-11-24T05:23:08.123Z","request_User-Agent":"curl/8.5.0"}"#
        let parsed = Array(line.utf8).withUnsafeBytes { JSONLogLine.parse($0) }
        #expect(parsed?.status == 401 && parsed?.client == "10.0.0.7" && parsed?.user == "alice" && parsed?.path == "/api/x")
        #expect(parsed?.userAgent == "curl/8.5.0" && parsed?.minute == MinuteClock.iso8601("2026-11-24T05:23:00Z"))
    }

    @Test func sinceTakesDurationsDatesAndZones() {
        let now = Date(timeIntervalSince1970: 1_795_500_000)   // 2026-11-24T… UTC
        let minute = 1_795_500_000 / 60
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        #expect(SinceTime.parse("30m", now: now) == minute - 30 && SinceTime.parse("-2h", now: now) == minute - 120)
        #expect(SinceTime.parse("7d", now: now) == minute - 7 * 1440)
        #expect(SinceTime.parse("2026-11-24T05:00:00Z") == MinuteClock.iso8601("2026-11-24T05:00:00Z"))
        #expect(SinceTime.parse("2026-11-24T06:00:00+01:00") == MinuteClock.iso8601("2026-11-24T05:00:00Z"))
        #expect(SinceTime.parse("2026-11-24 06:00", zone: berlin) == MinuteClock.iso8601("2026-11-24T05:00:00Z"), "a local time in Berlin's winter")
        #expect(SinceTime.parse("2026-11-24", zone: berlin) == MinuteClock.iso8601("2026-11-23T23:00:00Z"))
        #expect(SinceTime.parse("yesterday", now: now, zone: TimeZone(identifier: "UTC")!) == (minute / 1440 - 1) * 1440)
        #expect(SinceTime.parse("soon") == nil && SinceTime.parse("12x") == nil && SinceTime.parse("2026/11/24") == nil)
    }

    @Test func sinceLeavesOutEarlierLines() async throws {
        var text = ""
        for minute in 0..<60 {
            text += "10.0.0.1 - alice [24/Nov/2026:05:\(String(format: "%02d", minute)):30 +0000] \"GET /a HTTP/1.1\" 401 5 \"-\" \"curl\"\n"
        }
        let path = try file(text)
        let since = MinuteClock.iso8601("2026-11-24T05:45:00Z")
        for cores in [1, 3] {
            let summary = await LogAnalyzer(cores: cores, since: since, parallelThreshold: 0).analyze(paths: [path])
            #expect(summary.statuses[401] == 15 && summary.lines == 60, "lines from 05:45 on, \(cores) ranges")
        }
    }

    /// A log of one line is detected, with or without its final newline.
    @Test func aOneLineLogIsRead() async throws {
        let line = #"127.0.0.1 - bob [24/Nov/2026:05:30:00 +0000] "GET /b HTTP/1.1" 401 3 "-" "curl/8.5.0""#
        for text in [line + "\n", line] {
            let summary = await LogAnalyzer(cores: 1).analyze(paths: [try file(text)])
            #expect(summary.files.first?.format == .combined && summary.statuses[401] == 1)
        }
    }

    /// A folder stands for the logs in it, rotated ones included, by name.
    @Test func aFolderStandsForItsLogs() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("logs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["access.log", "access.log.1", "access.log.2.gz", "error.log-20261124", "api.jsonl", "nginx.pid", ".hidden.log", "notes.txt"] {
            FileManager.default.createFile(atPath: folder + "/" + name, contents: Data())
        }
        let names = LogPaths.expand([folder]).map { ($0 as NSString).lastPathComponent }
        #expect(names == ["access.log", "access.log.1", "access.log.2.gz", "api.jsonl", "error.log-20261124"])
        #expect(LogPaths.expand(["/no/such.log"]) == ["/no/such.log"], "a file stays as given, even a missing one")
    }

    @Test func formatsAreDetected() {
        #expect(LogFormat.detect([#"{"status":401,"client":"::1"}"#]) == .json)
        #expect(LogFormat.detect(["2026/11/24 05:23:08 [error] 7#7: *3 user \"x\": password mismatch, client: 1.2.3.4"]) == .nginxError)
        #expect(LogFormat.detect(["[Tue Nov 24 05:23:08.123456 2026] [core:notice] [pid 1] AH00094: Command line: 'apache2'"]) == .apacheError)
        #expect(LogFormat.detect(["\u{1}\u{2} binary"]) == nil)
    }

    @Test func aFileSplitAcrossCoresCountsEveryLineOnce() async throws {
        var text = ""
        for index in 0..<5000 {
            let status = index % 7 == 0 ? 401 : 200
            text += "10.0.\(index % 3).1 - - [24/Nov/2026:05:\(String(format: "%02d", index % 60)):00 +0000] \"GET /p\(index % 13) HTTP/1.1\" \(status) \(index) \"-\" \"agent \(index % 5)\"\n"
        }
        let path = try file(text + "a last line without a newline - - [24/Nov/2026:05:00:00 +0000] \"GET / HTTP/1.1\" 401 1")
        let whole = await LogAnalyzer(cores: 1).analyze(paths: [path])
        for cores in [2, 3, 7, 16] {
            let split = await LogAnalyzer(cores: cores, parallelThreshold: 0).analyze(paths: [path])
            #expect(split.requests == 5001 && split.statuses[401] == whole.statuses[401], "\(cores) ranges")
            #expect(split.clients.counts == whole.clients.counts)
        }
        #expect(whole.statuses[401] == (0..<5000).filter { $0 % 7 == 0 }.count + 1)
    }

    @Test func onsetIsTheChangePoint() {
        var timeline: [Int: TimelineBucket] = [:]
        for minute in 0..<100 {
            var bucket = TimelineBucket()
            bucket.requests = 100
            bucket.unauthorized = minute < 60 ? minute % 2 : 8 + minute % 3
            timeline[1000 + minute] = bucket
        }
        #expect(Onset.find(in: timeline)?.minute == 1060)
        let flat = timeline.mapValues { bucket -> TimelineBucket in
            var copy = bucket
            copy.unauthorized = 3
            return copy
        }
        #expect(Onset.find(in: flat) == nil, "a steady rate has no onset")
    }

    @Test func attacksNeedVolumeSpeedOrBreadth() {
        var failures: [String: ClientFailures] = [:]
        for index in 0..<30 { failures["fast", default: ClientFailures()].add(user: "alice", minute: 100 + index / 10) }
        for index in 0..<30 { failures["slow", default: ClientFailures()].add(user: "alice", minute: 100 + index * 60) }
        for index in 0..<12 { failures["wide", default: ClientFailures()].add(user: "user\(index)", minute: 100) }
        let found = Dictionary(uniqueKeysWithValues: Attack.find(in: failures).map { ($0.client, $0.id) })
        #expect(found == ["fast": "brute-force", "wide": "credential-stuffing"])
    }

    /// A laptop whose git credential helper keeps the old password (CAUSES.md D2): it failed as alice every two
    /// minutes for half an hour, after logging in from the same address earlier, while alice logs in from her new
    /// machine. A person mistyping three times, a fast guesser and a removed service account are told apart.
    @Test func staleSavedCredentialsAreToldFromTyposAndAttacks() async throws {
        func line(_ client: String, _ user: String, minute: Int, status: Int) -> String {
            "\(client) - \(user) [24/Nov/2026:\(String(format: "%02d:%02d", 5 + minute / 60, minute % 60)):00 +0000] \"GET /repo.git/info/refs HTTP/1.1\" \(status) 12 \"-\" \"git/2.47\"\n"
        }
        var text = line("10.9.9.9", "alice", minute: 0, status: 200)
        for minute in stride(from: 10, to: 40, by: 2) { text += line("10.9.9.9", "alice", minute: minute, status: 401) }
        for minute in [12, 25, 38] { text += line("10.1.1.1", "alice", minute: minute, status: 200) }
        for minute in [20, 21, 22] { text += line("10.2.2.2", "bob", minute: minute, status: 401) }
        text += line("10.2.2.2", "bob", minute: 23, status: 200)
        for index in 0..<40 { text += line("10.6.6.6", "carol", minute: 30 + index / 20, status: 401) }
        for minute in stride(from: 0, to: 60, by: 5) { text += line("10.5.5.5", "svc-deploy", minute: minute, status: 401) }
        let report = await LogReport(await LogAnalyzer(cores: 1).analyze(paths: [try file(text)]))
        let found = Dictionary(uniqueKeysWithValues: report.staleCredentials.map { ("\($0.client) \($0.user)", $0) })
        #expect(Set(found.keys) == ["10.9.9.9 alice", "10.5.5.5 svc-deploy"])
        #expect(found["10.9.9.9 alice"]?.failures.count == 15 && found["10.9.9.9 alice"]?.workingClients == ["10.1.1.1"])
        #expect(found["10.9.9.9 alice"]?.workedHereUntil != nil && found["10.9.9.9 alice"]?.proof.contains("the password changed since") == true)
        #expect(found["10.5.5.5 svc-deploy"]?.proof.contains("removed or renamed") == true)
        #expect(report.attacks.map(\.client) == ["10.6.6.6"], "the fast guesser is an attack, not a stale password")
    }

    @Test func topCounterStaysBoundedAndKeepsHeavyHitters() {
        var counter = TopCounter(capacity: 100)
        for index in 0..<10_000 { counter.add("rare-\(index)") }
        for _ in 0..<500 { counter.add("heavy") }
        #expect(counter.counts.count <= 200)
        #expect(counter.top(1).first?.key == "heavy")
    }

    @Test func customLayoutsOfApacheAndNginx() {
        var clock = MinuteClock()
        let apache = CustomLogFormat(#"%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\""#)
        let line = #"example.test:443 10.1.2.3 - bob [24/Nov/2026:06:00:00 +0000] "GET /admin/?x=1 HTTP/2.0" 401 381 "-" "curl/8.5.0""#
        let parsed = Array(line.utf8).withUnsafeBytes { bytes in apache?.parse(bytes, clock: &clock).map { ($0.status, bytes.text($0.client), $0.user.map { bytes.text($0) }, $0.path.map { bytes.text($0) }, $0.userAgent.map { bytes.text($0) }) } }
        #expect(parsed?.0 == 401 && parsed?.1 == "10.1.2.3" && parsed?.2 == "bob" && parsed?.3 == "/admin/" && parsed?.4 == "curl/8.5.0")
        let nginx = CustomLogFormat("$remote_addr|$time_iso8601|$status|${request_uri}")
        let line2 = Array("::1|2026-11-24T06:00:00+01:00|403|/x?y".utf8)
        let fields = line2.withUnsafeBytes { nginx?.parse($0, clock: &clock) }
        #expect(fields?.status == 403 && fields?.path.map { String(decoding: line2[$0], as: UTF8.self) } == "/x")
        #expect(fields?.minute == UTCCalendar.days(year: 2026, month: 11, day: 24) * 1440 + 5 * 60, "+01:00 is an hour ahead of UTC")
        #expect(CustomLogFormat("%h %u %t") == nil, "a layout without a status counts nothing")
    }
}

/// Lines cut and corrupted the ways a truncated write, a disk error or an attacker's request line leave them: every
/// mutation is read or refused, never a trap (a combined line without its user field, `host - [`, used to build a
/// range whose bounds crossed).
@Suite struct CorruptLogLineTests {
    static let seed = Array(#"203.0.113.9 - alice [10/Oct/2000:13:55:36 -0700] "GET /a?b=\"1\" HTTP/1.1" 401 23 "-" "curl/8.0""#.utf8)
    static let noise: [UInt8] = [0x20, 0x22, 0x5B, 0x5D, 0x2D, 0x5C, 0x3F, 0x30, 0x00, 0xFF]

    @Test func aLineWithoutItsUserFieldIsNotRead() {
        var clock = MinuteClock()
        let line = Array(#"203.0.113.9 - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 401 23"#.utf8)
        #expect(line.withUnsafeBytes { CombinedLine.parse($0, clock: &clock) } == nil)
    }

    @Test func everyCutDeletionAndSubstitutionIsReadWithoutATrap() {
        var clock = MinuteClock()
        var mutants: [[UInt8]] = []
        for index in Self.seed.indices {
            mutants.append(Array(Self.seed[..<index]))
            var deleted = Self.seed
            deleted.remove(at: index)
            mutants.append(deleted)
            for byte in Self.noise {
                var replaced = Self.seed
                replaced[index] = byte
                mutants.append(replaced)
            }
        }
        var read = 0
        for mutant in mutants {
            mutant.withUnsafeBytes { line in
                guard let parsed = CombinedLine.parse(line, clock: &clock) else { return }
                read += 1
                _ = parsed.path(in: line).map { line.text($0) }
                _ = parsed.userAgent(in: line).map { line.text($0) }
                _ = parsed.user.map { line.text($0) }
            }
        }
        #expect(read > 0 && read < mutants.count, "some mutants are still lines, some are not (\(read) of \(mutants.count))")
    }
}
