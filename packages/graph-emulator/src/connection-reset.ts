import type { Server, Socket } from "node:net";

/**
 * Drops connections with a TCP RST, as a failing load balancer does. Under TLS the request's socket has no
 * TCP handle of its own, so the raw socket of each connection is tracked (by its remote address) to reset it.
 */
export class ConnectionResetter {
  private readonly rawSockets = new Map<string, Socket>();

  /** Starts tracking the raw sockets of `server`'s connections. */
  track(server: Server): void {
    server.on("connection", (socket: Socket) => {
      const key = remoteKey(socket);
      this.rawSockets.set(key, socket);
      socket.once("close", () => {
        if (this.rawSockets.get(key) === socket) this.rawSockets.delete(key);
      });
    });
  }

  /** Resets the connection a request arrived on. */
  reset(socket: Socket): void {
    const raw = this.rawSockets.get(remoteKey(socket)) ?? socket;
    try {
      raw.resetAndDestroy();
    } catch {
      socket.destroy();
    }
  }
}

function remoteKey(socket: Socket): string {
  return `${socket.remoteAddress}|${socket.remotePort}`;
}
