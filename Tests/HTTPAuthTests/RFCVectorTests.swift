import Foundation
import Testing
@testable import HTTPAuth

/// The RFC examples in Fixtures/rfc_vectors.json; every failure names the vector and its section.
@Suite struct RFCVectorTests {
    nonisolated(unsafe) static let vectors = try! Fixtures.rfcVectors
    static func group(_ name: String) -> [[String: Any]] { vectors[name] as! [[String: Any]] }

    @Test func basicAladdin_RFC7617_2() throws {
        let vector = Self.group("rfc7617_basic")[0]
        let credentials = try BasicCredentials(userID: vector["user_id"] as! String, password: vector["password"] as! String).credentials()
        #expect(try credentials.serialized() == vector["authorization"] as! String, "rfc7617-2-aladdin")
        let decoded = try BasicCredentials(Credentials(parsing: vector["authorization"] as! String), charset: .utf8)
        #expect(decoded.userID == "Aladdin" && decoded.password == "open sesame", "rfc7617-2-aladdin")
    }

    @Test func basicCharsetUTF8_RFC7617_2_1() throws {
        let vector = Self.group("rfc7617_basic")[2]
        let challenge = try Challenge.parseList(vector["www_authenticate"] as! String)[0]
        #expect(BasicCredentials.charset(announcedBy: challenge) == .utf8, "rfc7617-2.1-charset-utf8")
        let basic = BasicCredentials(userID: "test", password: "123\u{A3}")
        #expect(try basic.token68(charset: .utf8) == vector["base64"] as! String, "rfc7617-2.1-charset-utf8")
        #expect(try BasicCredentials(token68: "dGVzdDoxMjPCow==", charset: .utf8) == basic, "rfc7617-2.1-charset-utf8")
    }

    @Test func basicLatin1WhenNoCharset() throws {
        let vector = Self.group("rfc7617_basic")[3]
        #expect(BasicCredentials.charset(announcedBy: BasicChallenge.make(realm: "x", announceUTF8: false)) == .latin1)
        let basic = BasicCredentials(userID: "test", password: "123\u{A3}")
        #expect(try basic.credentials(charset: .latin1).serialized() == vector["authorization"] as! String, "derived-basic-latin1")
        #expect(try BasicCredentials(token68: "dGVzdDoxMjOj", charset: .latin1) == basic, "derived-basic-latin1")
        #expect(throws: HTTPAuthError.self, "Latin-1 bytes are not UTF-8") { try BasicCredentials(token68: "dGVzdDoxMjOj", charset: .utf8) }
        #expect(BasicCredentials.detectCharset(ofToken68: "dGVzdDoxMjOj") == .latin1)
    }

    @Test func basicSplitsOnFirstColon_RFC7617_2() throws {
        let checks = (Self.group("rfc7617_basic")[4]["derived_checks"] as! [[String: Any]])
        for check in checks {
            let decoded = try BasicCredentials(token68: check["token68"] as! String, charset: .utf8)
            #expect(decoded.userID == check["expect_user_id"] as! String, "rfc7617-2-colon-rule")
            #expect(decoded.password == check["expect_password"] as! String, "rfc7617-2-colon-rule")
        }
        #expect(throws: HTTPAuthError.self) { try BasicCredentials(userID: "a:b", password: "x").token68() }
    }

    @Test(arguments: ["rfc2617_digest", "rfc7616_digest"])
    func digestResponses(group: String) throws {
        for vector in Self.group(group) where vector["response"] != nil && vector["www_authenticate"] != nil {
            let id = vector["id"] as! String
            let challenges = try Challenge.parseList(vector["www_authenticate"] as! String)
            #expect(challenges == Fixtures.challenges(vector["www_authenticate_parsed"]!), "\(id): challenge parse")
            let challenge = try DigestChallenge(challenges[0])
            let response = try DigestClient.respond(
                to: challenge, username: vector["username"] as! String, password: vector["password"] as! String,
                method: vector["method"] as! String, uri: vector["uri"] as! String, cnonce: vector["cnonce"] as! String,
                nonceCount: UInt32(vector["nc"] as! String, radix: 16)!)
            #expect(response.response == vector["response"] as! String, "\(id): response")
            let authorization = try Credentials(parsing: vector["authorization"] as! String)
            #expect(authorization.parameters == Fixtures.challenges(vector["authorization_parsed"]!)[0].parameters, "\(id): Authorization parse")
            #expect(try DigestResponse(authorization).response == response.response, "\(id): read back")
        }
    }

