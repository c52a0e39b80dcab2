/// A Digest challenge: what the server offers and the nonce to answer with.
///
/// ```
/// WWW-Authenticate: Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256,
///     nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
/// ```
/// A missing `algorithm` means MD5; a missing `qop` means the RFC 2069 form with no `cnonce`/`nc`. `algorithm`,
/// `stale`, `charset` and `userhash` are written as tokens and `qop` as a quoted list (RFC 7616 §3.3).
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.3
public struct DigestChallenge: Hashable, Sendable {
    public var realm: String
    public var nonce: String
    public var opaque: String?
    public var algorithm: DigestAlgorithm
    /// The qop values offered; empty for the RFC 2069 form.
    public var qop: [DigestQOP]
    /// Whether the previous request's nonce was genuine but expired: retry with the new nonce, no new password.
    public var stale: Bool
    /// `domain`: the URIs the same credentials protect, space-separated on the wire.
    public var domain: [String]
    /// Whether the server announces `charset=UTF-8`.
    public var announcesUTF8: Bool
    /// Whether the server supports `userhash`, where the client sends H(username:realm) instead of the name.
    public var userhash: Bool

    public init(
        realm: String, nonce: String, opaque: String? = nil, algorithm: DigestAlgorithm = .md5, qop: [DigestQOP] = [.auth],
        stale: Bool = false, domain: [String] = [], announcesUTF8: Bool = false, userhash: Bool = false
    ) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qop = qop
        self.stale = stale
        self.domain = domain
        self.announcesUTF8 = announcesUTF8
        self.userhash = userhash
    }

    /// Reads a parsed challenge.
    /// - Throws: ``HTTPAuthError`` when the scheme is not Digest, `realm` or `nonce` is missing, or the algorithm is
    ///   not one RFC 7616 defines.
    public init(_ challenge: Challenge) throws {
        guard challenge.scheme == .digest else {
            throw HTTPAuthError.digest("expected the Digest scheme, got '\(challenge.scheme)'")
        }
        guard let realm = challenge[parameter: "realm"] else { throw HTTPAuthError.digest("the Digest challenge has no realm") }
        guard let nonce = challenge[parameter: "nonce"] else { throw HTTPAuthError.digest("the Digest challenge has no nonce") }
        var algorithm = DigestAlgorithm.md5
        if let name = challenge[parameter: "algorithm"] {
            guard let known = DigestAlgorithm(name: name) else {
                throw HTTPAuthError.digest("Digest algorithm '\(name)' is not one of MD5, SHA-256, SHA-512-256 (or their -sess forms)")
            }
            algorithm = known
        }
        self.init(
            realm: realm, nonce: nonce, opaque: challenge[parameter: "opaque"], algorithm: algorithm,
            qop: challenge[parameter: "qop"].map(Self.splitList)?.map(DigestQOP.init) ?? [],
            stale: challenge[parameter: "stale"]?.lowercased() == "true",
            domain: challenge[parameter: "domain"]?.split(separator: " ").map(String.init) ?? [],
            announcesUTF8: challenge[parameter: "charset"]?.lowercased() == "utf-8",
            userhash: challenge[parameter: "userhash"]?.lowercased() == "true"
        )
    }

    /// The challenge to send.
    public var challenge: Challenge {
        var parameters = [AuthParameter("realm", realm)]
        if !domain.isEmpty { parameters.append(AuthParameter("domain", domain.joined(separator: " "))) }
        if !qop.isEmpty { parameters.append(AuthParameter("qop", qop.map(\.rawValue).joined(separator: ", "))) }
        parameters.append(AuthParameter("algorithm", algorithm.name, form: .token))
        parameters.append(AuthParameter("nonce", nonce))
        if let opaque { parameters.append(AuthParameter("opaque", opaque)) }
        if stale { parameters.append(AuthParameter("stale", "true", form: .token)) }
        if announcesUTF8 { parameters.append(AuthParameter("charset", "UTF-8", form: .token)) }
        if userhash { parameters.append(AuthParameter("userhash", "true", form: .token)) }
        return Challenge(scheme: .digest, parameters: parameters)
    }

    /// The Digest challenge a client should answer among `challenges`: the strongest algorithm it can compute
    /// (RFC 7616 §3.7), or `nil` when none is a usable Digest challenge.
    public static func preferred(among challenges: [Challenge]) -> DigestChallenge? {
        let digests = challenges.compactMap { try? DigestChallenge($0) }
        return DigestAlgorithm.strongestFirst.lazy.compactMap { algorithm in
            digests.first { $0.algorithm == algorithm }
        }.first
    }

    static func splitList(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        let trimmedStart = drop { characters.contains($0) }
        return String(trimmedStart.reversed().drop { characters.contains($0) }.reversed())
    }
}
