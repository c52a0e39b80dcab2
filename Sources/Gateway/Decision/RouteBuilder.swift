import AsyncHTTPClient
import Foundation
import Crypto
import HTTPAuth
import Passwords
import Store
import Tokens

/// Turns configured routes into ready ones: loads their user, group and key files (failing at start, not at the
/// first request) and builds one authenticator per scheme.
struct RouteBuilder {
    let config: GatewayConfig
    let store: any GatewayStore
    let httpClient: HTTPClient
    let passwords: PasswordVerifier
    let nonceCounter: any DigestNonceCounter
    /// The gateway's own signing keys, when `tokens:` is configured.
    let signingKeys: SigningKeys?

    func build() async throws -> [RouteRuntime] {
        let nonceKey = try await store.secret(named: "digest-nonce")
        let opaque = hexString(try await store.secret(named: "digest-opaque").prefix(12))
        var routes: [RouteRuntime] = []
        for route in config.routes {
            let realm = route.realm ?? config.realm
            var authenticators: [any SchemeAuthenticator] = []
            for scheme in route.schemes {
                switch scheme {
                case .basic:
                    let users = try ReloadingFile(path: route.users ?? "", parse: { try HtpasswdFile(path: $0) }) { [passwords] _ in
                        passwords.invalidateCache()
                    }
                    authenticators.append(BasicAuthenticator(realm: realm, users: users, verifier: passwords))
                case .digest:
                    let users = try ReloadingFile(path: route.digestUsers ?? "", parse: { try HtdigestFile(path: $0) })
                    let verifier = DigestVerifier(
                        realm: realm, algorithms: route.digestAlgorithms.compactMap { DigestAlgorithm(name: $0) }, qop: [.auth, .authInt],
                        nonces: DigestNonces(key: nonceKey, lifetime: route.digestNonceLifetime), counter: nonceCounter, opaque: opaque)
                    authenticators.append(DigestAuthenticator(verifier: verifier, users: users))
                case .bearer:
                    guard let jwt = route.jwt else { continue }
                    let keys = try await JWTKeySource.make(jwt, client: httpClient, ownKeys: signingKeys)
                    let policy = TokenPolicy(algorithms: jwt.algorithms, audience: jwt.audience, issuer: jwt.issuer, leeway: jwt.leeway)
                    authenticators.append(BearerAuthenticator(realm: realm, keys: keys, policy: policy, requiredScopes: route.require.scopes))
                case .session:
                    let users = try ReloadingFile(path: route.users ?? "", parse: { try HtpasswdFile(path: $0) })
                    authenticators.append(SessionAuthenticator(
                        realm: realm, users: users, verifier: passwords, store: store, settings: route.session,
                        csrfKey: SymmetricKey(data: try await store.secret(named: "session-csrf")), secure: config.secureCookies))
                case .apiKey:
                    authenticators.append(APIKeyAuthenticator(store: store, location: route.apiKey, realm: realm))
                }
            }
            let groups = try route.groups.map { path in try ReloadingFile(path: path, parse: { try GroupFile(path: $0) }) }
            routes.append(RouteRuntime(config: route, authenticators: authenticators, groups: groups))
        }
        return routes
    }
}
