import CSMEngine
import CSMModel
import Foundation
import Hummingbird
import HummingbirdWebSocket

/// The live streams: one session's SSE, the global SSE of every channel, and the WebSocket carrying
/// the same events for the dashboard. Each resumes from `Last-Event-ID` / `?lastEventId=`.
struct EventsController {
    let service: WorkspaceService
    let dependencies: ServerDependencies

    func register(_ routes: RouteRegistrar) {
        routes.on(.get, "/api/sessions/:name/stream", use: sessionStream)
        routes.on(.get, "/api/events", use: allEvents)
        routes.table.record(.get, "/api/ws")
        let store = dependencies.events
        routes.router.ws("/api/ws") { request, _ in
            _ = try EventFeed.lastEventID(request)
            if let session = request.uri.queryParameters["session"], !CSMName.isValid(String(session)) {
                throw APIError.invalidName(String(session))
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let request = context.request
            let id = try? EventFeed.lastEventID(request)
            let filter: EventPublisher.Filter =
                request.uri.queryParameters["session"].map { .channel(String($0)) } ?? .all
            let live = store.publisher.subscribe(filter)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Reading until the client closes; the dashboard sends nothing csm acts on.
                    for try await _ in inbound {}
                }
                group.addTask {
                    try await EventFeed.pump(store, filter, after: id, live: live) { event in
                        try await outbound.write(.text(EventFeed.json(event)))
                    }
                }
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    @Sendable func sessionStream(_ request: Request, _ context: ServerContext) async throws -> Response {
        let name = try SessionsController.name(context)
        let id = try EventFeed.lastEventID(request)
        let hasEvents = (try? await dependencies.events.lastEvent(session: name)) != nil
        if !hasEvents {
            _ = try await service.sessionView(name, in: try await service.document().workspace)
        }
        return ServerSentEvents.response(store: dependencies.events, filter: .channel(name), after: id)
    }

    @Sendable func allEvents(_ request: Request, _ context: ServerContext) async throws -> Response {
        let id = try EventFeed.lastEventID(request)
        return ServerSentEvents.response(store: dependencies.events, filter: .all, after: id)
    }
}
