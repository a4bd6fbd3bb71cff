// One benchmark figure, as the report lists it.
export interface Figure {
  figure: string;
  value: number;
  unit: string;
  /** The aim, e.g. "≤ 1.15"; empty for figures reported without one. */
  aim: string;
  method: string;
}

/** Whether a figure meets an aim written as "≤ x" or "≥ x". */
export function meetsAim(f: Figure): boolean | undefined {
  const m = /^([≤≥])\s*([\d.]+)$/.exec(f.aim);
  if (!m) return undefined;
  return m[1] === '≤' ? f.value <= Number(m[2]) : f.value >= Number(m[2]);
}
