import Foundation

/// An IIS refusal as its W3C log line gives it: the HTTP status, IIS's sub-status (`sc-substatus`) and the Windows
/// error (`sc-win32-status`), with what Microsoft documents each to mean and the part the line plays in a login.
/// Sources: https://learn.microsoft.com/en-us/troubleshoot/developer/webapps/iis/www-administration-management/http-status-code
/// (sub-status codes), https://learn.microsoft.com/en-us/windows/win32/debug/system-error-codes--1300-1699- and
/// https://learn.microsoft.com/en-us/windows/win32/secauthn/sspi-status-codes (Win32 and SSPI codes).
public struct IISStatus: Sendable, Hashable, Comparable {
    public var status: Int
    public var subStatus: Int
    public var win32Status: Int

    public init(status: Int, subStatus: Int, win32Status: Int) {
        self.status = status
        self.subStatus = subStatus
        self.win32Status = win32Status
    }

    /// What a 401 line is to the login it belongs to.
    public enum Role: String, Sendable {
        /// The request carried no credential IIS could use (401.2): the first leg of every Windows, Basic or Digest
        /// login, and all a client gets that never sends one.
        case challenge
        /// NTLM's middle leg (401.1 with `SEC_E_NO_CREDENTIALS`, or no Win32 error): IIS answered the client's NEGOTIATE message with its
        /// CHALLENGE; the client's AUTHENTICATE message should follow on the same connection.
        case handshakeLeg = "handshake-leg"
        /// A credential was sent and refused (401.1 with a logon error).
        case refusedCredential = "refused-credential"
        /// The user was known and access was refused: an ACL, a filter or the application (401.3, 401.4, 401.5).
        case denied
        /// Dynamic IP Restrictions: too many requests (401.501, 401.502).
        case rateLimited = "rate-limited"
        /// The address or host name is on the deny list (401.503, 401.504).
        case blocked
    }

    /// The role of a 401 with this sub-status and Win32 code; nil for other statuses and unknown sub-statuses.
    public var role: Role? {
        guard status == 401 else { return nil }
        switch subStatus {
        // Microsoft's KB 907273 shows the middle leg as `401 1 0` too.
        case 1: return win32Status == Self.noCredentials || win32Status == 0 ? .handshakeLeg : .refusedCredential
        case 2: return .challenge
        case 3, 4, 5: return .denied
        case 501, 502: return .rateLimited
        case 503, 504: return .blocked
        default: return nil
        }
    }

    /// `SEC_E_NO_CREDENTIALS` (0x8009030E): the handshake has not reached a credential yet.
    public static let noCredentials = 2_148_074_254
    /// `SEC_E_LOGON_DENIED` (0x8009030C).
    public static let logonDenied = 2_148_074_252

    /// `401.2`.
    public var code: String { "\(status).\(subStatus)" }

    /// Microsoft's meaning of the status and sub-status.
    public var meaning: String {
        switch (status, subStatus) {
        case (401, 0): "access denied"
        case (401, 1): "logon failed"
        case (401, 2): "logon failed due to server configuration: no credential the enabled methods accept (the first leg of a login)"
        case (401, 3): "unauthorized due to the ACL on the resource (file system permissions)"
        case (401, 4): "authorization failed by a filter"
        case (401, 5): "authorization failed by an ISAPI or CGI application"
        case (401, 501): "too many concurrent requests from the client's address (Dynamic IP Restrictions)"
        case (401, 502): "too many requests in the time window from the client's address (Dynamic IP Restrictions)"
        case (401, 503): "the client's address is on the IP deny list"
        case (401, 504): "the client's host name is on the deny list"
        case (403, 6): "the client's address is rejected"
        case (403, 502): "too many requests from the client's address (Dynamic IP Restrictions)"
        case (403, 503): "the client's address is on the IP deny list"
        case (403, 504): "the client's host name is on the deny list"
        default: "sub-status \(subStatus)"
        }
    }

    /// The Win32 or SSPI error's name and meaning, when it is one seen with refusals.
    public var win32Meaning: String? {
        switch win32Status {
        case 0: nil
        case 5: "ERROR_ACCESS_DENIED: access is denied"
        case 1326: "ERROR_LOGON_FAILURE: unknown user name or bad password"
        case 1327: "ERROR_ACCOUNT_RESTRICTION: an account restriction (blank password, logon hours, workstation)"
        case 1328: "ERROR_INVALID_LOGON_HOURS: outside the account's logon hours"
        case 1329: "ERROR_INVALID_WORKSTATION: the account may not log on from this computer"
        case 1330: "ERROR_PASSWORD_EXPIRED: the password has expired"
        case 1331: "ERROR_ACCOUNT_DISABLED: the account is disabled"
        case 1385: "ERROR_LOGON_TYPE_NOT_GRANTED: the account lacks the logon right IIS uses (Basic logs on locally)"
        case 1909: "ERROR_ACCOUNT_LOCKED_OUT: the account is locked out"
        case 1793: "ERROR_ACCOUNT_EXPIRED: the account has expired"
        case 1907: "ERROR_PASSWORD_MUST_CHANGE: the password must be changed before the first logon"
        case Self.noCredentials: "SEC_E_NO_CREDENTIALS (0x8009030E): the NTLM or Kerberos handshake has not finished"
        case Self.logonDenied: "SEC_E_LOGON_DENIED (0x8009030C): the logon attempt failed"
        case 2_148_074_248: "SEC_E_INVALID_TOKEN (0x80090308): the token is not a valid Kerberos or NTLM message"
        case 2_148_074_274: "SEC_E_WRONG_PRINCIPAL (0x80090322): the Kerberos ticket is for another service principal (SPN)"
        case 2_148_074_245: "SEC_E_SECPKG_NOT_FOUND (0x80090305): the security package is not available"
        case 2_148_074_276: "SEC_E_TIME_SKEW (0x80090324): the client's and server's clocks are too far apart"
        default: nil
        }
    }

    public static func < (lhs: IISStatus, rhs: IISStatus) -> Bool {
        (lhs.status, lhs.subStatus, lhs.win32Status) < (rhs.status, rhs.subStatus, rhs.win32Status)
    }
}

/// The first legs of logins one client got in IIS logs, which name the user of every login IIS accepts, for the
/// clients that are challenged and never log in: a client that cannot do the scheme (Windows authentication outside the domain) or an NTLM
/// handshake that a proxy breaks.
public struct ClientChallenges: Sendable, Hashable {
    /// 401s without a credential (401.2 on IIS).
    public var challenges = MinuteSpan()
    /// NTLM middle legs (401.1 with `SEC_E_NO_CREDENTIALS`).
    public var legs = MinuteSpan()

    mutating func merge(_ other: ClientChallenges) {
        challenges.merge(other.challenges)
        legs.merge(other.legs)
    }
}
