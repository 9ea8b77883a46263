import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { runToEnd } from '../../src/shared/cooperative';
import { packStringSteps, StringLookup, type PackedStrings } from '../../src/search/engine/packedStrings';

const pack = (strings: readonly string[]): PackedStrings => runToEnd(packStringSteps(strings.length, (i) => strings[i]));

/** Any UTF-16 text, lone surrogates included: ids and words are compared by code unit, like `<` does. */
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: fc.constantFrom('a', 'B', 'z', 'Z', '@', '[', 'İ', 'ß', 'K'), maxLength: 6 }));

describe('PackedStrings', () => {
  it('gives back every string, the empty one and ones longer than a call can spread', () => {
    const strings = ['', 'a', 'ünïcödé', '𝔘𝔫𝔦', 'x'.repeat(5000), 'é'.repeat(1025), ''];
    const packed = pack(strings);
    assert.equal(packed.size, strings.length);
    strings.forEach((value, i) => {
      assert.equal(packed.at(i), value);
      assert.equal(packed.lengthOf(i), value.length);
    });
  });

  it('compares, tests prefixes and equality in place exactly as JavaScript strings do', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 20 }), text, (strings, value) => {
        const packed = pack(strings);
        strings.forEach((string, i) => {
          assert.equal(Math.sign(packed.compare(i, value)), string < value ? -1 : string > value ? 1 : 0);
          assert.equal(packed.startsWith(i, value), string.startsWith(value));
          assert.equal(packed.equals(i, value), string === value);
          const lowerValue = value.toLowerCase();
          assert.equal(packed.startsWithLowerCase(i, lowerValue), string.toLowerCase().startsWith(lowerValue));
          strings.forEach((other, j) => assert.equal(packed.sameAt(i, j), string === other));
        });
      }),
      { numRuns: 200 },
    );
  });
});

describe('StringLookup', () => {
  it('finds the position of every string, the first of equal ones, and nothing else', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 60 }), text, (strings, probe) => {
        const lookup = runToEnd(StringLookup.build(pack(strings)));
        strings.forEach((string) => assert.equal(lookup.find(string), strings.indexOf(string)));
        assert.equal(lookup.find(probe), strings.indexOf(probe));
      }),
      { numRuns: 300 },
    );
  });

  it('finds each of a catalog-sized set of ids', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `paper-${i}-${'é'.repeat(i % 3)}`);
    const lookup = runToEnd(StringLookup.build(pack(ids)));
    ids.forEach((id, i) => assert.equal(lookup.find(id), i, id));
    assert.equal(lookup.find('paper-50000-'), -1);
    assert.equal(lookup.find(''), -1);
  });
});
