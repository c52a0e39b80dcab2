import Foundation
import HTTPAuth

/// What the probe found: the user's request as their client would send it (with every redirect hop), and the
/// discriminating probes. Rules read only this, so they can be tested on recorded evidence.
public struct Evidence: Sendable {
    public var request: ClientRequest
    /// The hops of the user's request, first to last.
    public var chain: [Exchange]
    /// Extra requests: `without-credentials`, `digest`, `repeat`, `https`, `preflight`, `resend-after-redirect`.
    public var probes: [Exchange]

    public init(request: ClientRequest, chain: [Exchange], probes: [Exchange]) {
        self.request = request
        self.chain = chain
        self.probes = probes
    }

    /// The last hop's response: what the user saw.
    public var final: Exchange? { chain.last }

    public func probe(_ purpose: String) -> Exchange? { probes.first { $0.purpose == purpose } }

    /// The `Authorization` the user's first request carried, if any.
    public var sentAuthorization: String? { chain.first?.requestValues("Authorization").first }
}
