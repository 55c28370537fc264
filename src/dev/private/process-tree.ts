import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

/*
 * Process groups, ports and file watching for the supervisor (POSIX: platform-dev targets macOS
 * and Linux).
 */

/** Folders a watch never enters. */
const IGNORED_DIRS = new Set(['node_modules', '.git', 'cdk.out']);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function ignored(relative: string): boolean {
  return relative.split(/[\\/]/).some((part) => IGNORED_DIRS.has(part) || (part.startsWith('.') && part !== '.' && part !== '..'));
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) { // the group, else (not a leader) the process
    try {
      return void process.kill(target, signal);
    } catch { /* next, or gone */ }
  }
}

/**
 * Whether a live process of the group is left. A zombie is gone for this purpose: an orphan's
 * zombie waits for init to reap it, which some container inits do only now and then. Linux: read
 * from /proc; elsewhere (macOS): `kill(-pgid, 0)`, where a zombie counts until reaped.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    return fs.readdirSync('/proc').some((entry) => {
      if (!/^\d+$/.test(entry)) return false;
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
        const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return Number(pgrp) === pgid && state !== 'Z';
      } catch {
        return false; // ended while we looked
      }
    });
  } catch {
    return true;
  }
}

/** A free loopback port (the OS picks one; it is free again when this resolves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** GET the health path answering 2xx/3xx, or (no path) the port accepting a connection (Docker's proxy accepts early: give a path). */
export function probe(port: number, healthPath: string | undefined, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (healthPath === undefined) {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.setTimeout(timeoutMs, () => socket.destroy());
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('close', () => resolve(false));
      socket.once('error', () => resolve(false));
      return;
    }
    const req = http.get({ host: '127.0.0.1', port, path: healthPath, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(status >= 200 && status < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** At most this many folders are watched per path (a larger tree is named in a message). */
const MAX_WATCHED_FOLDERS = 2000;

/**
 * Watches `root` (a file, or a folder and every folder below it except `node_modules`, `.git`,
 * `cdk.out` and hidden ones) with one non-recursive watch per folder: Node's recursive watch on
 * Linux would watch `node_modules` too (tens of thousands of inotify watches). New folders are
 * watched as they appear. Returns the function that closes every watch.
 */
export function watchTree(root: string, onChange: (file: string) => void, onProblem: (message: string) => void): () => void {
  const watchers = new Map<string, fs.FSWatcher>();
  const add = (target: string, folder: boolean): void => {
    if (watchers.has(target)) return;
    if (watchers.size >= MAX_WATCHED_FOLDERS) {
      if (watchers.size === MAX_WATCHED_FOLDERS) onProblem(`watching the first ${MAX_WATCHED_FOLDERS} folders under ${root} only`);
      return;
    }
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(target, (event, file) => {
        if (!folder || !file) return onChange(target);
        const name = file.toString();
        if (ignored(name)) return;
        const changed = path.join(target, name);
        if (event === 'rename') {
          try {
            if (fs.statSync(changed).isDirectory()) add(changed, true);
          } catch { /* removed */ }
        }
        onChange(changed);
      });
    } catch (err) {
      onProblem(`cannot watch ${target}: ${(err as Error).message}`);
      return;
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(target);
    });
    watchers.set(target, watcher);
    if (!folder) return;
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(target, { withFileTypes: true });
    } catch { /* unreadable: its own watch is enough */ }
    for (const entry of entries) {
      if (entry.isDirectory() && !ignored(entry.name)) add(path.join(target, entry.name), true);
    }
  };
  try {
    add(root, fs.statSync(root).isDirectory());
  } catch (err) {
    onProblem(`cannot watch ${root}: ${(err as Error).message}`);
  }
  return () => {
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };
}
