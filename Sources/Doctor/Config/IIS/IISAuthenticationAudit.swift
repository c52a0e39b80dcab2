import Foundation
import HTTPAuth

/// The authentication IIS applies to each URL of a site, checked for what ends in 401: no method left enabled
/// (401.2 for everyone), Windows authentication as the only way in for clients outside the domain, Basic without
/// TLS, Kerberos made impossible by the providers or by the account that must decrypt tickets, and sections a
/// `web.config` sets while `applicationHost.config` keeps them locked (500.19).
/// (https://learn.microsoft.com/en-us/iis/configuration/system.webserver/security/authentication/)
struct IISAuthenticationAudit {
    let configuration: IISConfiguration

    static let section = "system.webServer/security/authentication/"
    /// The methods and whether IIS enables them by default (anonymous as IUSR; the others off).
    static let methods: [(name: String, enabledByDefault: Bool, module: String)] = [
        ("anonymousAuthentication", true, "AnonymousAuthenticationModule"), ("basicAuthentication", false, "BasicAuthenticationModule"),
        ("windowsAuthentication", false, "WindowsAuthenticationModule"), ("digestAuthentication", false, "DigestAuthenticationModule"),
        ("clientCertificateMappingAuthentication", false, "CertificateMappingAuthenticationModule"),
        ("iisClientCertificateMappingAuthentication", false, "IISCertificateMappingAuthenticationModule"),
    ]

    /// Whether the method's module is installed: `applicationHost.config`'s `<globalModules>` lists the role services
    /// installed; without it, the doctor cannot tell and takes it as installed.
    func installed(_ method: String) -> Bool {
        guard let modules = configuration.applicationHost?.descendant("system.webServer/globalModules"),
            let module = Self.methods.first(where: { $0.name == method })?.module
        else { return true }
        return modules.children("add").contains { $0["name"]?.caseInsensitiveCompare(module) == .orderedSame }
    }

    /// A method's `enabled` at a URL, and the element that set it (nil: IIS's default).
    func enabled(_ method: String, at urlPath: String) -> (on: Bool, element: ConfigElement?) {
        let element = configuration.attributes(Self.section + method, at: urlPath)["enabled"]
        let byDefault = Self.methods.first { $0.name == method }?.enabledByDefault ?? false
        return (element?.flag("enabled") ?? byDefault, element)
    }

    func findings() -> [Finding] {
        var findings: [Finding] = []
        for path in configuration.urlPaths {
            findings += check(at: path)
        }
        findings += lockedSections()
        // One finding per element, the gravest: nested paths inherit the same setting.
        var seen: Set<String> = []
        return findings.sorted { $0.severity < $1.severity }.filter { seen.insert("\($0.id)|\($0.location ?? "")").inserted }
    }

    private func check(at path: String) -> [Finding] {
        var findings: [Finding] = []
        let url = "/" + path
        let states = Self.methods.map { (name: $0.name, state: enabled($0.name, at: path)) }
        let notInstalled = states.filter { $0.state.on && !installed($0.name) }
        let on = states.filter { $0.state.on && installed($0.name) }.map(\.name)
        let anonymous = enabled("anonymousAuthentication", at: path)
        if on.isEmpty {
            let element = notInstalled.first?.state.element ?? anonymous.element ?? states.compactMap(\.state.element).last
            let missing = notInstalled.compactMap { name, _ in Self.methods.first { $0.name == name }?.module }
            findings.append(Finding(
                id: .configError, severity: .cause, confidence: 92,
                title: missing.isEmpty
                    ? "No authentication method is enabled for \(url): IIS answers 401.2 to everyone"
                    : "The only methods enabled for \(url) are not installed (\(missing.joined(separator: ", "))): IIS answers 401.2 to everyone",
                explanation: (missing.isEmpty
                    ? "Anonymous authentication is off and no other method (Basic, Windows, Digest, client certificates) is on"
                    : "\(notInstalled.map(\.name).joined(separator: ", ")) is enabled but its module is not among applicationHost.config's <globalModules> (the role service is not installed), and nothing else is on")
                    + ", so IIS has no way to let any request in: every request gets 401.2 \"logon failed due to server configuration\", with no WWW-Authenticate to answer.",
                fix: "Enable the method the site means to use (windowsAuthentication enabled=\"true\" for an intranet, basicAuthentication over HTTPS, or anonymousAuthentication for a public site); check the role service is installed (Windows Authentication, Basic Authentication in Server Manager).",
                evidence: states.map { "\($0.name) \($0.state.on ? "on" : "off")\($0.state.element.map { " at \($0.location)" } ?? " (IIS default)")" },
                location: element?.location.description))
            return findings
        }
        let windows = enabled("windowsAuthentication", at: path)
        let publicHosts = configuration.bindings.filter { Self.isInternetName($0.host) }
        // Bound only to intranet names, Windows authentication alone is the usual set-up; unknown bindings are warned of.
        if !anonymous.on, on == ["windowsAuthentication"], let element = windows.element, configuration.bindings.isEmpty || !publicHosts.isEmpty {
            findings.append(Finding(
                id: .negotiateFailure, severity: publicHosts.isEmpty ? .warning : .cause, confidence: publicHosts.isEmpty ? 45 : 80,
                title: "Only Windows authentication lets anyone into \(url)\(publicHosts.isEmpty ? "" : ", a site bound to \(publicHosts[0].host)")",
                explanation: "Anonymous is off and Negotiate/NTLM is the only method: clients outside the domain, non-Windows clients without a Kerberos ticket, and browsers that put \(publicHosts.first?.host ?? "the site") in the Internet zone (any dotted name not listed in Local intranet) cannot log in and get 401 again and again.\(publicHosts.isEmpty ? " On an intranet name with domain-joined clients this is the usual set-up." : "")",
                fix: "For clients outside the domain, enable Basic over HTTPS (or Forms) beside Windows authentication; for domain clients, add the site to the Local intranet zone (or AuthServerAllowlist in Chrome and Edge) so the browser logs in by itself.",
                evidence: ["windowsAuthentication enabled at \(element.location)", "anonymousAuthentication off\(anonymous.element.map { " at \($0.location)" } ?? "")"]
                    + publicHosts.map { "binding \($0.protocolName) \($0.host) at \($0.element.location)" },
                location: element.location.description))
        }
        let basic = enabled("basicAuthentication", at: path)
        let https = configuration.bindings.contains { $0.protocolName == "https" }
        if basic.on, !configuration.bindings.isEmpty, !https, let element = basic.element {
            findings.append(Finding(
                id: .basicOverHTTP, severity: .warning, confidence: 85,
                title: "Basic authentication for \(url) on a site with no https binding",
                explanation: "Basic sends the Windows user name and password in base64 with every request; without TLS anyone on the path reads them.",
                fix: "Add an https binding (and redirect http to it, or require SSL) before enabling Basic authentication.",
                evidence: configuration.bindings.map { "binding \($0.protocolName) at \($0.element.location)" }, location: element.location.description))
        }
        if windows.on { findings += kerberos(at: path, windows: windows.element) }
        return findings
    }

