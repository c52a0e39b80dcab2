import Crypto
import Foundation
import JWTKit
import Testing
@testable import Tokens

@Suite struct TokenVerifierTests {
    /// RFC 7515 Appendix A.1 (HS256), with the key from its JWK.
    static let rfc7515A1 = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let rfc7515Key = #"{"keys":[{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}]}"#

    @Test func rfc7515AppendixA1() async throws {
        let keys = try await TokenKeys.jwks(json: Self.rfc7515Key)
        let before = Date(timeIntervalSince1970: 1_300_819_000)
        let valid = await TokenVerifier(keys: keys, policy: TokenPolicy(issuer: "joe")).verify(Self.rfc7515A1, now: before)
        #expect(valid.isValid, "RFC 7515 A.1: \(valid.checks)")
        let after = await TokenVerifier(keys: keys).verify(Self.rfc7515A1, now: Date(timeIntervalSince1970: 1_300_819_381))
        #expect(after.failure?.reason == "token-expired", "RFC 7515 A.1 after exp")
        let leeway = await TokenVerifier(keys: keys, policy: TokenPolicy(leeway: 60)).verify(Self.rfc7515A1, now: Date(timeIntervalSince1970: 1_300_819_381))
        #expect(leeway.isValid, "leeway covers one second")
        let tampered = String(Self.rfc7515A1.dropLast(2)) + "AA"
        #expect(await TokenVerifier(keys: keys).verify(tampered, now: before).failure?.reason == "token-signature-invalid")
    }

    /// RFC 7515 §4.1.11: a token whose `crit` names anything is refused even with a valid signature: an extension
    /// (`b64`), a registered name (`exp`, which crit may not hold), an empty list, or a list that is not one.
    @Test(arguments: [#"["exp"]"#, #"["b64"]"#, #"["http://example.com/ext"]"#, "[]", #""exp""#])
    func criticalHeaderExtensionsAreRefused(crit: String) async throws {
        let secret = Array("an HMAC secret of at least thirty-two bytes!".utf8)
        let header = #"{"alg":"HS256","kid":"k1","crit":\#(crit)}"#
        let payload = #"{"sub":"svc","exp":\#(Int(Date().timeIntervalSince1970) + 300)}"#
        func b64(_ bytes: [UInt8]) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        let input = b64(Array(header.utf8)) + "." + b64(Array(payload.utf8))
        let signature = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        let token = input + "." + b64(Array(signature))
        let keys = try await TokenKeys.jwks(json: #"{"keys":[{"kty":"oct","kid":"k1","alg":"HS256","k":"\#(b64(secret))"}]}"#)
        let verification = await TokenVerifier(keys: keys).verify(token)
        #expect(!verification.isValid, "crit \(crit)")
        #expect(verification.failure?.reason == "token-critical-header", "crit \(crit)")
        let withoutCrit = b64(Array(#"{"alg":"HS256","kid":"k1"}"#.utf8)) + "." + b64(Array(payload.utf8))
        let control = withoutCrit + "." + b64(Array(HMAC<SHA256>.authenticationCode(for: Array(withoutCrit.utf8), using: SymmetricKey(data: secret))))
        #expect(await TokenVerifier(keys: keys).verify(control).isValid, "the same token without crit is valid")
    }

    static func signed(_ claims: [String: Any], kid: String = "k1", key: ES256PrivateKey) async throws -> String {
        struct Payload: JWTPayload {
            var exp: ExpirationClaim?; var nbf: NotBeforeClaim?; var aud: AudienceClaim?; var iss: IssuerClaim?
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let keys = await JWTKeyCollection().add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let payload = Payload(
            exp: (claims["exp"] as? Date).map(ExpirationClaim.init), nbf: (claims["nbf"] as? Date).map(NotBeforeClaim.init),
            aud: (claims["aud"] as? String).map { AudienceClaim(value: [$0]) }, iss: (claims["iss"] as? String).map(IssuerClaim.init))
        return try await keys.sign(payload, kid: JWKIdentifier(string: kid))
    }

    @Test func eachFailureIsNamed() async throws {
        let key = ES256PrivateKey()
        let parameters = key.publicKey.parameters!
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256","x":"\#(parameters.x)","y":"\#(parameters.y)"}]}"#
        let keys = try await TokenKeys.jwks(json: jwks)
        let now = Date()
        let policy = TokenPolicy(audience: "api", issuer: "https://idp")
        let verifier = TokenVerifier(keys: keys, policy: policy)
        let good = try await Self.signed(["exp": now + 600, "aud": "api", "iss": "https://idp"], key: key)
        #expect(await verifier.verify(good, now: now).isValid)
        let cases: [([String: Any], String, String)] = [
            (["exp": now - 600, "aud": "api", "iss": "https://idp"], "k1", "token-expired"),
            (["exp": now + 600, "nbf": now + 300, "aud": "api", "iss": "https://idp"], "k1", "token-not-yet-valid"),
            (["exp": now + 600, "aud": "web", "iss": "https://idp"], "k1", "token-audience-mismatch"),
            (["exp": now + 600, "aud": "api", "iss": "https://evil"], "k1", "token-issuer-mismatch"),
            (["exp": now + 600, "aud": "api", "iss": "https://idp"], "rotated", "token-key-unknown"),
        ]
        for (claims, kid, reason) in cases {
            let token = try await Self.signed(claims, kid: kid, key: key)
            #expect(await verifier.verify(token, now: now).failure?.reason == reason, "\(reason)")
        }
        let otherKey = try await Self.signed(["exp": now + 600, "aud": "api", "iss": "https://idp"], key: ES256PrivateKey())
        #expect(await verifier.verify(otherKey, now: now).failure?.reason == "token-signature-invalid")
        let hs = "eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo"
        #expect(await verifier.verify(hs, now: now).failure?.reason == "token-algorithm-mismatch")
        let none = "eyJhbGciOiJub25lIn0.e30."
        #expect(await verifier.verify(none, now: now).failure?.reason == "token-algorithm-mismatch")
    }

    @Test(arguments: ["\"a.b.c\"", "a.b", "Bearer a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30=.sig", "eyJhbGciOiJIUzI1NiJ9%2Ee30.x", "eyJhbGciOiJIUzI1NiJ9.e30.x\n", "bm90IGpzb24.e30.x", "!!!.e30.x"])
    func malformedTokensAreNamed(token: String) async {
        let verification = await TokenVerifier(keys: nil).verify(token)
        #expect(verification.token == nil && verification.failure?.reason == "token-malformed", "\(token.debugDescription)")
    }

    @Test func shortHMACSecretsDoNotCrash() async throws {
        let token = "eyJhbGciOiJIUzI1NiJ9.e30." + Data(HMAC<SHA256>.authenticationCode(for: Array("eyJhbGciOiJIUzI1NiJ9.e30".utf8), using: SymmetricKey(data: Array("secret".utf8))))
            .base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(await TokenVerifier(keys: .secret("secret")).verify(token).isValid)
        #expect(await TokenVerifier(keys: .secret("other")).verify(token).failure?.reason == "token-signature-invalid")
    }
}
