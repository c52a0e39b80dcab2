import HTTPAuth
import Passwords

/// Basic (RFC 7617) against an Apache htpasswd file, through ``PasswordVerifier`` (its cache makes a bcrypt user
/// pay the hash once; an unknown user pays a decoy hash, so timing does not tell who exists).
///
/// The challenge announces `charset="UTF-8"`; credentials are decoded as UTF-8 when their bytes are UTF-8 and as
/// ISO-8859-1 otherwise, as RFC 7617 §2.1 allows for clients that ignore the parameter.
public struct BasicAuthenticator: SchemeAuthenticator {
    public let name = SchemeName.basic
    let realm: String
    let users: ReloadingFile<HtpasswdFile>
    let verifier: PasswordVerifier

    public init(realm: String, users: ReloadingFile<HtpasswdFile>, verifier: PasswordVerifier) {
        self.realm = realm
        self.users = users
        self.verifier = verifier
    }

    public func challenges(after failure: AuthFailure?) -> [Challenge] {
        [BasicChallenge.make(realm: realm)]
    }

    public func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome {
        let basic: BasicCredentials
        do {
            guard let token68 = credentials.token68 else { throw HTTPAuthError.invalidValue("a Basic credential is a token68, not parameters") }
            basic = try BasicCredentials(token68: token68, charset: BasicCredentials.detectCharset(ofToken68: token68) ?? .utf8)
        } catch {
            return .failed(.malformed("\(error)", scheme: "Basic"))
        }
        let user = basic.userID
        switch await verifier.verify(user: user, password: basic.password, in: users.value) {
        case .valid:
            return .authenticated(Identity(user: user, scheme: .basic), responseHeaders: [])
        case .unknownUser:
            return .failed(AuthFailure(
                reason: .unknownUser, claimedUser: user, detail: "no user '\(user)' in \(users.path)",
                clientDetail: AuthFailure.wrongPassword))
        case .passwordMismatch:
            return .failed(AuthFailure(
                reason: .passwordMismatch, claimedUser: user, detail: "the password does not match the hash of '\(user)' in \(users.path)",
                clientDetail: AuthFailure.wrongPassword))
        }
    }
}
