/// The client's answer to a Digest challenge: the parameters of `Authorization: Digest …`.
///
/// The user is sent one of three ways: `username="…"`, `username*=UTF-8''…` (RFC 8187, for names a quoted-string
/// cannot carry), or, with `userhash=true`, as H(username:realm). ``username`` holds the name as sent (the hash, in
/// the last case). `nc` is eight hex digits on the wire.
/// https://www.rfc-editor.org/rfc/rfc7616.html#section-3.4
public struct DigestResponse: Hashable, Sendable {
    public var username: String
    /// Whether ``username`` is H(username:realm) rather than the name.
    public var userhash: Bool
    public var realm: String
    public var uri: String
    public var algorithm: DigestAlgorithm
    public var nonce: String
    public var opaque: String?
    /// `nil` in the RFC 2069 form, which then has no `cnonce` or `nc` either.
    public var qop: DigestQOP?
    public var cnonce: String?
    public var nonceCount: UInt32?
    /// The hex digest proving knowledge of the password.
    public var response: String
    /// Whether the algorithm was named in the request (RFC 7616 clients do; RFC 2617 clients may leave MD5 implied).
    public var algorithmWasNamed: Bool

    public init(
        username: String, userhash: Bool = false, realm: String, uri: String, algorithm: DigestAlgorithm, nonce: String,
        opaque: String? = nil, qop: DigestQOP?, cnonce: String?, nonceCount: UInt32?, response: String, algorithmWasNamed: Bool = true
    ) {
        self.username = username
        self.userhash = userhash
        self.realm = realm
        self.uri = uri
        self.algorithm = algorithm
        self.nonce = nonce
        self.opaque = opaque
        self.qop = qop
        self.cnonce = cnonce
        self.nonceCount = nonceCount
        self.response = response
        self.algorithmWasNamed = algorithmWasNamed
    }

    /// `nc` as written: eight lower-case hex digits.
    public var nonceCountText: String? { nonceCount.map { String($0, radix: 16).leftPadded(to: 8) } }

    /// Reads a parsed `Authorization: Digest …` credential.
    /// - Throws: ``HTTPAuthError`` naming the missing or malformed parameter.
    public init(_ credentials: Credentials) throws {
        guard credentials.scheme == .digest else {
            throw HTTPAuthError.digest("expected the Digest scheme, got '\(credentials.scheme)'")
        }
        func required(_ name: String) throws -> String {
            guard let value = credentials[parameter: name] else { throw HTTPAuthError.digest("the Digest response has no '\(name)'") }
            return value
        }
        let plain = credentials[parameter: "username"]
        let extended = credentials[parameter: "username*"]
        let username: String
        switch (plain, extended) {
        case (let name?, nil): username = name
        case (nil, let encoded?): username = try RFC8187.decode(encoded)
        case (nil, nil): throw HTTPAuthError.digest("the Digest response has no 'username' or 'username*'")
        case (_?, _?): throw HTTPAuthError.digest("'username' and 'username*' must not both be present (RFC 7616 §3.4)")
        }
        let userhash = credentials[parameter: "userhash"]?.lowercased() == "true"
        if userhash && extended != nil {
            throw HTTPAuthError.digest("'username*' cannot be used with userhash=true (RFC 7616 §3.4.4)")
        }
        var algorithm = DigestAlgorithm.md5
        if let name = credentials[parameter: "algorithm"] {
            guard let known = DigestAlgorithm(name: name) else { throw HTTPAuthError.digest("unknown Digest algorithm '\(name)'") }
            algorithm = known
        }
        let qop = credentials[parameter: "qop"].map(DigestQOP.init)
        var cnonce: String?
        var nonceCount: UInt32?
        if qop != nil {
            cnonce = try required("cnonce")
            let nc = try required("nc")
            guard nc.utf8.count == 8, let value = UInt32(nc, radix: 16) else {
                throw HTTPAuthError.digest("'nc' must be eight hex digits, got '\(nc)'")
            }
            nonceCount = value
        }
        self.init(
            username: username, userhash: userhash, realm: try required("realm"), uri: try required("uri"), algorithm: algorithm,
            nonce: try required("nonce"), opaque: credentials[parameter: "opaque"], qop: qop, cnonce: cnonce, nonceCount: nonceCount,
            response: try required("response"), algorithmWasNamed: credentials[parameter: "algorithm"] != nil
        )
    }

    /// The credential to send. A name that is not printable ASCII goes in `username*`.
    public var credentials: Credentials {
        var parameters: [AuthParameter] = []
        let needsExtended = !userhash && !username.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        parameters.append(needsExtended ? AuthParameter("username*", RFC8187.encode(username), form: .token) : AuthParameter("username", username))
        parameters.append(AuthParameter("realm", realm))
        parameters.append(AuthParameter("uri", uri))
        if algorithmWasNamed { parameters.append(AuthParameter("algorithm", algorithm.name, form: .token)) }
        parameters.append(AuthParameter("nonce", nonce))
        if let qop, let cnonce, let nc = nonceCountText {
            parameters.append(AuthParameter("nc", nc, form: .token))
            parameters.append(AuthParameter("cnonce", cnonce))
            parameters.append(AuthParameter("qop", qop.rawValue, form: .token))
        }
        parameters.append(AuthParameter("response", response))
        if let opaque { parameters.append(AuthParameter("opaque", opaque)) }
        if userhash { parameters.append(AuthParameter("userhash", "true", form: .token)) }
        return Credentials(scheme: .digest, parameters: parameters)
    }
}
