import Foundation

/// The registered-claim checks of RFC 7519 §4.1, each with its verdict, judged at one instant with a leeway.
/// https://www.rfc-editor.org/rfc/rfc7519.html#section-4.1
struct ClaimChecks {
    let token: DecodedJWT
    let policy: TokenPolicy
    let now: Date

    var all: [TokenCheck] { [expiry, notBefore, issuedAt, audience, issuer] }

    var expiry: TokenCheck {
        guard let exp = token.date("exp") else {
            return policy.requireExpiry
                ? TokenCheck("exp", .failed, "the token has no exp and one is required", reason: "token-expired")
                : TokenCheck("exp", .notChecked, "no exp claim: the token never expires")
        }
        if now.timeIntervalSince(exp) > policy.leeway {
            return TokenCheck("exp", .failed, "expired \(TimeDescription.describe(exp, relativeTo: now))", reason: "token-expired")
        }
        return TokenCheck("exp", .passed, "expires \(TimeDescription.describe(exp, relativeTo: now))")
    }

    var notBefore: TokenCheck {
        guard let nbf = token.date("nbf") else { return TokenCheck("nbf", .notChecked, "no nbf claim") }
        if nbf.timeIntervalSince(now) > policy.leeway {
            return TokenCheck("nbf", .failed, "not valid until \(TimeDescription.describe(nbf, relativeTo: now)): clocks disagree?", reason: "token-not-yet-valid")
        }
        return TokenCheck("nbf", .passed, "valid since \(TimeDescription.describe(nbf, relativeTo: now))")
    }

    var issuedAt: TokenCheck {
        guard let iat = token.date("iat") else { return TokenCheck("iat", .notChecked, "no iat claim") }
        if iat.timeIntervalSince(now) > policy.leeway {
            return TokenCheck("iat", .failed, "issued in the future, \(TimeDescription.describe(iat, relativeTo: now)): the issuer's clock is ahead", reason: "token-not-yet-valid")
        }
        return TokenCheck("iat", .passed, "issued \(TimeDescription.describe(iat, relativeTo: now))")
    }

    var audience: TokenCheck {
        let audiences = token.audiences
        guard let expected = policy.audience else {
            return TokenCheck("aud", .notChecked, audiences.isEmpty ? "no aud claim" : "aud \(audiences.joined(separator: ", ")); no expected audience given")
        }
        if audiences.contains(expected) { return TokenCheck("aud", .passed, "aud includes '\(expected)'") }
        let found = audiences.isEmpty ? "no aud claim" : "aud is \(audiences.map { "'\($0)'" }.joined(separator: ", "))"
        return TokenCheck("aud", .failed, "\(found); expected '\(expected)'", reason: "token-audience-mismatch")
    }

    var issuer: TokenCheck {
        let issuer = token.claims["iss"]?.stringValue
        guard let expected = policy.issuer else {
            return TokenCheck("iss", .notChecked, issuer.map { "iss '\($0)'; no expected issuer given" } ?? "no iss claim")
        }
        if issuer == expected { return TokenCheck("iss", .passed, "iss is '\(expected)'") }
        return TokenCheck("iss", .failed, "\(issuer.map { "iss is '\($0)'" } ?? "no iss claim"); expected '\(expected)'", reason: "token-issuer-mismatch")
    }
}
