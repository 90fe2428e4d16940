import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { constants as zlibConstants, createDeflate, deflateSync, type Deflate } from 'node:zlib';
import { GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { isRecord } from './http-util.js';

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

interface BufferedEvent {
  s: number;
  text: string;
}

/** One gateway session (survives disconnects until it is resumed or expires). */
export interface GatewaySession {
  id: string;
  intents: number;
  seq: number;
  /** Dispatches not yet acknowledged by a heartbeat, replayed on RESUME. */
  buffer: BufferedEvent[];
  conn: Connection | null;
  /** True between READY/RESUMED and the connection closing. */
  live: boolean;
  disconnectedAt: number | null;
  presence: unknown;
}

interface Connection {
  ws: WebSocket;
  url: string;
  session: GatewaySession | null;
  send(payload: unknown): void;
  sendText(text: string): void;
}

export interface GatewayHooks {
  token: string;
  heartbeatIntervalMs: () => number;
  privilegedIntents: () => number;
  resumeUrl: () => string;
  newSessionId: () => string;
  /** READY `d` without session fields */
  readyPayload: () => Record<string, unknown>;
  /** GUILD_CREATE payloads for a session with these intents */
  guildCreates: (intents: number) => Array<Record<string, unknown>>;
  requestGuildMembers: (d: Record<string, unknown>, intents: number) => Array<Record<string, unknown>>;
  onReady: (session: GatewaySession) => void;
  onResumed: (session: GatewaySession) => void;
  /** Sessions that stay disconnected longer than this are dropped (their events are no longer queued). */
  resumeWindowMs: number;
}

export interface GatewayLogEntry {
  at: number;
  direction: 'in' | 'out';
  op: number;
  t?: string;
}

/** A JSON gateway (v10): HELLO, IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay. */
export class FakeGateway {
  readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<Connection>();
  /** Every URL a client connected with (to check resume_gateway_url and query parameters). */
  readonly connectUrls: string[] = [];
  /** Opcodes received, for tests that inspect the protocol. */
  readonly log: GatewayLogEntry[] = [];
  totalConnections = 0;
  identifies = 0;
  resumes = 0;

  constructor(private readonly hooks: GatewayHooks) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req.url ?? '/'));
  }

  private onConnection(ws: WebSocket, url: string): void {
    this.totalConnections++;
    this.connectUrls.push(url);
    const query = new URL(url, 'ws://fake').searchParams;
    let deflate: Deflate | null = null;
    let identifyCompress = false;
    let chain: Promise<void> = Promise.resolve();
    const conn: Connection = {
      ws,
      url,
      session: null,
      sendText: (text) => {
        if (ws.readyState !== ws.OPEN) return;
        if (deflate) {
          const d = deflate;
          // zlib-stream: one shared context, each message ends with a Z_SYNC_FLUSH marker.
          chain = chain.then(
            () =>
              new Promise<void>((resolve) => {
                const parts: Buffer[] = [];
                const onData = (chunk: Buffer): void => void parts.push(chunk);
                d.on('data', onData);
                d.write(text);
                d.flush(zlibConstants.Z_SYNC_FLUSH, () => {
                  d.off('data', onData);
                  if (ws.readyState === ws.OPEN) ws.send(Buffer.concat(parts));
                  resolve();
                });
              }),
          );
        } else if (identifyCompress) {
          ws.send(deflateSync(text));
        } else {
          ws.send(text);
        }
      },
      send: (payload) => conn.sendText(JSON.stringify(payload)),
    };
    this.connections.add(conn);
    if (query.get('v') !== null && query.get('v') !== '10') {
      ws.close(4012, 'Invalid API version');
      return;
    }
    if (query.get('encoding') !== null && query.get('encoding') !== 'json') {
      ws.close(4002, 'Only JSON encoding is supported by the fake');
      return;
    }
    if (query.get('compress') === 'zlib-stream') deflate = createDeflate();

    ws.on('message', (raw: RawData) => {
      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString());
      } catch {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      if (!isRecord(payload) || typeof payload['op'] !== 'number') {
        ws.close(4002, 'Error while decoding payload.');
        return;
      }
      const d = payload['d'];
      if (payload['op'] === GatewayOpcodes.Identify && isRecord(d) && d['compress'] === true && !deflate) identifyCompress = true;
      this.onPayload(conn, payload['op'], d);
    });
    ws.on('close', (code: number) => {
      this.connections.delete(conn);
      deflate?.close();
      const session = conn.session;
      if (session && session.conn === conn) {
        session.conn = null;
        session.live = false;
        session.disconnectedAt = Date.now();
        // A client closing with 1000/1001 ends its session (Discord invalidates it); others may resume.
        if (code === 1000 || code === 1001) this.sessions.delete(session.id);
      }
    });
    ws.on('error', () => undefined);
    conn.send({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.hooks.heartbeatIntervalMs() }, s: null, t: null });
  }

  private onPayload(conn: Connection, op: number, d: unknown): void {
    this.log.push({ at: Date.now(), direction: 'in', op });
    switch (op) {
      case GatewayOpcodes.Heartbeat: {
        const session = conn.session;
        if (session && typeof d === 'number') {
          // Everything up to the acknowledged sequence was received: no need to keep it for replay.
          const keepFrom = session.buffer.findIndex((e) => e.s > d);
          session.buffer.splice(0, keepFrom === -1 ? session.buffer.length : keepFrom);
        }
        conn.send({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null });
        return;
      }
      case GatewayOpcodes.Identify:
        this.identify(conn, d);
        return;
      case GatewayOpcodes.Resume:
        this.resume(conn, d);
        return;
      default:
        break;
    }
    if (!conn.session) {
      conn.ws.close(4003, 'Not authenticated.');
      return;
    }
    if (op === GatewayOpcodes.PresenceUpdate) conn.session.presence = d;
    if (op === GatewayOpcodes.RequestGuildMembers && isRecord(d)) {
      for (const chunk of this.hooks.requestGuildMembers(d, conn.session.intents)) this.dispatchTo(conn.session, 'GUILD_MEMBERS_CHUNK', chunk);
    }
    // Voice state updates (op 4) and anything else are accepted and ignored.
  }

  private identify(conn: Connection, d: unknown): void {
    if (conn.session) {
      conn.ws.close(4005, 'Already authenticated.');
      return;
    }
    if (!isRecord(d) || typeof d['token'] !== 'string' || d['token'].replace(/^Bot /, '') !== this.hooks.token) {
      conn.ws.close(4004, 'Authentication failed.');
      return;
    }
    const intents = typeof d['intents'] === 'number' ? d['intents'] : 0;
    if ((intents & PRIVILEGED_INTENTS & ~this.hooks.privilegedIntents()) !== 0) {
      conn.ws.close(4014, 'Disallowed intent(s).');
      return;
    }
    this.identifies++;
    const session: GatewaySession = {
      id: this.hooks.newSessionId(),
      intents,
      seq: 0,
      buffer: [],
      conn,
      live: true,
      disconnectedAt: null,
      presence: d['presence'] ?? null,
    };
    conn.session = session;
    this.sessions.set(session.id, session);
    const shard = Array.isArray(d['shard']) ? d['shard'] : undefined;
    this.dispatchTo(session, 'READY', {
      v: 10,
      ...this.hooks.readyPayload(),
      session_id: session.id,
      session_type: 'normal',
      resume_gateway_url: this.hooks.resumeUrl(),
      ...(shard ? { shard } : {}),
    });
    for (const guild of this.hooks.guildCreates(intents)) this.dispatchTo(session, 'GUILD_CREATE', guild);
    this.hooks.onReady(session);
  }

  private resume(conn: Connection, d: unknown): void {
    if (conn.session) {
      conn.ws.close(4005, 'Already authenticated.');
      return;
    }
    const sessionId = isRecord(d) ? d['session_id'] : undefined;
    const session = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
    const seq = isRecord(d) && typeof d['seq'] === 'number' ? d['seq'] : -1;
    const tokenOk = isRecord(d) && typeof d['token'] === 'string' && d['token'].replace(/^Bot /, '') === this.hooks.token;
    const first = session?.buffer[0];
    const replayable = session !== undefined && (first === undefined ? seq <= session.seq : first.s <= seq + 1);
    if (!session || !tokenOk || !replayable || seq > session.seq) {
      if (session) this.sessions.delete(session.id);
      conn.send({ op: GatewayOpcodes.InvalidSession, d: false, s: null, t: null });
      return;
    }
    // Take the session over from a connection the client considers dead.
    const old = session.conn;
    if (old && old !== conn) {
      old.session = null;
      old.ws.terminate();
    }
    this.resumes++;
    session.conn = conn;
    session.disconnectedAt = null;
    conn.session = session;
    for (const event of session.buffer) if (event.s > seq) conn.sendText(event.text);
    session.live = true;
    this.dispatchTo(session, 'RESUMED', null);
    this.hooks.onResumed(session);
  }

  /** Queues and (when connected) sends a dispatch to one session. */
  dispatchTo(session: GatewaySession, t: string, d: unknown): void {
    session.seq++;
    const text = JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s: session.seq, d });
    session.buffer.push({ s: session.seq, text });
    if (session.conn && (session.live || t === 'READY' || t === 'RESUMED' || t === 'GUILD_CREATE')) session.conn.sendText(text);
  }

  /** Live or resumable sessions (expired ones are forgotten). */
  activeSessions(): GatewaySession[] {
    const now = Date.now();
    const out: GatewaySession[] = [];
    for (const session of this.sessions.values()) {
      if (session.disconnectedAt !== null && now - session.disconnectedAt > this.hooks.resumeWindowMs) {
        this.sessions.delete(session.id);
        continue;
      }
      out.push(session);
    }
    return out;
  }

  /** Sends a dispatch to every active session whose intents include `intent` (0 = always); `perSession` tailors `d` to a session's intents. */
  broadcast(t: string, d: unknown, intent = 0, perSession?: (intents: number) => unknown): number {
    let n = 0;
    for (const session of this.activeSessions()) {
      if (intent !== 0 && (session.intents & intent) === 0) continue;
      this.dispatchTo(session, t, perSession ? perSession(session.intents) : d);
      n++;
    }
    return n;
  }

  /** Drops every connection; sessions stay resumable. */
  drop(opts: { code?: number; abrupt?: boolean } = {}): void {
    for (const conn of [...this.connections]) {
      if (conn.session) {
        conn.session.live = false;
        conn.session.conn = null;
        conn.session.disconnectedAt = Date.now();
        conn.session = null;
      }
      if (opts.abrupt === true) conn.ws.terminate();
      else conn.ws.close(opts.code ?? 4000, 'Fake Discord dropped the connection');
    }
  }

  /** Sends an opcode to every connection (RECONNECT, INVALID_SESSION…). */
  sendOp(op: number, d: unknown): void {
    for (const conn of this.connections) conn.send({ op, d, s: null, t: null });
  }

  async close(): Promise<void> {
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
