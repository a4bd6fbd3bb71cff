// A progress bar on a terminal's stderr for long operations; silent when stderr is not a terminal.
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; end(): void } {
  if (!stream.isTTY) return { update() {}, end() {} };
  let last = -1;
  return {
    update(done, total) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (pct === last) return;
      last = pct;
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      stream.write(`\r${label} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${String(pct).padStart(3)}%  ${(done / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB`);
    },
    end() {
      if (last >= 0) stream.write('\n');
    },
  };
}
