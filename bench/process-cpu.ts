// CPU time of a process, for figures that explain a throughput by where the CPU went (on a
// machine whose cores the engine, the service and the client share). Linux: /proc/PID/stat.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on every Linux port). */
const TICKS_PER_S = 100;

/** User + system CPU ms a process has used so far; this process's own from process.cpuUsage(). */
export function processCpuMs(pid: number): number {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  // Fields after the command name, which is in parentheses and may hold spaces: utime, stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_S;
}

/** CPU ms each of the processes used while `run` ran. */
export async function cpuDuring<T>(pids: Record<string, number>, run: () => Promise<T>): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid)]));
  const result = await run();
  const cpuMs = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMs(pid) - before[k]]));
  return { result, cpuMs };
}
