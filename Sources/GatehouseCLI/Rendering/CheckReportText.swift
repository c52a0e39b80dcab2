import Gateway

/// `gatehouse serve --check` as text, in the shape of `nginx -t`: the file, what it would serve, each finding, and
/// whether the test is successful.
struct CheckReportText {
    let report: CheckReport

    init(_ report: CheckReport) {
        self.report = report
    }

    var text: String {
        var lines: [String] = []
        let loaded = !report.listeners.isEmpty
        if loaded { lines.append("gatehouse: the configuration file \(report.file) syntax is ok") }
        if !report.listeners.isEmpty {
            lines.append("listening on:")
            lines += report.listeners.map { "  " + $0 }
        }
        if !report.routes.isEmpty {
            lines.append("routes (the longest matching prefix wins):")
            lines += report.routes.map { "  " + $0 }
        }
        for finding in report.findings {
            let label = finding.severity == .error ? Terminal.red("error") : Terminal.bold("warning")
            lines.append("\(label): \(Terminal.printable(finding.subject)): \(Terminal.printable(finding.message))")
        }
        lines.append(report.passed
            ? Terminal.green("gatehouse: the configuration file \(report.file) test is successful")
            : Terminal.red("gatehouse: the configuration file \(report.file) test failed"))
        return lines.joined(separator: "\n") + "\n"
    }
}
