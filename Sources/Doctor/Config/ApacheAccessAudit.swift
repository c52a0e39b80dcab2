import Foundation
import HTTPAuth

/// The ways an Apache configuration asks for a password and then lets requests in without one, or never applies
/// the protection it seems to have: each a `config-error`, since `apachectl configtest` passes them all.
/// - `Require` lines of one section are alternatives (mod_authz_core's implicit `<RequireAny>`): `Require
///   valid-user` beside `Require all granted` never asks, beside `Require ip …` lets those addresses in without one;
/// - `Satisfy Any` (mod_access_compat) in effect where a password is required;
/// - a nested section or access file whose own `Require all granted` replaces the password the outer one required;
/// - an access file with authentication directives where `AllowOverride None` makes httpd ignore it.
enum ApacheAccessAudit {
    static let userRequirements: Set<String> = ["valid-user", "user", "group"]

    /// The findings of a section that requires a user: `requires` are the `Require` lines in effect there.
    static func alternatives(_ requires: [ConfigDirective], satisfy: ConfigDirective?, in section: ConfigDirective) -> [Finding] {
        let kinds = requires.map { $0.arguments.first?.lowercased() ?? "" }
        guard kinds.contains(where: userRequirements.contains) else { return [] }
        var findings: [Finding] = []
        if let granted = requires.first(where: { $0.arguments.map { $0.lowercased() } == ["all", "granted"] }) {
            findings.append(configError(
                "Require all granted beside a user requirement: no password is ever asked",
                "The Require lines of one section are alternatives (an implicit <RequireAny>): `Require all granted` lets every request in, so the password requirement next to it never applies.",
                "Remove `Require all granted` here, or put the requirements that must all hold in `<RequireAll>`.", at: granted.location, confidence: 88))
        } else if let address = requires.first(where: { ["ip", "host", "local", "env", "forward-dns"].contains($0.arguments.first?.lowercased() ?? "") }) {
            findings.append(configError(
                "Require \(address.arguments.first ?? "ip") beside a user requirement: those clients get in without a password",
                "The Require lines of one section are alternatives (an implicit <RequireAny>): a client matching `Require \(address.arguments.joined(separator: " "))` is let in without any password, and only the others are asked. If both must hold, the password is not being checked for them.",
                "Wrap them in `<RequireAll>` (`Require valid-user` and `Require ip …` inside) when both must hold; keep them apart only if those addresses are meant to skip the password.",
                at: address.location, confidence: 78))
        }
        if let satisfy, satisfy.arguments.first?.lowercased() == "any" {
            findings.append(configError(
                "Satisfy Any is in effect where a password is required",
                "`Satisfy Any` (mod_access_compat, from \(satisfy.location)) lets a request in when either the host rules or the password allow it, so a host rule such as `Allow from all` or `Require all granted` in an outer section opens what this one protects.",
                "Remove `Satisfy Any` (Apache 2.4 expresses the same with `<RequireAny>`, explicitly), or set `Satisfy All` in the protected section.",
                at: satisfy.location, confidence: 80))
        }
        return findings
    }

    /// A finding about the password check of a section whose `Require` alternatives let some clients in without
    /// one: it holds only for the others, so it ranks below the finding that the check is bypassed.
    static func bypassed(_ finding: Finding) -> Finding {
        guard finding.severity == .cause, finding.id != .configError else { return finding }
        var finding = finding
        finding.confidence = min(finding.confidence, 60)
        finding.evidence.append("only for clients the section's other Require lines do not let in")
        return finding
    }

    /// A section whose own `Require all granted` replaces the user requirement of an outer section.
    static func unprotecting(_ own: [ConfigDirective], outer: [ConfigDirective]) -> Finding? {
        guard outer.contains(where: { userRequirements.contains($0.arguments.first?.lowercased() ?? "") }),
            let granted = own.first(where: { $0.arguments.map { $0.lowercased() } == ["all", "granted"] })
        else { return nil }
        return configError(
            "Require all granted here replaces the password an outer section requires",
            "With the default `AuthMerging Off`, a section's own Require lines replace the outer ones: this `Require all granted` (in a nested section, a <Limit>, or an .htaccess) opens to everyone what the enclosing configuration protects with a password.",
            "Remove it, or state the requirement again here (`Require valid-user`); `AuthMerging And` makes nested sections add to the outer rules instead of replacing them.",
            at: granted.location, confidence: 85)
    }

    /// An access file httpd never reads, holding authentication the operator expects to apply.
    static func ignored(_ file: ConfigDirective, folder: String) -> Finding? {
        let names = Set(file.children.map { $0.name.lowercased() })
        guard !names.isDisjoint(with: ["authtype", "authuserfile", "require", "authname"]) else { return nil }
        return configError(
            "This access file is never read: AllowOverride None",
            "\(file.location.file) holds authentication directives, but the <Directory> section that covers \(folder) says `AllowOverride None` (httpd's default), so httpd never reads the file and what it sets does not apply.",
            "Allow it in the <Directory> section of that folder (`AllowOverride AuthConfig`, plus FileInfo for rewrite rules), or move its directives into that section.",
            at: file.location, confidence: 85)
    }

    /// Basic authentication where the connection is not TLS (no `SSLEngine on`, `SSLRequireSSL` or `Require ssl`
    /// in effect): the password crosses the network in clear text. A warning, as `CAUSES.md` has it.
    static func basicOverHTTP(at location: SourceLocation) -> Finding {
        Finding(
            id: .basicOverHTTP, severity: .warning, confidence: 70, title: "Basic authentication on a plain-HTTP host",
            explanation: "This section asks for a Basic password, and nothing in effect here requires TLS: on the plain-HTTP virtual host the password travels as base64 that anyone on the path can read (scanners such as PCI's flag it).",
            fix: "Serve the section over https only: `SSLRequireSSL` (or `Require ssl`) in it, and redirect http to https before any password is asked (`Redirect permanent / https://…/` in the port-80 virtual host).",
            evidence: ["AuthType Basic at \(location), no SSLEngine on / SSLRequireSSL in effect"], location: location.description)
    }

    private static func configError(_ title: String, _ explanation: String, _ fix: String, at location: SourceLocation, confidence: Int) -> Finding {
        Finding(id: .configError, severity: .cause, confidence: confidence, title: title, explanation: explanation, fix: fix, evidence: ["at \(location)"], location: location.description)
    }
}
