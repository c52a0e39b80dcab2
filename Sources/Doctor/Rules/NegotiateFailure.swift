import Foundation
import HTTPAuth

/// `negotiate-failure`: the server wants Kerberos or NTLM (`Negotiate`, `NTLM`) and the request did not complete
/// it: no ticket (`--negotiate` without `kinit`), a ticket for the wrong service principal (SPN), NTLM's three
/// messages split across connections (a server or proxy that closes the connection after its challenge), or NTLM
/// credentials refused. The messages exchanged are decoded for the evidence: who logged on, from which workstation,
/// with NTLMv1 or v2, and the server's domain; never the responses.
enum NegotiateFailure: DoctorRule {
    static func evaluate(_ evidence: Evidence) -> Finding? {
        guard evidence.isUnauthorized else { return nil }
        let offered = evidence.challenges.map { $0.scheme.rawName.lowercased() }
        guard offered.contains("negotiate") || offered.contains("ntlm") else { return nil }
        let host = evidence.request.url.host ?? "HOST"
        if evidence.request.windows == .negotiate, offered.contains("negotiate"), evidence.sentScheme == nil {
            return Finding(
                id: .negotiateFailure, severity: .cause, confidence: 85, title: "Kerberos needs a ticket for HTTP/\(host), and the client has none",
                explanation: "curl --negotiate answers the Negotiate challenge with a Kerberos ticket of the logged-in user for the service principal HTTP/\(host); without one (no kinit, a machine outside the realm, a name or IP the SPN does not have) nothing is sent and the server answers 401 again.",
                fix: "kinit USER@REALM, then klist should list HTTP/\(host); call the server by the name its SPN has (not a CNAME or an IP); or use curl --ntlm -u 'DOMAIN\\user:password' when the server offers NTLM.",
                evidence: ["challenges: \(offered.joined(separator: ", "))", "no Kerberos ticket available to the doctor"])
        }
        // A scheme the server does not offer is scheme-mismatch (NTLM sent where only Negotiate is on).
        guard let sent = evidence.sentScheme?.lowercased(), sent == "negotiate" || sent == "ntlm", offered.contains(sent) else { return nil }
        let tokens = decodedTokens(evidence)
        // IIS (or a proxy) that ends the connection after its CHALLENGE: the AUTHENTICATE message arrives on a new
        // connection, which has no handshake to finish (keep-alive off, a load balancer without session affinity).
        if let challenge = evidence.chain.dropLast().last(where: { $0.status == 401 && ProbeRun.ntlmChallenge(of: $0) != nil }),
            challenge.responseValues("Connection").contains(where: { $0.lowercased().contains("close") })
        {
            return Finding(
                id: .negotiateFailure, severity: .cause, confidence: 90, title: "The server closed the connection after its NTLM challenge",
                explanation: "NTLM authenticates a connection, not a request: the CHALLENGE and the client's AUTHENTICATE must travel on one kept-alive connection. The 401 carrying the CHALLENGE said Connection: close, so the answer arrived on a new connection and was refused.",
                fix: "Turn HTTP keep-alive back on (IIS: HTTP Response Headers → Enable HTTP keep-alive); behind a load balancer or reverse proxy, keep client connections pinned to one backend connection (session affinity, no connection pooling across clients), or use Kerberos.",
                evidence: ["Connection: close on the 401 with the NTLM CHALLENGE"] + tokens)
        }
        return Finding(
            id: .negotiateFailure, severity: .cause, confidence: 80, title: "The \(sent == "ntlm" ? "NTLM" : "Kerberos (Negotiate)") handshake did not complete",
            explanation: sent == "ntlm"
                ? "The server refused NTLM's AUTHENTICATE message: a wrong DOMAIN\\user or password, an account IIS may not log on (locked, disabled, expired), NTLMv1 where NTLMv2 is required, the three messages spread over connections by a proxy or load balancer, or, on the IIS server itself by a name other than the machine's, Windows' loopback check (BackConnectionHostNames)."
                : "The server refused the Negotiate token: no Kerberos ticket, a ticket for another service principal (HTTP/\(host) must exist in the directory, and a CNAME or IP in the URL asks for another one), clocks more than five minutes apart, or NTLM fallback refused.",
            fix: sent == "ntlm"
                ? "Check the user as DOMAIN\\user and its password (the server's Security event log, event 4625, says why), then curl --ntlm -u 'DOMAIN\\user:password' directly, with no proxy in between."
                : "Run kinit, check klist for a ticket for HTTP/\(host), call the server by the name its SPN has, then curl --negotiate -u : URL.",
            evidence: ["challenges: \(offered.joined(separator: ", "))", "sent: \(evidence.sentScheme ?? "")"] + tokens)
    }

