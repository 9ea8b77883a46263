import { strict as assert } from 'node:assert';
import { describeIdentifier, parseIdentifier } from '../../src/online/identifier';

describe('online identifiers', () => {
  const cases: [string, ReturnType<typeof parseIdentifier>][] = [
    ['arXiv:2310.19694', { kind: 'arxiv', id: '2310.19694' }],
    ['arxiv: 2310.19694', { kind: 'arxiv', id: '2310.19694' }],
    ['2310.19694v2', { kind: 'arxiv', id: '2310.19694', version: 'v2' }],
    ['  2310.19694  ', { kind: 'arxiv', id: '2310.19694' }],
    ['0704.0001', { kind: 'arxiv', id: '0704.0001' }],
    ['1412.6980v9', { kind: 'arxiv', id: '1412.6980', version: 'v9' }],
    ['hep-th/9901001', { kind: 'arxiv', id: 'hep-th/9901001' }],
    ['math.GT/0309136v2', { kind: 'arxiv', id: 'math.GT/0309136', version: 'v2' }],
    ['https://arxiv.org/abs/2310.19694', { kind: 'arxiv', id: '2310.19694' }],
    ['https://arxiv.org/abs/hep-ex/0307015v1', { kind: 'arxiv', id: 'hep-ex/0307015', version: 'v1' }],
    ['http://arxiv.org/pdf/2310.19694v1.pdf', { kind: 'arxiv', id: '2310.19694', version: 'v1' }],
    ['https://arxiv.org/pdf/2310.19694', { kind: 'arxiv', id: '2310.19694' }],
    ['https://export.arxiv.org/abs/1706.03762?context=cs', { kind: 'arxiv', id: '1706.03762' }],
    ['<https://arxiv.org/abs/1706.03762>', { kind: 'arxiv', id: '1706.03762' }],
    ['https://huggingface.co/papers/2509.04664', { kind: 'arxiv', id: '2509.04664' }],
    ['10.1145/3292500.3330701', { kind: 'doi', doi: '10.1145/3292500.3330701' }],
    ['doi:10.1002/PSSC.201200953', { kind: 'doi', doi: '10.1002/pssc.201200953' }],
    ['https://doi.org/10.1002/pssc.201200953', { kind: 'doi', doi: '10.1002/pssc.201200953' }],
    ['https://dx.doi.org/10.1016%2Fs0019-9958(58)90082-2', { kind: 'doi', doi: '10.1016/s0019-9958(58)90082-2' }],
    ['10.1000/xyz123.', { kind: 'doi', doi: '10.1000/xyz123' }],
    // arXiv's own DOIs go to arXiv, which has the abstract.
    ['10.48550/arXiv.1706.03762', { kind: 'arxiv', id: '1706.03762' }],
  ];
  for (const [input, expected] of cases) {
    it(`reads ${JSON.stringify(input)}`, () => assert.deepEqual(parseIdentifier(input), expected));
  }

  // Typed words and half-typed ids stay local: never an online lookup.
  for (const input of ['attention is all you need', '2310.1969', '2310.196941', '1413.12345', '0612.1234', '2313.12345', 'hopfield', '10.1000', 'arXiv:', 'https://example.com/abs/2310.19694', 'https://arxiv.org/list/cs.LG/recent', '', 'doi:10.1000/a b']) {
    it(`leaves ${JSON.stringify(input)} alone`, () => assert.equal(parseIdentifier(input), undefined));
  }

  it('names identifiers in messages', () => {
    assert.equal(describeIdentifier({ kind: 'arxiv', id: '2310.19694', version: 'v2' }), 'arXiv:2310.19694v2');
    assert.equal(describeIdentifier({ kind: 'doi', doi: '10.1000/x' }), 'doi:10.1000/x');
  });
});