    /// Kerberos through Negotiate: the providers must offer it, first, and the account that decrypts tickets must be
    /// the one the SPN is registered to.
    private func kerberos(at path: String, windows: ConfigElement?) -> [Finding] {
        var findings: [Finding] = []
        let providers = configuration.collection(Self.section + "windowsAuthentication/providers", at: path, key: ["value"])
        let values = providers.items.map { ($0.element["value"] ?? "").lowercased() }
        let hasProviders = !configuration.elements(Self.section + "windowsAuthentication/providers", at: path).isEmpty
        if hasProviders {
            let negotiate = values.firstIndex { $0.hasPrefix("negotiate") }
            let ntlm = values.firstIndex(of: "ntlm")
            if negotiate == nil {
                let culprit = providers.removals.last ?? providers.items.last?.element
                findings.append(Finding(
                    id: .negotiateFailure, severity: .cause, confidence: 78,
                    title: "Windows authentication offers no Negotiate provider: Kerberos cannot be used",
                    explanation: "The providers list is \(values.isEmpty ? "empty" : values.joined(separator: ", ")): IIS sends no WWW-Authenticate: Negotiate, so clients cannot use Kerberos (delegation, single sign-on across hops and non-Windows clients with kinit all need it) and fall back to NTLM, which fails through proxies that do not keep the connection and where NTLM is restricted.",
                    fix: "Put Negotiate back first in <providers> (<add value=\"Negotiate\" /> before <add value=\"NTLM\" />).",
                    evidence: providers.items.map { "provider \($0.element["value"] ?? "") at \($0.element.location)" }, location: culprit?.location.description))
            } else if let negotiate, let ntlm, ntlm < negotiate {
                let element = providers.items[ntlm].element
                findings.append(Finding(
                    id: .negotiateFailure, severity: .cause, confidence: 60,
                    title: "NTLM is offered before Negotiate: clients pick NTLM and never try Kerberos",
                    explanation: "IIS sends the WWW-Authenticate fields in the providers' order and clients take the first they support, so Kerberos is not used.",
                    fix: "List Negotiate before NTLM in <providers>.", evidence: values.map { "provider \($0)" }, location: element.location.description))
            }
        }
        let identityType = configuration.processModel?["identityType"] ?? "ApplicationPoolIdentity"
        if identityType.caseInsensitiveCompare("SpecificUser") == .orderedSame, let account = configuration.processModel?["userName"] {
            let settings = configuration.attributes(Self.section + "windowsAuthentication", at: path)
            let kernelMode = settings["usekernelmode"]
            let appPoolCredentials = settings["useapppoolcredentials"]?.flag("useAppPoolCredentials") ?? false
            if let kernelMode, kernelMode.flag("useKernelMode") == false {
                findings.append(Finding(
                    id: .negotiateFailure, severity: .cause, confidence: 70,
                    title: "Kerberos tickets are decrypted by the pool account \(account): the SPN must be registered on it",
                    explanation: "With useKernelMode=\"false\" the worker process, running as \(account), decrypts the Kerberos ticket; a ticket for HTTP/host issued to the machine account's SPN (the usual registration) cannot be decrypted, and the client gets 401 (KRB_AP_ERR_MODIFIED on the client).",
                    fix: "Register the site's SPNs on \(account) (setspn -S HTTP/host \(account), and only there), or turn kernel-mode authentication back on so the machine account decrypts.",
                    evidence: ["useKernelMode false at \(kernelMode.location)", "application pool identity \(account)" + (configuration.processModel.map { " at \($0.location)" } ?? "")],
                    location: kernelMode.location.description))
            } else if !appPoolCredentials, let windows {
                findings.append(Finding(
                    id: .negotiateFailure, severity: .warning, confidence: 40,
                    title: "The pool runs as \(account) while kernel-mode authentication decrypts tickets with the machine account",
                    explanation: "If the site's SPN is registered on \(account) (the usual choice for a custom identity or a web farm), kernel mode cannot decrypt the ticket without useAppPoolCredentials=\"true\", and Kerberos fails with 401.",
                    fix: "Set useAppPoolCredentials=\"true\" on windowsAuthentication, or keep the SPN on the machine account.",
                    evidence: ["application pool identity \(account)"], location: windows.location.description))
            }
        }
        return findings
    }

