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
        switch status.role {
        case .challenge? where evidence.challenges.isEmpty:
            return Finding(
                id: .configError, severity: .cause, confidence: 86, title: "IIS has no authentication method it can use for this URL (401.2, no challenge)",
                explanation: "IIS answered 401.2 \"logon failed due to server configuration\" without any WWW-Authenticate: anonymous authentication is off and no other method is enabled, or the one enabled is not installed (its role service, e.g. Windows Authentication, missing), so no client can log in.",
                fix: "Enable the method the site means to use in <system.webServer><security><authentication> (and install its role service: Server Manager → Web Server → Security), or turn anonymous authentication back on; `gatehouse doctor web.config` names the line.",
                evidence: facts)
        case .denied?:
            return Finding(
                id: .forbiddenSentAs401, severity: .cause, confidence: 85,
                title: subStatus == 3 ? "IIS refused the file by its ACL (401.3)" : "IIS refused the request by a filter or the application (\(status.code))",
                explanation: "The request authenticated (or came as the anonymous user), and \(status.meaning): another password will not help.",
                fix: subStatus == 3
                    ? "Grant read access on the file or folder to the user (or, for anonymous requests, to IUSR or the application pool identity): icacls PATH /grant \"DOMAIN\\user:(RX)\"."
                    : "Read the filter's or application's log for why it refused the request.",
                evidence: facts)
        case .rateLimited?:
            return Finding(
                id: .rateLimited, severity: .cause, confidence: 88, title: "IIS Dynamic IP Restrictions refused the request (\(status.code))",
                explanation: "\(status.meaning.prefix(1).uppercased() + status.meaning.dropFirst()): the address is refused until its rate falls, whatever credential it sends.",
                fix: "Wait and slow down, or raise the limits in <dynamicIpSecurity> (or allow the client's address).", evidence: facts)
        case .blocked?:
            return Finding(
                id: .blockedByFirewall, severity: .cause, confidence: 88, title: "IIS refused the client's address or host name (\(status.code))",
                explanation: "\(status.meaning.prefix(1).uppercased() + status.meaning.dropFirst()) (<ipSecurity>): no credential changes that.",
                fix: "Call from an allowed address, or remove the entry from <system.webServer><security><ipSecurity>.", evidence: facts)
        default:
            return nil
        }
    }
}
