import Foundation
#if canImport(Glibc)
import Glibc
#endif
import HTTPAuth
import Tokens

/// A rule: a pure function from evidence to at most one finding, named after its cause id in `CAUSES.md`.
public protocol DoctorRule: Sendable {
    static func evaluate(_ evidence: Evidence) -> Finding?
}

/// Every rule the live doctor runs, in no particular order (findings are ranked afterwards).
public enum DoctorRules {
    public static let all: [any DoctorRule.Type] = [
        ProxyAuthenticationRequired.self, MissingWWWAuthenticate.self, InvalidChallengeSyntax.self, Cached401.self,
        RedirectDroppedCredentials.self, NoCredentialsSent.self, SchemeMismatch.self, TokenTimes.self, TokenMalformed.self,
        TokenAudienceMismatch.self, BearerHeaderMalformed.self, CredentialsRejected.self, DigestStaleNonce.self,
        RateLimited.self, BasicOverHTTP.self, CORSPreflightUnauthorized.self, ForbiddenSentAs401.self,
        AuthorizationNotPassedToApp.self, CookieBlocked.self, InconsistentAcrossInstances.self, PasswordFileError.self,
        FirstChallenge.self, UnderscoreHeaderDropped.self, LoginRedirectForAPI.self, UnregisteredScheme.self,
        APIKeyMisplaced.self, BasicCharsetMismatch.self, UserinfoEncoding.self, CookieOutOfScope.self,
        RegistryTokenFlow.self, TokenWrongKind.self, OAuthInvalidClient.self, CMSRestAuth.self, WrongEnvironmentCredential.self,
        NegotiateFailure.self, ErrorMaskedAs401.self, ServerStatedCause.self, BlockedByFirewall.self, TokenIssuerHost.self,
        LoginRedirectLoop.self, CookieTooLarge.self, IISRefusalPage.self,
    ]
}

extension Evidence {
    /// The challenges of the final 401, or of the probe without credentials when the final one has none.
    var challenges: [Challenge] {
        for exchange in [final, probe("without-credentials")].compactMap({ $0 }) where exchange.status == 401 {
            if let list = try? Challenge.parseList(exchange.responseValues("WWW-Authenticate")), !list.isEmpty { return list }
        }
        return []
    }

    /// The scheme of the credential the user's request sent, as written.
    var sentScheme: String? {
        sentAuthorization.flatMap { $0.split(separator: " ", maxSplits: 1).first.map(String.init) }
    }

    var isUnauthorized: Bool { final?.status == 401 }
}

extension Exchange {
    /// The challenges of this response; empty when there are none or they do not parse.
    var challenges: [Challenge] { (try? Challenge.parseList(responseValues("WWW-Authenticate"))) ?? [] }

    /// The protection spaces the response names: scheme and realm (RFC 9110 §11.5), lowercased scheme.
    var protectionSpaces: Set<String> {
        Set(challenges.map { "\($0.scheme.rawName.lowercased()) realm=\($0[parameter: "realm"] ?? "")" })
    }

    /// The first of `phrases` (lowercase ASCII) that the body holds, in any ASCII case: the bytes are lowercased once
    /// and searched byte-wise (`memchr` to each candidate start, then `memcmp`), since a rule may look for dozens of
    /// phrases in every refusal of a large HAR.
    func bodyPhrase(_ phrases: [String]) -> String? {
        guard !bodyPrefix.isEmpty else { return nil }
        let lowered = bodyPrefix.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lowered.withUnsafeBytes { body in
            phrases.first { phrase in Array(phrase.utf8).withUnsafeBytes { Self.find($0, in: body) } }
        }
    }

    private static func find(_ needle: UnsafeRawBufferPointer, in haystack: UnsafeRawBufferPointer) -> Bool {
        guard let first = needle.first, let base = haystack.baseAddress, needle.count <= haystack.count else { return needle.isEmpty }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last, let found = memchr(base + start, Int32(first), last - start + 1) {
            let offset = base.distance(to: UnsafeRawPointer(found))
            if memcmp(found, needle.baseAddress!, needle.count) == 0 { return true }
            start = offset + 1
        }
        return false
    }

    /// Whether the body holds `phrase` (lowercase ASCII), in any ASCII case.
    func bodySays(_ phrase: String) -> Bool { bodyPhrase([phrase]) != nil }
}

extension Evidence {
    /// A parent path that accepted the credential while refusing a request without it, in the same protection space
    /// as the 401: the credential is valid there (probes `parent` and `parent-without-credentials`).
    var credentialAcceptedInSameRealm: (accepted: Exchange, refusedWithout: Exchange)? {
        guard let final else { return nil }
        let spaces = final.protectionSpaces.union(probe("without-credentials")?.protectionSpaces ?? [])
        for accepted in probes where accepted.purpose == "parent" {
            guard let status = accepted.status, status != 401, status != 407, status < 500,
                let bare = probes.first(where: { $0.purpose == "parent-without-credentials" && $0.url == accepted.url }),
                bare.status == 401, !bare.protectionSpaces.isDisjoint(with: spaces)
            else { continue }
            return (accepted, bare)
        }
        return nil
    }
}