    /// RFC 7616 §3.9.2 with FIPS 180-4 SHA-512/256: the values of erratum 4897, not the truncated SHA-512 printed.
    @Test func sha512_256UserhashErratum4897() throws {
        let vector = Self.group("rfc7616_digest").first { $0["id"] as? String == "rfc7616-3.9.2-sha512-256-userhash" }!
        let challenge = try DigestChallenge(Challenge.parseList(vector["www_authenticate"] as! String)[0])
        #expect(challenge.userhash && challenge.algorithm == .sha512_256 && challenge.announcesUTF8)
        let response = try DigestClient.respond(
            to: challenge, username: vector["username"] as! String, password: vector["password"] as! String, method: "GET",
            uri: "/doe.json", cnonce: vector["cnonce"] as! String, nonceCount: 1)
        #expect(response.username == vector["fips_180_4_userhash"] as! String, "3.9.2 userhash (erratum 4897)")
        #expect(response.response == vector["fips_180_4_response"] as! String, "3.9.2 response (erratum 4897)")
        #expect(response.response != vector["truncated_sha512_response"] as! String)
    }

    @Test func usernameStar_RFC7616_3_9_2() throws {
        let vector = Self.group("rfc7616_digest").first { $0["id"] as? String == "rfc7616-3.9.2-sha512-256-userhash" }!
        let parsed = try DigestResponse(Credentials(parsing: vector["authorization_username_star_as_in_rfc"] as! String))
        #expect(parsed.username == "J\u{E4}s\u{F8}n Doe" && !parsed.userhash, "username* decodes (RFC 8187)")
        var rewritten = parsed
        rewritten.response = "00"
        #expect(try rewritten.credentials.serialized().contains("username*=UTF-8''J%C3%A4s%C3%B8n%20Doe"))
    }

    @Test func chromiumSHA256Userhash() throws {
        let vector = Self.group("rfc7616_digest").first { $0["id"] as? String == "chromium-rfc7616-3.9.2-as-sha256-nc123" }!
        let challenge = DigestChallenge(
            realm: vector["realm"] as! String, nonce: vector["nonce"] as! String, opaque: vector["opaque"] as? String,
            algorithm: .sha256, qop: [.auth], userhash: true)
        let response = try DigestClient.respond(
            to: challenge, username: vector["username"] as! String, password: vector["password"] as! String, method: "GET",
            uri: "/doe.json", cnonce: vector["cnonce"] as! String, nonceCount: 0x123)
        #expect(response.username == vector["userhash"] as! String, "chromium userhash")
        #expect(response.response == vector["response"] as! String, "chromium response")
        #expect(response.nonceCountText == "00000123")
    }

    @Test func bearerChallenges_RFC6750_3() throws {
        for vector in Self.group("rfc6750_bearer") where vector["www_authenticate"] != nil {
            let id = vector["id"] as! String
            let parsed = try Challenge.parseList(vector["www_authenticate"] as! String)
            #expect(parsed == Fixtures.challenges(vector["parsed"]!), "\(id)")
            let bearer = try BearerChallenge(parsed[0])
            #expect(bearer.error?.status == vector["status"] as? Int ?? nil || bearer.error == nil, "\(id): status")
            #expect(try bearer.challenge() == parsed[0], "\(id): round trip")
        }
        let codes = Self.group("rfc6750_bearer").first { $0["id"] as? String == "rfc6750-3.1-error-codes" }!["codes"] as! [String: Int]
        for (code, status) in codes { #expect(BearerErrorCode(code).status == status, "rfc6750-3.1 \(code)") }
    }

    @Test func bearerCredentialsAndScope_RFC6750() throws {
        let credentials = try Credentials(parsing: "Bearer mF_9.B5f-4.1JqM")
        #expect(try BearerToken.token(from: credentials) == "mF_9.B5f-4.1JqM", "rfc6750-2.1")
        #expect(throws: HTTPAuthError.self) { try BearerToken.credentials("a\"b") }
        let scoped = try BearerChallenge(Challenge.parseList("Bearer scope=\"openid profile email\"")[0])
        #expect(scoped.scope == ["openid", "profile", "email"], "rfc6750-3-scope-values")
        #expect(throws: HTTPAuthError.self, "error_description may not hold a quote") {
            try BearerChallenge(realm: "x", error: .invalidToken, errorDescription: "bad \"quote\"").challenge()
        }
    }

    @Test(arguments: 0..<6)
    func authorizationParse(index: Int) throws {
        let vector = Self.group("authorization_parse")[index]
        let credentials = try Credentials(parsing: vector["header"] as! String)
        let expected = Fixtures.challenges([vector["expect"]!])[0]
        #expect(credentials.scheme == expected.scheme && credentials.token68 == expected.token68, "\(vector["id"]!)")
        #expect(credentials.parameters == expected.parameters, "\(vector["id"]!)")
        #expect(try Credentials(parsing: credentials.serialized()) == credentials, "\(vector["id"]!): round trip")
    }
}
