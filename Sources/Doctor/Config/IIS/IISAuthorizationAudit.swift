import Foundation
import HTTPAuth

/// The allow and deny rules of a site, read in the order each engine evaluates them, for the allow rules that can
/// never let anyone in:
/// - IIS URL Authorization (`<system.webServer><security><authorization>`) evaluates every deny rule before any allow
///   rule, the parents' first, so an allow under a deny that covers the same users is dead, wherever it is written,
///   and a child folder cannot allow what a parent denies
///   (https://learn.microsoft.com/en-us/iis/manage/configuring-security/understanding-iis-url-authorization);
/// - ASP.NET (`<system.web><authorization>`) takes the first rule that matches, the closest folder's rules first,
///   so an allow after a deny that covers it is dead
///   (https://learn.microsoft.com/en-us/previous-versions/dotnet/netframework-4.0/8d82143t(v=vs.100)).
/// The users such a rule names are refused with 401 while the site means to let them in.
struct IISAuthorizationAudit {
    let configuration: IISConfiguration

    /// One rule: who it names, for which verbs, and where it is written.
    struct Rule {
        var allow: Bool
        var users: Set<String>
        var roles: Set<String>
        var verbs: Set<String>
        var element: ConfigElement
        var fromServer: Bool

        init(_ element: ConfigElement, allow: Bool, fromServer: Bool) {
            func names(_ attribute: String) -> Set<String> {
                Set((element[attribute] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
            }
            self.allow = allow
            users = names("users")
            roles = names("roles")
            verbs = names("verbs")
            self.element = element
            self.fromServer = fromServer
        }

        /// Whether every request this rule matches is matched by `other` too.
        func isCovered(by other: Rule) -> Bool {
            let verbsCovered = other.verbs.isEmpty || (!verbs.isEmpty && verbs.isSubset(of: other.verbs))
            guard verbsCovered else { return false }
            if other.users.contains("*") { return true }
            let usersCovered = users.isSubset(of: other.users)
            let rolesCovered = roles.isSubset(of: other.roles)
            return (!users.isEmpty || !roles.isEmpty) && usersCovered && rolesCovered
        }

        var principals: String {
            let names = users.sorted().map { $0 == "*" ? "everyone (*)" : $0 == "?" ? "anonymous users (?)" : $0 } + roles.sorted().map { "role \($0)" }
            return names.joined(separator: ", ")
        }
    }

    func findings() -> [Finding] {
        var findings: [Finding] = []
        var seen: Set<String> = []
        for path in configuration.urlPaths {
            for finding in urlAuthorization(at: path) + aspNet(at: path) where seen.insert(finding.location ?? finding.title).inserted {
                findings.append(finding)
            }
        }
        return findings
    }

    /// IIS URL Authorization: deny rules first, parents first; an allow is dead when a deny covers it.
    private func urlAuthorization(at path: String) -> [Finding] {
        let collection = configuration.collection("system.webServer/security/authorization", at: path, key: ["users", "roles", "verbs"])
        let rules = collection.items.map { Rule($0.element, allow: ($0.element["accessType"] ?? "").lowercased() == "allow", fromServer: $0.layer.fromServer) }
        let denies = rules.filter { !$0.allow }
        return rules.filter { $0.allow && !$0.fromServer }.compactMap { allow in
            guard let deny = denies.first(where: { allow.isCovered(by: $0) }) else { return nil }
            return dead(allow, by: deny, engine: "IIS URL Authorization evaluates every deny rule before any allow rule, a parent folder's first")
        }
    }

    /// ASP.NET: the closest folder's rules first, each folder's in order; the first match decides.
    private func aspNet(at path: String) -> [Finding] {
        var levels: [[Rule]] = []
        for (element, layer) in configuration.elements("system.web/authorization", at: path) {
            levels.append(element.children.compactMap { child in
                switch child.name.lowercased() {
                case "allow": Rule(child, allow: true, fromServer: layer.fromServer)
                case "deny": Rule(child, allow: false, fromServer: layer.fromServer)
                default: nil
                }
            })
        }
        let order = levels.reversed().flatMap { $0 }
        var findings: [Finding] = []
        for (index, rule) in order.enumerated() where rule.allow {
            guard let deny = order[..<index].first(where: { !$0.allow && rule.isCovered(by: $0) }) else { continue }
            findings.append(dead(rule, by: deny, engine: "ASP.NET takes the first rule that matches, the closest folder's rules first"))
        }
        return findings
    }

    /// The finding for an allow rule a deny rule shadows: named at the deny when both are in one file (the line to
    /// move or narrow), else at the allow (the folder that cannot have what it asks for).
    private func dead(_ allow: Rule, by deny: Rule, engine: String) -> Finding {
        let sameFile = allow.element.location.file == deny.element.location.file
        return Finding(
            id: .forbiddenSentAs401, severity: .cause, confidence: 82,
            title: sameFile
                ? "A deny rule refuses \(allow.principals), whom the allow rule after it means to let in"
                : "This folder allows \(allow.principals), but a parent's deny rule still refuses them",
            explanation: "\(engine): the deny of \(deny.principals) at \(deny.element.location) matches every request the allow of \(allow.principals) at \(allow.element.location) would let in, so those users get 401 however they log in.",
            fix: sameFile
                ? "Remove the deny of \(deny.principals), or narrow it (deny users=\"?\" refuses only anonymous users) so the allow can match."
                : "Narrow the parent's deny rule, or <remove> it in this folder's web.config (when the parent does not lock it), instead of adding an allow.",
            evidence: ["deny \(deny.principals) at \(deny.element.location)", "allow \(allow.principals) at \(allow.element.location)"],
            location: (sameFile ? deny : allow).element.location.description)
    }
}
