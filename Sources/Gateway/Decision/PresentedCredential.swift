import HTTPAuth
import HTTPTypes
import Hummingbird
import Tokens

/// The one credential a request presents to a route: its `Authorization` field, or an API key in the configured
/// header or query parameter. Several `Authorization` fields, or one that breaks the grammar, are refused with 400
/// (RFC 9110 §11.6.2 allows one credential; RFC 6750 §3.1 calls that `invalid_request`).
struct PresentedCredential {
    struct Credential {
        /// nil when the scheme is one the gateway does not implement (`Negotiate`, …).
        let scheme: SchemeName?
        let value: Credentials
        /// How to name it in messages: `Basic`, `an API key`.
        let displayName: String
        /// Digest `auth-int` hashes the body, so it must be read before checking.
        let needsBody: Bool
    }

    let credential: Credential?

    static func extract(from request: Request, route: RouteRuntime) -> Result<PresentedCredential, AuthFailure> {
        let fields = request.headers[values: .authorization]
        if fields.count > 1 {
            var failure = AuthFailure.malformed("the request has \(fields.count) Authorization fields; send exactly one", scheme: "request's")
            failure.reason = .severalAuthorizationFields
            failure.clientDetail = "The request has \(fields.count) Authorization header fields; send exactly one."
            failure.bearerError = .invalidRequest
            return .failure(failure)
        }
        if let field = fields.first {
            let credentials: Credentials
            do {
                credentials = try Credentials(parsing: field)
            } catch {
                var failure = AuthFailure.malformed("\(error)", scheme: "Authorization header's")
                failure.clientDetail = "The Authorization header cannot be parsed: \(error)"
                failure.bearerError = .invalidRequest
                return .failure(failure)
            }
            return .success(PresentedCredential(credential: credential(credentials, route: route)))
        }
        if let key = apiKey(in: request, location: route.config.apiKey), route.config.schemes.contains(.apiKey) {
            let value = Credentials(scheme: AuthScheme("ApiKey")!, token68: key)
            return .success(PresentedCredential(credential: Credential(scheme: .apiKey, value: value, displayName: "an API key", needsBody: false)))
        }
        return .success(PresentedCredential(credential: nil))
    }

    private static func credential(_ credentials: Credentials, route: RouteRuntime) -> Credential {
        let name = credentials.scheme.canonicalName
        let display = credentials.scheme.rawName
        switch name {
        case AuthScheme.basic.canonicalName:
            return Credential(scheme: .basic, value: credentials, displayName: display, needsBody: false)
        case AuthScheme.digest.canonicalName:
            let authInt = credentials.parameters[parameter: "qop"]?.lowercased() == "auth-int"
            return Credential(scheme: .digest, value: credentials, displayName: display, needsBody: authInt)
        case AuthScheme.bearer.canonicalName:
            // A gateway API key sent as a Bearer token is an API key.
            if route.config.schemes.contains(.apiKey), let token = credentials.token68, token.hasPrefix(APIKeyToken.prefix) {
                return Credential(scheme: .apiKey, value: credentials, displayName: "an API key", needsBody: false)
            }
            return Credential(scheme: .bearer, value: credentials, displayName: display, needsBody: false)
        default:
            return Credential(scheme: nil, value: credentials, displayName: display, needsBody: false)
        }
    }

    private static func apiKey(in request: Request, location: GatewayConfig.APIKey) -> String? {
        if let header = location.header, let name = HTTPField.Name(header), let value = request.headers[name] {
            return value
        }
        if let query = location.query, let value = request.uri.queryParameters.get(query) {
            return value
        }
        return nil
    }
}
