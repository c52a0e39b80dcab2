/// The client side of Digest: answers a challenge, as curl and browsers do.
///
/// qop `auth` is chosen when offered, else `auth-int` (RFC 7616 §3.4: a client picks one it supports); without a
/// qop the RFC 2069 form is sent. With `userhash=true` the name is hashed; a name that is not printable ASCII goes
/// in `username*`.
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.4
public enum DigestClient {
    /// The response to `challenge` for a request `method uri` carrying `body`.
    ///
    /// - Parameters:
    ///   - cnonce: the client nonce; pass a fresh random value for each new nonce.
    ///   - nonceCount: how many requests this client has sent with this nonce, this one included (starts at 1).
    ///   - qop: force a qop (say `auth-int`); by default `auth` when offered.
    /// - Throws: ``HTTPAuthError`` when a forced qop was not offered.
    public static func respond(
        to challenge: DigestChallenge, username: String, password: String, method: String, uri: String, body: [UInt8] = [],
        cnonce: String, nonceCount: UInt32 = 1, qop forcedQOP: DigestQOP? = nil
    ) throws -> DigestResponse {
        let qop: DigestQOP?
        if let forcedQOP {
            guard challenge.qop.contains(forcedQOP) else {
                throw HTTPAuthError.digest("the challenge does not offer qop '\(forcedQOP)'")
            }
            qop = forcedQOP
        } else {
            qop = challenge.qop.contains(.auth) ? .auth : challenge.qop.first { $0 == .authInt }
        }
        let hash = challenge.algorithm.hashFunction
        let usedCnonce = qop == nil && !challenge.algorithm.isSession ? nil : cnonce
        let secret = DigestComputation.userSecret(username: username, realm: challenge.realm, password: password, hash: hash)
        let ha1 = DigestComputation.ha1(userSecret: secret, algorithm: challenge.algorithm, nonce: challenge.nonce, cnonce: usedCnonce)
        let ha2 = DigestComputation.ha2(method: method, uri: uri, qop: qop, bodyHash: hash.hex(body), hash: hash)
        let nc = qop == nil ? nil : nonceCount
        let ncText = nc.map { String($0, radix: 16).leftPadded(to: 8) }
        let response = DigestComputation.response(
            ha1: ha1, nonce: challenge.nonce, nonceCount: ncText, cnonce: usedCnonce, qop: qop, ha2: ha2, hash: hash)
        let sentName = challenge.userhash ? DigestComputation.userhash(username: username, realm: challenge.realm, hash: hash) : username
        return DigestResponse(
            username: sentName, userhash: challenge.userhash, realm: challenge.realm, uri: uri, algorithm: challenge.algorithm,
            nonce: challenge.nonce, opaque: challenge.opaque, qop: qop, cnonce: usedCnonce, nonceCount: nc,
            response: response)
    }
}
