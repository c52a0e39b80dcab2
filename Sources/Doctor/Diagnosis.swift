import Foundation
import HTTPAuth

/// The doctor's answer: the outcome the user saw, the findings ranked (causes first, most likely first), and the
/// exchanges they rest on.
public struct Diagnosis: Sendable {
    public var target: URL
    /// `authorized`, `unauthorized`, `forbidden`, `proxy-authentication-required`, `rate-limited`, `redirect`,
    /// `error` (no response), or `status-N`.
    public var outcome: String
    public var findings: [Finding]
    public var evidence: Evidence

    /// Runs every rule on the evidence and ranks what they found.
    public init(evidence: Evidence, rules: [any DoctorRule.Type] = DoctorRules.all) {
        self.evidence = evidence
        target = evidence.request.url
        let refused = evidence.final?.status.map { $0 >= 400 } ?? false
        var wire = rules.compactMap { $0.evaluate(evidence) }
        // A 401 without a challenge is what many causes look like from outside; when the server's own configuration
        // explains the refusal, it is the symptom, not the cause.
        if evidence.server?.findings.contains(where: { $0.severity == .cause && $0.basis == .explanation }) == true {
            wire = wire.map { finding in
                var finding = finding
                if finding.id == .missingWWWAuthenticate { finding.basis = .observation }
                return finding
            }
        }
        findings = wire.joined(with: evidence.server?.findings ?? [], refused: refused).weighed()
        outcome = Self.outcome(evidence.final)
        // A 200 reached through a redirect to a login page is the login form, not the resource.
        if outcome == "authorized", findings.contains(where: { $0.id == .loginRedirectForAPI }) { outcome = "login-page" }
    }

    /// Whether a cause was found, or the request failed without one: exit status 1.
    public var foundProblem: Bool {
        findings.contains { $0.severity == .cause } || outcome != "authorized"
    }

    static func outcome(_ final: Exchange?) -> String {
        guard let final, let status = final.status else { return "error" }
        switch status {
        case 200..<300, 304: return "authorized"
        case 300..<400: return "redirect"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 407: return "proxy-authentication-required"
        case 429: return "rate-limited"
        default: return "status-\(status)"
        }
    }

    /// The one line a report opens with when no cause was found.
    public var summaryWithoutCause: String {
        if outcome == "authorized" { return "No cause found: the request is authorized." }
        if outcome == "error" { return "No HTTP response: \(evidence.final?.error ?? "the request could not be sent")." }
        return "No known cause matched."
    }

    /// What the doctor checked, for the "nothing wrong" report.
    public static let checks = [
        "the challenge (WWW-Authenticate present and well-formed)", "the scheme sent against the schemes offered",
        "redirects and whether they dropped the credential", "token format and times against the server's clock",
        "the Authorization header's shape", "caching of the 401", "proxy authentication", "rate limiting",
        "whether the credential is accepted at a parent path of the same realm (401 meant as 403)",
        "whether the header reaches the application", "cookies withheld or refused", "repeats, for instances that disagree",
        "the https form of an http URL", "a 403 or 500 that only a credential triggers (the password file)",
        "header names with underscores", "a redirect to a login page instead of 401", "schemes curl cannot answer",
        "where the key or token was put", "non-ASCII credentials with Basic", "colons and %XX in the user name or password",
        "cookies held for another path or host", "a container registry's token flow", "ID or refresh tokens sent as access tokens",
        "OAuth client authentication", "WordPress REST API refusals", "test keys against live hosts", "Kerberos and NTLM handshakes",
        "a redirect loop between the application and its login page", "request headers or cookies too large for the server",
        "the configuration of the nginx or Apache serving a local URL", "IIS error pages and their sub-status",
        "NTLM and SPNEGO messages (who, which domain, NTLMv1 or v2) and connections closed mid-handshake",
    ]
}

extension Array where Element == Finding {
    /// These findings with another source's on the same request (the wire's with the configuration's, or a
    /// configuration's audit with its modeled answer): a cause both show is one finding, with this side's corrected
    /// request and the other's file and line; a password that a server's file accepts is no longer called wrong.
    /// When the request was not refused, what the other source would cause is a warning: it explains no refusal.
    func joined(with others: [Finding], refused: Bool) -> [Finding] {
        var joined = self
        for var other in others {
            if !refused, other.severity == .cause { other.severity = .warning }
            guard let index = joined.firstIndex(where: { $0.id == other.id }) else {
                joined.append(other)
                continue
            }
            joined[index].location = joined[index].location ?? other.location
            joined[index].evidence += other.evidence.filter { !joined[index].evidence.contains($0) }
            joined[index].confidence = Swift.max(joined[index].confidence, other.confidence)
            joined[index].severity = Swift.min(joined[index].severity, other.severity)
        }
        if joined.contains(where: { $0.id == .credentialsAccepted }) { joined.removeAll { $0.id == .credentialsRejected } }
        return joined
    }
}
