import HTTPAuth
import Passwords

/// Digest (RFC 7616) against an htdigest file: one challenge per configured algorithm, strongest first, with
/// nonces signed by a key kept in the store (so they survive a restart), `stale=true` after an expired nonce.
public struct DigestAuthenticator: SchemeAuthenticator {
    public let name = SchemeName.digest
    let verifier: DigestVerifier
    let users: ReloadingFile<HtdigestFile>

    public init(verifier: DigestVerifier, users: ReloadingFile<HtdigestFile>) {
        self.verifier = verifier
        self.users = users
    }

    /// One challenge per algorithm the route's file can verify for its users (``HtdigestFile/offerable(_:realm:)``).
    public func challenges(after failure: AuthFailure?) -> [Challenge] {
        let offered = users.value.offerable(verifier.algorithms, realm: verifier.realm)
        return verifier.challenges(stale: failure?.staleNonce ?? false, offered: offered)
    }

    public func authenticate(_ credentials: Credentials, facts: RequestFacts) async -> SchemeOutcome {
        let response: DigestResponse
        do {
            response = try DigestResponse(credentials)
        } catch {
            return .failed(.malformed("\(error)", scheme: "Digest"))
        }
        let outcome = await verifier.verify(
            response, method: facts.method, requestTarget: facts.target, body: facts.body, secrets: users.value)
        switch outcome {
        case .authenticated(let username, let info):
            let headers = (try? info.serialized()).map { [(name: "Authentication-Info", value: $0)] } ?? []
            return .authenticated(Identity(user: username, scheme: .digest), responseHeaders: headers)
        case .rejected(let failure):
            return .failed(Self.failure(failure, response: response))
        }
    }

    private static func failure(_ failure: DigestFailure, response: DigestResponse) -> AuthFailure {
        let user = response.userhash ? nil : response.username
        if failure == .nonceCountUnavailable { return .storeUnavailable(failure.message) }
        var result = AuthFailure(reason: Reason(id: failure.reason), claimedUser: user, detail: failure.message, clientDetail: clientDetail(failure))
        result.staleNonce = failure.isStale
        result.countsAsFailure = [DigestFailure.unknownUser, .passwordMismatch].contains(failure)
        return result
    }

    private static func clientDetail(_ failure: DigestFailure) -> String {
        switch failure {
        case .unknownUser, .passwordMismatch: AuthFailure.wrongPassword
        case .staleNonce: "The nonce expired; repeat the request with the new nonce (stale=true)."
        case .invalidNonce: "The nonce was not issued by this server or was altered; use the nonce of the latest challenge."
        case .nonceCountReplay: "The nonce count was already used; a replayed request is refused."
        case .uriMismatch: "The Digest uri parameter is not the request target."
        default: "The Digest response does not match the challenge: \(failure.message)."
        }
    }
}
