// The reference training windows, as StockLSTM builds them: Close sorted oldest first, min-max
// scaled on the first 65% of rows, windows of 100 days before each training target.
export function referenceWindows(csv, window = 100, split = 65) {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const names = header.split(',');
  const date = names.indexOf('Date');
  const close = names.indexOf('Close');
  const rows = lines.map((l) => l.split(',')).map((c) => [c[date], Number(c[close])]);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const prices = rows.map((r) => r[1]);
  const trainEnd = Math.floor((prices.length * split) / 100);
  const train = prices.slice(0, trainEnd);
  const [min, max] = [Math.min(...train), Math.max(...train)];
  const scaled = prices.map((p) => (p - min) / (max - min));
  const count = trainEnd - window;
  const inputs = new Float32Array(count * window);
  const targets = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    inputs.set(scaled.slice(i, i + window), i * window);
    targets[i] = scaled[i + window];
  }
  return { inputs, targets, count, window };
}
