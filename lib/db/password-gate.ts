// The embedded database's front door. pglite-socket answers every StartupMessage with
// AuthenticationOk — any user, any password — so anyone on the machine who finds its port could
// read every workspace's data. This gate speaks the start of PostgreSQL's wire protocol itself:
// it asks for an MD5 password (AuthenticationMD5Password with a fresh salt), checks it in
// constant time against the password generated for this run, and only then hands the connection,
// with its StartupMessage put back in front, to the PGlite server. Anything else is refused with
// PostgreSQL's own error (28P01) so that psql and pg show their usual message.
// Wire format: https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-START-UP
import crypto from "node:crypto";
import type net from "node:net";

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** A client that has not finished signing in by then is dropped: the gate holds no sockets open. */
const SIGN_IN_TIMEOUT_MS = 10_000;
/** Startup packets are a few hundred bytes; anything far larger is not a PostgreSQL client. */
const MAX_STARTUP_BYTES = 10_000;

/** The password a client sends for AuthenticationMD5Password: "md5" + md5(md5(password + user) + salt). */
export function md5PasswordAnswer(password: string, user: string, salt: Buffer): string {
  const inner = crypto
    .createHash("md5")
    .update(password + user)
    .digest("hex");
  return (
    "md5" +
    crypto
      .createHash("md5")
      .update(Buffer.concat([Buffer.from(inner), salt]))
      .digest("hex")
  );
}

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`, "utf8"), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write("E", 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

function startupParameters(packet: Buffer): Map<string, string> {
  const parts = packet.subarray(8).toString("utf8").split("\0");
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ""; i += 2) params.set(parts[i]!, parts[i + 1]!);
  return params;
}

/**
 * Signs `socket` in with `password`; on success calls `admit` with the socket paused and the
 * client's StartupMessage (plus anything sent after the password) put back to be read first.
 */
export function gateConnection(socket: net.Socket, password: string, admit: (socket: net.Socket) => void): void {
  let buffer = Buffer.alloc(0);
  let startup: Buffer | null = null;
  let user = "";
  let salt: Buffer | null = null;

  const refuse = (code: string, message: string) => {
    socket.removeListener("data", onData);
    if (socket.writable) socket.end(errorResponse(code, message));
    else socket.destroy();
  };
  socket.setTimeout(SIGN_IN_TIMEOUT_MS, () => socket.destroy());
  socket.on("error", () => socket.destroy());

  const onData = (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    if (buffer.length > MAX_STARTUP_BYTES) return refuse("08P01", "invalid startup packet");
    while (buffer.length >= 4) {
      if (!startup) {
        const length = buffer.readInt32BE(0);
        if (length < 8 || length > MAX_STARTUP_BYTES) return refuse("08P01", "invalid startup packet length");
        if (buffer.length < length) return;
        const packet = buffer.subarray(0, length);
        buffer = buffer.subarray(length);
        const code = packet.readInt32BE(4);
        // No TLS and no GSS encryption on a loopback socket: "N", and the client goes on in plain.
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write("N");
          continue;
        }
        if (code === CANCEL_REQUEST) return void socket.destroy();
        if (code !== PROTOCOL_3) return refuse("08P01", "unsupported frontend protocol");
        startup = Buffer.from(packet);
        user = startupParameters(startup).get("user") ?? "";
        salt = crypto.randomBytes(4);
        const ask = Buffer.alloc(13);
        ask.write("R", 0);
        ask.writeInt32BE(12, 1);
        ask.writeInt32BE(5, 5);
        salt.copy(ask, 9);
        socket.write(ask);
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      if (buffer[0] !== 0x70 /* p: PasswordMessage */) return refuse("08P01", "expected a password message");
      const sent = buffer.subarray(5, 1 + length - 1);
      const rest = buffer.subarray(1 + length);
      const expected = Buffer.from(md5PasswordAnswer(password, user, salt!));
      if (sent.length !== expected.length || !crypto.timingSafeEqual(sent, expected)) {
        return refuse("28P01", `password authentication failed for user "${user.replace(/[^\w.@-]/g, "?")}"`);
      }
      socket.removeListener("data", onData);
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(Buffer.concat([startup, rest]));
      admit(socket);
      return;
    }
  };
  socket.on("data", onData);
}
