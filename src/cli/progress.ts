/** a progress bar on standard error, shown only to a person at a terminal */
export interface Progress {
  tick(label?: string): void;
  done(): void;
}

export function startProgress(total: number, what: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const enabled = stream.isTTY === true && total > 20 && process.env.CI === undefined;
  let count = 0;
  let last = 0;
  const draw = () => {
    const width = 30;
    const filled = Math.round((count / total) * width);
    stream.write(`\r${what} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total}`);
  };
  return {
    tick() {
      count++;
      if (!enabled) return;
      const now = Date.now();
      if (now - last > 50 || count === total) {
        last = now;
        draw();
      }
    },
    done() {
      if (enabled) stream.write('\r\x1b[K');
    },
  };
}
