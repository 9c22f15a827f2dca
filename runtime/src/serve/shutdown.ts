// Stopping: the signals that ask for it, and draining the HTTP server. On close, every connection without a request
// in flight is closed at once: idle keep-alive connections and clients still sending their headers (Node stops its
// header timeouts after server.close(), so such a client would otherwise hold the drain until its deadline).
// Requests whose headers arrived finish (a body still arriving keeps its own body deadline) and get their answer
// with `connection: close`; whatever still runs after the drain deadline is cut off.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';

/** Resolves with the name of the first SIGTERM or SIGINT; `dispose` removes the listeners. */
export function stopSignal(target: NodeJS.Process = process): {
  readonly stop: Promise<NodeJS.Signals>;
  dispose(): void;
} {
  let dispose = () => undefined as void;
  const stop = new Promise<NodeJS.Signals>((resolve) => {
    const on = (signal: NodeJS.Signals) => resolve(signal);
    target.once('SIGTERM', on);
    target.once('SIGINT', on);
    dispose = () => {
      target.off('SIGTERM', on);
      target.off('SIGINT', on);
    };
  });
  return { stop, dispose };
}

/** Which connections of a server have a request (headers received) whose answer is still to be sent. */
export class ConnectionTracker {
  private readonly sockets = new Set<Socket>();
  private readonly requests = new Map<Socket, IncomingMessage>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => {
        this.sockets.delete(socket);
        this.requests.delete(socket);
      });
    });
    server.on('request', (req: IncomingMessage, res) => {
      this.requests.set(req.socket, req);
      res.once('close', () => {
        if (this.requests.get(req.socket) === req) this.requests.delete(req.socket);
      });
    });
  }

  /** Open connections. */
  get size(): number {
    return this.sockets.size;
  }

  /** Destroys every connection without a request awaiting its answer (idle, or headers still arriving); returns how many. */
  closeIdleAndSlow(): number {
    let closed = 0;
    for (const socket of this.sockets) {
      if (this.requests.has(socket)) continue;
      socket.destroy();
      closed++;
    }
    return closed;
  }
}

/**
 * Resolves once every connection is closed: idle and slow ones at once, busy ones after their answer (answers sent
 * while draining carry `connection: close`), and any still open after `timeoutMs` are destroyed.
 */
export function drainServer(server: Server, tracker: ConnectionTracker, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve();
      return;
    }
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    deadline.unref();
    // Connections that finish a request while draining become idle: close them as they do.
    const sweep = setInterval(() => tracker.closeIdleAndSlow(), 25);
    sweep.unref();
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      resolve();
    });
    tracker.closeIdleAndSlow();
  });
}
