// Reads and checks a scenario file: every mistake is one line naming where it is.
import { readFileSync } from 'node:fs';
import type { Scenario, ScenarioEvent } from './types';

export class ScenarioError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function fail(where: string, what: string): never {
  throw new ScenarioError(`${where}: ${what}`);
}

function obj(v: Json | undefined, where: string): { [k: string]: Json } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(where, 'expected an object');
  return v;
}

function str(v: Json | undefined, where: string, max = 200): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(where, `expected a non-empty string of at most ${max} characters`);
  return v;
}

function num(v: Json | undefined, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(where, `expected a number from ${min} to ${max}`);
  return v;
}

function bool(v: Json | undefined, where: string): boolean {
  if (typeof v !== 'boolean') fail(where, 'expected true or false');
  return v;
}

function oneOf<T extends string>(v: Json | undefined, where: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !values.includes(v as T)) fail(where, `expected one of ${values.join(', ')}`);
  return v as T;
}

function only(o: { [k: string]: Json }, where: string, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(`${where}.${k}`, 'unknown key');
}

/** "HH:MM:SS" (hours may exceed 24) or a number of seconds → ms. */
function offset(v: Json | undefined, where: string): number {
  if (typeof v === 'number') return num(v, where, 0, 7 * 86400) * 1000;
  const m = typeof v === 'string' ? /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(v) : null;
  if (!m) fail(where, 'expected a time offset "HH:MM:SS" or seconds');
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
}

function event(raw: Json, where: string): ScenarioEvent {
  const o = obj(raw, where);
  const at = offset(o.at, `${where}.at`);
  const kind = str(o.do, `${where}.do`);
  switch (kind) {
    case 'press':
      only(o, where, ['at', 'do', 'button', 'gesture']);
      return { at, do: 'press', button: oneOf(o.button, `${where}.button`, ['record', 'mark', 'both'] as const), gesture: o.gesture === undefined ? 'short' : oneOf(o.gesture, `${where}.gesture`, ['short', 'long'] as const) };
    case 'interrupt':
      only(o, where, ['at', 'do', 'reason', 'detail']);
      return { at, do: 'interrupt', reason: oneOf(o.reason, `${where}.reason`, ['weather', 'obstruction', 'other'] as const), detail: o.detail === undefined ? '' : str(o.detail, `${where}.detail`) };
    case 'camera-fault':
    case 'microphone-fault':
    case 'speaker-fault':
    case 'gnss-loss':
      only(o, where, ['at', 'do', 'on']);
      return { at, do: kind, on: bool(o.on, `${where}.on`) };
    case 'battery':
      only(o, where, ['at', 'do', 'percent']);
      return { at, do: 'battery', percent: num(o.percent, `${where}.percent`, 0, 100) };
    case 'power-cut':
      only(o, where, ['at', 'do', 'off']);
      return { at, do: 'power-cut', offMs: o.off === undefined ? 5000 : offset(o.off, `${where}.off`) };
    case 'case':
      only(o, where, ['at', 'do', 'caseNumber', 'kind', 'stage']);
      return {
        at,
        do: 'case',
        caseNumber: str(o.caseNumber, `${where}.caseNumber`),
        kind: oneOf(o.kind, `${where}.kind`, ['licensing', 'penalty', 'coercive-measure', 'inspection', 'confirmation', 'ruling', 'other'] as const),
        stage: num(o.stage ?? 0, `${where}.stage`, 0, 21),
      };
    case 'continuous':
      only(o, where, ['at', 'do', 'on']);
      return { at, do: 'continuous', on: bool(o.on, `${where}.on`) };
    case 'delete':
      only(o, where, ['at', 'do', 'target']);
      return { at, do: 'delete', target: str(o.target, `${where}.target`) };
    case 'card-pull':
      only(o, where, ['at', 'do']);
      return { at, do: 'card-pull' };
    case 'card-insert':
      only(o, where, ['at', 'do', 'card']);
      return { at, do: 'card-insert', card: o.card === undefined ? 'same' : oneOf(o.card, `${where}.card`, ['same', 'blank'] as const) };
    case 'switch-off':
    case 'switch-on':
    case 'end':
      only(o, where, ['at', 'do']);
      return { at, do: kind };
    default:
      fail(`${where}.do`, `unknown event ${JSON.stringify(kind)}`);
  }
}

