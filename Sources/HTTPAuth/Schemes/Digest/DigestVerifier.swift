import Foundation

/// The server side of Digest: issues challenges and verifies responses.
///
/// It offers one challenge per configured algorithm, strongest first (RFC 7616 §3.7), each with a signed,
/// time-stamped nonce. Verification checks, in order: realm, opaque, algorithm and qop offered, `uri` against the
/// request target, the nonce's signature, the digest itself (computed for unknown users too, so that timing does
/// not reveal who exists), the nonce's age (stale only when the digest was right), and finally that `nc` was not
/// used before with that nonce. A success carries `Authentication-Info` with `rspauth` (RFC 7616 §3.5).
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.5
public struct DigestVerifier: Sendable {
    public let realm: String
    /// The algorithms offered, strongest first.
    public let algorithms: [DigestAlgorithm]
    public let qop: [DigestQOP]
    public let nonces: DigestNonces
    public let opaque: String
    public let userhash: Bool
    private let counter: any DigestNonceCounter
    /// The password of the secret an unknown user's response is checked against (it can never authenticate).
    private let decoyPassword = UUID().uuidString

    public init(
        realm: String, algorithms: [DigestAlgorithm] = [.sha256, .md5], qop: [DigestQOP] = [.auth, .authInt],
        nonces: DigestNonces = DigestNonces(), counter: any DigestNonceCounter = InMemoryDigestNonceCounter(),
        opaque: String? = nil, userhash: Bool = false
    ) {
        self.realm = realm
        self.algorithms = algorithms
        self.qop = qop
        self.nonces = nonces
        self.counter = counter
        self.opaque = opaque ?? DigestNonces(lifetime: 0).mint()
        self.userhash = userhash
    }

    /// One challenge per algorithm of `offered` (by default every configured one), sharing one fresh nonce;
    /// `stale` after a ``DigestFailure/staleNonce``.
    public func challenges(stale: Bool = false, offered: [DigestAlgorithm]? = nil, now: Date = Date()) -> [Challenge] {
        let nonce = nonces.mint(now: now)
        return (offered ?? algorithms).map { algorithm in
            DigestChallenge(
                realm: realm, nonce: nonce, opaque: opaque, algorithm: algorithm, qop: qop, stale: stale,
                announcesUTF8: true, userhash: userhash
            ).challenge
        }
    }

    /// Verifies `response` to a request `method requestTarget` with `body` (needed for `auth-int`).
    public func verify(
        _ response: DigestResponse, method: String, requestTarget: String, body: [UInt8] = [], secrets: some DigestSecretSource,
        now: Date = Date()
    ) async -> DigestOutcome {
        guard response.realm == realm else { return .rejected(.realmMismatch) }
        guard response.opaque == nil || response.opaque == opaque else { return .rejected(.opaqueMismatch) }
        guard algorithms.contains(response.algorithm) else { return .rejected(.algorithmNotOffered) }
        guard let qop = response.qop, self.qop.contains(qop) else { return .rejected(.qopNotOffered) }
        guard Self.uri(response.uri, matches: requestTarget) else { return .rejected(.uriMismatch) }
        let validity = nonces.check(response.nonce, now: now)
        guard validity != .invalid else { return .rejected(.invalidNonce) }

        let hash = response.algorithm.hashFunction
        let username = response.userhash
            ? await secrets.username(forUserhash: response.username, realm: realm, hash: hash) : response.username
        let storedSecret = if let username { await secrets.userSecret(username: username, realm: realm, hash: hash) } else { String?.none }
        // The decoy is computed for every response, so that an unknown user costs what a known one does.
        let decoy = DigestComputation.userSecret(username: "", realm: realm, password: decoyPassword, hash: hash)
        let secret = storedSecret ?? decoy
        let ha1 = DigestComputation.ha1(userSecret: secret, algorithm: response.algorithm, nonce: response.nonce, cnonce: response.cnonce)
        let ha2 = DigestComputation.ha2(method: method, uri: response.uri, qop: qop, bodyHash: hash.hex(body), hash: hash)
        let expected = DigestComputation.response(
            ha1: ha1, nonce: response.nonce, nonceCount: response.nonceCountText, cnonce: response.cnonce, qop: qop, ha2: ha2, hash: hash)
        let matches = ConstantTime.equals(expected, response.response.lowercased())
        guard let username, storedSecret != nil else { return .rejected(.unknownUser) }
        guard matches else { return .rejected(.passwordMismatch) }
        guard validity == .valid else { return .rejected(.staleNonce) }
        guard let count = response.nonceCount else { return .rejected(.nonceCountReplay) }
        do {
            guard try await counter.record(nonce: response.nonce, count: count) else { return .rejected(.nonceCountReplay) }
        } catch {
            return .rejected(.nonceCountUnavailable)
        }
        return .authenticated(username: username, authenticationInfo: authenticationInfo(for: response, ha1: ha1, qop: qop))
    }

    /// `Authentication-Info: rspauth="…", qop=auth, nc=…, cnonce="…"`, proving the server knows the secret too.
    /// For `auth-int` the response body is not known here, so its hash is that of an empty body.
    private func authenticationInfo(for response: DigestResponse, ha1: String, qop: DigestQOP) -> AuthenticationInfo {
        let hash = response.algorithm.hashFunction
        let ha2 = DigestComputation.ha2(method: "", uri: response.uri, qop: qop, bodyHash: nil, hash: hash)
        let rspauth = DigestComputation.response(
            ha1: ha1, nonce: response.nonce, nonceCount: response.nonceCountText, cnonce: response.cnonce, qop: qop, ha2: ha2, hash: hash)
        var parameters = [AuthParameter("rspauth", rspauth), AuthParameter("qop", qop.rawValue, form: .token)]
        if let nc = response.nonceCountText { parameters.append(AuthParameter("nc", nc, form: .token)) }
        if let cnonce = response.cnonce { parameters.append(AuthParameter("cnonce", cnonce)) }
        return AuthenticationInfo(parameters: parameters)
    }

    /// Whether the `uri` parameter names the request target: equal, or an absolute URI whose path and query are.
    static func uri(_ uri: String, matches target: String) -> Bool {
        if uri == target { return true }
        guard let components = URLComponents(string: uri), components.scheme != nil else { return false }
        let pathAndQuery = (components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath)
            + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        return pathAndQuery == target
    }
}
