import Foundation
import HTTPAuth
import Tokens

/// `basic-over-http`: a password sent in clear text over plain HTTP. A warning, not a cause.
enum BasicOverHTTP: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard let first = evidence.chain.first, first.url.scheme?.lowercased() == "http",
            first.requestValues("Authorization").contains(where: { $0.lowercased().hasPrefix("basic ") })
        else { return nil }
        return Finding(
            id: "basic-over-http", severity: .warning, confidence: 100, title: "The password crossed the network in clear text",
            explanation: "Basic credentials are only base64: anyone on the path can read them over plain HTTP.",
            fix: "Use https:// (and have the server redirect http to https before asking for credentials).",
            evidence: ["Authorization: Basic [redacted] sent to \(first.url.absoluteString)"])
    }
}
