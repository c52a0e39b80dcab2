import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Tokens

/// Where a route's JWT keys come from, kept current: a JWKS file (read again when it changes), a JWKS URL (fetched
/// every `refresh`, and at once when a token names an unknown `kid`, at most every 10 s, so a key rotation is picked
/// up without a restart), a shared secret file, or the gateway's own signing keys (`tokens:`), read in process:
/// a key this gateway rotated in is known at once, one another instance made is read from the store when a token
/// names it (at most once a second).
public final class JWTKeySource: Sendable {
    enum Origin: Sendable {
        case file(String)
        case url(URL, refresh: TimeInterval, client: HTTPClient)
        case secretFile(String)
        case issuer(SigningKeys)
    }

    private struct State {
        var keys: TokenKeys
        var loaded: ContinuousClock.Instant
        var fileModified: Date?
        var lastForcedFetch: ContinuousClock.Instant?
    }

    private let origin: Origin
    private let state: Mutex<State>

    private init(origin: Origin, keys: TokenKeys, modified: Date?, loaded: ContinuousClock.Instant = .now) {
        self.origin = origin
        state = Mutex(State(keys: keys, loaded: loaded, fileModified: modified))
    }

    /// Loads the keys for `config` now, failing at start rather than at the first request. `ownKeys` are the
    /// gateway's signing keys, taken when `config` names no source or names the gateway's own JWKS URL.
    static func make(_ config: GatewayConfig.JWT, client: HTTPClient, ownKeys: SigningKeys?) async throws -> JWTKeySource {
        let origin: Origin
        if let ownKeys, config.usesOwnKeys {
            origin = .issuer(ownKeys)
        } else if let file = config.jwksFile {
            origin = .file(file)
        } else if let url = config.jwksURL {
            origin = .url(url, refresh: config.refresh, client: client)
        } else {
            origin = .secretFile(config.secretFile ?? "")
        }
        return JWTKeySource(origin: origin, keys: try await load(origin), modified: modified(origin))
    }

    /// The current keys, refreshed first when they are due.
    public func keys() async -> TokenKeys {
        let (keys, loaded, modified) = state.withLock { ($0.keys, $0.loaded, $0.fileModified) }
        switch origin {
        case .file, .secretFile:
            guard ContinuousClock.now - loaded >= .seconds(1) else { return keys }
            state.withLock { $0.loaded = .now }
            guard Self.modified(origin) != modified else { return keys }
            return await reload() ?? keys
        case .url(_, let refresh, _):
            guard ContinuousClock.now - loaded >= .seconds(refresh) else { return keys }
            return await reload() ?? keys
        case .issuer:
            guard ContinuousClock.now - loaded >= .seconds(1) else { return keys }
            return await reload() ?? keys
        }
    }

    /// Fetches a JWKS URL again because a token named a `kid` it lacks; nil when a fetch is not allowed yet or
    /// the origin is not a URL.
    public func keysAfterUnknownKeyID() async -> TokenKeys? {
        if case .issuer = origin { return await reload(rereadStore: true) }
        guard case .url = origin else { return nil }
        let allowed = state.withLock { state -> Bool in
            if let last = state.lastForcedFetch, ContinuousClock.now - last < .seconds(10) { return false }
            state.lastForcedFetch = .now
            return true
        }
        return allowed ? await reload() : nil
    }

    private func reload(rereadStore: Bool = false) async -> TokenKeys? {
        let modified = Self.modified(origin)
        guard let keys = try? await Self.load(origin, rereadStore: rereadStore) else {
            state.withLock { $0.loaded = .now }
            return nil
        }
        state.withLock {
            $0.keys = keys
            $0.loaded = .now
            $0.fileModified = modified
        }
        return keys
    }

    private static func modified(_ origin: Origin) -> Date? {
        switch origin {
        case .file(let path), .secretFile(let path):
            return FileStamp.modified(path)
        case .url, .issuer:
            return nil
        }
    }

    private static func load(_ origin: Origin, rereadStore: Bool = false) async throws -> TokenKeys {
        switch origin {
        case .file(let path):
            return try await TokenKeys.jwks(path: path)
        case .secretFile(let path):
            guard let data = FileManager.default.contents(atPath: path) else { throw TokenError.keys("cannot read \(path)") }
            let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard secret.utf8.count >= 32 else { throw TokenError.keys("the secret in \(path) is shorter than 32 bytes") }
            return TokenKeys.secret(secret)
        case .url(let url, _, let client):
            var request = HTTPClientRequest(url: url.absoluteString)
            request.headers.add(name: "Accept", value: "application/jwk-set+json, application/json")
            let response = try await client.execute(request, timeout: .seconds(10))
            guard response.status == .ok else { throw TokenError.keys("GET \(url) answered \(response.status.code)") }
            let body = try await response.body.collect(upTo: 1 << 20)
            return try await TokenKeys.jwks(json: String(buffer: body))
        case .issuer(let keys):
            return try await keys.verificationKeys(rereadStore: rereadStore)
        }
    }
}
