import Foundation
import HTTPAuth
import LogAnalysis

/// What an IIS refusal's sub-status makes of it, for the doctor's findings from a page or a log: the cause and the
/// fix. A challenge, NTLM's middle leg and a refused credential are judged with the rest of the evidence instead.
extension IISStatus.Role {
    var cause: CauseID? {
        switch self {
        case .denied: .forbiddenSentAs401
        case .rateLimited: .rateLimited
        case .blocked: .blockedByFirewall
        case .challenge, .handshakeLeg, .refusedCredential: nil
        }
    }

    /// The fix of a refusal with this role; `acl` for 401.3.
    func fix(acl: Bool) -> String {
        switch self {
        case .denied where acl:
            "Grant read access on the file or folder to the user (for anonymous requests, to IUSR or the application pool identity when anonymous runs as it): icacls PATH /grant \"DOMAIN\\user:(RX)\"."
        case .denied: "Read the ISAPI filter's or the application's log for why it refused the request: the user authenticated."
        case .rateLimited: "Slow the client down, or raise maxConcurrentRequests / maxRequests in <dynamicIpSecurity> (or allow the client's address), then retry."
        case .blocked: "Call from an allowed address, or remove the entry from <system.webServer><security><ipSecurity> (IP and Domain Restrictions)."
        case .challenge, .handshakeLeg, .refusedCredential: ""
        }
    }

    /// Why no credential helps, in a sentence.
    var consequence: String {
        switch self {
        case .denied: "the request authenticated (or came as the anonymous user) and the resource refuses it: another password will not help"
        case .rateLimited: "the address is refused until its rate falls, whatever credential it sends"
        case .blocked: "the address or host name is denied whatever credential it sends"
        case .challenge, .handshakeLeg, .refusedCredential: ""
        }
    }
}
