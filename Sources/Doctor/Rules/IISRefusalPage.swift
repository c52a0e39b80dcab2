import Foundation
import HTTPAuth
import LogAnalysis

/// The cause an IIS error page states by its sub-status: 401.2 with no challenge to answer (no authentication
/// method enabled or installed for the URL), 401.3 (the file's ACL refuses the user), 401.4 and 401.5 (a filter or
/// the application refuses), 401.501 to 401.504 (Dynamic IP Restrictions and the deny list).
enum IISRefusalPage: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard let final = evidence.final, final.status == 401, let page = IISErrorPage(final), let subStatus = page.subStatus else { return nil }
        let status = IISStatus(status: 401, subStatus: subStatus, win32Status: 0)
        let facts = ["IIS page: HTTP Error \(status.code), \(status.meaning)"] + page.details.map { "\($0.name): \($0.value)" }
        if status.role == .challenge, evidence.challenges.isEmpty {
            return Finding(
                id: .configError, severity: .cause, confidence: 86, title: "IIS has no authentication method it can use for this URL (401.2, no challenge)",
                explanation: "IIS answered 401.2 \"logon failed due to server configuration\" without any WWW-Authenticate: anonymous authentication is off and no other method is enabled, or the one enabled is not installed (its role service, e.g. Windows Authentication, missing), so no client can log in.",
                fix: "Enable the method the site means to use in <system.webServer><security><authentication> (and install its role service: Server Manager → Web Server → Security), or turn anonymous authentication back on; `gatehouse doctor web.config` names the line.",
                evidence: facts)
        }
        guard let role = status.role, let cause = role.cause else { return nil }
        return Finding(
            id: cause, severity: .cause, confidence: role == .denied ? 85 : 88,
            title: "IIS refused the request with \(status.code): \(status.meaning)",
            explanation: "IIS's page names sub-status \(status.code): \(role.consequence).",
            fix: role.fix(acl: subStatus == 3), evidence: facts)
    }
}