    /// The NTLM and SPNEGO tokens of the exchange, as facts (who, where, which version), never the responses.
    static func decodedTokens(_ evidence: Evidence) -> [String] {
        var facts: [String] = []
        for exchange in evidence.chain {
            for value in exchange.requestHeaders.filter({ $0.name.caseInsensitiveCompare("Authorization") == .orderedSame }).map(\.value) {
                guard let token = token(value) else { continue }
                var fact = "sent " + token.summary
                if let message = token.ntlm, message.kind == .authenticate {
                    fact += ": \(message.domain.map { $0.isEmpty ? "" : $0 + "\\" } ?? "")\(message.user ?? "") from \(message.workstation ?? "?")"
                    fact += message.responseVersion.map { ", \($0 == .v1 ? "NTLMv1" : $0 == .v2 ? "NTLMv2" : "anonymous")" } ?? ""
                }
                facts.append(fact)
            }
            for value in exchange.responseValues("WWW-Authenticate") {
                guard let token = token(value), let message = token.ntlm, message.kind == .challenge else { continue }
                let domain = message.targetInfo["dns_domain"] ?? message.targetInfo["netbios_domain"] ?? message.targetName ?? "?"
                facts.append("server's NTLM challenge: domain \(domain)\(message.targetInfo["dns_computer"].map { ", server \($0)" } ?? "")")
            }
        }
        return facts
    }

    private static func token(_ value: String) -> NegotiateToken? {
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, ["ntlm", "negotiate"].contains(parts[0].lowercased()) else { return nil }
        return try? NegotiateToken(base64: String(parts[1]))
    }

    /// A browser's 401 from a server that offers only Negotiate or NTLM, with no Authorization in the export: the
    /// browser answers these schemes in its network stack, so the export cannot show whether it tried and was
    /// refused or had no Windows credentials for the site.
    static func inBrowser(_ evidence: Evidence) -> Finding? {
        let offered = evidence.challenges.map { $0.scheme.rawName.lowercased() }
        guard evidence.isUnauthorized, !offered.isEmpty, offered.allSatisfy({ $0 == "negotiate" || $0 == "ntlm" }), evidence.sentAuthorization == nil else { return nil }
        let host = evidence.request.url.host ?? "the site"
        return Finding(
            id: .negotiateFailure, severity: .cause, confidence: 75, title: "The browser did not complete Windows authentication with \(host)",
            explanation: "The server offers only \(offered.joined(separator: " and ")), which the browser answers below the page, so the export shows the request without its handshake. The browser had no Windows credentials it may send there (a machine outside the domain, or \(host) not in the Local intranet zone or the AuthServerAllowlist policy, so no automatic login), or it sent them and they were refused (a wrong password typed at the prompt, Kerberos failing for the SPN HTTP/\(host)).",
            fix: "Add \(host) to the Local intranet zone (or the AuthServerAllowlist policy of Chrome and Edge); check the user at a password prompt as DOMAIN\\user; from a command line, curl --ntlm -u 'DOMAIN\\user:password' or kinit then curl --negotiate -u : shows which.",
            evidence: ["challenges: \(offered.joined(separator: ", "))", "no Authorization in the export (the browser's handshake legs are not recorded)"])
    }
}
