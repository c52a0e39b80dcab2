import Foundation
import HTTPAuth

/// The request the user's client makes, as curl's flags describe it: what the doctor repeats and varies.
public struct ClientRequest: Sendable, Hashable {
    public var url: URL
    public var method: String = "GET"
    /// `-H` headers, in order, as typed.
    public var headers: [Exchange.Header] = []
    /// `-d`: the body.
    public var body: [UInt8]?
    /// `-u user:password`.
    public var user: String?
    public var password: String?
    /// `--digest`: send Digest instead of Basic for `-u` (after the first challenge, as curl does).
    public var digest = false
    /// `--oauth2-bearer`.
    public var bearer: String?
    /// `-b`: a `Cookie` header value.
    public var cookie: String?
    /// `-L`.
    public var followRedirects = false
    /// `-k`.
    public var insecure = false
    /// `--origin`: act as a browser page from that origin (a preflight is sent first when the request needs one).
    public var origin: String?

    public init(url: URL) {
        self.url = url
    }

    /// The credential headers the request carries by itself (`Authorization` from `-H`, `-u` or `--oauth2-bearer`).
    public var authorizationValues: [String] {
        headers.filter { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }.map(\.value)
    }

    /// Whether the user gave any credential at all.
    public var hasCredentials: Bool {
        user != nil || bearer != nil || !authorizationValues.isEmpty || cookie != nil
            || headers.contains { ["x-api-key", "api-key", "cookie"].contains($0.name.lowercased()) }
    }
}
