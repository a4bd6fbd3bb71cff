// One benchmark figure, as the report lists it.
export interface Figure {
  figure: string;
  /** null: not measurable yet (the report says why; no number is made up). */
  value: number | null;
  unit: string;
  /** The aim, e.g. "≤ 1.15"; empty for figures reported without one. */
  aim: string;
  method: string;
  /** The physical bound or peer the figure is measured against. */
  against?: string;
}

/** Whether a figure meets an aim written as "≤ x" or "≥ x". */
export function meetsAim(f: Figure): boolean | undefined {
  const m = /^([≤≥])\s*([\d.]+)$/.exec(f.aim);
  if (!m || f.value === null) return undefined;
  return m[1] === '≤' ? f.value <= Number(m[2]) : f.value >= Number(m[2]);
}

export function formatValue(f: Figure): string {
  if (f.value === null) return 'not measurable yet';
  if (f.unit === 'ratio') return f.value.toFixed(3);
  return f.value.toFixed(1);
}
