import Foundation
import Hummingbird

// Usage: ReferenceServer PORT BODY_FILE
// Serves the bytes of BODY_FILE as `application/json` on `GET /api/sessions`, on 127.0.0.1:PORT: the
// floor of what any Hummingbird route can do, to compare csm's `GET /api/sessions` against.
let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]), let body = FileManager.default.contents(atPath: arguments[2])
else {
    FileHandle.standardError.write(Data("usage: ReferenceServer PORT BODY_FILE\n".utf8))
    exit(2)
}
let buffer = ByteBuffer(bytes: body)
let router = Router()
router.get("/api/sessions") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
}
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
