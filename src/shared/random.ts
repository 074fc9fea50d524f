/**
 * mulberry32: a small, fast, seedable PRNG with a 32-bit state, for everything that must give the
 * same answer twice (the simulator's draws, bootstrap resamples, permutation tests).
 */

/** The next state. */
export function nextRandomState(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The output of a state, in [0, 1). */
export function randomUnit(state: number): number {
  let t = Math.imul(state ^ (state >>> 15), state | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Numbers in [0, 1) from a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => randomUnit((state = nextRandomState(state)));
}

/** 32-bit FNV-1a of text, continuing from `hash` (the offset basis by default): a seed from a name. */
export function fnv1a(text: string, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
