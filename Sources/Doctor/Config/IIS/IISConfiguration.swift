import Foundation

/// One site's IIS configuration as IIS merges it for a URL: the server-wide sections of `applicationHost.config`,
/// its `<location path="Site/…">` sections, then the `web.config` of the site's root and of each folder on the way
/// down, each file's `<location path="…">` sections applying below its own folder. A setting written later in that
/// order wins; a collection (`<providers>`, `<authorization>`) is built by its `<add>`, `<remove>` and `<clear/>`
/// in the same order.
/// (https://learn.microsoft.com/en-us/iis/get-started/planning-your-iis-architecture/deep-dive-into-iis-configuration-with-iis-7-and-iis-8)
struct IISConfiguration {
    /// A `<configuration>` element or the inside of a `<location>`, for the URLs at and below `path`.
    struct Layer {
        var element: ConfigElement
        /// The site-relative URL path (`""` for the whole site, `admin/reports`); nil for the whole server.
        var path: String?
        /// From `applicationHost.config`, not from the site's own files.
        var fromServer: Bool
        /// `overrideMode` of its `<location>` (`Allow`, `Deny`), which unlocks or locks sections below it.
        var overrideMode: String?
    }

    /// A site binding (`https`, `*:443:intranet`).
    struct Binding {
        var protocolName: String
        var host: String
        var element: ConfigElement
    }

    var applicationHost: ConfigElement?
    var siteName: String?
    var bindings: [Binding] = []
    /// The site's application pool's `<processModel>`.
    var processModel: ConfigElement?
    var layers: [Layer] = []
    /// The files read.
    var files: [String] = []

