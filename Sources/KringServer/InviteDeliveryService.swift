import KringApp
import KringDomain
import KringMail
import Logging
import ServiceLifecycle

/// `kring serve` sends the outbox itself: every `interval` it runs the same delivery as `kring invites send`, when
/// `mail.transport` is set (read again each time, so setting it later needs no restart). On SIGTERM it finishes the
/// message in hand, gives the rest of its claim back and stops. A failure is logged without personal data and
/// never stops the HTTP service.
public struct InviteDeliveryService: ServiceLifecycle.Service, CustomStringConvertible {
    let kring: Kring
    let interval: Duration
    let logger: Logger

    /// What ServiceLifecycle logs for this service.
    public var description: String { "InviteDeliveryService" }

    public init(kring: Kring, interval: Duration, logger: Logger) {
        self.kring = kring
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var current: (configuration: MailConfiguration, transport: any MailTransport)?
            while !Task.isCancelled {
                do {
                    if try kring.mailIsConfigured() {
                        let configuration = try kring.mailConfiguration()
                        if current?.configuration != configuration {
                            // One transport per configuration keeps its connection open across runs.
                            current = (configuration, try kring.makeMailTransport(configuration))
                        }
                        let view = try await kring.sendInvites(transport: current?.transport)
                        if !view.messages.isEmpty || view.superseded > 0 {
                            logger.info(
                                "invite delivery run",
                                metadata: [
                                    "invite.count": "\(view.messages.count)", "invite.sent": "\(view.sent)",
                                    "invite.superseded": "\(view.superseded)",
                                ])
                        }
                        if let stopped = view.stopped {
                            logger.error("invite delivery stopped", metadata: ["mail.reason": "\(stopped)"])
                        }
                    }
                } catch let error as KringError where error.kind == .conflict && error.field == "invites" {
                    // A coordinator's `POST /api/invites/send` is running; this tick leaves the outbox to it.
                    logger.debug("invite delivery skipped: another run is sending")
                } catch let error as KringError {
                    logger.error(
                        "invite delivery failed",
                        metadata: ["error.field": "\(error.field)", "error.kind": "\(error.kind.rawValue)"])
                } catch {
                    logger.error("invite delivery failed", metadata: ["error.type": "\(type(of: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
