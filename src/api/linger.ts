import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** How long a connection keeps reading (and discarding) after an early answer, at most. */
export const LINGER_MS = 2000;

/**
 * A lingering close for an answer sent before the request's body was read whole (a 413 while a
 * chunked upload streams, a 400 on a body that is not CDRs). Closing the socket outright while
 * the client is still sending leaves unread bytes in our receive buffer, so the kernel answers
 * with a reset, and a reset makes the client's kernel drop the answer it had not read yet: the
 * client sees "connection reset" instead of the 413. Instead the connection half-closes (our FIN
 * after the answer), keeps reading and discarding what still arrives, and is destroyed when the
 * client closes its side or after `ms`, whichever comes first — bounded, so a client that never
 * stops sending costs at most `ms` of reading.
 */
export function lingerOnClose(request: IncomingMessage, ms = LINGER_MS): void {
  const socket = request.socket;
  const s = socket as Socket & { destroySoon?: () => void; lingering?: boolean };
  if (s.lingering === true || typeof s.destroySoon !== 'function') return;
  s.lingering = true;
  // :TRICKY: Node's HTTP server ends a `connection: close` exchange with `socket.destroySoon()`
  // (end, then destroy once the FIN is written): that destroy is the reset this replaces.
  s.destroySoon = () => {
    const timer = setTimeout(() => socket.destroy(), ms);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.once('end', () => socket.destroy());
    socket.end();
    // What still arrives is parsed into the request, which nobody reads any more: discard it.
    request.resume();
    socket.resume();
  };
}
