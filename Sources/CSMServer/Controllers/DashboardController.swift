import Foundation
import Hummingbird

/// The web dashboard: `GET /` (the page; with `?login=CODE` the one-time login), `GET /assets/:file`
/// (its CSS, JavaScript modules and icon, compiled into the binary from `Sources/CSMServer/Web`), and
/// `GET /vendor/:file` (the browser libraries Debian installs under /usr/share, served as they are).
///
/// `CSM_WEB_DIR` (a folder with the same files) replaces the compiled-in assets, so the dashboard can be
/// edited without rebuilding csm.
struct DashboardController {
    let options: ServerOptions

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/", use: home)
        routes.on(.get, "/assets/:file", use: asset)
        routes.on(.get, "/vendor/:file", use: vendor)
    }

    @Sendable func home(_ request: Request, _ context: ServerContext) async throws -> Response {
        if let code = request.uri.queryParameters["login"] {
            guard options.credentials.redeem(String(code)) else {
                throw APIError(
                    .unauthorized, "invalid_login_code",
                    "this login link was already used or is not valid; restart 'csm server' for a new one, "
                        + "or paste the API token on the dashboard's Settings page")
            }
            return Response(
                status: .seeOther,
                headers: [
                    .location: "/", .setCookie: TokenController.cookie(options.credentials.token),
                    .cacheControl: "no-store",
                ])
        }
        return try Self.serve("index.html", request: request)
    }

    @Sendable func asset(_ request: Request, _ context: ServerContext) async throws -> Response {
        try Self.serve(context.parameters.get("file") ?? "", request: request)
    }

    @Sendable func vendor(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard let library = VendorLibrary.all.first(where: { $0.file == name }) else {
            throw APIError(.notFound, "not_found", "no browser library named '\(name)'")
        }
        guard let path = library.installedPath, let data = FileManager.default.contents(atPath: path) else {
            throw APIError(
                .notFound, "library_missing",
                "\(library.purpose) needs the Debian package \(library.package) (scripts/bootstrap.sh installs it); "
                    + "looked in \(library.candidates.joined(separator: ", "))")
        }
        return Self.response(
            Array(data), type: "text/javascript; charset=utf-8", request: request, cache: "max-age=3600")
    }

    /// One dashboard file, from `CSM_WEB_DIR` when set, else the copy compiled into csm.
    static func serve(_ name: String, request: Request) throws -> Response {
        guard let type = DashboardAssets.contentType(of: name) else {
            throw APIError(.notFound, "not_found", "the dashboard has no file '\(name)'")
        }
        if let folder = ProcessInfo.processInfo.environment["CSM_WEB_DIR"], !folder.isEmpty {
            guard !name.contains("/"), let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                throw APIError(.notFound, "not_found", "the dashboard has no file '\(name)' in CSM_WEB_DIR (\(folder))")
            }
            return response(Array(data), type: type, request: request, cache: "no-cache")
        }
        guard let bytes = DashboardAssets.files[name] else {
            throw APIError(.notFound, "not_found", "the dashboard has no file '\(name)'")
        }
        return response(bytes, type: type, request: request, cache: "no-cache")
    }

    /// The bytes with an `ETag` (FNV-1a of the content); a matching `If-None-Match` gets 304.
    static func response(_ bytes: [UInt8], type: String, request: Request, cache: String) -> Response {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let etag = "\"\(String(hash, radix: 16))\""
        var headers: HTTPFields = [
            .contentType: type, .eTag: etag, .cacheControl: cache, .init("X-Content-Type-Options")!: "nosniff",
        ]
        if type.hasPrefix("text/html") {
            // Defence in depth behind the dashboard's own escaping: no inline script, no foreign origin.
            headers[.init("Content-Security-Policy")!] =
                "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
                + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
            headers[.init("Referrer-Policy")!] = "no-referrer"
        }
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = "\(bytes.count)"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// A browser library the dashboard loads on demand, from a Debian package (never copied into csm).
struct VendorLibrary: Sendable {
    var file: String
    var package: String
    var purpose: String
    var candidates: [String]

    var installedPath: String? { candidates.first { FileManager.default.isReadableFile(atPath: $0) } }

    static let all: [VendorLibrary] = [
        VendorLibrary(
            file: "marked.js", package: "libjs-marked", purpose: "Rendering Linear's Markdown",
            candidates: [
                "/usr/share/javascript/marked/marked.umd.min.js", "/usr/share/javascript/marked/marked.min.js",
            ]),
        VendorLibrary(
            file: "sortable.js", package: "libjs-sortable", purpose: "Reordering tool rules by drag",
            candidates: ["/usr/share/javascript/sortable/Sortable.min.js"]),
    ]
}
