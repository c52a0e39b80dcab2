import Crypto
import HTTPAuth
import NIOPosix
import Synchronization

/// Checks a user's password against an ``HtpasswdFile`` the way a server must: slow hashes off the event loop,
/// a cache so that a bcrypt user pays the hash once rather than per request, and the same work for unknown users as
/// for known ones.
///
/// The cache remembers successful checks only, keyed by an HMAC (with a per-process random key) of the user, the
/// stored hash and the password, so it holds no password, and a changed password or file (a different stored hash)
/// misses it at once. ``invalidateCache()`` empties it when a file is reloaded. An unknown user is checked against
/// a decoy hash in the file's most common format and cost (Caddy's approach), so timing does not tell which users
/// exist; wrong passwords are never cached, so guessing always pays the full hash. Requests that arrive together
/// with the same credential share one check (Caddy's singleflight), so a burst of new connections pays one hash.
public final class PasswordVerifier: Sendable {
    /// What a check found. The difference between ``unknownUser`` and ``passwordMismatch`` is for the operator's
    /// audit trail only; a client must see the same answer for both.
    public enum Result: Hashable, Sendable {
        case valid
        case unknownUser
        case passwordMismatch
    }

    private struct State {
        var verified: Set<[UInt8]> = []
        var decoys: [String: PasswordHash] = [:]
        /// Checks under way, so that requests arriving together with the same credential share one hash.
        var inFlight: [[UInt8]: Task<Bool, Never>] = [:]
    }

    private let state = Mutex(State())
    private let cacheKey = SymmetricKey(size: .bits256)
    private let threadPool: NIOThreadPool
    /// The most successful checks remembered; the cache is emptied when it would grow past this.
    public let cacheCapacity: Int

    public init(threadPool: NIOThreadPool = .singleton, cacheCapacity: Int = 10_000) {
        self.threadPool = threadPool
        self.cacheCapacity = cacheCapacity
    }

    /// Checks `password` for `user` in `file`.
    ///
    /// A known and an unknown user take the same steps: one index lookup, the decoy looked up, one cache key, one
    /// check of the same kind of hash (the decoy's for an unknown user, which never matches and so is never cached).
    public func verify(user: String, password: String, in file: HtpasswdFile) async -> Result {
        let stored = file.hash(for: user)
        let decoy = file.typicalHash.map(decoy(like:))
        guard let hash = stored ?? decoy else { return .unknownUser }
        let key = cacheKey(user: user, hash: hash, password: password)
        let (cached, task) = state.withLock { state -> (Bool, Task<Bool, Never>?) in
            if state.verified.contains(key) { return (true, nil) }
            if let running = state.inFlight[key] { return (false, running) }
            let task = Task { await self.check(password, against: hash) }
            state.inFlight[key] = task
            return (false, task)
        }
        guard !cached, let task else { return .valid }
        let matches = await task.value
        state.withLock { state in
            state.inFlight[key] = nil
            guard matches else { return }
            if state.verified.count >= cacheCapacity { state.verified.removeAll(keepingCapacity: true) }
            state.verified.insert(key)
        }
        guard stored != nil else { return .unknownUser }
        return matches ? .valid : .passwordMismatch
    }

    /// Forgets every cached success (call it when a password file is reloaded).
    public func invalidateCache() {
        state.withLock { $0.verified.removeAll() }
    }

    /// Whether `password` matches `hash`, computed on the thread pool when the hash is slow.
    public func check(_ password: String, against hash: PasswordHash) async -> Bool {
        guard hash.format.isSlow else { return hash.verify(password) }
        return (try? await threadPool.runIfActive { hash.verify(password) }) ?? false
    }

    /// The hash an unknown user is checked against the like of: the most common format and cost in the file, and on
    /// a tie the slowest, so that a guessed name costs what most real users cost (a file mixing formats cannot match
    /// every user at once; keep one format per file for exact parity). ``HtpasswdFile`` works it out once per load.
    static func typicalHash(among hashes: [PasswordHash]) -> PasswordHash? {
        var counts: [String: (count: Int, hash: PasswordHash)] = [:]
        for hash in hashes {
            counts[costSignature(of: hash), default: (0, hash)].count += 1
        }
        return counts.values.max { lhs, rhs in
            if lhs.count != rhs.count { return lhs.count < rhs.count }
            if lhs.hash.format.isSlow != rhs.hash.format.isSlow { return !lhs.hash.format.isSlow }
            return (lhs.hash.bcryptCost ?? 0) < (rhs.hash.bcryptCost ?? 0)
        }?.hash
    }

    /// The format and the cost parameter of a hash (`bcrypt 10`, `sha512-crypt rounds=5000`), not its salt.
    static func costSignature(of hash: PasswordHash) -> String {
        if let cost = hash.bcryptCost { return "\(hash.format.name) \(cost)" }
        let rounds = hash.stored.split(separator: "$").first { $0.hasPrefix("rounds=") }
        return hash.format.name + (rounds.map { " " + $0 } ?? "")
    }

    private func decoy(like reference: PasswordHash) -> PasswordHash {
        let signature = Self.costSignature(of: reference)
        if let cached = state.withLock({ $0.decoys[signature] }) { return cached }
        let made = reference.decoy()
        state.withLock { $0.decoys[signature] = made }
        return made
    }

    private func cacheKey(user: String, hash: PasswordHash, password: String) -> [UInt8] {
        let material = Array(user.utf8) + [0] + Array(hash.stored.utf8) + [0] + Array(password.utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: material, using: cacheKey))
    }
}
