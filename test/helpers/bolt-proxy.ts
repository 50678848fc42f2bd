import net from 'node:net';

/** Bolt request messages by their struct signature (the byte after the struct marker). */
const REQUESTS = new Map([
  [0x10, 'RUN'],
  [0x11, 'BEGIN'],
  [0x12, 'COMMIT'],
  [0x13, 'ROLLBACK'],
  [0x0f, 'RESET'],
  [0x3f, 'PULL'],
  [0x2f, 'DISCARD'],
]);
/** The client's handshake (magic and proposed versions), sent once before any chunked message. */
const HANDSHAKE_BYTES = 20;
/** The server's answer offering a manifest (Bolt 5.7+): the client then names its version (4 bytes) and capabilities (a varint). */
const MANIFEST_V1 = 0x000001ff;

/** What the client sent since the proxy started (or the last `reset`). */
export interface BoltCounts {
  /** Each time the client sent after the server last spoke, on any connection: a wait for an answer. */
  roundTrips: number;
  /** Request messages by name (RUN, BEGIN, COMMIT, PULL …; others by their signature in hex). */
  messages: Record<string, number>;
}

/**
 * A TCP proxy in front of Neo4j's Bolt port that counts round trips and request messages: on
 * each connection, a round trip starts when the client sends after the server last spoke (or first
 * on the connection), so messages the driver pipelines in one write (RUN + PULL) are one, and every
 * wait for an answer is another. A test points the app's NEO4J_URI at `uri` and reads `counts`.
 */
export interface BoltProxy {
  uri: string;
  readonly counts: BoltCounts;
  reset(): void;
  /** The next `n` client writes carrying a RUN are not forwarded: their connection is cut instead (a lost connection, as the driver sees it). */
  cutRuns(n: number): void;
  close(): Promise<void>;
}

export async function startBoltProxy(target: string): Promise<BoltProxy> {
  const { hostname, port } = new URL(target);
  let counts: BoltCounts = { roundTrips: 0, messages: {} };
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    // no Nagle delay on either side: the proxy must not hold back a small write the driver or Neo4j sent at once
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    let serverSpokeLast = true;
    let firstAnswer = true;
    const messages = messageReader((signature) => {
      const name = REQUESTS.get(signature) ?? `0x${signature.toString(16)}`;
      counts.messages[name] = (counts.messages[name] ?? 0) + 1;
    });
    client.on('data', (b: Buffer) => {
      if (serverSpokeLast) counts.roundTrips++;
      serverSpokeLast = false;
      const runs = counts.messages.RUN ?? 0;
      messages(b);
      if (cuts > 0 && (counts.messages.RUN ?? 0) > runs) {
        cuts--;
        end();
        return;
      }
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => {
      if (firstAnswer && b.length >= 4 && b.readUInt32BE(0) === MANIFEST_V1) messages.manifest();
      firstAnswer = false;
      serverSpokeLast = true;
      client.write(b);
    });
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port: own } = server.address() as net.AddressInfo;
  return {
    uri: `bolt://127.0.0.1:${own}`,
    get counts() {
      return counts;
    },
    reset() {
      counts = { roundTrips: 0, messages: {} };
    },
    cutRuns(n) {
      cuts = n;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * Reads one connection's client bytes as Bolt chunks (a 2-byte size, then that many bytes; size 0
 * ends a message) across however TCP splits them, calling `onMessage` with each message's signature.
 */
function messageReader(onMessage: (signature: number) => void): ((b: Buffer) => void) & { manifest(): void } {
  let handshake = HANDSHAKE_BYTES;
  let version = 0; // bytes of the chosen version still to skip (manifest handshake)
  let capabilities = false; // inside the capabilities varint (manifest handshake)
  let header: number[] = [];
  let chunkLeft = 0;
  let messageStart: number[] = []; // the first two bytes of the current message: struct marker, signature
  const read = (b: Buffer) => {
    let i = 0;
    if (handshake > 0) {
      const skip = Math.min(handshake, b.length);
      handshake -= skip;
      i = skip;
    }
    while (i < b.length && (version > 0 || capabilities)) {
      if (version > 0) {
        version--;
        i++;
      } else capabilities = ((b[i++] as number) & 0x80) !== 0;
    }
    while (i < b.length) {
      if (chunkLeft > 0) {
        const take = Math.min(chunkLeft, b.length - i);
        for (let k = 0; k < take && messageStart.length < 2; k++) messageStart.push(b[i + k] as number);
        chunkLeft -= take;
        i += take;
        continue;
      }
      header.push(b[i++] as number);
      if (header.length < 2) continue;
      const size = ((header[0] as number) << 8) | (header[1] as number);
      header = [];
      if (size > 0) {
        chunkLeft = size;
        continue;
      }
      if (messageStart.length === 2) onMessage(messageStart[1] as number); // a 0-size chunk after data ends a message
      messageStart = [];
    }
  };
  return Object.assign(read, {
    manifest() {
      version = 4;
      capabilities = true;
    },
  });
}
