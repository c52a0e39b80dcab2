import HTTPTypes
import Hummingbird

/// CORS preflights (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) carry no credentials by design
/// (Fetch standard, CORS-preflight fetch), so a route with CORS configured answers them itself and never with 401.
enum CORSPreflight {
    static func isPreflight(_ request: Request) -> Bool {
        request.method == .options && request.headers[.origin] != nil && request.headers[.accessControlRequestMethod] != nil
    }
}

extension GatewayConfig.CORS {
    /// Whether `origin` may call the route (`*` allows any).
    func allows(origin: String?) -> Bool {
        guard let origin else { return false }
        return origins.contains("*") || origins.contains(origin)
    }

    /// The headers of a preflight answer, or of an actual response, for `origin`.
    func headers(origin: String, preflight: Bool) -> [(HTTPField.Name, String)] {
        var headers: [(HTTPField.Name, String)] = [
            (.accessControlAllowOrigin, origins.contains("*") && !credentials ? "*" : origin), (.vary, "Origin"),
        ]
        if credentials { headers.append((.accessControlAllowCredentials, "true")) }
        if preflight {
            headers.append((.accessControlAllowMethods, methods.joined(separator: ", ")))
            headers.append((.accessControlAllowHeaders, self.headers.joined(separator: ", ")))
            headers.append((.accessControlMaxAge, String(maxAge)))
        } else {
            headers.append((.accessControlExposeHeaders, "WWW-Authenticate, X-Request-Id, Retry-After"))
        }
        return headers
    }
}
