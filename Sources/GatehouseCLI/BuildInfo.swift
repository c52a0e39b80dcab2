/// What `gatehouse --version` prints. `scripts/release` writes the commit of the build it makes into ``commit`` and
/// puts this file back afterwards; a build from the source tree says so instead.
enum BuildInfo {
    static let version = "0.15.0"
    static let commit = "built from source"
    static var description: String { "\(version) (\(commit))" }
}
