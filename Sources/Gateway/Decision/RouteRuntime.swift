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

    /// Whether a canonical request path is under this route: equal to its prefix, or below it, in any case of ASCII
    /// letters. A server behind the gateway may read `/ADMIN/` as `/admin/` (IIS, a macOS or Windows folder), so a
    /// route protects every spelling of its prefix, as Caddy's path matcher does; on a case-sensitive server the
    /// other spellings are 404 behind the challenge anyway.
    func matches(_ path: Substring) -> Bool {
        let prefix = config.path.utf8
        let bytes = path.utf8
        guard bytes.count >= prefix.count,
            zip(prefix, bytes).allSatisfy({ Self.foldedASCII($0) == Self.foldedASCII($1) })
        else { return false }
        if config.path.hasSuffix("/") || bytes.count == prefix.count { return true }
        let next = bytes[bytes.index(bytes.startIndex, offsetBy: prefix.count)]
        return next == UInt8(ascii: "/") || next == UInt8(ascii: "?")
    }

    @inline(__always) private static func foldedASCII(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }
}