/** Validates parsed JSON as a scenario. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const o = obj(raw as Json, source);
  only(o, source, ['name', 'description', 'device', 'officer', 'timeline']);
  const d = obj(o.device, `${source}.device`);
  only(d, `${source}.device`, ['deviceId', 'blockCount', 'preEventSeconds', 'start', 'rtcLost', 'track', 'gnss', 'card', 'encryption']);
  let card: Scenario['device']['card'] = null;
  if (d.card !== undefined && d.card !== null) {
    const c = obj(d.card, `${source}.device.card`);
    only(c, `${source}.device.card`, ['sizeMiB']);
    card = { sizeMiB: Math.round(num(c.sizeMiB, `${source}.device.card.sizeMiB`, 64, 32 * 1024)) };
  }
  const g = d.gnss === undefined ? {} : obj(d.gnss, `${source}.device.gnss`);
  only(g, `${source}.device.gnss`, ['positionNoise', 'garbage', 'checksumErrors']);
  const gnss = {
    positionNoise: num(g.positionNoise ?? 3, `${source}.device.gnss.positionNoise`, 0, 1000),
    garbage: num(g.garbage ?? 0, `${source}.device.gnss.garbage`, 0, 1),
    checksumErrors: num(g.checksumErrors ?? 0, `${source}.device.gnss.checksumErrors`, 0, 1),
  };
  const deviceId = str(d.deviceId ?? 'QC-SIM-0001', `${source}.device.deviceId`, 16);
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(deviceId)) fail(`${source}.device.deviceId`, 'use 1-16 of A-Z a-z 0-9 - _');
  const startText = str(d.start, `${source}.device.start`);
  const start = Date.parse(startText);
  if (!/[zZ]|[+-]\d\d:\d\d$/.test(startText) || Number.isNaN(start)) fail(`${source}.device.start`, 'expected an ISO 8601 time with its offset, e.g. 2026-11-26T08:30:00+08:00');
  const trackRaw = d.track === undefined ? [] : d.track;
  if (!Array.isArray(trackRaw)) fail(`${source}.device.track`, 'expected a list of waypoints');
  const track = trackRaw.map((w, i) => {
    const p = obj(w, `${source}.device.track[${i}]`);
    only(p, `${source}.device.track[${i}]`, ['at', 'latitude', 'longitude']);
    return { at: offset(p.at, `${source}.device.track[${i}].at`), latitude: num(p.latitude, `${source}.device.track[${i}].latitude`, -90, 90), longitude: num(p.longitude, `${source}.device.track[${i}].longitude`, -180, 180) };
  });
  let officer: Scenario['officer'] = null;
  if (o.officer !== undefined && o.officer !== null) {
    const f = obj(o.officer, `${source}.officer`);
    only(f, `${source}.officer`, ['name', 'certificate', 'unit']);
    officer = { name: str(f.name, `${source}.officer.name`), certificate: str(f.certificate, `${source}.officer.certificate`), unit: str(f.unit, `${source}.officer.unit`) };
  }
  if (!Array.isArray(o.timeline) || o.timeline.length === 0) fail(`${source}.timeline`, 'expected a non-empty list of events');
  const timeline = o.timeline.map((e, i) => event(e, `${source}.timeline[${i}]`));
  for (let i = 1; i < timeline.length; i++)
    if (timeline[i].at < timeline[i - 1].at) fail(`${source}.timeline[${i}].at`, `time goes backwards (${timeline[i].at / 1000} s after ${timeline[i - 1].at / 1000} s)`);
  if (timeline[timeline.length - 1].do !== 'end') fail(`${source}.timeline`, 'the last event must be "end"');
  return {
    name: str(o.name, `${source}.name`, 64),
    description: o.description === undefined ? '' : str(o.description, `${source}.description`, 2000),
    device: {
      deviceId,
      blockCount: num(d.blockCount ?? 2048, `${source}.device.blockCount`, 64, 65536),
      preEventSeconds: num(d.preEventSeconds ?? 30, `${source}.device.preEventSeconds`, 0, 120),
      start,
      rtcLost: d.rtcLost === undefined ? false : bool(d.rtcLost, `${source}.device.rtcLost`),
      track,
      gnss,
      card,
      encryption: d.encryption === undefined ? false : bool(d.encryption, `${source}.device.encryption`),
    },
    officer,
    timeline,
  };
}

/** Reads a scenario file; every failure is a ScenarioError with a one-line message. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ScenarioError(`${path}: cannot read the scenario file`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  return parseScenario(raw, path);
}
