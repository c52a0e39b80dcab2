import Foundation
import HTTPAuth
import Tokens

/// A rule: a pure function from evidence to at most one finding, named after its cause id in `CAUSES.md`.
public protocol DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding?
}

/// Every rule the live doctor runs, in no particular order (findings are ranked afterwards).
public enum DoctorRules {
    public static let all: [any DoctorRule.Type] = [
        ProxyAuthenticationRequired.self, MissingWWWAuthenticate.self, InvalidChallengeSyntax.self, Cached401.self,
        RedirectDroppedCredentials.self, NoCredentialsSent.self, SchemeMismatch.self, TokenTimes.self, TokenMalformed.self,
        TokenAudienceMismatch.self, BearerHeaderMalformed.self, CredentialsRejected.self, DigestStaleNonce.self,
        RateLimited.self, BasicOverHTTP.self, CORSPreflightUnauthorized.self,
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
