import * as dgram from 'node:dgram';

/** One SRV answer: where a task listens. */
export interface SrvTarget {
  readonly port: number;
  readonly address: string;
}

/**
 * A stand-in for the VPC's DNS resolver answering Cloud Map's records, for tests only: SRV
 * records `<name>` -> `1 1 <port> <id>.<name>` (the shape Cloud Map gives ECS tasks), with the
 * targets' A records in the additional section and on their own queries. Answers change with
 * `setSrv`, as Cloud Map's do when a task moves. Every other name is NXDOMAIN.
 */
export class DnsStandIn {
  public port = 0;
  /** Queries received, as `<type> <name>`. */
  public readonly queries: string[] = [];
  private readonly socket = dgram.createSocket('udp4');
  private readonly srv = new Map<string, SrvTarget[]>();

  public async start(): Promise<void> {
    this.socket.on('message', (message, remote) => {
      const answer = this.answer(message);
      if (answer) this.socket.send(answer, remote.port, remote.address);
    });
    await new Promise<void>(resolve => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }

  public async stop(): Promise<void> {
    await new Promise<void>(resolve => this.socket.close(() => resolve()));
  }

  /** Sets (or with `[]` empties) the tasks behind an SRV name. */
  public setSrv(name: string, targets: SrvTarget[]): void {
    this.srv.set(name.toLowerCase(), targets);
  }

  private targets(): Map<string, string> {
    const all = new Map<string, string>();
    for (const [name, targets] of this.srv) {
      targets.forEach((t, i) => all.set(`task-${i}-${t.port}.${name}`, t.address));
    }
    return all;
  }

  private answer(query: Buffer): Buffer | undefined {
    if (query.length < 17) return undefined;
    const id = query.readUInt16BE(0);
    let offset = 12;
    const labels: string[] = [];
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset];
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    offset += 1;
    const qtype = query.readUInt16BE(offset);
    const questionEnd = offset + 4;
    const name = labels.join('.').toLowerCase();
    this.queries.push(`${qtype === 33 ? 'SRV' : qtype === 1 ? 'A' : qtype} ${name}`);

    const answers: Buffer[] = [];
    const additional: Buffer[] = [];
    const targets = this.targets();
    const srv = this.srv.get(name);
    if (qtype === 33 && srv) {
      srv.forEach((t, i) => {
        const target = `task-${i}-${t.port}.${name}`;
        const data = Buffer.concat([u16(1), u16(1), u16(t.port), encodeName(target)]);
        answers.push(record(name, 33, data));
        additional.push(record(target, 1, ipv4(t.address)));
      });
    } else if (qtype === 1 && targets.has(name)) {
      answers.push(record(name, 1, ipv4(targets.get(name)!)));
    }
    const known = srv !== undefined || targets.has(name);
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    // QR, AA, RD copied; RA; RCODE 3 (NXDOMAIN) for an unknown name.
    const recursionDesired = query.readUInt16BE(2) >= 0x0100 && Math.floor(query.readUInt16BE(2) / 0x0100) % 2 === 1;
    header.writeUInt16BE(0x8400 + (recursionDesired ? 0x0100 : 0) + 0x0080 + (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    header.writeUInt16BE(0, 8);
    header.writeUInt16BE(additional.length, 10);
    return Buffer.concat([header, query.subarray(12, questionEnd), ...answers, ...additional]);
  }
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value, 0);
  return b;
}

function encodeName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map(l => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

function ipv4(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** A resource record with a 5-second TTL (Cloud Map's services here use 10 s). */
function record(name: string, type: number, data: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(5, 4);
  fixed.writeUInt16BE(data.length, 8);
  return Buffer.concat([encodeName(name), fixed, data]);
}