    /// Reads `path`: a `web.config`, an `applicationHost.config`, or a folder (the site's root) holding `web.config`
    /// files at any depth and perhaps an `applicationHost.config`.
    init(path: String) throws {
        let path = (path as NSString).standardizingPath
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigReadError(location: SourceLocation(file: path, line: 0), message: "no such file or folder: \(path)")
        }
        var webConfigs: [(folder: String, path: String)] = []
        var hostPath: String?
        if isDirectory.boolValue {
            for item in Self.configFiles(in: path) {
                let name = (item as NSString).lastPathComponent.lowercased()
                if name == "applicationhost.config" {
                    hostPath = hostPath ?? (path as NSString).appendingPathComponent(item)
                } else if name == "web.config" {
                    webConfigs.append(((item as NSString).deletingLastPathComponent, (path as NSString).appendingPathComponent(item)))
                }
            }
        } else if (path as NSString).lastPathComponent.lowercased() == "applicationhost.config" {
            hostPath = path
        } else {
            webConfigs = [("", path)]
        }
        if let hostPath {
            let host = try ConfigElement.read(path: hostPath)
            files.append(hostPath)
            readServer(host)
        }
        // A site's folders: the web.config nearest the site's root is its root (Visual Studio keeps the site one
        // folder down, beside `.vs/config/applicationhost.config`).
        let rootFolder = webConfigs.map(\.folder).min { $0.count < $1.count } ?? ""
        for (folder, file) in webConfigs.sorted(by: { $0.folder.count < $1.folder.count }) {
            let root = try ConfigElement.read(path: file)
            files.append(file)
            let base = Self.relative(folder, to: rootFolder)
            layers.append(Layer(element: root, path: base, fromServer: false))
            for location in root.children("location") {
                layers.append(Layer(element: location, path: Self.join(base, location["path"] ?? ""), fromServer: false, overrideMode: location["overrideMode"]))
            }
        }
    }

    /// `applicationHost.config`: the site (the first, or the one whose root the folder is), its bindings and pool,
    /// the server-wide sections and the `<location>` sections of the site.
    private mutating func readServer(_ host: ConfigElement) {
        applicationHost = host
        let site = host.descendant("system.applicationHost/sites")?.children("site").first
        siteName = site?["name"]
        for binding in site?.descendant("bindings")?.children("binding") ?? [] {
            let information = (binding["bindingInformation"] ?? "").split(separator: ":", omittingEmptySubsequences: false)
            bindings.append(Binding(protocolName: (binding["protocol"] ?? "http").lowercased(), host: information.count > 2 ? String(information[2]) : "", element: binding))
        }
        let poolName = site?.child("application")?["applicationPool"] ?? site?.child("applicationDefaults")?["applicationPool"]
        let pool = host.descendant("system.applicationHost/applicationPools")?.children("add").first { $0["name"] == poolName }
        processModel = pool?.child("processModel")
        layers.append(Layer(element: host, path: nil, fromServer: true))
        for location in host.children("location") {
            let path = (location["path"] ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            let layerPath: String?
            if path.isEmpty {
                layerPath = nil
            } else if let siteName, path.lowercased() == siteName.lowercased() {
                layerPath = ""
            } else if let siteName, path.lowercased().hasPrefix(siteName.lowercased() + "/") {
                layerPath = String(path.dropFirst(siteName.count + 1))
            } else {
                continue
            }
            layers.append(Layer(element: location, path: layerPath, fromServer: true, overrideMode: location["overrideMode"]))
        }
    }

    /// The layers that apply to a site-relative URL path, in IIS's order.
    func layers(for urlPath: String) -> [Layer] {
        layers.filter { layer in
            guard let path = layer.path else { return true }
            return Self.covers(path, urlPath)
        }
    }

    /// The URL paths some layer names: where the effective configuration may differ.
    var urlPaths: [String] {
        var paths: [String] = [""]
        for layer in layers { if let path = layer.path, !paths.contains(path) { paths.append(path) } }
        return paths
    }

    /// Each element at `section` (`system.webServer/security/authentication/windowsAuthentication`) that applies to
    /// `urlPath`, with its layer, in order.
    func elements(_ section: String, at urlPath: String) -> [(element: ConfigElement, layer: Layer)] {
        layers(for: urlPath).compactMap { layer in layer.element.descendant(section).map { ($0, layer) } }
    }

    /// The last value each attribute of `section` is given for `urlPath`, with the element that gave it.
    func attributes(_ section: String, at urlPath: String) -> [String: ConfigElement] {
        var values: [String: ConfigElement] = [:]
        for (element, _) in elements(section, at: urlPath) {
            for name in element.attributes.keys { values[name.lowercased()] = element }
        }
        return values
    }

    /// A collection (`<add>` items under `section`, or the names in `addNames`) after every `<clear/>` and `<remove>`
    /// that applies to `urlPath`, with the element that cleared or removed, for the report.
    func collection(_ section: String, at urlPath: String, key: [String], addNames: Set<String> = ["add"]) -> (items: [(element: ConfigElement, layer: Layer)], removals: [ConfigElement]) {
        var items: [(element: ConfigElement, layer: Layer)] = []
        var removals: [ConfigElement] = []
        func identity(_ element: ConfigElement) -> [String] { key.map { (element[$0] ?? "").lowercased() } }
        for (element, layer) in elements(section, at: urlPath) {
            for child in element.children {
                let name = child.name.lowercased()
                if name == "clear" {
                    if !items.isEmpty { removals.append(child) }
                    items.removeAll()
                } else if name == "remove" {
                    let before = items.count
                    items.removeAll { identity($0.element) == identity(child) }
                    if items.count < before { removals.append(child) }
                } else if addNames.contains(name) {
                    items.append((child, layer))
                }
            }
        }
        return (items, removals)
    }

    /// Whether a location at `path` covers `urlPath` (itself or below it).
    static func covers(_ path: String, _ urlPath: String) -> Bool {
        let (path, urlPath) = (path.lowercased(), urlPath.lowercased())
        return path.isEmpty || urlPath == path || urlPath.hasPrefix(path + "/")
    }

    static func join(_ base: String, _ path: String) -> String {
        let path = path.replacingOccurrences(of: "\\", with: "/").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return base.isEmpty ? path : path.isEmpty ? base : base + "/" + path
    }

    /// `folder`'s URL path below the site's root folder (a folder beside the root keeps its own path).
    static func relative(_ folder: String, to root: String) -> String {
        guard !root.isEmpty, folder != root else { return folder == root ? "" : folder }
        return folder.hasPrefix(root + "/") ? String(folder.dropFirst(root.count + 1)) : folder
    }

    /// `web.config` and `applicationHost.config` files below `folder` (at most 500, among the first 50,000 entries;
    /// hidden folders included, since Visual Studio keeps IIS Express's under `.vs`).
    static func configFiles(in folder: String) -> [String] {
        var found: [String] = []
        var seen = 0
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let item = enumerator?.nextObject() as? String, found.count < 500, seen < 50_000 {
            seen += 1
            let name = (item as NSString).lastPathComponent.lowercased()
            if name == "web.config" || name == "applicationhost.config" { found.append(item) }
        }
        return found.sorted()
    }

    /// Whether `folder` holds a site's configuration.
    static func holdsSite(_ folder: String) -> Bool { !configFiles(in: folder).isEmpty }
}
