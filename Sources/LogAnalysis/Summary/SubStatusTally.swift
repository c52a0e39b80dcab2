/// IIS refusals counted by status, sub-status and Win32 code while one range is read. A log has a handful of kinds:
/// they are looked up in a short list instead of hashed into ``LogSummary/subStatuses`` at every refusal. Past
/// ``shortList`` kinds (a log of unusual codes) the list is moved into the summary's table, in the order the kinds
/// were met, and the table counts the rest, so that the kinds its bound keeps are the same either way.
struct SubStatusTally {
    static let shortList = 16
    private var kinds: [(status: IISStatus, count: Int)] = []
    private var overflowed = false

    mutating func add(_ status: IISStatus, to summary: inout LogSummary) {
        if !overflowed {
            if let index = kinds.firstIndex(where: { $0.status == status }) {
                kinds[index].count += 1
                return
            }
            if kinds.count < Self.shortList {
                kinds.append((status, 1))
                return
            }
            flush(into: &summary)
            overflowed = true
        }
        summary.addSubStatus(status)
    }

    /// Moves the counts of the list into `summary`.
    mutating func flush(into summary: inout LogSummary) {
        for kind in kinds { summary.addSubStatus(kind.status, count: kind.count) }
        kinds = []
    }
}
