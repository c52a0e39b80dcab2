import Foundation
import HTTPAuth
import LogAnalysis

/// The causes IIS's own words in a W3C log show: its sub-status and Win32 code say what a 401 was, beyond what the
/// status alone tells. A refusal by an ACL, a filter or the application (401.3–401.5) is an authenticated user
/// refused; Dynamic IP Restrictions (401.501–401.504) are a limit or a deny list; an SSPI error other than a wrong
/// password, or an NTLM handshake that starts and never ends, is a Kerberos or NTLM failure; a client challenged
/// again and again that never sends a credential cannot do the scheme the site asks for.
enum IISLogFindings {
    /// A client challenged this often without ever sending a credential is not a first visit.
    static let unansweredChallenges = 3

    static func findings(_ report: LogReport) -> [Finding] {
        guard report.summary.files.contains(where: { $0.format == .w3c }) else { return [] }
        var findings: [Finding] = []
        let statuses = report.subStatuses
        func lines(_ role: IISStatus.Role, where condition: (IISStatus) -> Bool = { _ in true }) -> [(status: IISStatus, count: Int)] {
            statuses.filter { $0.status.role == role && condition($0.status) }
        }
        for role in [IISStatus.Role.denied, .rateLimited, .blocked] {
            let refused = lines(role)
            guard let cause = role.cause, let first = refused.first else { continue }
            let acl = refused.contains { $0.status.subStatus == 3 }
            findings.append(Finding(
                id: cause, severity: .cause, confidence: role == .denied ? 85 : 90,
                title: "IIS refused \(total(refused)) request(s) with \(codes(refused)): \(first.status.meaning)",
                explanation: "IIS logged 401 with sub-status \(codes(refused)): \(role.consequence).",
                fix: role.fix(acl: acl), evidence: refused.prefix(5).map(evidence)))
        }
        let negotiation = lines(.refusedCredential) { isSSPIFailure($0.win32Status) }
        let unfinished = report.unanswered.filter(\.handshakeStarted)
        if !negotiation.isEmpty || !unfinished.isEmpty {
            var evidence = negotiation.prefix(5).map(evidence)
            evidence += unfinished.prefix(5).map { "\($0.client): \($0.legs.count) NTLM leg(s) (401.1, SEC_E_NO_CREDENTIALS), never a login" }
            findings.append(Finding(
                id: .negotiateFailure, severity: .cause, confidence: negotiation.isEmpty ? 75 : 88,
                title: negotiation.isEmpty ? "NTLM handshakes started and never finished" : "Kerberos or NTLM failed inside Windows authentication",
                explanation: negotiation.isEmpty
                    ? "\(unfinished.count) client(s) got NTLM's middle leg (401.1 with SEC_E_NO_CREDENTIALS) and never logged in: the third message never came on the same connection (a proxy or load balancer that does not keep it, keep-alive off, a client sending its credential up front to kernel-mode authentication) or the client gave up."
                    : "IIS logged 401.1 with \(negotiation.map { $0.status.win32Meaning ?? String($0.status.win32Status) }.joined(separator: "; ")): the Negotiate or NTLM token itself was refused, which a password does not explain.",
                fix: "Check the SPN (setspn -Q HTTP/host) is on the account that decrypts tickets (the machine, or the pool identity with useAppPoolCredentials or useKernelMode=false), the clocks, and that nothing between the client and IIS closes the connection between NTLM's legs; from a non-Windows client: kinit then curl --negotiate -u : URL.",
                evidence: evidence))
        }
        let silent = report.unanswered.filter { !$0.handshakeStarted && $0.challenges.count >= unansweredChallenges }
        if !silent.isEmpty {
            let nobodyIn = report.summary.successesByUser.isEmpty
            findings.append(Finding(
                id: .negotiateFailure, severity: nobodyIn ? .cause : .warning, confidence: nobodyIn ? 60 : 50,
                title: "Clients challenged again and again that never send a credential",
                explanation: "\(silent.count) client(s) got only 401.2 (no credential the enabled methods accept), \(silent[0].challenges.count) time(s) for \(silent[0].client), and never sent one: a client outside the domain or a browser that does not count the site as intranet when only Windows authentication is on, a monitor without credentials, or no authentication method the client can use.\(nobodyIn ? " Nobody logged in at all in these logs." : "")",
                fix: "Give these clients a method they can use (Basic over HTTPS, or anonymous for the monitor's path), or make them do Windows authentication (the site in the browser's Local intranet zone; curl --negotiate -u : or --ntlm -u 'DOMAIN\\user').",
                evidence: silent.prefix(5).map { "\($0.client): \($0.challenges.count) challenge(s), no credential" }))
        }
        return findings
    }

    /// An SSPI error (`0x8009xxxx`) other than a refused logon: the Kerberos or NTLM exchange failed, not the password.
    static func isSSPIFailure(_ code: Int) -> Bool {
        (0x8009_0300...0x8009_03FF).contains(code) && code != IISStatus.logonDenied
    }

    private static func total(_ lines: [(status: IISStatus, count: Int)]) -> Int { lines.reduce(0) { $0 + $1.count } }
    private static func codes(_ lines: [(status: IISStatus, count: Int)]) -> String {
        var seen: [String] = []
        for line in lines where !seen.contains(line.status.code) { seen.append(line.status.code) }
        return seen.joined(separator: ", ")
    }
    /// `3 × 401.1 1326 (ERROR_LOGON_FAILURE: …)`.
    static func evidence(_ line: (status: IISStatus, count: Int)) -> String {
        "\(line.count) × \(line.status.code) \(line.status.win32Status)\(line.status.win32Meaning.map { " (\($0))" } ?? "")"
    }
}
