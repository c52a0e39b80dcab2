/// The Digest hash formulas of RFC 7616 §3.4, for client and server alike.
///
/// ```
/// response = KD(H(A1), unq(nonce):nc:unq(cnonce):unq(qop):H(A2))   ; with qop
/// response = KD(H(A1), unq(nonce):H(A2))                           ; RFC 2069 form, no qop
/// A1       = unq(username):unq(realm):passwd
/// A1       = H(unq(username):unq(realm):passwd):unq(nonce):unq(cnonce)   ; -sess
/// A2       = Method:request-uri                   ; auth
/// A2       = Method:request-uri:H(entity-body)    ; auth-int
/// KD(s, d) = H(s:d)
/// ```
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.4
public enum DigestComputation {
    /// H(username:realm:password), what an `htdigest` file stores for MD5. `username` is the plain name.
    public static func userSecret(username: String, realm: String, password: String, hash: DigestAlgorithm.HashFunction) -> String {
        hash.hex(username + ":" + realm + ":" + password)
    }

    /// H(A1) from the stored H(username:realm:password), applying the `-sess` step when the algorithm has it.
    public static func ha1(userSecret: String, algorithm: DigestAlgorithm, nonce: String, cnonce: String?) -> String {
        guard algorithm.isSession else { return userSecret }
        return algorithm.hashFunction.hex(userSecret + ":" + nonce + ":" + (cnonce ?? ""))
    }

    /// H(A2). `method` is empty for `rspauth`; `bodyHash` is H(entity-body) and is used only with `auth-int`.
    public static func ha2(method: String, uri: String, qop: DigestQOP?, bodyHash: String?, hash: DigestAlgorithm.HashFunction) -> String {
        var a2 = method + ":" + uri
        if qop == .authInt { a2 += ":" + (bodyHash ?? hash.hex([UInt8]())) }
        return hash.hex(a2)
    }

    /// The `response` (or `rspauth`) value.
    public static func response(
        ha1: String, nonce: String, nonceCount: String?, cnonce: String?, qop: DigestQOP?, ha2: String, hash: DigestAlgorithm.HashFunction
    ) -> String {
        guard let qop else { return hash.hex(ha1 + ":" + nonce + ":" + ha2) }
        return hash.hex([ha1, nonce, nonceCount ?? "", cnonce ?? "", qop.rawValue, ha2].joined(separator: ":"))
    }

    /// The `username` sent with `userhash=true`: H(username:realm) (RFC 7616 §3.4.4).
    public static func userhash(username: String, realm: String, hash: DigestAlgorithm.HashFunction) -> String {
        hash.hex(username + ":" + realm)
    }
}
