// Stopping: the signals that ask for it, and draining the HTTP server (stop accepting, let running requests
// answer, close idle keep-alive connections, cut off whatever still runs after a deadline).
import type { Server } from 'node:http';

/** Resolves with the name of the first SIGTERM or SIGINT; `dispose` removes the listeners. */
export function stopSignal(target: NodeJS.Process = process): { readonly stop: Promise<NodeJS.Signals>; dispose(): void } {
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

/**
 * Resolves once every connection is closed: idle ones at once, busy ones after their answer (answers sent
 * while draining carry `connection: close`), and any still open after `timeoutMs` are destroyed.
 */
export function drainServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      server.closeAllConnections();
      resolve();
      return;
    }
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    deadline.unref();
    // Connections that finish a request while draining become idle: close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    sweep.unref();
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
