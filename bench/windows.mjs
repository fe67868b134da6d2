// The reference windows, as StockLSTM builds them: Close sorted oldest first, min-max scaled on
// the first 65% of rows, windows of 100 days before each training target and each test target
// (the test windows are the validation data, as in the reference notebook and in the app).
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
  const windows = (from, to) => {
    const count = to - from;
    const inputs = new Float32Array(count * window);
    const targets = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      inputs.set(scaled.slice(from + i - window, from + i), i * window);
      targets[i] = scaled[from + i];
    }
    return { inputs, targets, count };
  };
  return { train: windows(window, trainEnd), test: windows(trainEnd, prices.length), window };
}
