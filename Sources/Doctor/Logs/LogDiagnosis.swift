import Foundation
import HTTPAuth
import LogAnalysis

/// `gatehouse doctor LOGFILE…`: the causes a log report shows, as findings with their `CAUSES.md` ids, ranked like
/// every other input's: attacks and stale saved credentials, the reasons error logs give (a password file the
/// server cannot read, a wrong password, a Digest realm), and refused credentials in access logs. Challenges answered
/// by a login are the normal handshake, not a cause.
public struct LogDiagnosis: Sendable {
    public var findings: [Finding]

    public init(_ report: LogReport) {
        let summary = report.summary
        var findings: [Finding] = report.attacks.map(Self.attack) + report.staleCredentials.map(Self.stale)
        for (reason, count) in summary.reasons.top(50) {
            if let finding = Self.reasonFinding(reason, count: count) { findings.append(finding) }
        }
        findings += IISLogFindings.findings(report)
        let failedClients = summary.failuresByClient.filter { $0.value.failures > 0 }   // the access logs' 401s with a user
        // IIS's SSPI errors other than a refused logon are the Kerberos or NTLM exchange failing, not a password.
        let passwordRefusals = report.subStatuses.isEmpty
            || report.subStatuses.contains { $0.status.role == .refusedCredential && !IISLogFindings.isSSPIFailure($0.status.win32Status) }
        if summary.refusedCredentials > 0, !failedClients.isEmpty, passwordRefusals {
            let users = Set(failedClients.values.flatMap(\.users.keys)).sorted()
            // IIS says which: its Win32 code is the logon's error (a bad password, a locked or disabled account).
            let windows = report.subStatuses.filter { $0.status.role == .refusedCredential }.map(IISLogFindings.evidence)
            findings.append(Finding(
                id: .credentialsRejected, severity: .cause, confidence: 60,
                title: "Requests with a user name were refused",
                explanation: "\(summary.refusedCredentials) request\(summary.refusedCredentials == 1 ? "" : "s") sent a user\(users.isEmpty ? "" : " (\(users.prefix(5).joined(separator: ", ")))") and got 401: a wrong password, an unknown user, or a user not allowed there. \(windows.isEmpty ? "The server's error log says which." : "IIS's Win32 code says which.")",
                fix: windows.isEmpty
                    ? "Check the user name and password; on the server, `htpasswd -v FILE USER`, and read the error log for the request's time."
                    : "Check the user name (DOMAIN\\user) and password; unlock, enable or renew the account when the Win32 code says it is locked out, disabled or expired.",
                evidence: windows + failedClients.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key): \($0.value.failures) refused" }))
        }
        if summary.challenges > 0, findings.isEmpty {
            findings.append(Finding(
                id: .firstChallenge, severity: .info, confidence: 80,
                title: "The 401s are first challenges",
                explanation: "\(summary.challenges) request\(summary.challenges == 1 ? "" : "s") without a credential got 401: the first leg of the handshake, which clients answer with their credential. None of them is a refusal of a credential.",
                fix: "Nothing to fix.", evidence: ["\(summary.challenges) 401 without a user name; \(summary.refusedCredentials) with one"]))
        }
        self.findings = findings.weighed()
    }

    /// Whether any finding is a cause (exit status 1).
    public var foundProblem: Bool { findings.contains { $0.severity == .cause } }

    private static func attack(_ attack: Attack) -> Finding {
        let stuffing = attack.id == CauseID.credentialStuffing.rawValue
        return Finding(
            id: stuffing ? .credentialStuffing : .bruteForce, severity: .cause, confidence: 90,
            title: stuffing ? "One address tries many user names: credential stuffing" : "One address keeps guessing passwords: brute force",
            explanation: "\(attack.client) had \(attack.failures) credentials refused, against \(attack.distinctUsers) user\(attack.distinctUsers == 1 ? "" : "s") (\(attack.users.prefix(5).joined(separator: ", "))).",
            fix: "Ban the address (fail2ban on this log, or `lockout:` in a Gatehouse gateway), and make sure the attacked accounts have strong passwords.",
            evidence: ["\(attack.client): \(attack.failures) failures"])
    }

    private static func stale(_ stale: StaleCredential) -> Finding {
        Finding(
            id: .staleClientCredentials, severity: .cause, confidence: 85,
            title: "A client keeps sending a saved password that no longer works",
            explanation: "\(stale.client) failed as \(stale.user) \(stale.failures.count) times over \(stale.failures.minutes) minutes. \(stale.proof)",
            fix: "Update the password saved on that client (a browser, a git credential helper, a mail or calendar app), or remove it.",
            evidence: ["\(stale.client) as \(stale.user): \(stale.failures.count) refused"])
    }

    /// An error log's reason, as the cause it shows; reasons that are not causes (a first challenge) give none.
    static func reasonFinding(_ reason: String, count: Int) -> Finding? {
        let cause: CauseID
        let confidence: Int
        switch reason {
        case "password-mismatch", "unknown-user": (cause, confidence) = (.credentialsRejected, 80)
        case "password-file-error": (cause, confidence) = (.passwordFileError, 92)
        case "config-error": (cause, confidence) = (.configError, 90)
        case "scheme-mismatch", "forbidden-sent-as-401", "digest-realm-mismatch", "digest-uri-mismatch", "digest-stale-nonce":
            guard let id = CauseID(rawValue: reason) else { return nil }
            (cause, confidence) = (id, 85)
        default: return nil
        }
        let meaning = LogReport.meaning(of: reason)
        return Finding(
            id: cause, severity: .cause, confidence: confidence,
            title: "The error log says: \(meaning)",
            explanation: "\(count) line\(count == 1 ? "" : "s") of the error log give\(count == 1 ? "s" : "") the reason \(reason): \(meaning).",
            fix: fix(for: cause), evidence: ["\(reason): \(count)"])
    }

    private static func fix(for cause: CauseID) -> String {
        switch cause {
        case .passwordFileError: "Make the password file exist at the path the configuration names, readable by the server's user (www-data, nginx), in a hash format the server supports; then reload."
        case .configError: "Fix the authentication configuration the error names (e.g. add AuthName beside AuthType), then reload."
        case .digestRealmMismatch: "Make the htdigest file's realm the AuthName of the section (htdigest FILE REALM USER), or the AuthName the realm the file was made for."
        case .digestURIMismatch: "Let the proxy pass the path unchanged (nginx: proxy_pass without a URI part), so the Digest uri is the request the server sees."
        case .forbiddenSentAs401: "Let the user in (Require user/group), or log in as an allowed user; `AuthzSendForbiddenOnFailure On` makes Apache answer 403."
        default: "Check the user name and password the client sends; `htpasswd -v FILE USER` tells which."
        }
    }
}
