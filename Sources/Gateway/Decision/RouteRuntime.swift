import Passwords

/// A configured route made ready to serve: its authenticators built, its files loaded.
public struct RouteRuntime: Sendable {
    public let config: GatewayConfig.Route
    /// In challenge order: Digest first.
    public let authenticators: [any SchemeAuthenticator]
    public let groups: ReloadingFile<GroupFile>?

    public init(config: GatewayConfig.Route, authenticators: [any SchemeAuthenticator], groups: ReloadingFile<GroupFile>?) {
        self.config = config
        self.authenticators = authenticators
        self.groups = groups
    }

    public var path: String { config.path }

    func authenticator(_ name: SchemeName) -> (any SchemeAuthenticator)? {
        authenticators.first { $0.name == name }
    }

    /// Whether a request path is under this route: equal to its prefix, or below it.
    func matches(_ path: Substring) -> Bool {
        guard path.hasPrefix(config.path) else { return false }
        if config.path.hasSuffix("/") || path.count == config.path.count { return true }
        return path.dropFirst(config.path.count).first == "/" || path.dropFirst(config.path.count).first == "?"
    }
}
