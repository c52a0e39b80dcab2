import Foundation
import HTTPAuth
import Tokens

/// `bearer-header-malformed` and `credential-has-whitespace`: the Authorization header is misshapen: a doubled or
/// missing `Bearer`, `Bearer:`, two spaces, several Authorization fields, quotes or stray spaces in the credential.
enum BearerHeaderMalformed: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard let final = evidence.final, [400, 401].contains(final.status ?? 0) else { return nil }
        let values = evidence.chain.first?.requestValues("Authorization") ?? []
        if values.count > 1 {
            return finding("bearer-header-malformed", "The request has \(values.count) Authorization fields; a server reads one credential.", values)
        }
        guard let value = values.first else { return nil }
        let lower = value.lowercased()
        if lower.hasPrefix("bearer bearer ") || lower.hasPrefix("bearer:") || lower.hasPrefix("bearer  ") {
            return finding("bearer-header-malformed", "The header is not `Bearer <token>`: \(Redaction.authorization(value)).", values)
        }
        if let first = value.split(separator: " ", maxSplits: 1).last, value.contains(" "),
            first.hasPrefix("\"") || first.hasSuffix("\"") || value.hasSuffix(" ") || value.contains("\t")
        {
            return finding("credential-has-whitespace", "The credential has quotes or stray whitespace: \(Redaction.authorization(value)).", values)
        }
        if !lower.hasPrefix("bearer "), !lower.hasPrefix("basic "), !lower.hasPrefix("digest "), value.split(separator: ".").count == 3,
            !value.contains(" ")
        {
            return finding("bearer-header-malformed", "The header holds a bare token without the `Bearer ` scheme.", values)
        }
        return nil
    }

    private static func finding(_ id: String, _ explanation: String, _ values: [String]) -> Finding {
        Finding(
            id: id, severity: .cause, confidence: 85,
            title: id == "credential-has-whitespace" ? "The credential has quotes or whitespace in it" : "The Authorization header is misshapen",
            explanation: explanation,
            fix: "Send exactly one header: `Authorization: Bearer <token>` (one space, no quotes, no trailing newline).",
            evidence: values.map { "Authorization: " + Redaction.authorization($0) })
    }
}
