import Foundation
import HTTPAuth

/// What the probe found: the user's request as their client would send it (with every redirect hop), and the
/// discriminating probes. Rules read only this, so they can be tested on recorded evidence.
public struct Evidence: Sendable {
    public var request: ClientRequest
    /// The hops of the user's request, first to last.
    public var chain: [Exchange]
    /// Extra requests, by purpose (see ``ProbePlan``).
    public var probes: [Exchange]
    /// With `-b FILE`/`-c FILE`: the jar after the chain, as curl would write it with `-c`.
    public var cookieJar: CookieJar?
    /// Cookies withheld from the request (expired, `Secure` over http) or set along the chain in a way a browser
    /// refuses.
    public var cookieProblems: [CookieProblem]
    /// What the configuration of the nginx or Apache serving a local URL says about the request.
    public var server: ServerFacts?

    public init(request: ClientRequest, chain: [Exchange], probes: [Exchange], cookieJar: CookieJar? = nil, cookieProblems: [CookieProblem] = []) {
        self.request = request
        self.chain = chain
        self.probes = probes
        self.cookieJar = cookieJar
        self.cookieProblems = cookieProblems
    }

    /// The last hop's response: what the user saw.
    public var final: Exchange? { chain.last }

    public func probe(_ purpose: String) -> Exchange? { probes.first { $0.purpose == purpose } }

    /// For a redirect hop of the chain, what curl, browsers and Python requests do with the credential on the way
    /// there from the previous hop; nil for the first hop or a request without an `Authorization` credential.
    public func credentialPolicy(atHop index: Int) -> String? {
        guard index > 0, index < chain.count, chain[index].purpose == "redirect", sentAuthorization != nil || request.user != nil else { return nil }
        return RedirectCredentialPolicy.summary(from: chain[index - 1].url, to: chain[index].url)
    }

    /// The `Authorization` the user's request carried, if any: on the first hop, or on the hop that answered the
    /// first challenge (`--digest`).
    public var sentAuthorization: String? { chain.lazy.compactMap { $0.requestValues("Authorization").first }.first }

    /// The user name and password of a Basic credential that was sent, as the bytes on the wire (their encoding is
    /// what the client chose: RFC 7617 §2.1); nil when none was sent or it does not decode.
    public var sentBasic: (user: [UInt8], password: [UInt8])? {
        guard let value = sentAuthorization, value.count > 6, value.prefix(6).lowercased() == "basic ",
            let bytes = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces)), let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        return (Array(bytes[..<colon]), Array(bytes[(colon + 1)...]))
    }
}
