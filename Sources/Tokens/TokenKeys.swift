import Foundation
import JWTKit

/// The keys a token may be signed with: a JWKS document (RFC 7517) or a shared HMAC secret.
///
/// Asymmetric keys (RSA, EC, OKP) are verified by jwt-kit. HMAC (`oct` JWKs and secrets) is computed here with
/// swift-crypto, because jwt-kit asserts on a secret shorter than the hash output, and real deployments use such
/// secrets; the doctor must be able to check them rather than crash. Each key knows the algorithms it accepts: its
/// `alg`, or those its key type allows.
public struct TokenKeys: Sendable {
    struct HMACKey: Sendable {
        let keyID: String?
        let secret: [UInt8]
        let algorithms: Set<String>
    }

    let hmacKeys: [HMACKey]
    let asymmetric: JWTKeyCollection?
    /// The `kid` and accepted algorithms of every asymmetric key.
    let asymmetricKeys: [(keyID: String?, algorithms: Set<String>)]

    /// A shared secret, as HS256/HS384/HS512 verify with.
    public static func secret(_ secret: String) -> TokenKeys {
        TokenKeys(hmacKeys: [HMACKey(keyID: nil, secret: Array(secret.utf8), algorithms: ["HS256", "HS384", "HS512"])], asymmetric: nil, asymmetricKeys: [])
    }

    /// Keys from a JWKS document: `{"keys": [...]}` (a single JWK object is accepted too).
    /// - Throws: ``TokenError/keys(_:)`` when the JSON is not a JWKS or a key cannot be used.
    public static func jwks(json: String) async throws -> TokenKeys {
        guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else {
            throw TokenError.keys("the JWKS is not a JSON object")
        }
        let keys: [[String: JSONValue]]
        if case .array(let list)? = root["keys"] {
            keys = list.compactMap { if case .object(let key) = $0 { key } else { nil } }
        } else if root["kty"] != nil {
            keys = [root]
        } else {
            throw TokenError.keys("the JWKS has no 'keys' array")
        }
        var hmacKeys: [HMACKey] = []
        var asymmetricJWKs: [JSONValue] = []
        var asymmetricKeys: [(String?, Set<String>)] = []
        for key in keys {
            let keyID = key["kid"]?.stringValue
            let algorithms = key["alg"]?.stringValue.map { Set([$0]) } ?? Self.algorithms(forKeyType: key["kty"]?.stringValue, curve: key["crv"]?.stringValue)
            if key["kty"]?.stringValue == "oct" {
                guard let secret = key["k"]?.stringValue.flatMap(DecodedJWT.base64URLDecode) else {
                    throw TokenError.keys("an 'oct' key\(keyID.map { " ('\($0)')" } ?? "") has no valid 'k'")
                }
                hmacKeys.append(HMACKey(keyID: keyID, secret: secret, algorithms: algorithms))
            } else {
                asymmetricJWKs.append(.object(key))
                asymmetricKeys.append((keyID, algorithms))
            }
        }
        var collection: JWTKeyCollection?
        if !asymmetricJWKs.isEmpty {
            let document = JSONValue.object(["keys": .array(asymmetricJWKs)]).description
            do {
                collection = try await JWTKeyCollection().add(jwksJSON: document)
            } catch {
                throw TokenError.keys("jwt-kit cannot use the JWKS: \(error)")
            }
        }
        return TokenKeys(hmacKeys: hmacKeys, asymmetric: collection, asymmetricKeys: asymmetricKeys)
    }

    /// Asymmetric keys already in a jwt-kit collection (a private key verifies as its public key does), each
    /// accepting `algorithm`: a signer's own keys, without a JWKS text to parse.
    public static func collection(_ collection: JWTKeyCollection, keyIDs: [String], algorithm: String) -> TokenKeys {
        TokenKeys(hmacKeys: [], asymmetric: collection, asymmetricKeys: keyIDs.map { ($0, [algorithm]) })
    }

    /// Keys from a JWKS file.
    public static func jwks(path: String) async throws -> TokenKeys {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TokenError.keys("cannot read the JWKS file \(path)")
        }
        return try await jwks(json: String(decoding: data, as: UTF8.self))
    }

    /// The `kid` of every key that has one.
    public var keyIDs: [String] { hmacKeys.compactMap(\.keyID) + asymmetricKeys.compactMap(\.keyID) }

    /// Every algorithm some key accepts.
    public var algorithms: Set<String> {
        hmacKeys.reduce(into: Set()) { $0.formUnion($1.algorithms) }.union(asymmetricKeys.reduce(into: Set()) { $0.formUnion($1.algorithms) })
    }

    static func algorithms(forKeyType type: String?, curve: String?) -> Set<String> {
        switch (type, curve) {
        case ("RSA", _): ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case ("EC", "P-256"): ["ES256"]
        case ("EC", "P-384"): ["ES384"]
        case ("EC", "P-521"): ["ES512"]
        case ("EC", _): ["ES256", "ES384", "ES512"]
        case ("OKP", _): ["EdDSA"]
        case ("oct", _): ["HS256", "HS384", "HS512"]
        default: []
        }
    }
}
