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
    /// `-u user:password`, or the URL's `user:password@` (percent-decoded, as curl does).
    public var user: String?
    public var password: String?
    /// Whether ``user`` came from the URL's userinfo rather than `-u`.
    public var userFromURL = false
    /// `--digest`: send Digest instead of Basic for `-u` (after the first challenge, as curl does).
    public var digest = false
    /// `--ntlm` or `--negotiate`: Windows authentication for `-u` instead of Basic.
    public var windows: WindowsAuthentication?
    /// `--oauth2-bearer`.
    public var bearer: String?
    /// `-b name=value`: a `Cookie` header value, sent as given.
    public var cookie: String?
    /// `-b FILE` and `-c FILE` turn on curl's cookie engine: the cookies read from the files, then those the
    /// responses set along the chain. nil when neither was given.
    public var cookieJar: CookieJar?
    /// The `-b` cookie files, for reports.
    public var cookieFiles: [String] = []
    /// `-c FILE`: where the jar is written afterwards, as curl does.
    public var cookieJarOutput: String?
    /// `-x`/`--proxy`: an HTTP proxy every request goes through.
    public var proxy: ProxySetting?
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

    /// The same request with `authorization` as its only `Authorization` (from `-H`; `-u` and `--oauth2-bearer`
    /// cleared): a reshaped credential for ``Finding/trial``.
    public func with(authorization: String) -> ClientRequest {
        var request = self
        request.user = nil
        request.password = nil
        request.bearer = nil
        request.headers.removeAll { $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }
        request.headers.append(Exchange.Header("Authorization", authorization))
        return request
    }

    /// Whether the user gave any credential at all.
    public var hasCredentials: Bool {
        user != nil || bearer != nil || cookie != nil || !(cookieJar?.cookies.isEmpty ?? true) || headers.contains(where: \.carriesCredential)
            || !Self.credentialQueryItems(url).isEmpty
    }

    /// The query parameters of `url` named like credentials (`api_key`, `access_token`…), by the rule of
    /// ``Exchange/Header/carriesCredential``.
    public static func credentialQueryItems(_ url: URL) -> [URLQueryItem] {
        (URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? [])
            .filter { $0.value != nil && Exchange.Header.namesCredential($0.name) }
    }

    /// `url` without its credential query parameters, for the probe without credentials.
    public static func withoutCredentialQuery(_ url: URL) -> URL {
        guard !credentialQueryItems(url).isEmpty, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
        components.percentEncodedQueryItems = components.percentEncodedQueryItems?.filter { !Exchange.Header.namesCredential($0.name) }
        if components.percentEncodedQueryItems?.isEmpty == true { components.percentEncodedQueryItems = nil }
        return components.url ?? url
    }
}

/// `-x [http://][user:password@]host[:port]` with `--proxy-user`/`-U user:password`: the proxy and the credentials
/// for it, which go in `Proxy-Authorization` and only to the proxy.
public struct ProxySetting: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?

    /// curl's forms: `host`, `host:port`, `http://host:port`, with optional `user:password@`; the port is 1080 when
    /// absent, as in curl. Only HTTP proxies are taken.
    public static func parse(_ text: String) throws -> ProxySetting {
        let withScheme = text.contains("://") ? text : "http://" + text
        guard let components = URLComponents(string: withScheme), let host = components.host, !host.isEmpty else {
            throw CurlError("-x takes [http://][user:password@]host[:port], got '\(text)'")
        }
        guard components.scheme?.lowercased() == "http" else {
            throw CurlError("the doctor speaks to HTTP proxies only, not \(components.scheme ?? "")://")
        }
        return ProxySetting(host: host, port: components.port ?? 1080, user: components.user?.removingPercentEncoding, password: components.password?.removingPercentEncoding)
    }
}

/// Windows authentication as curl asks for it: `--ntlm` (NTLM with the `-u` user and password, from the first
/// request) or `--negotiate` (SPNEGO with a Kerberos ticket of the logged-in user, which the doctor does not have).
public enum WindowsAuthentication: String, Sendable {
    case ntlm, negotiate

    /// The curl flag.
    public var flag: String { "--" + rawValue }
}
