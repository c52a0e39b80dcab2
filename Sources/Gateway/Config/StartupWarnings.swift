/// What the gateway warns about at start: configurations that work but send secrets in the clear.
public enum StartupWarnings {
    public static func check(_ config: GatewayConfig) -> [String] {
        guard config.tls == nil else { return [] }
        var warnings: [String] = []
        if !config.trustedProxies.isEmpty, config.secureCookiesOverride == nil, config.routes.contains(where: { $0.schemes.contains(.session) }) {
            warnings.append("session cookies are not Secure: behind a proxy that terminates TLS, set secure_cookies: true")
        }
        for route in config.routes where route.schemes.contains(.basic) {
            warnings.append("route \(route.path) offers Basic over plain HTTP: passwords cross the network in clear text; configure tls:")
        }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(config.host)
        if !loopback, !config.routes.allSatisfy(\.isPublic) {
            warnings.append("listening on \(config.host) without TLS: credentials and tokens can be read on the network")
        }
        return warnings
    }
}
