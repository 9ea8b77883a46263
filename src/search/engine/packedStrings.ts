/**
 * Many strings kept as two typed arrays, their UTF-16 code units back to back and where each starts, and a
 * hash table over them. Pure: no `vscode` import.
 *
 * Why not an array of strings: the search index's vocabulary and the catalog's ids and citation keys would be one
 * heap object per string, all made at once when a cached catalog is read, and all surviving; V8's young-generation
 * collections copy every surviving object, so the pauses grow with the catalog, and no slicing of the loading loop
 * avoids them (the CHANGELOG has the figures). Packed, the strings are two arrays read from the cache file as they are
 * (./serialize.ts); a string is made only when one is asked for, and comparing, prefix tests and lookups
 * read the code units in place.
 */
import type { Steps } from '../../shared/cooperative';

/** Strings handled between pauses when packing or hashing. */
const STRINGS_PER_STEP = 4096;

export class PackedStrings {
  /** How many strings. */
  readonly size: number;

  constructor(
    /** Every string's UTF-16 code units, in order. */
    readonly units: Uint16Array,
    /** String i is `units[starts[i], starts[i + 1])`. Length: size + 1. */
    readonly starts: Uint32Array,
  ) {
    this.size = starts.length - 1;
  }

  /** String i, made now. */
  at(i: number): string {
    const { units, starts } = this;
    const from = starts[i];
    const to = starts[i + 1];
    // 1024 code units a call (one call for nearly every string): `apply` with tens of thousands of arguments
    // would overflow the stack.
    let text = '';
    for (let at = from; at < to; at += 1024) text += String.fromCharCode.apply(null, units.subarray(at, Math.min(to, at + 1024)) as unknown as number[]);
    return text;
  }

  /** The length of string i in code units. */
  lengthOf(i: number): number {
    return this.starts[i + 1] - this.starts[i];
  }

  /** Negative, zero or positive as string i sorts before, equal to or after `value` in code-unit order (as `<` does). */
  compare(i: number, value: string): number {
    const { units } = this;
    const from = this.starts[i];
    const length = this.starts[i + 1] - from;
    const common = Math.min(length, value.length);
    for (let k = 0; k < common; k++) {
      const difference = units[from + k] - value.charCodeAt(k);
      if (difference !== 0) return difference;
    }
    return length - value.length;
  }

  startsWith(i: number, prefix: string): boolean {
    const { units } = this;
    const from = this.starts[i];
    if (this.starts[i + 1] - from < prefix.length) return false;
    for (let k = 0; k < prefix.length; k++) if (units[from + k] !== prefix.charCodeAt(k)) return false;
    return true;
  }

  /** Whether string i starts with `lowerPrefix` (in lower case) when lower-cased, as `toLowerCase` would; ASCII is compared in place. */
  startsWithLowerCase(i: number, lowerPrefix: string): boolean {
    const { units } = this;
    const from = this.starts[i];
    const length = this.starts[i + 1] - from;
    for (let k = 0; k < lowerPrefix.length; k++) {
      // Past the end, or a character whose lower case may be longer or differ from ASCII's rule: lower-case the string.
      if (k >= length || units[from + k] > 0x7f) return this.at(i).toLowerCase().startsWith(lowerPrefix);
      const unit = units[from + k];
      const lower = unit >= 0x41 && unit <= 0x5a ? unit + 0x20 : unit;
      if (lower !== lowerPrefix.charCodeAt(k)) return false;
    }
    return true;
  }

  equals(i: number, value: string): boolean {
    return this.lengthOf(i) === value.length && this.startsWith(i, value);
  }

  /** Whether strings i and j are equal. */
  sameAt(i: number, j: number): boolean {
    const { units, starts } = this;
    const length = starts[i + 1] - starts[i];
    if (starts[j + 1] - starts[j] !== length) return false;
    for (let k = 0; k < length; k++) if (units[starts[i] + k] !== units[starts[j] + k]) return false;
    return true;
  }
}

/** `count` strings, string i being `stringAt(i)`, packed in steps of a few thousand strings. */
export function* packStringSteps(count: number, stringAt: (i: number) => string): Steps<PackedStrings> {
  const starts = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    if (i % STRINGS_PER_STEP === 0) yield;
    starts[i + 1] = starts[i] + stringAt(i).length;
  }
  const units = new Uint16Array(starts[count]);
  for (let i = 0; i < count; i++) {
    if (i % STRINGS_PER_STEP === 0) yield;
    const text = stringAt(i);
    const from = starts[i];
    for (let k = 0; k < text.length; k++) units[from + k] = text.charCodeAt(k);
  }
  return new PackedStrings(units, starts);
}

/** FNV-1a over the code units of `text`; `hashAt` gives the same number for the same packed string. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let k = 0; k < text.length; k++) hash = Math.imul(hash ^ text.charCodeAt(k), 0x01000193);
  return hash >>> 0;
}

function hashAt(strings: PackedStrings, i: number): number {
  const { units, starts } = strings;
  let hash = 0x811c9dc5;
  for (let k = starts[i]; k < starts[i + 1]; k++) hash = Math.imul(hash ^ units[k], 0x01000193);
  return hash >>> 0;
}

/**
 * The position of each string of a `PackedStrings`, found by its text: an open-addressing hash table of
 * positions, at most half full, so a lookup reads one or two slots. The first of equal strings is found.
 */
export class StringLookup {
  private constructor(
    private readonly strings: PackedStrings,
    /** Positions plus one; 0 is an empty slot. Its length is a power of two. */
    private readonly slots: Uint32Array,
  ) {}

  /** The table for `strings`, built in steps of a few thousand strings. */
  static *build(strings: PackedStrings): Steps<StringLookup> {
    let capacity = 2;
    while (capacity < 2 * strings.size) capacity *= 2;
    const slots = new Uint32Array(capacity);
    const mask = capacity - 1;
    for (let i = 0; i < strings.size; i++) {
      if (i % STRINGS_PER_STEP === 0) yield;
      let slot = hashAt(strings, i) & mask;
      while (slots[slot] !== 0 && !strings.sameAt(slots[slot] - 1, i)) slot = (slot + 1) & mask;
      if (slots[slot] === 0) slots[slot] = i + 1;
    }
    return new StringLookup(strings, slots);
  }

  /** The position of `text`, or -1. */
  find(text: string): number {
    const { slots, strings } = this;
    const mask = slots.length - 1;
    for (let slot = hashOf(text) & mask; slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (strings.equals(slots[slot] - 1, text)) return slots[slot] - 1;
    }
    return -1;
  }
}
