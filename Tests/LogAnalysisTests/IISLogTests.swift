import Foundation
import Testing

@testable import LogAnalysis

/// IIS W3C logs written from Microsoft's documentation (Tests/Fixtures/IIS/logs, sources in each file's `#Remark`
/// lines; the expected numbers in EXPECTED.md were counted from the files by a script, not by Gatehouse).
@Suite struct IISLogTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/IIS/logs").standardized.path

    func summary(_ name: String, cores: Int = 1, threshold: Int = 8 << 20) async -> LogSummary {
        await LogAnalyzer(cores: cores, parallelThreshold: threshold).analyze(paths: [Self.fixtures + "/" + name])
    }

    func count(_ summary: LogSummary, _ subStatus: Int, _ win32: Int? = nil) -> Int {
        summary.subStatuses.filter { $0.key.status == 401 && $0.key.subStatus == subStatus && (win32 == nil || $0.key.win32Status == win32) }.values.reduce(0, +)
    }

    @Test func everySubStatusIsCountedWithItsWin32Code() async {
        let summary = await summary("substatus.log")
        #expect(summary.files.first?.format == .w3c)
        #expect(summary.requests == 55 && summary.statuses[401] == 41 && summary.statuses[200] == 14)
        #expect(summary.unreadable == 0)
        for (subStatus, expected) in [(1, 12), (2, 9), (3, 2), (4, 2), (5, 2), (501, 4), (502, 5), (503, 3), (504, 2)] {
            #expect(count(summary, subStatus) == expected, "401.\(subStatus)")
        }
        for (win32, expected) in [(1326, 3), (1331, 2), (1909, 2), (IISStatus.logonDenied, 2), (IISStatus.noCredentials, 3)] {
            #expect(count(summary, 1, win32) == expected, "401.1 with \(win32)")
        }
        // 9 challenges, 3 NTLM legs, 9 refused credentials, and 20 refusals of a known user or an address.
        #expect(summary.challenges == 9 && summary.handshakeLegs == 3 && summary.refusedCredentials == 9 && summary.otherUnauthorized == 20)
        #expect(Set(summary.users.top(10).map(\.key)) == ["CONTOSO\\jdoe", "CONTOSO\\r.morgan", "CONTOSO\\svc-backup", "CONTOSO\\mlee"])
        let report = await LogReport(summary)
        #expect(report.unanswered.map(\.client) == ["10.10.9.5"])
    }

    /// A healthy NTLM login is three lines (401.2, 401.1 with SEC_E_NO_CREDENTIALS, 200); only the 401.1 lines with
    /// SEC_E_LOGON_DENIED are refusals, and the Linux browser that never answers is apart.
    @Test func handshakeLegsAreNotFailures() async {
        let summary = await summary("handshakes.log")
        #expect(summary.statuses[401] == 20)
        #expect(summary.challenges == 11 && summary.handshakeLegs == 6 && summary.refusedCredentials == 3)
        #expect(summary.failuresByClient.keys.sorted() == ["10.10.20.31"])
        #expect(Set(summary.successesByUser.keys) == ["CONTOSO\\asmith", "CONTOSO\\bwong", "CONTOSO\\cnguyen", "CONTOSO\\dlopez", "CONTOSO\\epark"])
        let report = await LogReport(summary)
        #expect(report.unanswered.map(\.client) == ["10.10.20.41"])
        #expect(report.unanswered.first?.challenges.count == 5 && report.unanswered.first?.handshakeStarted == false)
        #expect(report.attacks.isEmpty)
    }

    /// The second directive block moves `sc-status` from field 11 to field 15 and adds X-Forwarded-For: every line is
    /// read with its own block's layout, and behind the load balancer the client is the forwarded address.
    @Test func fieldsChangeMidFile() async {
        let summary = await summary("fields-change.log")
        #expect(summary.requests == 22 && summary.unreadable == 0)
        #expect(summary.statuses[401] == 14)
        #expect(summary.clients.top(20).allSatisfy { !$0.key.hasPrefix("10.0.0.") }, "the load balancer's address is not a client")
        #expect(summary.clients.top(20).contains { $0.key == "203.0.113.50" })
    }

    /// A file cut into ranges read in parallel, whose layout changes part-way, counts as the file read whole.
    @Test func aLayoutChangeInALaterRangeIsReadAgainUnderItsLayout() async throws {
        let first = "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-username cs-uri-stem sc-status sc-substatus sc-win32-status\n"
        let second = "#Fields: date time s-sitename cs-uri-stem c-ip cs-username sc-win32-status sc-substatus sc-status\n"
        var text = first
        for index in 0..<3000 { text += "2025-03-13 06:\(String(format: "%02d", index % 60)):00 10.0.0.\(index % 7) - /a 401 2 5\n" }
        text += second
        for index in 0..<3000 { text += "2025-03-13 07:\(String(format: "%02d", index % 60)):00 W3SVC1 /b 10.0.1.\(index % 5) CONTOSO\\u\(index % 3) 1326 1 401\n" }
        text += first
        for index in 0..<3000 { text += "2025-03-13 08:\(String(format: "%02d", index % 60)):00 10.0.2.\(index % 7) - /c 200 0 0\n" }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("iis-\(UUID().uuidString).log").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for cores in [1, 2, 3, 5] {
            let summary = await LogAnalyzer(cores: cores, parallelThreshold: 0).analyze(paths: [path])
            #expect(summary.unreadable == 0, "cores \(cores)")
            #expect(summary.requests == 9000 && summary.statuses[401] == 6000 && summary.statuses[200] == 3000, "cores \(cores)")
            #expect(summary.challenges == 3000 && summary.refusedCredentials == 3000, "cores \(cores)")
            #expect(summary.users.top(5).map(\.key).sorted() == ["CONTOSO\\u0", "CONTOSO\\u1", "CONTOSO\\u2"], "cores \(cores)")
        }
    }

    /// NTLM's middle legs come with every Windows login: they do not hide a rise of refused logons from the onset.
    @Test func onsetLeavesOutNTLMsMiddleLegs() async throws {
        var text = "#Fields: date time c-ip cs-username sc-status sc-substatus sc-win32-status\n"
        for minute in 0..<20 {
            let time = String(format: "2025-03-11 09:%02d:00", minute)
            for client in 0..<5 {
                text += "\(time) 10.0.0.\(client) - 401 2 5\n\(time) 10.0.0.\(client) - 401 1 2148074254\n\(time) 10.0.0.\(client) CONTOSO\\u\(client) 200 0 0\n"
            }
            if minute >= 10 { for guess in 0..<10 { text += "\(time) 10.0.9.\(guess) CONTOSO\\svc 401 1 1326\n" } }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("iis-\(UUID().uuidString).log").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let report = await LogReport(await LogAnalyzer(cores: 1).analyze(paths: [path]))
        let onset = try #require(report.onset)
        #expect(onset.minute == 20158 * 1440 + 9 * 60 + 10)
        #expect(onset.rateBefore == 5 && onset.rateAfter == 15)
    }

    @Test func userAgentSpacesAndDashesAreReadAsIISWritesThem() {
        let fields = W3CFields(names: "date time c-ip cs-username cs(User-Agent) sc-status sc-substatus sc-win32-status")!
        var clock = MinuteClock()
        let line = Array("2025-03-11 08:00:40 10.10.2.40 - Mozilla/5.0+(Windows+NT+10.0) 401 1 2148074254".utf8)
        line.withUnsafeBytes { bytes in
            let parsed = fields.parse(bytes, clock: &clock)
            #expect(parsed?.status == 401 && parsed?.subStatus == 1 && parsed?.win32Status == IISStatus.noCredentials)
            #expect(parsed?.user == nil)
            #expect(parsed.flatMap { $0.userAgent.map { bytes.text($0) } } == "Mozilla/5.0+(Windows+NT+10.0)")
            #expect(parsed?.minute == 20158 * 1440 + 8 * 60)
        }
        // Spaces after the last field, or a user agent whose spaces another writer left as spaces: the fields around
        // the user agent are still the right ones.
        for text in ["2025-03-11 08:00:40 10.10.2.40 CONTOSO\\bob UA 401 1 1326  ", "2025-03-11 08:00:40 10.10.2.40 CONTOSO\\bob Mozilla/5.0 (X11; Linux) 401 1 1326"] {
            Array(text.utf8).withUnsafeBytes { bytes in
                let parsed = fields.parse(bytes, clock: &clock)
                #expect(parsed?.status == 401 && parsed?.win32Status == 1326, "\(text)")
                #expect(parsed.flatMap { $0.user.map { bytes.text($0) } } == "CONTOSO\\bob", "\(text)")
            }
        }
        // Too few fields (at the end or in the middle), or a status that is not three digits, is not a line of this layout.
        for text in ["2025-03-11 08:00:40 10.10.2.40 -", "2025-03-11 08:00:40 - UA 401 1", "2025-03-11 08:00:40 10.10.2.40 - UA 4O1 1 0"] {
            #expect(Array(text.utf8).withUnsafeBytes { fields.parse($0, clock: &clock) } == nil)
        }
    }

    /// A report names user agents with their spaces, however many ranges and kinds of refusal the log has; more
    /// kinds of sub-status and Win32 code than the sink's short list are all counted.
    @Test func userAgentsAndManyKindsOfRefusalAreReportedWhole() async throws {
        var text = "#Fields: date time c-ip cs-username cs(User-Agent) sc-status sc-substatus sc-win32-status\n"
        var expected: [IISStatus: Int] = [:]
        for line in 0..<40_000 {
            // 25 kinds: the first ten met from the start, the others only after line 20,000.
            let kind = line < 20_000 ? line % 10 : line % 25
            let status = IISStatus(status: 401, subStatus: 1 + kind % 5, win32Status: 1326 + kind)
            expected[status, default: 0] += 1
            let agent = line % 3 == 0 ? "Mozilla/5.0+(Windows+NT+10.0;+Win64)" : "curl/8.5.0"
            text += "2025-03-11 09:\(String(format: "%02d", line % 60)):00 10.0.\(line % 7).1 CONTOSO\\u \(agent) 401 \(status.subStatus) \(status.win32Status)\n"
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("iis-\(UUID().uuidString).log").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for cores in [1, 2] {
            let summary = await LogAnalyzer(cores: cores, parallelThreshold: 64 << 10).analyze(paths: [path])
            #expect(summary.subStatuses == expected, "\(cores) cores")
            #expect(summary.userAgents.counts == ["Mozilla/5.0 (Windows NT 10.0; Win64)": 13_334, "curl/8.5.0": 26_666], "\(cores) cores")
        }
    }

    @Test func rolesFollowMicrosoftsSubStatusTable() {
        func role(_ sub: Int, _ win32: Int) -> IISStatus.Role? { IISStatus(status: 401, subStatus: sub, win32Status: win32).role }
        #expect(role(2, 5) == .challenge)
        #expect(role(1, IISStatus.noCredentials) == .handshakeLeg && role(1, 0) == .handshakeLeg)
        #expect(role(1, 1326) == .refusedCredential && role(1, IISStatus.logonDenied) == .refusedCredential)
        #expect(role(3, 5) == .denied && role(5, 0) == .denied)
        #expect(role(501, 0) == .rateLimited && role(504, 0) == .blocked)
        #expect(IISStatus(status: 403, subStatus: 6, win32Status: 0).role == nil)
    }
}

/// `--follow` on an IIS log reads appended lines with the layout of the file's last directive block, which the
/// appended lines themselves never repeat.
@Suite struct IISFollowTests {
    @Test func appendedLinesAreReadWithTheFilesLayout() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("u_ex\(UUID().uuidString).log").path
        let header = "#Software: Microsoft Internet Information Services 10.0\n#Fields: date time c-ip cs-username cs-uri-stem sc-status sc-substatus sc-win32-status\n"
        let moved = "#Fields: date time cs-uri-stem sc-win32-status sc-substatus sc-status c-ip cs-username\n"
        try (header + "2025-03-11 08:00:00 10.0.0.1 - / 200 0 0\n" + moved + "2025-03-11 08:00:01 / 0 0 200 10.0.0.1 -\n").write(toFile: path, atomically: true, encoding: .utf8)
        var follower = LogFollower(paths: [path], format: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("2025-03-11 08:00:02 /portal/ 1326 1 401 10.0.0.9 CONTOSO\\bob\n".utf8))
        try handle.close()
        let summary = follower.poll()
        #expect(summary.statuses[401] == 1 && summary.refusedCredentials == 1 && summary.unreadable == 0)
        #expect(summary.users.top(1).first?.key == "CONTOSO\\bob")
    }

    /// IIS writes CRLF: the layout of the file's last block is found in a file of CRLF lines.
    @Test func theLastLayoutOfACRLFFileIsRead() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("u_ex\(UUID().uuidString).log").path
        let first = "#Fields: date time c-ip cs-username sc-status sc-substatus sc-win32-status\r\n2025-03-11 08:00:00 10.0.0.1 - 200 0 0\r\n"
        let second = "#Fields: date time c-ip cs-username sc-substatus sc-win32-status sc-status\r\n2025-03-11 08:00:01 10.0.0.1 - 0 0 200\r\n"
        try (first + second).write(toFile: path, atomically: true, encoding: .utf8)
        var follower = LogFollower(paths: [path], format: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("2025-03-11 08:00:02 10.0.0.9 CONTOSO\\bob 1 1326 401\r\n".utf8))
        try handle.close()
        let summary = follower.poll()
        #expect(summary.problems.isEmpty, "\(summary.problems)")
        #expect(summary.statuses[401] == 1 && summary.refusedCredentials == 1 && summary.unreadable == 0, "\(summary.statuses[200]) \(summary.requests)")
    }
}