    /// Authentication sections a site's `web.config` sets while `applicationHost.config` keeps them locked: IIS
    /// answers 500.19 (0x80070021) to every request of the folder.
    private func lockedSections() -> [Finding] {
        var findings: [Finding] = []
        for layer in configuration.layers where !layer.fromServer {
            var unknown: [ConfigElement] = []
            for method in Self.methods.map(\.name) {
                guard let element = layer.element.descendant(Self.section + method) else { continue }
                switch lock(of: method, for: layer.path ?? "") {
                case .open: continue
                case .locked(let registration):
                    findings.append(Finding(
                        id: .configError, severity: .cause, confidence: 88,
                        title: "\(method) is locked in applicationHost.config: IIS answers 500.19, not the login this web.config sets",
                        explanation: "The section is registered with overrideModeDefault=\"Deny\" and no <location path=\"\(configuration.siteName ?? "Site")\" overrideMode=\"Allow\"> unlocks it, so IIS refuses the whole web.config (HTTP Error 500.19, 0x80070021 \"This configuration section cannot be used at this path\").",
                        fix: "Unlock it for the site (appcmd unlock config \"\(configuration.siteName ?? "Site")\" -section:system.webServer/security/authentication/\(method)), or set it in applicationHost.config in a <location path=\"\(configuration.siteName ?? "Site")\"> instead.",
                        evidence: ["set at \(element.location)"] + (registration.map { ["registered at \($0.location)"] } ?? []), location: element.location.description))
                case .lockedByDefault:
                    unknown.append(element)
                }
            }
            guard let first = unknown.first else { continue }
            let names = unknown.map(\.name).joined(separator: ", ")
            findings.append(Finding(
                id: .configError, severity: .warning, confidence: 40,
                title: "\(names) \(unknown.count == 1 ? "is" : "are") locked on a default IIS: this web.config may get 500.19",
                explanation: "IIS ships the authentication sections with overrideModeDefault=\"Deny\"; unless the server unlocks them for this site, IIS refuses this web.config with HTTP Error 500.19 (0x80070021). Give the doctor applicationHost.config to know.",
                fix: "Unlock the sections for the site (appcmd unlock config -section:system.webServer/security/authentication/\(unknown[0].name)) or set them in applicationHost.config.",
                evidence: unknown.map { "\($0.name) set at \($0.location)" }, location: first.location.description))
        }
        return findings
    }

    private enum Lock {
        case open, lockedByDefault
        case locked(registration: ConfigElement?)
    }

    /// Whether a site's file may set the section: registered `overrideModeDefault`, then the `overrideMode` of the
    /// server's `<location>` sections that cover the site.
    private func lock(of method: String, for path: String) -> Lock {
        guard let host = configuration.applicationHost else { return .lockedByDefault }
        var group = host.child("configSections")?.children("sectionGroup").first { $0["name"] == "system.webServer" }
        for name in ["security", "authentication"] { group = group?.children("sectionGroup").first { $0["name"] == name } }
        let registration = group?.children("section").first { $0["name"] == method }
        var allowed = (registration?["overrideModeDefault"] ?? "Deny").caseInsensitiveCompare("Allow") == .orderedSame
        for layer in configuration.layers(for: path) where layer.fromServer && layer.path != nil {
            if let mode = layer.overrideMode { allowed = mode.caseInsensitiveCompare("Allow") == .orderedSame }
        }
        return allowed ? .open : .locked(registration: registration)
    }

    /// A host name browsers put in the Internet zone: a dotted name that is not an address.
    static func isInternetName(_ host: String) -> Bool {
        guard host.contains("."), !host.isEmpty else { return false }
        return host.range(of: #"^[0-9.]+$"#, options: .regularExpression) == nil && !host.contains(":")
    }
}
