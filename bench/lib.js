// Measuring helpers shared by the benchmarks: warm-up, rounds, median and spread.
import { performance } from "node:perf_hooks";

/** Median of the samples. */
export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Spread as the interquartile range over the median, so that it reads as a fraction of the
 * figure: (max - min) made a thousand rounds of ten requests read ±400% over one stalled round.
 */
export function spread(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.round(q * (sorted.length - 1))];
  return (at(0.75) - at(0.25)) / median(samples);
}

/**
 * Times `fn` called `iterations` times per round, after `warmup` rounds; returns nanoseconds per
 * call for each round. Subject and baseline are interleaved by the caller so that drift in the
 * machine's speed hits both alike.
 */
export function timeRounds(fn, { iterations, warmup = 3, rounds = 9 }) {
  for (let i = 0; i < warmup; i += 1) for (let j = 0; j < iterations; j += 1) fn();
  const samples = [];
  for (let i = 0; i < rounds; i += 1) {
    const started = performance.now();
    for (let j = 0; j < iterations; j += 1) fn();
    samples.push(((performance.now() - started) * 1e6) / iterations);
  }
  return samples;
}

/**
 * Interleaves rounds of two functions (subject, baseline), each round timed as `iterations` calls,
 * in alternating order (neither always runs first, or always after the other's garbage): the
 * rounds pair up for `row({ paired: true })`.
 */
export function compare(subject, baseline, options) {
  const [s, b] = [[], []];
  const rounds = options.rounds ?? 9;
  timeRounds(subject, { ...options, rounds: 0 });
  timeRounds(baseline, { ...options, rounds: 0 });
  const once = (fn, into) => into.push(...timeRounds(fn, { ...options, warmup: 0, rounds: 1 }));
  for (let i = 0; i < rounds; i += 1) {
    if (i % 2 === 0) {
      once(subject, s);
      once(baseline, b);
    } else {
      once(baseline, b);
      once(subject, s);
    }
  }
  return { subject: s, baseline: b };
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same orders on every run. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A copy of `items` in random order (Fisher-Yates). */
export function shuffled(items, random) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/**
 * A result row for the report; `higherIsBetter` for rates (requests per second), where the target is a floor.
 * `paired`: the samples were taken side by side, round by round, and the ratio is the median of
 * the per-round ratios (robust to load drifting between rounds) rather than the ratio of medians.
 */
export function row({ figure, subject, baseline, unit, subjectSamples, baselineSamples, target, higherIsBetter = false, note, ifMissed, paired = false }) {
  const ratio = paired ? median(subjectSamples.map((value, i) => value / baselineSamples[i])) : median(subjectSamples) / median(baselineSamples);
  return {
    figure,
    subject,
    baseline,
    unit,
    subjectMedian: median(subjectSamples),
    subjectSpread: spread(subjectSamples),
    baselineMedian: median(baselineSamples),
    baselineSpread: spread(baselineSamples),
    ratio,
    target,
    higherIsBetter,
    met: target === undefined ? undefined : higherIsBetter ? ratio >= target : ratio <= target,
    note,
    ifMissed,
  };
}
