import HTTPAuth

/// Why the gateway decided as it did: the precise id the audit trail keeps (`unknown-user`, `token-expired`, …), the
/// status it answers with, the code the client may see, the `CAUSES.md` id the doctor uses for the same situation,
/// and what it means and how to fix it for the operator (`gatehouse explain`).
///
/// The client sees only ``publicCode``: several reasons share one where telling them apart would help an attacker
/// (an unknown user and a wrong password are both ``PublicCode/invalidCredentials``), so the precise reason stays in
/// the audit record. The catalogue is in `Reason+Catalog.swift`.
public struct Reason: Sendable, Hashable, CustomStringConvertible {
    /// The stable id the audit trail records.
    public let id: String
    /// The status of a response refused for this reason.
    public let status: Int
    /// What the client is told: the anchor of the problem's `type` on the help page.
    public let publicCode: PublicCode
    /// The `CAUSES.md` id, when the reason is one of the 401 causes.
    public let causeID: CauseID?
    /// What happened, for the operator.
    public let meaning: String
    public let fix: String

    init(_ id: String, status: Int, public publicCode: PublicCode? = nil, cause: CauseID? = nil, meaning: String, fix: String) {
        self.id = id
        self.status = status
        self.publicCode = publicCode ?? PublicCode(id, summary: meaning)
        self.causeID = cause
        self.meaning = meaning
        self.fix = fix
    }

    public var description: String { id }

    /// The reason recorded as `id` (read back from the audit trail, or named by another module: a Digest failure, a
    /// token check); an id the catalogue does not know is kept, with a meaning that says so.
    public init(id: String) {
        if let known = Self.byID[id] {
            self = known
        } else {
            self.init(id, status: 401, public: .refused, meaning: "recorded as \(id)", fix: "see the detail above")
        }
    }

    private static let byID: [String: Reason] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

    public static func == (lhs: Reason, rhs: Reason) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }
}

/// What a client is told about a refusal: the anchor of the problem's `type` (`/auth/help#invalid-credentials`) and
/// a summary safe to publish. Codes that stand for several reasons are defined here; every other reason is its own
/// public code.
public struct PublicCode: Sendable, Hashable {
    public let id: String
    /// What it means, for whoever reads the help page.
    public let summary: String

    init(_ id: String, summary: String) {
        self.id = id
        self.summary = summary
    }

    public static func == (lhs: PublicCode, rhs: PublicCode) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// An unknown user, a wrong password, an unknown API key or a wrong key secret: never told apart.
    static let invalidCredentials = PublicCode(
        "invalid-credentials", summary: "The user name and password, or the API key, are not correct. Which of the two is wrong is not said.")
    static let malformedCredentials = PublicCode(
        "malformed-credentials", summary: "The credential cannot be read: it does not follow its scheme's syntax, or there are several.")
    static let digestResponseRefused = PublicCode(
        "digest-response-refused", summary: "The Digest response does not answer the challenge (its realm, nonce, opaque, algorithm, qop, uri or nonce count); start again from the latest challenge.")
    static let invalidRefreshToken = PublicCode(
        "invalid-refresh-token", summary: "The refresh token cannot be used (unknown, expired, already used or revoked); log in again.")
    static let notAllowed = PublicCode(
        "not-allowed", summary: "You are authenticated but not allowed to access this resource.")
    static let addressRefused = PublicCode(
        "address-refused", summary: "Requests from your address are not accepted here.")
    static let tooManyFailures = PublicCode(
        "too-many-failures", summary: "Too many failed attempts; wait for the time Retry-After gives.")
    static let notFound = PublicCode("not-found", summary: "Nothing is served at this path.")
    static let bodyTooLarge = PublicCode(
        "body-too-large", summary: "The request body is larger than the gateway reads without a Content-Length; send its length.")
    static let upstreamUnavailable = PublicCode("upstream-unavailable", summary: "The service behind the gateway did not answer.")
    static let serviceUnavailable = PublicCode(
        "service-unavailable", summary: "The gateway cannot decide right now (its store is unavailable); retry after Retry-After.")
    /// For a reason the catalogue does not know.
    static let refused = PublicCode("refused", summary: "The request was refused.")
}
