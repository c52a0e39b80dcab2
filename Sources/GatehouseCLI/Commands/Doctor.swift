import ArgumentParser
import Doctor
import Foundation
import LogAnalysis

/// `gatehouse doctor URL [curl flags]`: names the cause of a 401 and the fix.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Find out why a request gets 401, with curl's flags.",
        discussion: """
            Sends the request as curl would (redirects followed by hand with -L), then only the probes that tell causes \
            apart: without credentials, with the scheme the challenge offers, the credential straight to a redirect target \
            on the same host, the same credential at a parent path of the realm, the https form of an http URL, a browser's \
            preflight (--origin), two repeats. At most 16 requests; a credential never goes to a host you did not name. \
            --ntlm logs on with NTLMv2 as curl does; --negotiate says what a client without a Kerberos ticket needs. \
            Given a file instead, it works offline: a HAR export (every 401/407 of the session), an nginx or Apache \
            configuration or directory (--user/--password check one login as that server would; -u, --digest, -H and \
            a URL after the configuration describe the client's request, answered as that server would), an IIS site \
            (web.config, a folder of them, applicationHost.config), or log files \
            (read together, as gatehouse logs). Exit status: 0 authorized and no cause; 1 a cause or a refusal; \
            2 unusable input.
            """)

    @Argument(help: ArgumentHelp(
        "The URL; or a browser's HAR export, an nginx, Apache or IIS configuration (file or directory), or log files (read together, as gatehouse logs); or, after --, a failing curl command as pasted: -- curl -u a:b https://…",
        valueName: "target"))
    var targets: [String] = []

    /// The pasted curl command: everything after `--` lands in `targets`, starting with `curl`, as words split by
    /// the shell, or as one string (`-- "curl -u a:b \\\n https://…"`, a browser's "Copy as cURL"), which
    /// ``clientRequest()`` splits as a shell would.
    private var curlCommand: [String] {
        guard let first = targets.first, !FileManager.default.fileExists(atPath: first) else { return [] }
        if URL(fileURLWithPath: first).lastPathComponent == "curl" { return targets }
        let pasted = first.trimmingCharacters(in: .whitespacesAndNewlines)
        return targets.count == 1 && pasted.hasPrefix("curl") && pasted.dropFirst(4).first?.isWhitespace == true ? targets : []
    }
    private var url: String? { curlCommand.isEmpty ? targets.first : nil }
    private var moreLogs: [String] { curlCommand.isEmpty ? Array(targets.dropFirst()) : [] }
    @Option(name: .customShort("u"), help: "USER:PASSWORD (sent as Basic, as curl does).")
    var user: String?
    @Option(name: .customShort("H"), help: "A header, 'Name: value' (repeatable).")
    var header: [String] = []
    @Option(name: .customShort("X"), help: "The method.")
    var request: String?
    @Option(name: [.customShort("d"), .customLong("data")], help: "A request body.")
    var data: String?
    @Option(name: [.customShort("b"), .customLong("cookie")], help: "Cookies ('name=value; …'), or a Netscape cookie file to read (repeatable).")
    var cookie: [String] = []
    @Option(name: [.customShort("c"), .customLong("cookie-jar")], help: "Write the cookies afterwards to this Netscape cookie file, as curl does.")
    var cookieJar: String?
    @Option(name: [.customShort("x"), .customLong("proxy")], help: "[http://][USER:PASSWORD@]HOST[:PORT]: send every request through this HTTP proxy.")
    var proxy: String?
    @Option(name: [.customShort("U"), .customLong("proxy-user")], help: "USER:PASSWORD for the proxy (Proxy-Authorization, to the proxy only).")
    var proxyUser: String?
    @Option(name: .customLong("oauth2-bearer"), help: "A bearer token.")
    var bearer: String?
    @Flag(name: .customLong("digest"), help: "Send -u with Digest.")
    var digest = false
    @Flag(name: .customLong("ntlm"), help: "Send -u 'DOMAIN\\user:password' with NTLM (NTLMv2), as curl --ntlm does.")
    var ntlm = false
    @Flag(name: .customLong("negotiate"), help: "Windows authentication by Kerberos (SPNEGO), as curl --negotiate -u : does; the doctor has no ticket and says what the client needs.")
    var negotiate = false
    @Flag(name: [.customShort("L"), .customLong("location")], help: "Follow redirects.")
    var location = false
    @Flag(name: [.customShort("k"), .customLong("insecure")], help: "Do not verify the TLS certificate.")
    var insecure = false
    @Option(help: "Act as a browser page from this origin (adds the CORS preflight).")
    var origin: String?
    @Option(name: .customLong("user"), help: "With a server configuration: check this user in its password file, as the server would.")
    var configUser: String?
    @Option(name: .customLong("password"), help: "With --user: the password to check against the file.")
    var configPassword: String?
    @Flag(help: "Print JSON.")
    var json = false
    @Flag(help: "Print Markdown, for a ticket.")
    var markdown = false

    func run() async throws {
        if let url, curlCommand.isEmpty, !url.contains("://"), FileManager.default.fileExists(atPath: url) {
            try await diagnoseFile(url)
            return
        }
        if let url, curlCommand.isEmpty, !CurlArguments.withDefaultScheme(url).contains("://") || DoctorInput.namesAFile(url) {
            Terminal.error("gatehouse doctor: '\(url)' is neither a file here nor an http:// or https:// URL")
            throw ExitCode(2)
        }
        guard moreLogs.isEmpty else {
            Terminal.error("gatehouse doctor: one URL at a time (several arguments are log files: \(([url].compactMap { $0 } + moreLogs).joined(separator: " ")))")
            throw ExitCode(2)
        }
        var client = try clientRequest()
        if let origin { client.origin = origin }
        if insecure { client.insecure = true }
        let probe = HTTPProbe(insecure: client.insecure, proxy: client.proxy)
        let plan = ProbePlan(probe: probe)
        let evidence = await plan.run(client)
        let diagnosis = await FixTrial.verify(Diagnosis(evidence: evidence), with: plan)
        await probe.shutdown()
        if let path = client.cookieJarOutput, let jar = evidence.cookieJar {
            do {
                try jar.netscapeText.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                Terminal.error("gatehouse doctor: cannot write the cookie jar \(path): \(error.localizedDescription)")
            }
        }
        render(json: { DoctorReport.json(diagnosis) }, markdown: { DoctorReport.markdown(diagnosis) }, text: { DoctorReport.text(diagnosis) })
        if diagnosis.foundProblem { throw ExitCode(1) }
    }

    /// `gatehouse doctor FILE…`: a HAR, a configuration (nginx or Apache, a file or a directory) or logs, as
    /// ``DoctorInput`` tells them apart; rendered as text, JSON or Markdown; exit 1 when a cause is found.
    private func diagnoseFile(_ path: String) async throws {
        let foundProblem: Bool
        // With a configuration, a URL names the request to ask it about.
        let urls = moreLogs.filter { $0.contains("://") }
        let requested = urls.compactMap { URL(string: $0) }.filter { $0.host != nil }
        guard requested.count == urls.count else {
            Terminal.error("gatehouse doctor: not a URL: \(urls.map(Terminal.printable).joined(separator: " "))")
            throw ExitCode(2)
        }
        let input = DoctorInput.classify([path] + moreLogs.filter { !$0.contains("://") })
        switch (input, requested.isEmpty) {
        case (.configuration, _), (_, true):
            break
        default:
            Terminal.error("gatehouse doctor: a URL goes after a server configuration only (to name the request to check)")
            throw ExitCode(2)
        }
        switch input {
        case .har(let path):
            let diagnosis: HARDiagnosis
            do {
                diagnosis = HARDiagnosis(har: try HARFile.read(path: path), path: path)
            } catch {
                Terminal.error("gatehouse doctor: \(error)")
                throw ExitCode(2)
            }
            render(json: { DoctorReport.json(diagnosis) }, markdown: { DoctorReport.markdown(diagnosis) }, text: { DoctorReport.text(diagnosis) })
            foundProblem = diagnosis.foundProblem
        case .configuration(let path):
            let diagnosis: ConfigDiagnosis
            do {
                var query = try ConfigQuery.curl(user: user, digest: digest, headers: header)
                if let configUser { (query.user, query.password) = (configUser, configPassword) }
                diagnosis = try ConfigDiagnosis.run(path: path, query: query, target: requested.first.map(RequestTarget.init))
            } catch {
                Terminal.error("gatehouse doctor: \(error)")
                throw ExitCode(2)
            }
            render(json: { DoctorReport.json(diagnosis) }, markdown: { DoctorReport.markdown(diagnosis) }, text: { DoctorReport.text(diagnosis) })
            foundProblem = diagnosis.foundProblem
        case .logs(let paths):
            // Logs, reported as `gatehouse logs` does, followed by the causes they show (``LogDiagnosis``). First
            // challenges alone are the normal handshake.
            let report = try await Logs.analyze(files: paths, format: nil)
            let diagnosis = LogDiagnosis(report)
            render(
                json: { LogsReport.json(report, findings: diagnosis.findings.map(DoctorReport.findingJSON)) },
                markdown: { DoctorReport.markdown(diagnosis, files: paths) }, text: { LogsReport.text(report) + DoctorReport.text(diagnosis) })
            try Logs.checkReadable(report, since: nil)
            foundProblem = diagnosis.foundProblem
        }
        if foundProblem { throw ExitCode(1) }
    }

    /// Prints one of the three renderings, as the flags ask.
    private func render(json jsonText: () -> String, markdown markdownText: () -> String, text plain: () -> String) {
        if json {
            print(jsonText())
        } else if markdown {
            print(markdownText(), terminator: "")
        } else {
            print(plain(), terminator: "")
        }
    }

    /// The request from the pasted curl command, or from the URL and flags. Both go through `CurlArguments`, so a
    /// flag means the same whichever way it was given.
    private func clientRequest() throws -> ClientRequest {
        guard !curlCommand.isEmpty || url != nil else {
            Terminal.error("gatehouse doctor: give an http:// or https:// URL, or -- curl …")
            throw ExitCode(2)
        }
        do {
            let pasted = curlCommand.count == 1 ? try ShellWords.split(curlCommand[0]) : curlCommand
            return try CurlArguments.parse(pasted.isEmpty ? curlWords : pasted)
        } catch {
            Terminal.error("gatehouse doctor: \(error)")
            throw ExitCode(2)
        }
    }

    /// This command's own flags, spelled as curl words.
    private var curlWords: [String] {
        var words = ["--url", url ?? ""]
        words += header.flatMap { ["-H", $0] }
        words += cookie.flatMap { ["-b", $0] }
        let valued = [("-u", user), ("-X", request), ("-d", data), ("-c", cookieJar), ("-x", proxy), ("-U", proxyUser), ("--oauth2-bearer", bearer)]
        for (flag, value) in valued {
            if let value { words += [flag, value] }
        }
        if digest { words.append("--digest") }
        if ntlm { words.append("--ntlm") }
        if negotiate { words.append("--negotiate") }
        if location { words.append("-L") }
        return words
    }
}
