/// The dashboard's files (`Sources/CSMServer/Web`), compiled into csm by SwiftPM (`.embedInCode`), so an
/// installed binary serves them with nothing else on disk. SwiftPM names each file's bytes after its base
/// name (`app.js` → `PackageResources.app_js`); a test checks this table lists every file in the folder.
enum DashboardAssets {
    static let files: [String: [UInt8]] = [
        "index.html": PackageResources.index_html,
        "style.css": PackageResources.style_css,
        "favicon.svg": PackageResources.favicon_svg,
        "app.js": PackageResources.app_js,
        "api.js": PackageResources.api_js,
        "ui.js": PackageResources.ui_js,
        "live.js": PackageResources.live_js,
        "dashboard.js": PackageResources.dashboard_js,
        "session.js": PackageResources.session_js,
        "log.js": PackageResources.log_js,
        "create.js": PackageResources.create_js,
        "plan.js": PackageResources.plan_js,
        "tasks.js": PackageResources.tasks_js,
        "rules.js": PackageResources.rules_js,
        "pages.js": PackageResources.pages_js,
    ]

    /// The Content-Type of a dashboard file name; nil for anything the dashboard does not serve.
    static func contentType(of name: String) -> String? {
        if name.hasSuffix(".html") { return "text/html; charset=utf-8" }
        if name.hasSuffix(".css") { return "text/css; charset=utf-8" }
        if name.hasSuffix(".js") { return "text/javascript; charset=utf-8" }
        if name.hasSuffix(".svg") { return "image/svg+xml" }
        return nil
    }
}
