import Foundation

/// What each kind of client does with `Authorization` when a redirect leads from one URL to another, so a report
/// can say, hop by hop, who would still have sent the credential.
///
/// - curl (7.83 and later; `-L` without `--location-trusted`): keeps it only on the same scheme, host and port.
/// - Browsers (the Fetch standard's HTTP-redirect fetch, in Chromium, Firefox and Safari since 2023): remove it on a
///   cross-origin redirect.
/// - Python requests (`Session.should_strip_auth`): keeps it on the same host when the port and scheme stay, and
///   also for an upgrade from `http` on port 80 to `https` on port 443.
public enum RedirectCredentialPolicy {
    public enum Client: String, CaseIterable, Sendable {
        case curl, browsers
        case requests = "python-requests"
    }

    public static func keeps(_ client: Client, from: URL, to: URL) -> Bool {
        switch client {
        case .curl, .browsers:
            return Origin.of(from) == Origin.of(to)
        case .requests:
            guard from.host?.lowercased() == to.host?.lowercased() else { return false }
            let (fromScheme, toScheme) = (from.scheme?.lowercased(), to.scheme?.lowercased())
            if fromScheme == "http", [80, nil].contains(from.port), toScheme == "https", [443, nil].contains(to.port) { return true }
            let defaults: [Int?] = [fromScheme == "https" ? 443 : 80, nil]
            if fromScheme == toScheme, defaults.contains(from.port), defaults.contains(to.port) { return true }
            return fromScheme == toScheme && from.port == to.port
        }
    }

    /// "curl: dropped, browsers: dropped, python-requests: kept", for a report.
    public static func summary(from: URL, to: URL) -> String {
        Client.allCases.map { "\($0.rawValue): \(keeps($0, from: from, to: to) ? "kept" : "dropped")" }.joined(separator: ", ")
    }
}
